import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** A queue as the kombu peer declares it (`Queue(name, Exchange(exchange, type), routing_key)`). */
export interface PeerQueueSpec {
  readonly name: string;
  /** Default: the queue name. `null` = no exchange. */
  readonly exchange?: string | null;
  readonly type?: "direct" | "topic" | "fanout";
  /** Default: the queue name. */
  readonly routing_key?: string;
  /** `Queue(expires=)` in seconds. */
  readonly expires?: number;
}

/** One message as kombu's consumer saw it. */
export interface PeerMessage {
  readonly queue: string;
  readonly body_b64: string;
  readonly headers: Record<string, unknown>;
  readonly properties: Record<string, unknown>;
  readonly delivery_info: Record<string, unknown>;
  readonly delivery_tag: string;
  readonly content_type: string;
  readonly content_encoding: string;
}

/** kombu 5.x itself (conformance/python/reference/kombu_peer.py), driven request by request. */
export class KombuPeer {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private stderr = "";
  private exited = false;

  private constructor(private readonly child: ChildProcess) {}

  /** Starts a peer on `url` with kombu `transport_options`; `venv` picks the kombu line (`.venv` = 5.7). */
  static async start(url: string, transportOptions: Record<string, unknown> = {}, venv = ".venv"): Promise<KombuPeer> {
    const child = spawn(
      path.join(ROOT, venv, "bin", "python"),
      [path.join(ROOT, "conformance/python/reference/kombu_peer.py"), url, JSON.stringify(transportOptions)],
      {
        cwd: ROOT,
        env: { ...process.env, PYTHONUNBUFFERED: "1" },
        stdio: ["pipe", "pipe", "pipe"],
      },
    );
    const peer = new KombuPeer(child);
    child.stderr?.on("data", (d: Buffer) => (peer.stderr += d.toString()));
    const ready = new Promise<void>((resolve, reject) => {
      child.once("exit", (code) => {
        peer.exited = true;
        const error = new Error(`kombu peer exited (${code}): ${peer.stderr}`);
        reject(error);
        for (const w of peer.waiting.values()) w.reject(error);
        peer.waiting.clear();
      });
      const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
      lines.on("line", (line) => {
        const msg = JSON.parse(line) as { ready?: boolean; id?: number; ok?: boolean; result?: unknown; error?: string };
        if (msg.ready === true) {
          resolve();
          return;
        }
        const w = peer.waiting.get(msg.id as number);
        if (w === undefined) return;
        peer.waiting.delete(msg.id as number);
        if (msg.ok === true) w.resolve(msg.result);
        else w.reject(new Error(`kombu peer: ${msg.error}`));
      });
    });
    await ready;
    return peer;
  }

  call<T = unknown>(op: string, args: Record<string, unknown> = {}): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`kombu peer has exited: ${this.stderr}`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.stdin?.write(`${JSON.stringify({ id, op, ...args })}\n`);
    });
  }

  publish(args: {
    exchange?: string;
    type?: string;
    routing_key: string;
    body: unknown;
    headers?: Record<string, unknown>;
    priority?: number;
    declare?: PeerQueueSpec[];
  }): Promise<void> {
    return this.call("publish", args);
  }

  consume(args: {
    queues: PeerQueueSpec[];
    count: number;
    timeout?: number;
    ack?: "ack" | "reject" | "requeue" | "keep";
    no_ack?: boolean;
  }): Promise<PeerMessage[]> {
    return this.call("consume", args);
  }

  /** Exits without restoring its unacked deliveries (a crashed worker). */
  async abandon(): Promise<void> {
    await this.call("abandon");
    await this.exit();
  }

  async close(): Promise<void> {
    if (this.exited) return;
    await this.call("close").catch(() => undefined);
    await this.exit();
  }

  private async exit(): Promise<void> {
    if (this.exited || this.child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.child.kill("SIGKILL"), 5000);
      this.child.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
