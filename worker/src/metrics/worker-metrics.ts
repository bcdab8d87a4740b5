import type { Registry } from "prom-client";

/** A worker's Prometheus metrics (`createWorkerMetrics`): a registry of its own, fed by the worker's lifecycle events. */
export interface WorkerMetrics {
  /** A prom-client `Registry` of its own (never the global one); merge it with `Registry.merge` to serve it elsewhere. */
  readonly registry: Registry;
  /** The exposition's content type: Prometheus text format 0.0.4. */
  readonly contentType: string;
  /** The text exposition, as `/metrics` serves it. */
  metrics(): Promise<string>;
  /** Stops listening to the worker (the numbers stay readable). */
  close(): void;
}

/** Options of `serveWorkerMetrics`. */
export interface WorkerMetricsServerOptions {
  /** TCP port of the `/metrics` endpoint (`proto worker --metrics-port`); 0 picks a free one. */
  readonly port: number;
  /**
   * Address to listen on (`--metrics-host`). Default `127.0.0.1`: task names and queue names are not for everyone, and
   * the endpoint has no authentication. Use `0.0.0.0` in a container, where the scraper comes from outside.
   */
  readonly host?: string;
}

/** The running `/metrics` endpoint. */
export interface WorkerMetricsServer extends WorkerMetrics {
  readonly host: string;
  /** The port it listens on (the one chosen when `port` was 0). */
  readonly port: number;
  /** `http://<host>:<port>/metrics`. */
  readonly url: string;
  /** Closes the endpoint and stops listening to the worker; also done when the worker stops. */
  close(): Promise<void>;
}
