// The TaskRequest the worker builds from a decoded message, field by field, as Celery's worker Request reads them.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeAmqpPublish } from "../../sdk/src/codec/amqp/encode-amqp-publish.js";
import { createTaskMessage } from "../../sdk/src/codec/task/create-task-message.js";
import { decodeTaskMessage } from "../../sdk/src/codec/task/decode-task-message.js";
import { buildTaskRequest } from "../src/request/build-task-request.js";

describe("buildTaskRequest", () => {
  it("maps headers, properties, embed and delivery info", () => {
    const sent = createTaskMessage({
      task: "tasks.add",
      args: [1, 2],
      kwargs: { z: 3 },
      shadow: "shadowed.name",
      countdown: 30,
      expires: 60,
      timeLimit: 10,
      softTimeLimit: 5,
      retries: 2,
      rootId: "root",
      parentId: "parent",
      groupId: "group",
      groupIndex: 1,
      headers: { "x-custom": "yes" },
      stamps: { mystamp: "v1" },
      ignoreResult: true,
      replyTo: "reply-q",
      priority: 7,
    });
    const published = encodeAmqpPublish(sent, { routingKey: "celery" });
    const { headers, ...properties } = published.properties;
    const message = decodeTaskMessage({
      headers,
      properties,
      body: published.body,
      deliveryInfo: { exchange: "", routingKey: "celery", redelivered: true },
      deliveryTag: null,
    });
    const r = buildTaskRequest(message, "w@h");
    assert.equal(r.id, sent.headers.id);
    assert.equal(r.task, "tasks.add");
    assert.equal(r.name, "shadowed.name");
    assert.deepEqual([r.args, r.kwargs], [[1, 2], { z: 3 }]);
    assert.deepEqual(r.timeLimit, [10, 5]);
    assert.equal(r.retries, 2);
    assert.deepEqual([r.rootId, r.parentId, r.groupId, r.groupIndex], ["root", "parent", "group", 1]);
    assert.ok(r.eta instanceof Date && r.expires instanceof Date);
    assert.deepEqual(r.headers, { "x-custom": "yes" });
    assert.deepEqual(r.stampedHeaders, ["mystamp"]);
    assert.deepEqual(r.stamps, { mystamp: "v1" });
    assert.equal(r.ignoreResult, true);
    assert.equal(r.replyTo, "reply-q");
    assert.equal(r.correlationId, sent.headers.id);
    assert.deepEqual(r.deliveryInfo, { exchange: "", routingKey: "celery", priority: 7, redelivered: true });
    assert.equal(r.hostname, "w@h");
    assert.equal(r.argsrepr, "(1, 2)");
    assert.equal(r.message, message);
  });

  it("defaults: name = task, no limits, ignore_result as sent, retries 0", () => {
    const sent = createTaskMessage({ task: "t" });
    const published = encodeAmqpPublish(sent, { routingKey: "celery" });
    const { headers, ...properties } = published.properties;
    const r = buildTaskRequest(decodeTaskMessage({ headers, properties, body: published.body, deliveryInfo: null, deliveryTag: null }), "w@h");
    assert.equal(r.name, "t");
    assert.deepEqual(r.timeLimit, [null, null]);
    assert.equal(r.ignoreResult, sent.headers.ignore_result ?? null);
    assert.equal(r.retries, 0);
    assert.deepEqual(r.headers, {});
    assert.equal(r.deliveryInfo, null);
  });
});
