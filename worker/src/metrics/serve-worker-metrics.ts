import type { IncomingMessage, ServerResponse } from "node:http";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import type { Worker } from "../worker.js";
import type { WorkerMetrics, WorkerMetricsServer, WorkerMetricsServerOptions } from "./worker-metrics.js";

/**
 * The worker's Prometheus metrics as a registry of their own (README: "Prometheus metrics"), for serving them from
 * your own HTTP server. prom-client is imported here, on first use: a worker without metrics never loads it. Call
 * before `worker.start()`.
 */
export async function createWorkerMetrics(worker: Worker): Promise<WorkerMetrics> {
  let collect: typeof import("./collect-worker-metrics.js");
  try {
    collect = await import("./collect-worker-metrics.js");
  } catch (e) {
    // prom-client is a dependency, so this is a broken install (e.g. its own dependency @opentelemetry/api pruned).
    throw new CeleryProtoError(
      "InvalidOption",
      `metrics: cannot load prom-client: ${e instanceof Error ? e.message : String(e)} (reinstall celery-proto's dependencies)`,
      {
        cause: e,
      },
    );
  }
  return collect.collectWorkerMetrics(worker);
}

/**
 * Serves the worker's metrics at `http://<host>:<port>/metrics` (Prometheus text format 0.0.4; 404 elsewhere) until the
 * worker stops. Resolves once listening; a port in use rejects with `InvalidOption` naming `port`. Call before
 * `worker.start()` (`proto worker --metrics-port` does).
 */
export async function serveWorkerMetrics(worker: Worker, options: WorkerMetricsServerOptions): Promise<WorkerMetricsServer> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CeleryProtoError("InvalidOption", `port: must be an integer from 0 to 65535 (got ${String(port)})`);
  if (host === "") throw new CeleryProtoError("InvalidOption", "host: must not be empty");
  const { createServer } = await import("node:http");
  const metrics = await createWorkerMetrics(worker);
  const server = createServer((req, res) => void respond(metrics, req, res));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ port, host }, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (e) {
    metrics.close();
    const code = (e as NodeJS.ErrnoException).code;
    const message =
      code === "EADDRINUSE"
        ? `port: ${host}:${port} is already in use`
        : code === "EADDRNOTAVAIL" || code === "ENOTFOUND"
          ? `host: ${host} is not an address of this machine`
          : `port: cannot serve metrics on ${host}:${port}: ${(e as Error).message}`;
    throw new CeleryProtoError("InvalidOption", message, { cause: e });
  }
  const address = server.address();
  const bound = typeof address === "object" && address !== null ? address.port : port;
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      metrics.close();
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };
  void worker.stopped.then(close);
  return {
    ...metrics,
    host,
    port: bound,
    url: `http://${host.includes(":") ? `[${host}]` : host}:${bound}/metrics`,
    close,
  };
}

async function respond(metrics: WorkerMetrics, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? "/").split("?", 1)[0];
  if (path !== "/metrics" || (req.method !== "GET" && req.method !== "HEAD")) {
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("Not Found\n");
    return;
  }
  try {
    const body = await metrics.metrics();
    res.writeHead(200, { "content-type": metrics.contentType });
    res.end(req.method === "HEAD" ? undefined : body);
  } catch (e) {
    res.writeHead(500, { "content-type": "text/plain; charset=utf-8" }).end(`${(e as Error).message}\n`);
  }
}
