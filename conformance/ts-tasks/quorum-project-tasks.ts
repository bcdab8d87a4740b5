// TypeScript handlers for the quorum project's tasks (C:conformance/python/quorum_project/tasks.py): each run is
// recorded in the Redis list `qp:runs` of QP_RESULT_BACKEND exactly as the Python tasks record theirs, so a test
// sees one timeline of who ran what, when and how it was delivered. `proto worker -A <this file> --config <json>`.
import { hostname } from "node:os";
import { Redis } from "ioredis";
import type { TaskContext } from "../../worker/src/app/task-context.js";
import type { TaskRegistry } from "../../worker/src/app/task-registry.js";

const runs = new Redis(process.env["QP_RESULT_BACKEND"] ?? "redis://127.0.0.1:6391/22", { lazyConnect: true });

async function record(context: TaskContext, tag: unknown): Promise<void> {
  const { request } = context;
  await runs.rpush(
    "qp:runs",
    JSON.stringify({
      tag,
      id: request.id,
      at: Date.now() / 1000,
      by: "typescript",
      host: request.hostname || hostname(),
      retries: request.retries,
      exchange: request.deliveryInfo?.exchange ?? null,
      routing_key: request.deliveryInfo?.routingKey ?? null,
    }),
  );
}

export function register(registry: TaskRegistry): void {
  registry.register("quorum_project.tasks.stamp", async ([tag], _kwargs, context) => {
    await record(context, tag);
    return tag;
  });
  registry.register(
    "quorum_project.tasks.retry_thrice",
    async ([tag], _kwargs, context) => {
      await record(context, tag);
      if (context.request.retries < 3) context.retry({ countdown: 1 });
      return context.request.retries;
    },
    { maxRetries: 5 },
  );
}
