import type { TransportEvent } from "../transport.js";
import type { CompiledRedisOptions } from "./compile-redis-options.js";
import type { RestoreVisibleResult } from "./restore-visible.js";

/**
 * kombu's Redis ack emulation needs a sweeper: deliveries left unacknowledged longer than `visibility_timeout` (a
 * consumer that died) go back to their queues. kombu sweeps when a consumer starts and then every
 * `unacked_restore_interval × unacked_restore_throttle` seconds (10 × 10 by default); so does the transport, from its
 * first acknowledging consumer until it closes. What was restored, or why a sweep failed, is reported as an event.
 */
export class RestoreSweep {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly sweep: () => Promise<RestoreVisibleResult>,
    private readonly options: CompiledRedisOptions,
    private readonly onEvent: (event: TransportEvent) => void,
  ) {}

  /** Sweeps now and then periodically; does nothing once started. */
  start(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => this.run(), this.options.restoreSweepSeconds * 1000);
    this.timer.unref();
    this.run();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private run(): void {
    this.sweep().then(
      (r) => {
        if (r.restored > 0) this.onEvent({ type: "restored", restored: r.restored });
      },
      (e: unknown) => {
        if (this.timer !== null) this.onEvent({ type: "error", error: new Error(`restore of unacknowledged messages failed: ${(e as Error).message}`) });
      },
    );
  }
}
