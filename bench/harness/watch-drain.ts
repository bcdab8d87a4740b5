import { type ChildProcess, spawn } from "node:child_process";
import { processTreeRssMb } from "./process-rss.js";
import { stopProcessTree } from "./stop-process-tree.js";

/** A worker process to start and how it tells the harness it is ready and that a task is done. */
export interface DrainProcess {
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Tasks to wait for. */
  readonly count: number;
  /**
   * "succeeded": count the worker's own `Task ...[id] succeeded in` log lines (Celery, `proto worker`, celery-node),
   * so no probe is added to the worker; "done": wait for a line `done` that the peer script prints after `count`.
   */
  readonly completion: "succeeded" | "done";
}

export interface DrainResult {
  readonly seconds: number;
  readonly rate: number;
  /** Highest sum of VmRSS over the worker's process tree, sampled every 100 ms from ready to done. */
  readonly peakRssMb: number;
}

const READY = /ready\./;
const SUCCEEDED = /\] succeeded in /;
const RSS_INTERVAL_MS = 100;
/** A worker that prints nothing for this long has hung (the Celery-protocol workers print per task). */
const SILENCE_LIMIT_MS = 120_000;

/**
 * Starts the worker on an already filled queue and times it from its "ready." line to the last task done. Both are
 * seen by the harness reading the worker's output, so every contender pays the same pipe delay at both ends.
 */
export async function watchDrain(spec: DrainProcess, cwd: string): Promise<DrainResult> {
  const child = spawn(spec.command, [...spec.args], { cwd, env: { ...process.env, ...spec.env }, stdio: ["ignore", "pipe", "pipe"] });
  const tail: string[] = [];
  let readyAt: number | null = null;
  let doneAt: number | null = null;
  let succeeded = 0;
  let peak = 0;
  let lastLineAt = performance.now();
  const onLine = (line: string): void => {
    lastLineAt = performance.now();
    if (tail.push(line) > 40) tail.shift();
    if (readyAt === null && READY.test(line)) readyAt = performance.now();
    if (spec.completion === "succeeded" ? SUCCEEDED.test(line) && ++succeeded >= spec.count : line === "done") doneAt ??= performance.now();
  };
  readLines(child, onLine);
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const sampler = setInterval(() => {
    if (readyAt !== null && child.pid !== undefined) peak = Math.max(peak, processTreeRssMb(child.pid));
  }, RSS_INTERVAL_MS);
  try {
    while (doneAt === null) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${spec.command} exited before it was done:\n${tail.join("\n")}`);
      if (performance.now() - lastLineAt > SILENCE_LIMIT_MS)
        throw new Error(`${spec.command} printed nothing for ${SILENCE_LIMIT_MS / 1000} s:\n${tail.join("\n")}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    peak = Math.max(peak, processTreeRssMb(child.pid as number));
  } finally {
    clearInterval(sampler);
    await stopProcessTree(child, exited);
  }
  if (readyAt === null) throw new Error(`${spec.command} finished without printing "ready.":\n${tail.join("\n")}`);
  const seconds = ((doneAt as number) - readyAt) / 1000;
  return { seconds, rate: spec.count / seconds, peakRssMb: peak };
}

function readLines(child: ChildProcess, onLine: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    let carry = "";
    stream?.setEncoding("utf8");
    stream?.on("data", (chunk: string) => {
      const lines = (carry + chunk).split("\n");
      carry = lines.pop() as string;
      for (const line of lines) onLine(line);
    });
  }
}
