// The conformance suite's Celery peer (conformance/peer/entrypoint.sh), started from the repository's venv for a
// live test: its worker (waits for Celery's `ready.`), its producer HTTP server (waits for GET /health) and its beat
// (waits for `beat: Starting...`).
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");

export interface CeleryPeerOptions {
  readonly brokerUrl: string;
  readonly resultBackend: string;
  readonly queue: string;
  /** `PEER_NODE_NAME` (`%h` expanded by Celery). */
  readonly nodeName: string;
  /** Which venv's python (default `.venv`, Celery 5.7). */
  readonly venv?: string;
  /** Further environment for every role (`PEER_CONFIG`, `CELERY_<SETTING>`...). */
  readonly env?: Readonly<Record<string, string>>;
}

/** One peer role's process; `log` is everything it printed. */
export class CeleryPeerProcess {
  private output = "";
  private constructor(
    private readonly child: ChildProcess,
    readonly role: string,
  ) {
    child.stdout?.on("data", (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (this.output += d.toString()));
  }

  get log(): string {
    return this.output;
  }

  static spawn(role: "worker" | "producer" | "beat", options: CeleryPeerOptions, extraEnv: Readonly<Record<string, string>> = {}): CeleryPeerProcess {
    const child = spawn("bash", [path.join(ROOT, "conformance/peer/entrypoint.sh"), role], {
      cwd: ROOT,
      env: {
        ...process.env,
        PEER_PYTHON: path.join(ROOT, options.venv ?? ".venv", "bin/python"),
        CELERY_BROKER_URL: options.brokerUrl,
        CELERY_RESULT_BACKEND: options.resultBackend,
        PEER_QUEUES: options.queue,
        PEER_NODE_NAME: options.nodeName,
        PEER_POOL: "prefork",
        PEER_CONCURRENCY: "4",
        PEER_WORKER_ARGS: "--without-mingle --without-gossip",
        ...options.env,
        ...extraEnv,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    return new CeleryPeerProcess(child, role);
  }

  /** The peer worker, once Celery printed `ready.`. */
  static async worker(options: CeleryPeerOptions): Promise<CeleryPeerProcess> {
    const p = CeleryPeerProcess.spawn("worker", options);
    await p.waitFor(() => /ready\./.test(p.output), 60_000, "ready.");
    return p;
  }

  /**
   * The peer's Celery beat with its default schedule (peer.echo("from-celery-beat") every 2 s) sending to `tsQueue`
   * (`PEER_BEAT_QUEUE`), once it logged `beat: Starting...`.
   */
  static async beat(options: CeleryPeerOptions, tsQueue: string): Promise<CeleryPeerProcess> {
    const p = CeleryPeerProcess.spawn("beat", options, { PEER_BEAT_QUEUE: tsQueue });
    await p.waitFor(() => /beat: Starting/.test(p.output), 60_000, "beat: Starting...");
    return p;
  }

  /** The peer producer on a free port, once `GET /health` answers ok; resolves with its URL too. */
  static async producer(options: CeleryPeerOptions): Promise<{ readonly process: CeleryPeerProcess; readonly url: string }> {
    const port = await freePort();
    const p = CeleryPeerProcess.spawn("producer", options, { PEER_PRODUCER_HOST: "127.0.0.1", PEER_PRODUCER_PORT: String(port) });
    const url = `http://127.0.0.1:${port}`;
    let healthy = false;
    await p.waitFor(
      () => {
        if (!healthy)
          void fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) })
            .then(async (r) => {
              healthy = r.ok && ((await r.json()) as { ok?: unknown }).ok === true;
            })
            .catch(() => undefined);
        return healthy;
      },
      30_000,
      "GET /health ok",
    );
    return { process: p, url };
  }

  private async waitFor(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (this.child.exitCode !== null) throw new Error(`peer ${this.role} exited (${this.child.exitCode}):\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`peer ${this.role}: no ${what} within ${timeoutMs} ms:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
