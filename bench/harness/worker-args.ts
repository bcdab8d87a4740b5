import { TASK_MODULE } from "./bench-paths.js";

/** `celery worker` on the conformance app for one queue, at `loglevel`, without mingle, gossip or heartbeat. */
export function celeryWorkerArgs(poolArgs: readonly string[], queue: string, loglevel: "INFO" | "WARNING"): string[] {
  return [
    "-A",
    "conformance_app",
    "worker",
    ...poolArgs,
    "-Q",
    queue,
    "-n",
    `${queue}@%h`,
    "--without-mingle",
    "--without-gossip",
    "--without-heartbeat",
    "-l",
    loglevel,
  ];
}

/** `proto worker` on the bench's task module for one queue, async pool, without mingle or heartbeat. */
export function protoWorkerArgs(options: {
  readonly queue: string;
  readonly concurrency: number;
  readonly loglevel: "INFO" | "WARNING";
  readonly broker: string;
  /** `--backend`; none: the worker's default (the environment's). */
  readonly backend?: string;
}): string[] {
  const { queue } = options;
  return [
    "worker",
    "-A",
    TASK_MODULE,
    "-Q",
    queue,
    "-c",
    String(options.concurrency),
    "-l",
    options.loglevel,
    "-n",
    `${queue}@%h`,
    "--broker",
    options.broker,
    ...(options.backend === undefined ? [] : ["--backend", options.backend]),
    "--without-mingle",
    "--without-heartbeat",
  ];
}
