// The Redis floor of our transport's design: the transport's own POP_MANY script (a prefetch window per round trip,
// recorded in kombu's `unacked` as it pops) and the acks of each window as one MULTI of ZREM/HDEL, pipelined behind
// the next pop, with nothing else: no decoding, no task, no logging. Prints "ready." and, after `count`, "done".
// Usage: node --import tsx bench/floors/redis-pop-many-drain.ts <redis-url> <queue> <count>
import { Redis } from "ioredis";
import { compileRedisOptions, createRedisKeyLayout } from "../../dist/sdk/redis/index.js";
// biome-ignore lint/style/noRestrictedImports: the floor runs the transport's real POP_MANY, which the package does not export
import { POP_MANY } from "../../sdk/src/transport/redis/redis-scripts.js";

/** The transport's MAX_FETCH_BATCH: the most one POP_MANY takes. */
const WINDOW = 64;

const [url, queue, count] = process.argv.slice(2) as [string, string, string];
const layout = createRedisKeyLayout(compileRedisOptions(), 0);
const keys = layout.brpopKeys([queue]);
const blocking = new Redis(url);
const commands = new Redis(url);
await Promise.all([blocking.ping(), commands.ping()]);
console.log("ready.");
const acks: Promise<unknown>[] = [];
for (let received = 0; received < Number(count); ) {
  const score = String((Date.now() + Math.random()) / 1000);
  const flat = (await blocking.eval(POP_MANY, 2 + keys.length, layout.unackedKey, layout.unackedIndexKey, ...keys, String(WINDOW), score, "1")) as (
    | string
    | null
  )[];
  const tags: string[] = [];
  for (let i = 2; i < flat.length; i += 3) tags.push(flat[i] as string);
  received += tags.length;
  if (tags.length === 0) {
    await new Promise((r) => setTimeout(r, 1));
    continue;
  }
  acks.push(
    commands
      .multi()
      .zrem(layout.unackedIndexKey, ...tags)
      .hdel(layout.unackedKey, ...tags)
      .exec(),
  );
}
await Promise.all(acks);
console.log("done");
blocking.disconnect();
commands.disconnect();
