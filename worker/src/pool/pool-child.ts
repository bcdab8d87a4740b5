import { fork, type ChildProcess } from "node:child_process";
import { CHILD_MESSAGE_TYPES, isPoolMessage, type ChildMessage, type ParentMessage } from "./ipc-messages.js";
import type { PoolJob } from "./pool-job.js";

/** How to start a pool process. */
export interface PoolChildSpawn {
  /** The child entry module (pool-child-main). */
  readonly entry: string;
  readonly args: readonly string[];
  readonly execArgv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
}

export interface PoolChildListeners {
  onMessage(child: PoolChild, message: ChildMessage): void;
  /** Exactly once per child, also when it could not be started. */
  onExit(child: PoolChild, code: number | null, signal: NodeJS.Signals | null): void;
}

/** The parent's handle on one pool process: lifecycle state, the job it runs, and the IPC channel. */
export class PoolChild {
  /** starting: loading the task module; idle/busy: serving; retired: asked to exit, no longer counted. */
  state: "starting" | "idle" | "busy" | "retired" = "starting";
  job: PoolJob | null = null;
  tasksRun = 0;
  exited = false;
  private readonly process: ChildProcess;
  private readonly exitPromise: Promise<void>;

  /** `name`: billiard's process name, `ForkPoolWorker-<n>` (logged when the process dies unasked). */
  constructor(
    readonly name: string,
    spawn: PoolChildSpawn,
    listeners: PoolChildListeners,
  ) {
    this.process = fork(spawn.entry, [...spawn.args], {
      execArgv: [...spawn.execArgv],
      env: spawn.env,
      serialization: "advanced",
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let markExited: () => void = () => undefined;
    this.exitPromise = new Promise<void>((resolve) => (markExited = resolve));
    const exit = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (this.exited) return;
      this.exited = true;
      markExited();
      listeners.onExit(this, code, signal);
    };
    this.process.on("message", (message: unknown) => {
      if (isPoolMessage<ChildMessage>(message, CHILD_MESSAGE_TYPES)) listeners.onMessage(this, message);
    });
    this.process.once("exit", exit);
    // A spawn failure emits "error" and possibly no "exit"; a failed send is followed by "exit" anyway.
    this.process.on("error", () => {
      if (this.process.pid === undefined) exit(null, null);
    });
  }

  /** The OS pid (-1 if the process could not be started). */
  get pid(): number {
    return this.process.pid ?? -1;
  }

  /** Resolves once the process has exited (or could not be started). */
  whenExited(): Promise<void> {
    return this.exitPromise;
  }

  send(message: ParentMessage): void {
    if (this.exited || !this.process.connected) return;
    this.process.send(message, (error) => {
      // The channel closed under us: the exit handler reports the job.
      if (error !== null) this.process.kill("SIGKILL");
    });
  }

  kill(signal: NodeJS.Signals): boolean {
    if (this.exited) return false;
    return this.process.kill(signal);
  }
}
