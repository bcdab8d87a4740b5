// The pre-encoded publish path against the real amqplib and RabbitMQ: the encoded sender attaches to amqplib's
// channels (not its fallback), the broker accepts and confirms what it writes, a consumer reads the same message as one
// published through amqplib's own publish, and a closed channel hands the publish back to amqplib (its error).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import amqplib, { type ChannelModel, type ConfirmChannel } from "amqplib";
import { AMQP_URL } from "../harness/broker-urls.js";
import { amqpTestName } from "../harness/amqp-reference.js";
import { encodePublishFrames } from "../../sdk/src/transport/amqp/encode-publish-frames.js";
import { createEncodedPublishSender } from "../../sdk/src/transport/amqp/encoded-publish-sender.js";
import { toPublishOptions } from "../../sdk/src/transport/amqp/to-publish-options.js";
import type { AmqpProperties } from "../../sdk/src/codec/amqp/amqp-message.js";

describe("encoded publish on a real amqplib channel", () => {
  let connection: ChannelModel;
  let channel: ConfirmChannel;
  const queue = amqpTestName("encoded-publish");

  before(async () => {
    connection = await amqplib.connect(AMQP_URL);
    channel = await connection.createConfirmChannel();
    await channel.assertQueue(queue, { autoDelete: false, durable: false });
    await channel.purgeQueue(queue);
  });

  after(async () => {
    await channel.deleteQueue(queue).catch(() => {});
    await connection.close();
  });

  it("is confirmed by RabbitMQ and read exactly as the same message published by amqplib", async () => {
    const send = createEncodedPublishSender(channel, true);
    assert.ok(send !== null, "amqplib's internals have the shape the sender needs");
    const properties: AmqpProperties = {
      content_type: "application/json",
      content_encoding: "utf-8",
      correlation_id: "941a72a3-5a34-484a-97fa-09bc3f3b4ac8",
      priority: 0,
      headers: { lang: "py", task: "t\u00e2che.add", retries: 0, timelimit: [null, 5], big: 2n ** 40n, stamps: {} },
    };
    const bodies = [Buffer.from("[[2, 2], {}, {}]"), Buffer.alloc(200_000, 0x61)];
    for (const body of bodies) {
      const confirmed = new Promise<void>((resolve, reject) => {
        const ok = send(encodePublishFrames("", queue, properties, body, 2), body, (err) => (err ? reject(new Error(String(err))) : resolve()));
        assert.notEqual(ok, null);
      });
      await confirmed;
      channel.publish("", queue, body, toPublishOptions(properties, 2));
      await channel.waitForConfirms();
      const ours = await channel.get(queue, { noAck: true });
      const theirs = await channel.get(queue, { noAck: true });
      assert.ok(ours && theirs);
      assert.deepEqual(ours.content, body);
      assert.deepEqual(ours.properties, theirs.properties);
      assert.deepEqual(ours.fields.routingKey, theirs.fields.routingKey);
    }
  });

  it("returns null on a channel amqplib has closed, whose own publish then raises IllegalOperationError", async () => {
    const closing = await connection.createConfirmChannel();
    const send = createEncodedPublishSender(closing, true);
    assert.ok(send !== null);
    await closing.close();
    const body = Buffer.from("x");
    assert.equal(
      send(encodePublishFrames("", queue, {}, body), body, () => {}),
      null,
    );
    assert.throws(() => closing.publish("", queue, body, {}), { name: "IllegalOperationError" });
  });
});
