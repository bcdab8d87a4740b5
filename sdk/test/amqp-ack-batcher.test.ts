// AckBatcher (no broker): which basic.ack / basic.reject frames a turn's settlements become. The live proof that a
// crashed consumer's held deliveries come back is conformance/tests/transport-amqp-ack-batching.test.ts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Channel, Message } from "amqplib";
import { AckBatcher } from "../src/transport/amqp/ack-batcher.js";

const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

function setup(prefetch = 100): { batcher: AckBatcher; frames: string[]; deliver: (count: number) => Message[] } {
  const frames: string[] = [];
  const channel = {
    ack: (m: Message, multiple: boolean) => frames.push(`ack ${m.fields.deliveryTag}${multiple ? " multiple" : ""}`),
    reject: (m: Message, requeue: boolean) => frames.push(`reject ${m.fields.deliveryTag}${requeue ? " requeue" : ""}`),
  } as unknown as Channel;
  const batcher = new AckBatcher(channel, prefetch);
  let tag = 0;
  const deliver = (count: number): Message[] =>
    Array.from({ length: count }, () => {
      const message = { fields: { deliveryTag: ++tag }, properties: {}, content: Buffer.alloc(0) } as unknown as Message;
      batcher.delivered(message);
      return message;
    });
  return { batcher, frames, deliver };
}

describe("AckBatcher: one basic.ack multiple=true per batch for acks below every outstanding delivery", () => {
  it("acks in-order acks of several turns as one multiple ack on the highest tag, sent at the first turn without acks", async () => {
    const { batcher, frames, deliver } = setup();
    const messages = deliver(5);
    for (const m of messages.slice(0, 2)) batcher.ack(m);
    assert.deepEqual(frames, [], "nothing is written within the turn");
    await nextTurn();
    for (const m of messages.slice(2, 4)) batcher.ack(m);
    await nextTurn();
    assert.deepEqual(frames, [], "a turn that acked holds the batch");
    await nextTurn();
    await nextTurn();
    assert.deepEqual(frames, ["ack 4 multiple"]);
    batcher.ack(messages[4]!);
    batcher.flush();
    assert.deepEqual(frames, ["ack 4 multiple", "ack 5"], "a lone ack is a plain one");
  });

  it("sends a batch once it holds a quarter of the prefetch window, so the broker keeps delivering", async () => {
    const { batcher, frames, deliver } = setup(8);
    for (const m of deliver(5)) {
      batcher.ack(m);
      await nextTurn();
    }
    assert.deepEqual(frames, ["ack 2 multiple", "ack 4 multiple"], "prefetch 8: at most 2 acks held");
    await nextTurn();
    await nextTurn();
    assert.deepEqual(frames, ["ack 2 multiple", "ack 4 multiple", "ack 5"]);
  });

  it("never covers a held delivery: acks above it go out one by one; a reject is sent at once and may be covered", () => {
    const { batcher, frames, deliver } = setup();
    const [m1, m2, m3, m4, m5, m6] = deliver(6) as [Message, Message, Message, Message, Message, Message];
    batcher.ack(m1);
    batcher.ack(m3);
    batcher.ack(m4);
    batcher.flush();
    assert.deepEqual(frames, ["ack 3", "ack 4", "ack 1"], "2 is held: 3 and 4 alone, 1 below it");
    frames.length = 0;
    batcher.reject(m5, true);
    assert.deepEqual(frames, ["reject 5 requeue"], "rejects are not deferred");
    batcher.ack(m2);
    batcher.ack(m6);
    batcher.flush();
    assert.deepEqual(frames, ["reject 5 requeue", "ack 6 multiple"], "once 2 is acked everything up to 6 is settled");
  });

  it("stays exact behind a delivery held for thousands of others (the bookkeeping is compacted), and drops acks once closed", () => {
    const { batcher, frames, deliver } = setup();
    const [held, ...rest] = deliver(3001) as [Message, ...Message[]];
    for (const m of rest.slice(0, -1)) batcher.ack(m);
    batcher.flush();
    assert.equal(frames.length, 2999);
    assert.ok(frames.every((f) => !f.endsWith("multiple")));
    frames.length = 0;
    batcher.ack(held);
    batcher.ack(rest.at(-1)!);
    batcher.flush();
    assert.deepEqual(frames, ["ack 3001 multiple"]);
    frames.length = 0;
    const [late] = deliver(1) as [Message];
    batcher.close();
    batcher.ack(late);
    batcher.flush();
    assert.deepEqual(frames, [], "the channel is gone: the broker requeues it");
  });
});
