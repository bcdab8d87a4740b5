/**
 * Sends Celery events (§6 of the protocol digest): `task-*` events when events are enabled, `worker-*` always when
 * enabled, on `celeryev` (topic on AMQP, fanout on Redis), with the common fields added (hostname, utcoffset, pid,
 * clock, timestamp) and the Lamport clock advanced.
 */
export interface EventDispatcher {
  /**
   * Whether task events are currently sent (`-E`, `enable_events` / `disable_events`). While false the worker does not
   * build the `task-*` events of its hot path (received, started, succeeded), as `send` would drop them.
   */
  readonly enabled: boolean;
  setEnabled(enabled: boolean): void;
  /** Sends one event; `fields` are the type-specific fields. Never throws: failures are logged. */
  send(type: string, fields: Readonly<Record<string, unknown>>): void;
  /** Sends what is buffered and resolves once every event sent so far has been handed to the broker. Optional. */
  flush?(): Promise<void>;
  close(): Promise<void>;
}

/** A dispatcher that sends nothing (events disabled and no transport). */
export const NO_EVENTS: EventDispatcher = {
  enabled: false,
  setEnabled() {},
  send() {},
  async close() {},
};
