// Shared by operator-cli.test.ts: one Python Celery worker and one `proto worker` on the same broker, each consuming
// a common queue plus a private one, and a runner for `proto <command>` processes (from source, as a user runs them).
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { ProtoWorkerProcess } from "../harness/proto-worker-process.js";
import { PythonProcess, ROOT, type CliResult, type PythonEnv } from "./worker-control-python.js";

export interface WorkerPair {
  readonly queue: string;
  readonly pyNode: string;
  readonly tsNode: string;
  readonly python: PythonProcess;
  readonly ts: ProtoWorkerProcess;
}

/** Starts both workers with task events on: Python on `<queue>,<queue>-py` (threads pool, so its pidbox answers while a task runs), ours on `<queue>,<queue>-ts`. */
export async function startWorkerPair(env: PythonEnv & { readonly queue: string }, tag: string): Promise<WorkerPair> {
  const pyNode = `ops-py-${tag}@testhost`;
  const tsNode = `ops-ts-${tag}@testhost`;
  const python = PythonProcess.start(env, "celery", [
    "worker",
    "-P",
    "threads",
    "-c",
    "2",
    "-Q",
    `${env.queue},${env.queue}-py`,
    "-n",
    pyNode,
    "-E",
    "--without-mingle",
    "--without-gossip",
    "-l",
    "INFO",
  ]);
  const [ts] = await Promise.all([
    ProtoWorkerProcess.start([
      "-A",
      "conformance/ts-tasks/conformance-tasks.ts",
      "-l",
      "info",
      "-Q",
      `${env.queue},${env.queue}-ts`,
      "-c",
      "2",
      "-n",
      tsNode,
      "-E",
      "--without-mingle",
      "--broker",
      env.brokerUrl,
      "--backend",
      env.resultBackend,
    ]),
    python.waitFor(/ready\./, 60_000),
  ]);
  return { queue: env.queue, pyNode, tsNode, python, ts };
}

/** A long-running `proto` process (events), its output collected. */
export class ProtoProcess {
  stdout = "";
  stderr = "";
  readonly exited: Promise<number | null>;

  constructor(private readonly child: ChildProcess) {
    child.stdout?.on("data", (d: Buffer) => (this.stdout += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) => child.once("close", (code) => resolve(code)));
  }

  static start(args: readonly string[], env: Readonly<Record<string, string>> = {}): ProtoProcess {
    return new ProtoProcess(
      spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "conformance/harness/run-proto-cli.ts"), ...args], {
        cwd: ROOT,
        env: { ...process.env, ...env },
        stdio: ["ignore", "pipe", "pipe"],
      }),
    );
  }

  async waitFor(test: (stdout: string) => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!test(this.stdout)) {
      if (this.child.exitCode !== null) throw new Error(`proto exited (${this.child.exitCode}):\n${this.stdout}\n${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`proto output incomplete after ${timeoutMs} ms:\n${this.stdout}\n${this.stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** SIGINT (as Ctrl-C), then the exit code. */
  async interrupt(): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill("SIGINT");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

/** Runs `proto <args>` to completion. */
export async function runProto(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<CliResult> {
  const p = ProtoProcess.start(args, env);
  const code = await p.exited;
  return { code, stdout: p.stdout, stderr: p.stderr };
}

/** The `--json` line of a CLI's output (the last line). */
export function lastJson(r: CliResult): unknown {
  if (r.code !== 0) throw new Error(`exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").at(-1)!);
}

/**
 * The genuinely volatile parts of a reply, removed before comparing two snapshots of the same worker taken a moment
 * apart: the Lamport clock, uptime and resource usage in `stats`, and `clock`.
 */
export function normalise(method: string, reply: unknown): unknown {
  if (reply === null || typeof reply !== "object" || Array.isArray(reply)) return reply;
  const copy = { ...(reply as Record<string, unknown>) };
  if (method === "stats") for (const key of ["clock", "uptime", "rusage"]) delete copy[key];
  if (method === "clock") delete copy["clock"];
  return copy;
}

/** Type and keys, one level down: what "the same shape" means for a TS node's reply next to a Python node's. */
export function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return ["array", value.length === 0 ? "empty" : kind(value[0])];
  if (value !== null && typeof value === "object")
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, kind((value as Record<string, unknown>)[k])]),
    );
  return kind(value);
}

function kind(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (value === null) return "null";
  if (typeof value === "object") return `object(${Object.keys(value).sort().join(",")})`;
  return typeof value === "number" ? "number" : typeof value;
}

/** Runs several `proto` commands in one process, one after another (run-proto-cli-batch.ts). */
export async function runProtoBatch(batch: readonly (readonly string[])[], env: Readonly<Record<string, string>> = {}): Promise<CliResult[]> {
  const p = new ProtoProcess(
    spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "conformance/harness/run-proto-cli-batch.ts"), JSON.stringify(batch)], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    }),
  );
  const code = await p.exited;
  if (code !== 0) throw new Error(`proto batch exited ${code}:\n${p.stdout}\n${p.stderr}`);
  return JSON.parse(p.stdout.trim().split("\n").at(-1)!) as CliResult[];
}
