import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { connect as connectTls } from "node:tls";

/** A free TCP port on 127.0.0.1 (the OS picks it). */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * A redis-server of the test's own (`--save '' --appendonly no`: nothing survives a restart), so a test can stop
 * and restart it without touching the shared broker other suites use.
 */
export class PrivateRedisServer {
  private child: ChildProcess | null = null;
  private output = "";

  private constructor(
    readonly port: number,
    private readonly args: readonly string[],
    private readonly cleanup: () => void = () => undefined,
    private readonly tls = false,
  ) {}

  /** Starts one on `port` (default: a free port the OS picks). */
  static async start(extraArgs: readonly string[] = [], port?: number): Promise<PrivateRedisServer> {
    port ??= await findFreePort();
    const server = new PrivateRedisServer(port, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", ...extraArgs]);
    await server.startProcess();
    return server;
  }

  /**
   * A TLS-only redis-server (`--port 0 --tls-port`) with a fresh self-signed certificate for CN=localhost;
   * `caFile` is that certificate, to pass as `ssl_ca_certs`.
   */
  static async startTls(): Promise<PrivateRedisServer & { readonly caFile: string }> {
    const port = await findFreePort();
    const dir = mkdtempSync(path.join(tmpdir(), "celery-proto-tls-"));
    const cert = path.join(dir, "cert.pem");
    const key = path.join(dir, "key.pem");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        key,
        "-out",
        cert,
        "-days",
        "1",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=DNS:localhost",
      ],
      { stdio: "ignore" },
    );
    const args = [
      "--port",
      "0",
      "--tls-port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--tls-cert-file",
      cert,
      "--tls-key-file",
      key,
      "--tls-ca-cert-file",
      cert,
      "--tls-auth-clients",
      "no",
      "--save",
      "",
      "--appendonly",
      "no",
    ];
    const server = new PrivateRedisServer(port, args, () => rmSync(dir, { recursive: true, force: true }), true);
    await server.startProcess();
    return Object.assign(server, { caFile: cert });
  }

  /** A Redis Sentinel (redis-server --sentinel) monitoring `masterName` at 127.0.0.1:`masterPort`, quorum 1. */
  static async startSentinel(masterName: string, masterPort: number): Promise<PrivateRedisServer> {
    const port = await findFreePort();
    const dir = mkdtempSync(path.join(tmpdir(), "celery-proto-sentinel-"));
    const conf = path.join(dir, "sentinel.conf");
    writeFileSync(conf, `port ${port}\nbind 127.0.0.1\nsentinel monitor ${masterName} 127.0.0.1 ${masterPort} 1\n`);
    const server = new PrivateRedisServer(port, [conf, "--sentinel"], () => rmSync(dir, { recursive: true, force: true }));
    await server.startProcess();
    return server;
  }

  url(db = 0): string {
    return `redis://127.0.0.1:${this.port}/${db}`;
  }

  /** Stops the server (SIGKILL: connections drop at once, as in a crash) and waits until the port is closed. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child === null || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGKILL");
    await exited;
  }

  /** Stops it for good and removes its temporary files. */
  async dispose(): Promise<void> {
    await this.stop();
    this.cleanup();
  }

  /** Starts it again on the same port: empty, unless its arguments make it persist (`--appendonly yes`). */
  async restart(): Promise<void> {
    await this.stop();
    await this.startProcess();
  }

  private async startProcess(): Promise<void> {
    const child = spawn("redis-server", [...this.args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (this.output += d.toString()));
    this.child = child;
    const deadline = Date.now() + 10_000;
    while (!(await this.answersPing())) {
      if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}): ${this.output}`);
      if (Date.now() > deadline) throw new Error(`redis-server on ${this.port} did not answer PING: ${this.output}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  private answersPing(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = this.tls
        ? connectTls({ host: "127.0.0.1", port: this.port, rejectUnauthorized: false })
        : createConnection({ host: "127.0.0.1", port: this.port });
      socket.setTimeout(500);
      socket.once(this.tls ? "secureConnect" : "connect", () => socket.write("PING\r\n"));
      socket.once("data", (d) => {
        socket.destroy();
        resolve(/^(\+PONG|-NOAUTH)/.test(d.toString()));
      });
      socket.once("error", () => resolve(false));
      socket.once("timeout", () => {
        socket.destroy();
        resolve(false);
      });
    });
  }
}
