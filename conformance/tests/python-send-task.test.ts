// Messages from Python's app.send_task (a task the sender does not register) decode: Celery 5.7 writes
// `ignore_result: null` there, where apply_async writes a bool.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, it } from "node:test";
import { Redis } from "ioredis";
import { decodeRedisEnvelope } from "../../sdk/src/codec/redis/decode-redis-envelope.js";
import { redisDbUrl } from "../harness/broker-urls.js";

for (const [venv, expected] of [
  [".venv", null],
  [".venv-5.3", false],
] as const) {
  describe(`app.send_task messages (${venv})`, () => {
    it(`decode, with ignore_result ${String(expected)}`, async () => {
      const url = redisDbUrl(29);
      const redis = new Redis(url);
      const queue = `t-send-task-${process.pid}-${venv}`;
      try {
        await redis.del(queue);
        execFileSync(`${venv}/bin/python`, ["conformance/python/reference/send_task_message.py", url, queue]);
        const raw = await redis.rpop(queue);
        assert.ok(raw !== null);
        const message = decodeRedisEnvelope(raw);
        assert.equal(message.headers.task, "remote.tasks.add");
        assert.deepEqual([message.args, message.kwargs], [[2, 3], { x: 1 }]);
        assert.equal(message.headers.ignore_result, expected);
      } finally {
        redis.disconnect();
      }
    });
  });
}
