import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");

/**
 * A long-running `proto <command>` (worker, beat) in its own process, as a user runs it: from source under tsx, or
 * the built `bin/proto.js`.
 */
export class ProtoCliProcess {
  private output = "";
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  protected constructor(
    private readonly child: ChildProcess,
    private readonly command: string,
  ) {
    child.stdout?.on("data", (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (this.output += d.toString()));
    // "close", not "exit": everything it printed has been read by then.
    this.exited = new Promise((resolve) => child.once("close", (code, signal) => resolve({ code, signal })));
  }

  /** Spawns `proto <command> <args>` with `env` added to this process's environment. */
  protected static launch(command: string, args: readonly string[], env: Readonly<Record<string, string>>): ChildProcess {
    return spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "conformance/harness/run-proto-cli.ts"), command, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
  }

  /** Spawns the built CLI, `node bin/proto.js <command> <args>` (dist/, as the installed package runs it). */
  protected static launchBuilt(command: string, args: readonly string[], env: Readonly<Record<string, string>>): ChildProcess {
    return spawn(process.execPath, [path.join(ROOT, "bin/proto.js"), command, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** stdout (banner, notices) and stderr (the log) so far. */
  get log(): string {
    return this.output;
  }

  /** Forgets the output so far, so `log` holds only what comes next (a long run's log stays bounded). */
  discardLog(): void {
    this.output = "";
  }

  async waitFor(pattern: RegExp, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.output)) {
      if (this.child.exitCode !== null || this.child.signalCode !== null)
        throw new Error(`proto ${this.command} exited (${this.child.exitCode ?? this.child.signalCode}) before ${pattern}:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`proto ${this.command} did not print ${pattern} within ${timeoutMs} ms:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Counts the lines matching `pattern`. */
  count(pattern: RegExp): number {
    return this.output.split("\n").filter((line) => pattern.test(line)).length;
  }

  signal(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }

  /** Makes sure it is gone (SIGKILL after `graceMs`). */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.signal("SIGTERM");
    const timer = setTimeout(() => this.signal("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
