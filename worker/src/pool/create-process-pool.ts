import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import type { TraceCarrier } from "../../../sdk/src/tracing/trace-carrier.js";
import type { RegisteredTask } from "../app/task-registry.js";
import { WorkerLostError } from "../errors/task-control-errors.js";
import type { TaskRequest } from "../request/task-request.js";
import type { ExecutionHooks, ExecutionLimits, ExecutionOutcome, ExecutionPool } from "./execution-pool.js";
import type { ChildMessage } from "./ipc-messages.js";
import { fromIpcValue, toIpcValue } from "./ipc-value.js";
import { PoolChild, type PoolChildSpawn } from "./pool-child.js";
import type { PoolJob } from "./pool-job.js";
import { checkConcurrency, compileProcessPoolOptions, type CompiledProcessPoolOptions, type ProcessPoolOptions } from "./process-pool-options.js";
import { activeLimit } from "./run-with-limits.js";
import { describeExitStatus, normalizeSignal } from "./signal-names.js";
import { fromWireError, toWireError } from "./wire-error.js";
import { fromWireOutcome } from "./wire-outcome.js";

/**
 * Celery's prefork pool for Node: `concurrency` child processes (`child_process.fork`, IPC channel) each load the task
 * module and run one task at a time. Because a task runs in its own process, a hard time limit stops anything —
 * even a synchronous CPU loop — by killing the process (SIGKILL), and a crash loses only that task
 * (`worker-lost`); either way a fresh process takes its place, so the pool keeps its size.
 *
 * Runs beyond the free processes wait in a FIFO inside the pool (the consumer's prefetch bounds them).
 */
export class ProcessPool implements ExecutionPool {
  readonly implementation = "process";
  private readonly options: CompiledProcessPoolOptions;
  private readonly spawnSpec: PoolChildSpawn;
  /** The processes that count towards the size (starting, idle, busy). */
  private readonly children: PoolChild[] = [];
  /** Every process not yet exited, retired ones included. */
  private readonly living = new Set<PoolChild>();
  private readonly queue: PoolJob[] = [];
  private target: number;
  private nextJobId = 0;
  /** Processes started so far: the `<n>` of `ForkPoolWorker-<n>`, as billiard numbers them. */
  private spawned = 0;
  private closing: Promise<void> | null = null;
  private broken: CeleryProtoError | null = null;
  private readyWaiters: Array<{ readonly resolve: () => void; readonly reject: (error: unknown) => void }> = [];
  private drainedWaiters: Array<() => void> = [];

  constructor(options: ProcessPoolOptions) {
    this.options = compileProcessPoolOptions(options);
    this.target = this.options.concurrency;
    this.spawnSpec = {
      entry: this.options.childEntry,
      args: [JSON.stringify({ taskModule: this.options.taskModule, softTimeLimitGraceMs: this.options.softTimeLimitGraceMs })],
      execArgv: this.options.execArgv,
      env: this.options.env,
    };
    this.ensureSize();
  }

  get concurrency(): number {
    return this.target;
  }

  pids(): readonly number[] {
    return this.children.map((child) => child.pid).filter((pid) => pid > 0);
  }

  /** `stats` → `pool` fields as Celery's prefork pool reports them (C:celery/concurrency/prefork.py `_get_info`). */
  info(): Readonly<Record<string, unknown>> {
    const [soft, hard] = this.options.timeouts;
    return {
      "max-tasks-per-child": this.options.maxTasksPerChild ?? "N/A",
      timeouts: [soft ?? 0, hard ?? 0],
    };
  }

  /** Resolves when every process has loaded the task module; rejects (InvalidOption, naming `taskModule`) if one could not. */
  ready(): Promise<void> {
    if (this.broken !== null) return Promise.reject(this.broken);
    if (this.children.every((child) => child.state !== "starting")) return Promise.resolve();
    return new Promise<void>((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  /**
   * Runs `task.name` in a pool process. Task errors, kills and crashes are outcomes; the promise rejects only after
   * `close()` or when the task module can no longer be loaded (an `InvalidOption` error naming `taskModule`).
   */
  run(task: RegisteredTask, request: TaskRequest, limits: ExecutionLimits, hooks: ExecutionHooks): Promise<ExecutionOutcome> {
    if (this.closing !== null) return Promise.reject(new CeleryProtoError("InvalidOption", "process pool: run() after close()"));
    if (this.broken !== null) return Promise.reject(this.broken);
    let wireRequest: unknown;
    try {
      wireRequest = toIpcValue(request);
    } catch (error) {
      return Promise.resolve({ kind: "failure", error, runtimeSeconds: 0 });
    }
    return new Promise<ExecutionOutcome>((resolve, reject) => {
      const job: PoolJob = {
        id: this.nextJobId++,
        task,
        request,
        wireRequest,
        limits,
        hooks,
        resolve,
        reject,
        acceptedAt: null,
        timers: [],
        killOutcome: null,
        done: false,
      };
      this.queue.push(job);
      this.pump();
    });
  }

  /**
   * `revoke --terminate`: sends `signal` to the process running the task; when it dies the run resolves
   * `{kind: "terminated", signal}` and a new process replaces it. SIGUSR1 is billiard's soft-timeout signal: it raises
   * `SoftTimeLimitExceeded` in the task instead of killing. A queued run is withdrawn at once. Throws `InvalidOption`
   * for an unknown signal.
   */
  terminate(taskId: string, signal: string): boolean {
    const name = normalizeSignal(signal);
    const queued = this.queue.findIndex((job) => job.request.id === taskId);
    if (queued !== -1) {
      const [job] = this.queue.splice(queued, 1);
      if (job !== undefined) this.settle(job, { kind: "terminated", signal: name });
      this.notifyDrained();
      return true;
    }
    const child = this.children.find((c) => c.job !== null && !c.job.done && c.job.request.id === taskId);
    const job = child?.job;
    if (child === undefined || job == null) return false;
    if (name === "SIGUSR1") {
      child.send({ type: "soft-limit", jobId: job.id });
      return true;
    }
    job.killOutcome = { kind: "terminated", signal: name };
    child.kill(name);
    return true;
  }

  /** Grows at once; shrinks by retiring idle processes now and busy ones when their task ends (never killing a task). */
  resize(concurrency: number): void {
    this.target = checkConcurrency(concurrency);
    for (const child of [...this.children].reverse()) {
      if (this.children.length <= this.target) break;
      if (child.state !== "busy") this.retire(child);
    }
    this.ensureSize();
    this.pump();
  }

  /** Stops taking runs, lets accepted runs (running and queued) finish, then stops the processes. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.drainedWaiters.push(resolve);
      this.notifyDrained();
    });
    for (const child of [...this.children]) this.retire(child);
    await Promise.all([...this.living].map((child) => child.whenExited()));
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const child = this.children.find((c) => c.state === "idle");
      const job = child === undefined ? undefined : this.queue.shift();
      if (child === undefined || job === undefined) return;
      child.state = "busy";
      child.job = job;
      const trace = traceCarrierOf(job);
      child.send({ type: "run", jobId: job.id, task: job.task.name, request: job.wireRequest, ...(trace === undefined ? {} : { trace }) });
    }
  }

  private ensureSize(): void {
    if (this.broken !== null) return;
    if (this.closing !== null && this.queue.length === 0) return;
    while (this.children.length < this.target) {
      this.spawned += 1;
      const child = new PoolChild(`ForkPoolWorker-${this.spawned}`, this.spawnSpec, {
        onMessage: (c, message) => this.onMessage(c, message),
        onExit: (c, code, signal) => this.onExit(c, code, signal),
      });
      this.children.push(child);
      if (!child.exited) this.living.add(child);
    }
  }

  private onMessage(child: PoolChild, message: ChildMessage): void {
    switch (message.type) {
      case "ready":
        // Retired while loading: the exit request may have arrived before the child listened; ask again.
        if (child.state === "retired") child.send({ type: "exit" });
        if (child.state !== "starting") return;
        child.state = "idle";
        if (this.children.length > this.target || this.broken !== null || (this.closing !== null && this.queue.length === 0)) this.retire(child);
        this.notifyReady();
        this.pump();
        return;
      case "load-failed":
        this.markBroken(fromWireError(message.error));
        return;
      case "accepted":
        if (child.job?.id === message.jobId) this.onAccepted(child, child.job);
        return;
      case "update-state":
        this.onUpdateState(child, message.jobId, message.seq, message.state, message.meta);
        return;
      case "outcome": {
        const job = child.job;
        if (job === null || job.id !== message.jobId) return;
        child.job = null;
        child.tasksRun += 1;
        this.settle(job, fromWireOutcome(message.outcome, errorClassesOf(job.task)));
        this.afterJob(child, message.rssKiB ?? 0);
        return;
      }
    }
  }

  private onAccepted(child: PoolChild, job: PoolJob): void {
    job.acceptedAt = performance.now();
    try {
      job.hooks.onAccepted(child.pid);
    } catch {
      // The consumer's bookkeeping must not stop the execution.
    }
    const soft = activeLimit(job.limits.soft);
    const hard = activeLimit(job.limits.hard);
    if (soft !== null) {
      job.timers.push(
        setTimeout(() => {
          if (job.done) return;
          this.options.onSoftTimeLimit?.(job.request, soft);
          child.send({ type: "soft-limit", jobId: job.id });
        }, soft * 1000),
      );
    }
    if (hard !== null) {
      job.timers.push(
        setTimeout(() => {
          if (job.done || child.job !== job) return;
          job.killOutcome = { kind: "time-limit", seconds: hard, runtimeSeconds: runtimeOf(job) };
          child.kill("SIGKILL");
        }, hard * 1000),
      );
    }
  }

  private onUpdateState(child: PoolChild, jobId: number, seq: number, state: string, meta: unknown): void {
    const job = child.job;
    const reply = (error: unknown): void => child.send({ type: "update-state-done", jobId, seq, error: error === null ? null : toWireError(error) });
    if (job === null || job.id !== jobId) {
      reply(new CeleryProtoError("InvalidOption", "updateState: the task's run has already ended"));
      return;
    }
    let decoded: unknown;
    try {
      decoded = fromIpcValue(meta);
    } catch (error) {
      reply(error);
      return;
    }
    job.hooks.onUpdateState(state, decoded).then(
      () => reply(null),
      (error: unknown) => reply(error),
    );
  }

  private onExit(child: PoolChild, code: number | null, signal: NodeJS.Signals | null): void {
    this.living.delete(child);
    const index = this.children.indexOf(child);
    if (index !== -1) this.children.splice(index, 1);
    const job = child.job;
    child.job = null;
    // billiard logs every exit but a clean one, a retirement and `revoke --terminate` (C:billiard/pool.py
    // `terminate_job` marks that one `_controlled_termination`); a hard time limit's kill is logged too.
    const unasked = child.state !== "retired" && job?.killOutcome?.kind !== "terminated";
    if (unasked && (signal !== null || (code ?? 0) !== 0)) this.options.onProcessExited?.(child.name, child.pid, describeExitStatus(code, signal));
    if (job !== null && !job.done) {
      this.settle(
        job,
        job.killOutcome ?? {
          kind: "worker-lost",
          error: new WorkerLostError(`Worker exited prematurely: ${describeExitStatus(code, signal)} Job: ${job.id}.`),
          runtimeSeconds: runtimeOf(job),
        },
      );
    }
    if (child.state === "starting" && index !== -1 && this.broken === null) {
      this.markBroken(
        new CeleryProtoError(
          "InvalidOption",
          `taskModule: a pool process exited (${describeExitStatus(code, signal)}) while loading ${JSON.stringify(this.options.taskModule)}`,
        ),
      );
      return;
    }
    this.ensureSize();
    this.pump();
    this.notifyReady();
    this.notifyDrained();
  }

  private afterJob(child: PoolChild, rssKiB: number): void {
    const max = this.options.maxTasksPerChild;
    const maxMemory = this.options.maxMemoryPerChild;
    const overMemory = maxMemory !== null && rssKiB > maxMemory;
    if (overMemory) this.options.onMaxMemoryExceeded?.(rssKiB, maxMemory);
    const closingIdle = this.closing !== null && this.queue.length === 0;
    if ((max !== null && child.tasksRun >= max) || overMemory || this.children.length > this.target || closingIdle || this.broken !== null) {
      this.retire(child);
    } else {
      child.state = "idle";
    }
    this.ensureSize();
    this.pump();
    this.notifyDrained();
  }

  /** Takes a process out of the pool and asks it to exit; it is killed if it has not after `exitTimeoutMs`. */
  private retire(child: PoolChild): void {
    const index = this.children.indexOf(child);
    if (index !== -1) this.children.splice(index, 1);
    child.state = "retired";
    if (child.exited) return;
    const timer = setTimeout(() => child.kill("SIGKILL"), this.options.exitTimeoutMs);
    void child.whenExited().then(() => clearTimeout(timer));
    child.send({ type: "exit" });
  }

  private settle(job: PoolJob, outcome: ExecutionOutcome): void {
    if (job.done) return;
    job.done = true;
    for (const timer of job.timers) clearTimeout(timer);
    job.timers = [];
    job.resolve(outcome);
  }

  private markBroken(error: Error): void {
    if (this.broken !== null) return;
    this.broken = CeleryProtoError.is(error) ? error : new CeleryProtoError("InvalidOption", error.message, { cause: error });
    for (const job of this.queue.splice(0)) {
      job.done = true;
      job.reject(this.broken);
    }
    // Busy processes finish their task first (afterJob retires them).
    for (const child of [...this.children]) if (child.state !== "busy") this.retire(child);
    this.notifyReady();
    this.notifyDrained();
  }

  private notifyReady(): void {
    if (this.readyWaiters.length === 0) return;
    if (this.broken === null && this.children.some((child) => child.state === "starting")) return;
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const waiter of waiters) {
      if (this.broken === null) waiter.resolve();
      else waiter.reject(this.broken);
    }
  }

  private notifyDrained(): void {
    if (this.drainedWaiters.length === 0) return;
    if (this.queue.length > 0 || this.children.some((child) => child.job !== null)) return;
    const waiters = this.drainedWaiters;
    this.drainedWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** Starts the pool's processes at once; `await pool.ready()` to know the task module loaded in all of them. */
export function createProcessPool(options: ProcessPoolOptions): ProcessPool {
  return new ProcessPool(options);
}

/** The `run` span's context for the child; none without tracing, or if the hook fails (the task runs untraced). */
function traceCarrierOf(job: PoolJob): TraceCarrier | undefined {
  try {
    return job.hooks.traceCarrier?.();
  } catch {
    return undefined;
  }
}

function runtimeOf(job: PoolJob): number {
  return job.acceptedAt === null ? 0 : (performance.now() - job.acceptedAt) / 1000;
}

/** Classes a rebuilt child error may take the prototype of: the task's `autoretryFor` classes. */
function errorClassesOf(task: RegisteredTask): readonly unknown[] {
  return task.options.autoretryFor.filter((entry) => typeof entry === "function");
}
