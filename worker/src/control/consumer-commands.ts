import { ok, type ControlCommand } from "./control-command.js";
import { queueAsDict } from "./queue-as-dict.js";

/** `add_consumer <queue> [exchange [type [routing_key]]]`: starts consuming the queue (soon), replies at once. */
export const ADD_CONSUMER: ControlCommand = {
  name: "add_consumer",
  type: "control",
  required: ["queue"],
  optional: ["exchange", "exchange_type", "routing_key"],
  anyKeyword: true,
  run: (ctx, args) => {
    const queue = String(args["queue"]);
    void Promise.resolve()
      .then(() => ctx.control.addConsumer(queue))
      .catch((e: unknown) => ctx.log.error(`add_consumer ${queue} failed`, e));
    return ok(`add consumer ${queue}`);
  },
};

/** `cancel_consumer <queue>`: stops consuming the queue (soon), replies at once. */
export const CANCEL_CONSUMER: ControlCommand = {
  name: "cancel_consumer",
  type: "control",
  required: ["queue"],
  anyKeyword: true,
  run: (ctx, args) => {
    const queue = String(args["queue"]);
    void Promise.resolve()
      .then(() => ctx.control.cancelConsumer(queue))
      .catch((e: unknown) => ctx.log.error(`cancel_consumer ${queue} failed`, e));
    return ok(`no longer consuming from ${queue}`);
  },
};

/** `active_queues`: kombu's `Queue.as_dict(recurse=True)` for each consumed queue. */
export const ACTIVE_QUEUES: ControlCommand = {
  name: "active_queues",
  type: "inspect",
  run: (ctx) => ctx.control.queues().map((name) => queueAsDict(ctx.describeQueue(name))),
};
