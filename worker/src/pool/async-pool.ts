import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import type { RegisteredTask } from "../app/task-registry.js";
import { TimeLimitExceeded } from "../errors/task-control-errors.js";
import type { ExecutionHooks, ExecutionLimits, ExecutionOutcome, ExecutionPool } from "./execution-pool.js";
import { checkConcurrency } from "./process-pool-options.js";
import { activeLimit } from "./run-with-limits.js";
import { startLimitedRun, type LimitedRun } from "./start-limited-run.js";
import type { TaskRequest } from "../request/task-request.js";
import { createTaskContext } from "../execution/create-task-context.js";

export interface AsyncPoolOptions {
  /** Simultaneous executions. */
  readonly concurrency: number;
  /** Told when a soft time limit fires (the worker logs Celery's warning). Default: nothing. */
  readonly onSoftTimeLimit?: (request: TaskRequest, seconds: number) => void;
  /** After a soft limit, how long a handler may take to settle by itself (see `startLimitedRun`). Default 1000 ms. */
  readonly softTimeLimitGraceMs?: number;
}

interface Job {
  readonly task: RegisteredTask;
  readonly request: TaskRequest;
  readonly limits: ExecutionLimits;
  readonly hooks: ExecutionHooks;
  readonly resolve: (outcome: ExecutionOutcome) => void;
  run: LimitedRun | null;
}

/**
 * Runs handlers as promises in the worker process, at most `concurrency` at a time (Celery's closest analogue is the
 * threads pool). Limits, as the process pool's children apply them (`startLimitedRun`): the soft one aborts the
 * context's signal with `SoftTimeLimitExceeded` (raised at every signal-aware await, and by
 * `signal.throwIfAborted()`); the hard one resolves `time-limit` at once and abandons the promise — JS cannot stop
 * it, so CPU-bound code that never awaits needs the process pool. `terminate` ends a run the same way and withdraws
 * runs that have not started.
 */
export class AsyncPool implements ExecutionPool {
  readonly implementation = "async";
  private size: number;
  private readonly queue: Job[] = [];
  private readonly running = new Set<Job>();
  private closed = false;
  private idle: (() => void) | null = null;

  constructor(private readonly options: AsyncPoolOptions) {
    this.size = checkConcurrency(options.concurrency);
  }

  get concurrency(): number {
    return this.size;
  }

  pids(): readonly number[] {
    return [process.pid];
  }

  run(task: RegisteredTask, request: TaskRequest, limits: ExecutionLimits, hooks: ExecutionHooks): Promise<ExecutionOutcome> {
    if (this.closed) return Promise.reject(new CeleryProtoError("InvalidOption", "pool: run() after close()"));
    return new Promise<ExecutionOutcome>((resolve) => {
      this.queue.push({ task, request, limits, hooks, resolve, run: null });
      this.pump();
    });
  }

  terminate(taskId: string, signal: string): boolean {
    const queued = this.queue.findIndex((j) => j.request.id === taskId);
    if (queued >= 0) {
      this.queue.splice(queued, 1)[0]?.resolve({ kind: "terminated", signal });
      this.pump();
      return true;
    }
    const job = [...this.running].find((j) => j.request.id === taskId);
    if (job?.run == null) return false;
    const reason = new Error(`terminated by ${signal}`);
    reason.name = "Terminated";
    job.run.stop({ kind: "terminated", signal }, reason);
    return true;
  }

  resize(concurrency: number): void {
    this.size = checkConcurrency(concurrency);
    this.pump();
  }

  /** Stops taking runs and resolves once every accepted run (started or queued) has ended. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.running.size === 0 && this.queue.length === 0) return;
    await new Promise<void>((resolve) => (this.idle = resolve));
  }

  private pump(): void {
    while (this.running.size < this.size && this.queue.length > 0) {
      const job = this.queue.shift();
      if (job !== undefined) this.start(job);
    }
    if (this.running.size === 0 && this.queue.length === 0 && this.idle !== null) {
      const idle = this.idle;
      this.idle = null;
      idle();
    }
  }

  private start(job: Job): void {
    this.running.add(job);
    try {
      job.hooks.onAccepted(process.pid);
    } catch {
      // The consumer's bookkeeping must not stop the execution.
    }
    const run = startLimitedRun(
      (signal) => {
        const call = (): unknown =>
          job.task.handler(
            job.request.args,
            job.request.kwargs,
            createTaskContext(job.task, job.request, signal, (state, meta) => job.hooks.onUpdateState(state, meta)),
          );
        return job.hooks.within === undefined ? call() : job.hooks.within(call);
      },
      this.options.softTimeLimitGraceMs === undefined ? {} : { softTimeLimitGraceMs: this.options.softTimeLimitGraceMs },
    );
    job.run = run;
    const timers: NodeJS.Timeout[] = [];
    const soft = activeLimit(job.limits.soft);
    const hard = activeLimit(job.limits.hard);
    if (soft !== null) {
      timers.push(
        setTimeout(() => {
          this.options.onSoftTimeLimit?.(job.request, soft);
          run.softLimit();
        }, soft * 1000),
      );
    }
    if (hard !== null) {
      timers.push(
        setTimeout(() => run.stop({ kind: "time-limit", seconds: hard, runtimeSeconds: run.runtimeSeconds() }, new TimeLimitExceeded(hard)), hard * 1000),
      );
    }
    void run.outcome.then((outcome) => {
      for (const timer of timers) clearTimeout(timer);
      this.running.delete(job);
      job.resolve(outcome);
      this.pump();
    });
  }
}
