// Helpers of the worker-control-* / worker-events-* conformance tests: the real Celery CLI and Python processes.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../..");

export interface PythonEnv {
  readonly brokerUrl: string;
  readonly resultBackend: string;
  readonly queue?: string;
}

function environment(env: PythonEnv): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PYTHONPATH: path.join(ROOT, "conformance/python"),
    PYTHONUNBUFFERED: "1",
    CONFORMANCE_BROKER_URL: env.brokerUrl,
    CONFORMANCE_RESULT_BACKEND: env.resultBackend,
    ...(env.queue ? { CONFORMANCE_QUEUE: env.queue, CONFORMANCE_PRIORITY_QUEUE: `${env.queue}-priority` } : {}),
  };
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `celery -A conformance_app <args>` of a venv to completion. */
export function runCelery(env: PythonEnv, args: readonly string[], venv = ".venv", extraEnv: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return runProcess(path.join(ROOT, venv, "bin", "celery"), ["-A", "conformance_app", ...args], env, extraEnv);
}

/** Runs `python <script> <args>` of a venv to completion. */
export function runPython(env: PythonEnv, script: string, args: readonly string[], venv = ".venv"): Promise<CliResult> {
  return runProcess(path.join(ROOT, venv, "bin", "python"), [path.join(ROOT, script), ...args], env);
}

function runProcess(command: string, args: readonly string[], env: PythonEnv, extraEnv: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...environment(env), ...extraEnv }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs async jobs with at most `limit` at a time (Python start-up is CPU-bound). */
export async function runLimited<T>(jobs: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, jobs.length) }, async () => {
      while (next < jobs.length) {
        const i = next++;
        results[i] = await jobs[i]!();
      }
    }),
  );
  return results;
}

/** A long-running Python process whose output is collected and awaited line by line. */
export class PythonProcess {
  stdout = "";
  stderr = "";
  private readonly exited: Promise<number | null>;

  private constructor(readonly child: ChildProcess) {
    child.stdout?.on("data", (d: Buffer) => (this.stdout += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  }

  static start(env: PythonEnv, command: "celery" | "python", args: readonly string[], venv = ".venv"): PythonProcess {
    const bin = path.join(ROOT, venv, "bin", command);
    const child = spawn(bin, command === "celery" ? ["-A", "conformance_app", ...args] : args, {
      cwd: ROOT,
      env: environment(env),
      stdio: ["ignore", "pipe", "pipe"],
    });
    return new PythonProcess(child);
  }

  /** Waits until stdout+stderr match `pattern`; fails with the output if the process exits or time runs out. */
  async waitFor(pattern: RegExp, timeoutMs: number, stream: "stdout" | "both" = "both"): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = stream === "stdout" ? this.stdout : this.stdout + this.stderr;
      const match = pattern.exec(text);
      if (match !== null) return match;
      if (this.child.exitCode !== null) throw new Error(`process exited (${this.child.exitCode}) before ${pattern}:\n${this.stdout}\n${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${this.stdout}\n${this.stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Sends a signal (default SIGTERM) and waits for the exit (SIGKILL after 10 s). */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill(signal);
      const timer = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
      const code = await this.exited;
      clearTimeout(timer);
      return code;
    }
    return this.exited;
  }

  wait(): Promise<number | null> {
    return this.exited;
  }
}
