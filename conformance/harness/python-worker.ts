import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");

export interface PythonWorkerOptions {
  readonly brokerUrl: string;
  readonly resultBackend: string;
  /** Queue the worker consumes (its app's default queue too). */
  readonly queue: string;
  /** Which venv: `.venv` (latest Celery) or `.venv-5.3`. */
  readonly venv?: string;
  readonly pool?: "solo" | "prefork" | "threads";
  readonly concurrency?: number;
  readonly nodeName?: string;
  readonly events?: boolean;
  readonly extraEnv?: Readonly<Record<string, string>>;
  /** Celery app to run (`-A`); default the conformance app. */
  readonly app?: string;
  /** PYTHONPATH for the app; default `conformance/python`. */
  readonly pythonPath?: string;
  /** More `celery worker` arguments, e.g. `["--prefetch-multiplier", "1"]`. */
  readonly extraArgs?: readonly string[];
}

/** A real Celery worker running the conformance app, started for a test and stopped after it. */
export class PythonWorker {
  private output = "";
  private constructor(private readonly child: ChildProcess) {
    child.stdout?.on("data", (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (this.output += d.toString()));
  }

  static async start(options: PythonWorkerOptions): Promise<PythonWorker> {
    const venv = options.venv ?? ".venv";
    const celery = path.join(ROOT, venv, "bin", "celery");
    if (!existsSync(celery)) throw new Error(`${celery} is missing: run bash scripts/setup/python.sh`);
    const args = [
      "-A",
      options.app ?? "conformance_app",
      "worker",
      "-P",
      options.pool ?? "solo",
      "-c",
      String(options.concurrency ?? 1),
      "-Q",
      options.queue,
      "-n",
      options.nodeName ?? `conformance-${process.pid}-${Date.now()}@%h`,
      "--without-mingle",
      "--without-gossip",
      "-l",
      "INFO",
    ];
    if (options.events === true) args.push("-E");
    args.push(...(options.extraArgs ?? []));
    const child = spawn(celery, args, {
      cwd: ROOT,
      env: {
        ...process.env,
        PYTHONPATH: options.pythonPath ?? path.join(ROOT, "conformance/python"),
        PYTHONUNBUFFERED: "1",
        CONFORMANCE_BROKER_URL: options.brokerUrl,
        CONFORMANCE_RESULT_BACKEND: options.resultBackend,
        CONFORMANCE_QUEUE: options.queue,
        ...options.extraEnv,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const worker = new PythonWorker(child);
    await worker.waitFor(/ready\./, 60_000);
    return worker;
  }

  /** Everything the worker has printed so far. */
  get log(): string {
    return this.output;
  }

  async waitFor(pattern: RegExp, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.output)) {
      if (this.child.exitCode !== null) throw new Error(`celery worker exited (${this.child.exitCode}):\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`celery worker did not print ${pattern} within ${timeoutMs} ms:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
