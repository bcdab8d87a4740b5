import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** One `Scheduler: Sending due task` line of a beat log (Celery's format, which `proto beat` follows). */
export interface BeatSend {
  readonly at: number;
  readonly entry: string;
  readonly task: string;
}

/** Reads Celery-style log lines: `[2025-01-31 04:00:00,123: INFO/MainProcess] Scheduler: Sending due task e (t)`. */
export function parseBeatSends(log: string): BeatSend[] {
  const out: BeatSend[] = [];
  const re = /\[(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d),(\d{3}): INFO\/MainProcess\] Scheduler: Sending due task (\S+) \((\S+)\)/gu;
  for (const m of log.matchAll(re)) {
    const [y, mo, d, h, mi, s, ms] = m.slice(1, 8).map(Number) as [number, number, number, number, number, number, number];
    out.push({ at: new Date(y, mo - 1, d, h, mi, s, ms).getTime(), entry: m[8]!, task: m[9]! });
  }
  return out;
}

/** The task ids a beat logged at DEBUG level (`<task> sent. id-><id>`), in order; Celery and `proto beat` alike. */
export function parseSentIds(log: string, task: string): string[] {
  const re = new RegExp(`${task.replace(/\./gu, "\\.")} sent\\. id->([0-9a-f-]{36})`, "gu");
  return [...log.matchAll(re)].map((m) => m[1]!);
}

/** A `proto beat` started from source under tsx in its own process. */
export class ProtoBeatProcess {
  private output = "";
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(private readonly child: ChildProcess) {
    child.stdout?.on("data", (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((resolve) => child.once("close", (code, signal) => resolve({ code, signal })));
  }

  /** Starts `proto beat <args>` and resolves once it logged `beat: Starting...` (needs `-l info` or lower). */
  static async start(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<ProtoBeatProcess> {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "conformance/harness/run-proto-cli.ts"), "beat", ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const beat = new ProtoBeatProcess(child);
    await beat.waitFor(/beat: Starting\.\.\./u, 30_000);
    return beat;
  }

  get log(): string {
    return this.output;
  }

  get sends(): BeatSend[] {
    return parseBeatSends(this.output);
  }

  async waitFor(pattern: RegExp, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.output)) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) throw new Error(`proto beat exited (${this.child.exitCode ?? this.child.signalCode}) before ${pattern}:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`proto beat did not print ${pattern} within ${timeoutMs} ms:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  signal(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }

  async stop(graceMs = 10_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.signal("SIGTERM");
    const timer = setTimeout(() => this.signal("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
