// The quorum project's stamp task (conformance/python/quorum_project/tasks.py) for
// `proto worker -A ./quorum-tasks.mjs --config`: records each run in the Redis list `qp:runs` of QP_RESULT_BACKEND,
// with the routing key it was delivered with, as the Python task does.
import { Redis } from "ioredis";

const runs = new Redis(process.env.QP_RESULT_BACKEND, { lazyConnect: true });

export const tasks = {
  "quorum_project.tasks.stamp": async ([tag], _kwargs, { request }) => {
    await runs.rpush(
      "qp:runs",
      JSON.stringify({ tag, id: request.id, at: Date.now() / 1000, by: "typescript", routing_key: request.deliveryInfo?.routingKey ?? null }),
    );
    return tag;
  },
};
