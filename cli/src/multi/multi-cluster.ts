import { spawn } from "node:child_process";
import { openSync, closeSync } from "node:fs";
import path from "node:path";
import { isAlive, readPid } from "../worker-flags/acquire-pidfile.js";
import type { MultiNode } from "./parse-multi-argv.js";

/** How `proto multi` starts a worker and reports progress (the command passes the CLI's own executable). */
export interface MultiClusterOptions {
  /** The program and the arguments before `worker` (e.g. `[process.execPath, ...process.execArgv, bin/proto.js]`). */
  readonly executable: readonly string[];
  /** Writes a progress line (no newline added). */
  readonly write: (text: string) => void;
  readonly cwd?: string;
  /** How long `start` waits for a node's pidfile. Default 30 s. */
  readonly startTimeoutMs?: number;
  /** `stopwait`: pause between liveness checks. Default 250 ms (Celery's retry is 2 s). */
  readonly pollMs?: number;
}

/**
 * Celery's `Cluster` (C:celery/apps/multi.py) for `proto worker` nodes: starts them detached (each writes its pidfile
 * and logs to its logfile), signals them through their pidfiles, and waits for them to exit; the lines written are
 * Celery's (`> Starting nodes...`, `\t> w1@host: OK`, `> Stopping nodes...`, `\t> w1@host: TERM -> 1234`).
 */
export class MultiCluster {
  constructor(
    private readonly nodes: readonly MultiNode[],
    private readonly options: MultiClusterOptions,
  ) {}

  /** The command line of each node (`show`). */
  commandLines(): string[] {
    return this.nodes.map((node) => [...this.options.executable, "worker", ...node.argv].map(quote).join(" "));
  }

  /** Starts every node; resolves to the number that failed (0: all wrote their pidfile). */
  async start(): Promise<number> {
    this.note("> Starting nodes...\n");
    let failed = 0;
    for (const node of this.nodes) {
      this.note(`\t> ${node.name}: `);
      const ok = await this.startNode(node);
      this.note(`${ok ? "OK" : "FAILED"}\n`);
      if (!ok) failed += 1;
    }
    return failed;
  }

  /** Sends `signal` to every running node and returns at once. */
  async stop(signal: NodeJS.Signals): Promise<void> {
    const running = await this.runningNodes();
    if (running.length === 0) return;
    this.note("> Stopping nodes...\n");
    for (const { node, pid } of running) {
      this.note(`\t> ${node.name}: ${signal.slice(3)} -> ${pid}\n`);
      this.send(node, pid, signal);
    }
  }

  /** Sends `signal` to every running node and waits until each has exited; `onDown` is called for each as it goes. */
  async stopwait(signal: NodeJS.Signals, onDown?: (node: MultiNode) => Promise<void>): Promise<void> {
    const running = await this.runningNodes(onDown);
    if (running.length === 0) return;
    this.note("> Stopping nodes...\n");
    const waiting = new Map<MultiNode, number>();
    for (const { node, pid } of running) {
      this.note(`\t> ${node.name}: ${signal.slice(3)} -> ${pid}\n`);
      if (this.send(node, pid, signal)) waiting.set(node, pid);
      else await onDown?.(node);
    }
    if (waiting.size === 0) return;
    this.note(`> Waiting for ${waiting.size} ${waiting.size === 1 ? "node" : "nodes"} -> ${[...waiting.values()].join(", ")}...`);
    while (waiting.size > 0) {
      await sleep(this.options.pollMs ?? 250);
      this.note(".");
      for (const [node, pid] of waiting) {
        if (isAlive(pid)) continue;
        waiting.delete(node);
        this.note(`\n\t> ${node.name}: OK\n`);
        await onDown?.(node);
        if (waiting.size > 0) this.note(`> Waiting for ${waiting.size} ${waiting.size === 1 ? "node" : "nodes"} -> ${[...waiting.values()].join(", ")}...`);
      }
    }
    this.note("\n");
  }

  /** `restart`: stopwait, then start each node as it goes down; resolves to the number that failed to start. */
  async restart(signal: NodeJS.Signals): Promise<number> {
    let failed = 0;
    await this.stopwait(signal, async (node) => {
      this.note(`> Restarting node ${node.name}: `);
      const ok = await this.startNode(node);
      this.note(`${ok ? "OK" : "FAILED"}\n`);
      if (!ok) failed += 1;
    });
    return failed;
  }

  /** `kill`: SIGKILL to every running node (the pidfiles stay, as after any kill). */
  async kill(): Promise<void> {
    for (const { node, pid } of await this.runningNodes()) {
      this.note(`Sending SIGKILL to node ${node.name} (${pid})\n`);
      this.send(node, pid, "SIGKILL");
    }
  }

  /** Nodes whose pidfile names a pid; the others are reported DOWN (or handed to `onDown`, as Celery's restart does). */
  private async runningNodes(onDown?: (node: MultiNode) => Promise<void>): Promise<{ node: MultiNode; pid: number }[]> {
    const running: { node: MultiNode; pid: number }[] = [];
    for (const node of this.nodes) {
      const pid = readPid(this.resolve(node.pidfile));
      if (typeof pid === "number") running.push({ node, pid });
      else if (onDown !== undefined) await onDown(node);
      else this.note(`> ${node.name}: DOWN\n`);
    }
    return running;
  }

  private send(node: MultiNode, pid: number, signal: NodeJS.Signals): boolean {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      this.note(`Could not signal ${node.name} (${pid}): No such process\n`);
      return false;
    }
  }

  /** Spawns the node detached, its output appended to its logfile; true once its pidfile names it. */
  private async startNode(node: MultiNode): Promise<boolean> {
    const [program = process.execPath, ...args] = this.options.executable;
    const out = openSync(this.resolve(node.logfile.replace(/%I/g, "")), "a");
    let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    try {
      const child = spawn(program, [...args, "worker", ...node.argv], {
        cwd: this.options.cwd ?? process.cwd(),
        detached: true,
        stdio: ["ignore", out, out],
      });
      child.once("exit", (code, signal) => (exited = { code, signal }));
      child.unref();
      const deadline = Date.now() + (this.options.startTimeoutMs ?? 30_000);
      while (Date.now() < deadline) {
        if (readPid(this.resolve(node.pidfile)) === child.pid) return true;
        if (exited !== null) {
          const how: { code: number | null; signal: NodeJS.Signals | null } = exited;
          this.note(how.signal === null ? `\n* Child terminated with exit code ${how.code}\n` : `\n* Child was terminated by signal ${how.signal}\n`);
          return false;
        }
        await sleep(100);
      }
      return false;
    } finally {
      closeSync(out);
    }
  }

  private resolve(file: string): string {
    return path.resolve(this.options.cwd ?? process.cwd(), file);
  }

  private note(text: string): void {
    this.options.write(text);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Shell-quotes an argument for `show` when it needs it. */
function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}
