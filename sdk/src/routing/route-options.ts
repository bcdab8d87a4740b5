import type { ExchangeType } from "../config/celery-settings.js";
import type { QueueSpec } from "../transport/queue-spec.js";

/** A delivery mode as Celery takes it: 1 / `"transient"` or 2 / `"persistent"`. */
export type DeliveryModeSetting = 1 | 2 | "transient" | "persistent";

/**
 * Routing options by Celery's names, as a route dict holds them and as `send_task` passes them to the router. A
 * `null`/`undefined` value counts as unset. Other keys (Celery passes every `apply_async` option through) are kept.
 */
export interface RouteOptions {
  readonly queue?: string | null;
  readonly exchange?: string | null;
  readonly routing_key?: string | null;
  readonly exchange_type?: ExchangeType | null;
  readonly priority?: number | null;
  readonly delivery_mode?: DeliveryModeSetting | null;
  readonly [option: string]: unknown;
}

/** What the router hands to `resolveDestination`: the options with `queue` looked up in the queue table. */
export interface RoutedOptions {
  readonly queue?: QueueSpec;
  readonly exchange?: string | null;
  readonly routing_key?: string | null;
  readonly exchange_type?: ExchangeType | null;
  readonly priority?: number | null;
  readonly delivery_mode?: DeliveryModeSetting | null;
  readonly [option: string]: unknown;
}
