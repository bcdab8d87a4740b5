import type { RawTaskParts } from "../../../sdk/src/codec/task/raw-task-parts.js";
import type { Delivery } from "../../../sdk/src/transport/transport.js";
import type { ConsumerHandle, TrackedDelivery } from "./queue-consumers.js";

/** The count of a consumer's deliveries handed to the worker and not settled yet. */
export interface InFlightCount extends ConsumerHandle {
  inFlight: number;
  /** Called when `inFlight` drops to 0, while someone waits for that. */
  drained: (() => void) | null;
}

/**
 * A transport delivery handed to the worker, counted in its consumer's `inFlight` until it is settled once (ack,
 * reject, or abandoned when the broker took it back). One object per message, as the worker holds one per task in
 * the prefetch window.
 */
export class InFlightDelivery implements TrackedDelivery {
  private isSettled = false;

  constructor(
    private readonly delivery: Delivery,
    readonly source: InFlightCount,
  ) {
    source.inFlight += 1;
  }

  get message(): RawTaskParts {
    return this.delivery.message;
  }

  get queue(): string {
    return this.delivery.queue;
  }

  get settled(): boolean {
    return this.isSettled;
  }

  ack(): Promise<void> {
    if (this.isSettled) return Promise.resolve();
    this.isSettled = true;
    return this.counted(this.delivery.ack());
  }

  reject(requeue: boolean): Promise<void> {
    if (this.isSettled) return Promise.resolve();
    this.isSettled = true;
    return this.counted(this.delivery.reject(requeue));
  }

  abandon(): void {
    if (this.isSettled) return;
    this.isSettled = true;
    this.done();
  }

  /** `settling`, leaving the in-flight count once it is done either way. */
  private counted(settling: Promise<void>): Promise<void> {
    return settling.then(
      () => this.done(),
      (e: unknown) => {
        this.done();
        throw e;
      },
    );
  }

  private done(): void {
    const source = this.source;
    source.inFlight -= 1;
    if (source.inFlight === 0) source.drained?.();
  }
}
