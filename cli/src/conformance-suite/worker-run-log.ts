/** One task run of our conformance worker: its name, its request (`peer.request`'s fields), and its value or its error. */
export interface WorkerRun {
  readonly task: string;
  readonly request: Readonly<Record<string, unknown>>;
  /** The value returned; absent when the task raised. */
  readonly result?: unknown;
  readonly error?: { readonly type: string; readonly message: string };
  /** When the run ended (ms since the epoch). */
  readonly at: number;
}

/**
 * The runs of the peer tasks on our worker during a session, so that a case can wait for a task it did not send
 * itself (celery-beat-to-ts: sent by the Celery peer's beat).
 */
export class WorkerRunLog {
  private readonly runs: WorkerRun[] = [];
  private readonly waiters = new Set<() => void>();

  record(run: WorkerRun): void {
    this.runs.push(run);
    for (const wake of this.waiters) wake();
  }

  /** The first run `match` accepts. */
  find(match: (run: WorkerRun) => boolean): WorkerRun | undefined {
    return this.runs.find(match);
  }

  /** The first run `match` accepts, waiting for it at most `timeoutMs`; null when none came. */
  async waitFor(match: (run: WorkerRun) => boolean, timeoutMs: number): Promise<WorkerRun | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.find(match);
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0) return null;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, left);
        this.waiters.add(done);
      });
    }
  }
}
