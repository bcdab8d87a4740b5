import { Redis } from "ioredis";
import { decodeResultMeta } from "../../sdk/src/codec/result/decode-result-meta.js";
import type { ResultMeta } from "../../sdk/src/gen/json-schema/types.js";

const READY = new Set(["SUCCESS", "FAILURE", "REVOKED"]);

/** Reads `celery-task-meta-<id>` from a Redis result backend, as the stored text and decoded. */
export class RedisResultReader {
  readonly redis: Redis;
  constructor(url: string) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 2 });
  }

  async raw(taskId: string): Promise<string | null> {
    return this.redis.get(`celery-task-meta-${taskId}`);
  }

  /** Polls until the task reaches a ready state (or `states`), then returns the decoded meta. */
  async waitFor(taskId: string, timeoutMs = 20_000, states: ReadonlySet<string> = READY): Promise<ResultMeta> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = await this.raw(taskId);
      if (text !== null) {
        const meta = decodeResultMeta(text);
        if (states.has(meta.status)) return meta;
      }
      if (Date.now() > deadline) throw new Error(`task ${taskId} not in ${[...states].join("/")} within ${timeoutMs} ms (last: ${text})`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}
