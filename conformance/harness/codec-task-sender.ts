import { randomUUID } from "node:crypto";
import type { SendTaskOptions } from "../../sdk/src/client/send-task-options.js";
import type { TaskSender } from "../../sdk/src/client/task-sender.js";
import { createTaskMessage } from "../../sdk/src/codec/task/create-task-message.js";
import { encodeRedisEnvelope } from "../../sdk/src/codec/redis/encode-redis-envelope.js";
import type { ResultBackend } from "../../sdk/src/results/result-backend.js";
import { RawRedisPublisher } from "./raw-publisher.js";

/**
 * A test-only `TaskSender` over Redis with no SDK transport: each task is encoded by the codec
 * (`createTaskMessage` + `encodeRedisEnvelope`) and LPUSHed with a plain Redis client to `options.queue` or the
 * default queue, so a canvas test proves the canvas and codec bytes alone are what a Python worker needs.
 * `backend` is any result backend (the SDK's RedisResultBackend in the tests); `sent` lists every published task.
 */
export class CodecTaskSender implements TaskSender {
  readonly sent: Array<{ readonly id: string; readonly name: string; readonly args: readonly unknown[]; readonly options: SendTaskOptions }> = [];
  private readonly publisher: RawRedisPublisher;

  constructor(
    brokerUrl: string,
    readonly backend: ResultBackend,
    readonly defaultQueue: string,
  ) {
    this.publisher = new RawRedisPublisher(brokerUrl);
  }

  async sendTask(name: string, args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>, options: SendTaskOptions): Promise<string> {
    const id = options.id ?? randomUUID();
    if (options.ignoreResult !== true) await this.backend.onTaskCall(id);
    const { queue, exchange: _exchange, routingKey: _routingKey, serializer, compression, ...input } = options;
    const message = createTaskMessage({ ...input, task: name, args, kwargs, id, replyTo: options.replyTo ?? this.backend.replyTo });
    const target = queue ?? this.defaultQueue;
    await this.publisher.lpush(
      target,
      encodeRedisEnvelope(message, { routingKey: target }, { ...(serializer === undefined ? {} : { serializer }), compression: compression ?? null }),
    );
    this.sent.push({ id, name, args, options });
    return id;
  }

  async broadcast(): Promise<void> {
    throw new Error("CodecTaskSender does not broadcast");
  }

  async close(): Promise<void> {
    await this.publisher.close();
    await this.backend.close();
  }
}
