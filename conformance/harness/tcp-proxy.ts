import { createConnection, createServer, type Server, type Socket } from "node:net";

/**
 * A TCP proxy on 127.0.0.1 in front of a real broker, which a test can take down (close every connection and stop
 * listening, as a crashed broker) and bring back on the same port, without touching the broker other suites share.
 */
export class TcpProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  private constructor(
    readonly port: number,
    private readonly targetPort: number,
  ) {}

  /** A proxy on `port` to 127.0.0.1:`targetPort`; `listening: false` creates it down (start it with `up()`). */
  static async create(port: number, targetPort: number, listening = true): Promise<TcpProxy> {
    const proxy = new TcpProxy(port, targetPort);
    if (listening) await proxy.up();
    return proxy;
  }

  /** Starts listening (again). */
  async up(): Promise<void> {
    if (this.server !== null) return;
    const server = createServer((client) => {
      const upstream = createConnection({ host: "127.0.0.1", port: this.targetPort });
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on("close", () => this.sockets.delete(socket));
        socket.on("error", () => undefined);
      }
      client.pipe(upstream);
      upstream.pipe(client);
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.server = server;
  }

  /** Drops every connection and stops listening: the broker is gone as far as clients can tell. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    if (server !== null) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
