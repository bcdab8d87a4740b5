import { reprException } from "../logging/repr-exception.js";
import type { WorkerLogger } from "../logging/worker-logger.js";
import type { WorkerEventListener, WorkerEventMap, WorkerEventName } from "./worker-event-map.js";

interface Registration<E extends WorkerEventName> {
  readonly listener: WorkerEventListener<E>;
  readonly once: boolean;
}

type Registrations = { [E in WorkerEventName]?: readonly Registration<E>[] };

/**
 * The worker's typed lifecycle events (Celery's signals). Listeners run synchronously, in registration order, where
 * the worker emits; one that throws (or returns a promise that rejects) is logged with the event's name and the
 * others still run, as Celery's `Signal.send` logs a failing receiver: a listener never breaks the worker or a task.
 * Emitters check `has(name)` first so that no payload is built while nobody listens.
 */
export class WorkerEventEmitter {
  private registrations: Registrations = {};

  constructor(private readonly logger: WorkerLogger) {}

  on<E extends WorkerEventName>(name: E, listener: WorkerEventListener<E>): this {
    return this.add(name, { listener, once: false });
  }

  once<E extends WorkerEventName>(name: E, listener: WorkerEventListener<E>): this {
    return this.add(name, { listener, once: true });
  }

  /** Removes the last registration of `listener` for `name` (as Node's `EventEmitter.off`). */
  off<E extends WorkerEventName>(name: E, listener: WorkerEventListener<E>): this {
    const list = this.list(name);
    for (let at = list.length - 1; at >= 0; at--) {
      if (list[at]?.listener !== listener) continue;
      this.set(name, [...list.slice(0, at), ...list.slice(at + 1)]);
      break;
    }
    return this;
  }

  listenerCount(name: WorkerEventName): number {
    return this.registrations[name]?.length ?? 0;
  }

  has(name: WorkerEventName): boolean {
    return this.registrations[name] !== undefined;
  }

  emit<E extends WorkerEventName>(name: E, event: WorkerEventMap[E]): void {
    const list = this.registrations[name] as readonly Registration<E>[] | undefined;
    if (list === undefined) return;
    if (list.some((r) => r.once))
      this.set(
        name,
        list.filter((r) => !r.once),
      );
    for (const { listener } of list) {
      try {
        const returned = listener(event);
        if (returned instanceof Promise) returned.catch((e: unknown) => this.report(name, e));
      } catch (e) {
        this.report(name, e);
      }
    }
  }

  private add<E extends WorkerEventName>(name: E, registration: Registration<E>): this {
    this.set(name, [...this.list(name), registration]);
    return this;
  }

  private list<E extends WorkerEventName>(name: E): readonly Registration<E>[] {
    return (this.registrations[name] as readonly Registration<E>[] | undefined) ?? [];
  }

  /** Lists are replaced, never mutated, so an emit in progress keeps the listeners it started with. */
  private set<E extends WorkerEventName>(name: E, list: readonly Registration<E>[]): void {
    const next: Registrations = { ...this.registrations };
    if (list.length === 0) delete next[name];
    else (next as { [K in E]?: readonly Registration<K>[] })[name] = list;
    this.registrations = next;
  }

  private report(name: WorkerEventName, error: unknown): void {
    try {
      this.logger.error(`Listener for worker event "${name}" raised: ${reprException(error)}`, error);
    } catch {
      // A logger that throws must not break the worker either.
    }
  }
}
