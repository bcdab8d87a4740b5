/**
 * Celery's `LimitedSet` of task ids (C:celery/utils/collections.py): bounded in size and
 * age, oldest dropped first. The worker keeps its revoked ids (`maxlen=50000, expires=10800`) and its successful ones
 * (`CELERY_WORKER_SUCCESSFUL_MAX`, `CELERY_WORKER_SUCCESSFUL_EXPIRES`) in one. Timestamps are monotonic seconds
 * (floats), as the `hello` reply exchanges them. As in Celery, a `maxlen` or `expiresSeconds` of 0 is no limit.
 */
export class LimitedSet {
  private readonly entries = new Map<string, number>();

  constructor(
    readonly maxlen: number,
    readonly expiresSeconds: number,
    private readonly now: () => number = () => performance.timeOrigin / 1000 + performance.now() / 1000,
  ) {}

  add(id: string, at: number = this.now()): void {
    this.entries.delete(id);
    this.entries.set(id, at);
    this.purge();
  }

  has(id: string): boolean {
    const at = this.entries.get(id);
    if (at === undefined) return false;
    if (this.expiresSeconds > 0 && this.now() - at > this.expiresSeconds) {
      this.entries.delete(id);
      return false;
    }
    return true;
  }

  /** Ids, oldest first (`inspect revoked`). */
  ids(): string[] {
    this.purge();
    return [...this.entries.keys()];
  }

  /** `{id: timestamp}`, for persistence and the mingle `hello` exchange. */
  toJSON(): Record<string, number> {
    this.purge();
    return Object.fromEntries(this.entries);
  }

  /** Merges ids from a state file or another worker's `hello` reply. */
  update(entries: Readonly<Record<string, number>> | readonly string[]): void {
    if (Array.isArray(entries)) for (const id of entries) this.add(id);
    else for (const [id, at] of Object.entries(entries)) if (!this.entries.has(id)) this.add(id, at);
  }

  get size(): number {
    return this.entries.size;
  }

  private purge(): void {
    const cutoff = this.expiresSeconds > 0 ? this.now() - this.expiresSeconds : -Infinity;
    for (const [id, at] of this.entries) {
      if ((this.maxlen > 0 && this.entries.size > this.maxlen) || at < cutoff) this.entries.delete(id);
      else break;
    }
  }
}
