import { CeleryProtoError } from "../../errors/celery-proto-error.js";

/**
 * Bounds what waits for the broker while the command connection is down. ioredis queues commands until it is back;
 * this gate counts unresolved publishes and refuses a new one with `BufferOverflow` when the connection is not ready
 * and `max` are already waiting. While the connection is ready nothing is refused (Redis answers, so nothing piles up).
 */
export class PublishGate {
  private pending = 0;

  constructor(
    private readonly max: number,
    private readonly isReady: () => boolean,
  ) {}

  /** How many publishes are waiting for a reply. */
  get waiting(): number {
    return this.pending;
  }

  async run<T>(publish: () => Promise<T>): Promise<T> {
    if (!this.isReady() && this.pending >= this.max) {
      throw new CeleryProtoError(
        "BufferOverflow",
        `${this.pending} publishes are already waiting for the Redis connection to come back; raise maxBufferedPublishes (now ${this.max}) to buffer more`,
      );
    }
    this.pending++;
    try {
      return await publish();
    } finally {
      this.pending--;
    }
  }
}
