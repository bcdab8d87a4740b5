import { createServer, type Server, type Socket } from "node:net";

/** A TCP server on 127.0.0.1 that accepts connections and never answers: a broker whose handshake hangs. */
export class BlackholeServer {
  private readonly sockets = new Set<Socket>();
  private acceptedCount = 0;

  private constructor(private readonly server: Server) {
    server.on("connection", (socket) => {
      this.sockets.add(socket);
      this.acceptedCount += 1;
      socket.on("error", () => undefined);
      socket.on("close", () => this.sockets.delete(socket));
    });
  }

  static async start(): Promise<BlackholeServer> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    return new BlackholeServer(server);
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === "object" && address !== null ? address.port : -1;
  }

  /** Connections it has accepted and still holds. */
  get held(): number {
    return this.sockets.size;
  }

  /** Connections it has accepted since it started. */
  get accepted(): number {
    return this.acceptedCount;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
