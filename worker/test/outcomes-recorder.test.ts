// The recorder's decisions without brokers: what it publishes (RecordingTaskSender; the messages are then built with
// the codec and compared with what real Celery 5.7 workers published in the worker-* and retry-message vectors) and
// what it stores (a recording store).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { RecordingTaskSender, type SentTask } from "../../sdk/src/canvas/recording-task-sender.js";
import { setOptions } from "../../sdk/src/canvas/set-options.js";
import { toSignatureDict } from "../../sdk/src/canvas/signature-dict.js";
import { group } from "../../sdk/src/canvas/group.js";
import { taskRef } from "../../sdk/src/canvas/task-ref.js";
import type { TaskSender } from "../../sdk/src/client/task-sender.js";
import { encodeAmqpPublish } from "../../sdk/src/codec/amqp/encode-amqp-publish.js";
import { encodeKombuJson } from "../../sdk/src/codec/json/kombu-json.js";
import { parsePythonJson } from "../../sdk/src/codec/json/parse-python-json.js";
import { readRedisEnvelope } from "../../sdk/src/codec/redis/decode-redis-envelope.js";
import { createTaskMessage } from "../../sdk/src/codec/task/create-task-message.js";
import { decodeTaskMessage } from "../../sdk/src/codec/task/decode-task-message.js";
import type { TaskMessageInput } from "../../sdk/src/codec/task/task-message-input.js";
import type { DeliveryInfo, TaskMessage } from "../../sdk/src/codec/task/task-message.js";
import type { ResultMeta, Signature as SignatureDict } from "../../sdk/src/gen/json-schema/types.js";
import { MemoryTransport } from "../../sdk/src/transport/memory/memory-transport.js";
import { TaskRegistry } from "../src/app/task-registry.js";
import { WorkerLostError } from "../src/errors/task-control-errors.js";
import { CeleryOutcomeRecorder, createOutcomeRecorder } from "../src/outcomes/create-outcome-recorder.js";
import { createWorkerOutcomes } from "../src/outcomes/create-worker-outcomes.js";
import type { ResultContext } from "../src/outcomes/result-context.js";
import type { ResultStore, ResultWrite } from "../src/outcomes/result-store.js";
import { registeredTask, requestFromMessage } from "./outcomes-helpers.js";

const VECTORS = path.resolve(import.meta.dirname, "../../conformance/vectors/5.7.0/redis");
const add = taskRef("conformance.add");
const mul = taskRef("conformance.mul");
const errback = taskRef("conformance.record_errback");

/** A store recording every call. */
class RecordingStore implements ResultStore {
  readonly kind = "redis" as const;
  readonly writes: ResultWrite[] = [];
  readonly parts: Array<{ context: ResultContext; state: string; result: unknown }> = [];
  readonly statuses = new Map<string, string>();
  async storeResult(write: ResultWrite): Promise<void> {
    encodeKombuJson(write.result); // as a real store does: a value JSON cannot hold rejects with EncodeError
    this.writes.push(write);
  }
  async getStatus(taskId: string): Promise<string> {
    return this.statuses.get(taskId) ?? "PENDING";
  }
  async onChordPartReturn(context: ResultContext, state: string, result: unknown, _sender: TaskSender): Promise<void> {
    this.parts.push({ context, state, result });
  }
  async close(): Promise<void> {}
}

function setup() {
  const sender = new RecordingTaskSender("worker-oid");
  const store = new RecordingStore();
  return { sender, store, recorder: createOutcomeRecorder({ sender, store, hostname: "ts@host", pid: 4242 }) };
}

/** A request as our worker would receive it: the message encoded, then decoded from a Redis envelope. */
function receive(input: TaskMessageInput, delivery: DeliveryInfo = { exchange: "", routingKey: "celery" }) {
  const publish = encodeAmqpPublish(createTaskMessage(input), { exchange: delivery.exchange, routingKey: delivery.routingKey });
  const { headers, ...properties } = publish.properties;
  return requestFromMessage(decodeTaskMessage({ headers, properties, body: publish.body, deliveryInfo: delivery, deliveryTag: null }));
}

/** The message a sent task becomes (what Celery's worker put on the broker in the vector). */
function messageOf(sent: SentTask): TaskMessage {
  return createTaskMessage({ ...sent.options, task: sent.name, args: sent.args, kwargs: sent.kwargs, replyTo: sent.options.replyTo ?? "worker-oid" });
}

function vectorMessage(name: string): TaskMessage {
  const v = parsePythonJson(readFileSync(path.join(VECTORS, `${name}.json`), "utf8")) as unknown as { messages: Array<{ raw: string }> };
  return decodeTaskMessage(readRedisEnvelope(v.messages[0]!.raw));
}

/** Headers with the per-run values (ids, origin, times) masked, to compare shapes. */
function shape(headers: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(headers))
    out[k] = ["id", "root_id", "parent_id", "group", "origin", "eta", "expires"].includes(k) ? (v === null ? null : typeof v) : v;
  return out;
}

describe("succeeded(): callbacks, chain, then SUCCESS, then chord part", () => {
  it("one link: apply_async((retval,), parent_id, root_id), as worker-link-callback", async () => {
    const { sender, store, recorder } = setup();
    const request = receive({ task: "conformance.add", args: [2, 2], link: toSignatureDict(setOptions(mul.s(3), { queue: "conformance.worker-published" })) });
    await recorder.succeeded(request, registeredTask("conformance.add"), 4, 0.01);
    assert.equal(sender.sent.length, 1);
    const sent = sender.sent[0]!;
    assert.deepEqual(
      [sent.name, sent.args, sent.options.queue, sent.options.parentId, sent.options.rootId],
      ["conformance.mul", [4, 3], "conformance.worker-published", request.id, request.id],
    );
    const expected = vectorMessage("worker-link-callback");
    assert.deepEqual(shape(messageOf(sent).headers), shape(expected.headers));
    assert.deepEqual(messageOf(sent).embed, expected.embed);
    assert.deepEqual(
      store.writes.map((w) => [w.taskId, w.state, w.result, w.children]),
      [[request.id, "SUCCESS", 4, [[[sent.id, null], null]]]],
    );
  });

  it("next chain step: chain[-1] with (retval,) and chain=chain[:-1], as worker-chain-step", async () => {
    const { sender, recorder } = setup();
    const last = setOptions(add.s(1), { id: "last-id", replyTo: "client-oid" });
    const next = setOptions(mul.s(3), { queue: "conformance.worker-published", id: "next-id", replyTo: "client-oid" });
    const request = receive({ task: "conformance.add", args: [1, 2], chain: [toSignatureDict(last), toSignatureDict(next)] });
    await recorder.succeeded(request, registeredTask("conformance.add"), 3, 0.01);
    const sent = sender.sent[0]!;
    assert.deepEqual([sent.name, sent.id, sent.args, sent.options.replyTo], ["conformance.mul", "next-id", [3, 3], "client-oid"]);
    const expected = vectorMessage("worker-chain-step");
    const message = messageOf(sent);
    assert.deepEqual(shape(message.headers), shape(expected.headers));
    const chain = message.embed.chain as SignatureDict[];
    assert.deepEqual(
      chain.map((s) => [s.task, s.args, Object.keys(s.options ?? {})]),
      (expected.embed.chain as SignatureDict[]).map((s) => [s.task, s.args, Object.keys(s.options ?? {})]),
    );
  });

  it("the last chain step gets chain=[]", async () => {
    const { sender, recorder } = setup();
    const request = receive({ task: "conformance.add", args: [1, 2], chain: [toSignatureDict(add.s(1))] });
    await recorder.succeeded(request, registeredTask("conformance.add"), 3, 0);
    assert.deepEqual(sender.sent[0]!.options.chain, []);
  });

  it("several callbacks: each group applied on its own, the others as ONE new group, all before SUCCESS", async () => {
    const { sender, store, recorder } = setup();
    const link = [mul.s(2), group(add.s(10), add.s(20)), add.s(1)].map((s) => toSignatureDict(s));
    const request = receive({ task: "conformance.add", args: [1, 1], link });
    await recorder.succeeded(request, registeredTask("conformance.add"), 2, 0);
    assert.deepEqual(
      sender.sent.map((s) => [s.name, s.args]),
      [
        ["conformance.add", [2, 10]],
        ["conformance.add", [2, 20]],
        ["conformance.mul", [2, 2]],
        ["conformance.add", [2, 1]],
      ],
    );
    const gids = sender.sent.map((s) => s.options.groupId);
    assert.equal(gids[0], gids[1]);
    assert.equal(gids[2], gids[3]);
    assert.notEqual(gids[0], gids[2], "two groups");
    assert.deepEqual(
      store.writes[0]!.children.map((c) => (c[1] as unknown[]).length),
      [2, 2],
      "children: the two GroupResults",
    );
  });

  it("ignore_result (header or task option): no SUCCESS, but the chord part still returns", async () => {
    const { store, recorder } = setup();
    const chord = toSignatureDict(setOptions(taskRef("conformance.xsum").s(), { id: "body" }));
    const request = receive({ task: "conformance.add", args: [1, 1], ignoreResult: true, chord, groupId: "g", groupIndex: 0 });
    await recorder.succeeded(request, registeredTask("conformance.add"), 2, 0);
    assert.equal(store.writes.length, 0);
    assert.deepEqual(
      store.parts.map((p) => [p.context.groupId, p.context.groupIndex, p.state, p.result]),
      [["g", 0, "SUCCESS", 2]],
    );
    const byOption = receive({ task: "conformance.add", args: [1, 1] });
    await recorder.succeeded({ ...byOption, ignoreResult: null }, registeredTask("conformance.add", { ignoreResult: true }), 2, 0);
    assert.equal(store.writes.length, 0);
  });

  it("a handler returning nothing stored and passed on as None (null)", async () => {
    const { sender, store, recorder } = setup();
    const request = receive({ task: "conformance.noop", link: toSignatureDict(mul.s(3)) });
    await recorder.succeeded(request, registeredTask("conformance.noop"), undefined, 0);
    assert.deepEqual([store.writes[0]?.result, sender.sent[0]?.args], [null, [null, 3]]);
  });

  it("a value JSON cannot hold becomes FAILURE kombu.exceptions.EncodeError", async () => {
    const { store, recorder } = setup();
    const request = receive({ task: "conformance.add", args: [1, 1] });
    await recorder.succeeded(request, registeredTask("conformance.add"), { f: Symbol("x") }, 0);
    assert.equal(store.writes[0]?.state, "FAILURE");
    assert.deepEqual(
      [(store.writes[0]?.result as { exc_type: string }).exc_type, (store.writes[0]?.result as { exc_module: string }).exc_module],
      ["EncodeError", "kombu.exceptions"],
    );
  });
});

describe("failed(): FAILURE, chord part, remaining chain, errbacks", () => {
  it("errbacks as ONE group with (failed_id,), parent_id = failed id, as worker-errback", async () => {
    const { sender, store, recorder } = setup();
    const request = receive({
      task: "conformance.fail",
      args: ["boom"],
      linkError: toSignatureDict(setOptions(errback.s(), { queue: "conformance.worker-published" })),
    });
    const error = new Error("boom");
    error.name = "ValueError";
    await recorder.failed(request, registeredTask("conformance.fail"), error);
    assert.deepEqual(
      store.writes.map((w) => [w.taskId, w.state, w.result]),
      [[request.id, "FAILURE", { exc_type: "ValueError", exc_message: ["boom"], exc_module: "builtins" }]],
    );
    assert.match(store.writes[0]!.traceback!, /^Traceback \(most recent call last\):\n[\s\S]*ValueError: boom\n$/);
    const sent = sender.sent[0]!;
    assert.deepEqual(
      [sent.name, sent.args, sent.options.parentId, sent.options.rootId, sent.options.groupIndex],
      ["conformance.record_errback", [request.id], request.id, request.id, 0],
    );
    const expected = vectorMessage("worker-errback");
    const headers = messageOf(sent).headers;
    assert.equal(headers.argsrepr, `('${request.id}',)`);
    assert.deepEqual(shape({ ...headers, argsrepr: "" }), shape({ ...expected.headers, argsrepr: "" }));
  });

  it("immutable errbacks get no partial args", async () => {
    const { sender, recorder } = setup();
    const request = receive({ task: "conformance.fail", linkError: [toSignatureDict(errback.si("fixed"))] });
    await recorder.failed(request, null, new Error("x"));
    assert.deepEqual(sender.sent[0]!.args, ["fixed"]);
  });

  it("every remaining chain element with a task_id gets the FAILURE; chord members return their part", async () => {
    const { store, recorder } = setup();
    const c = toSignatureDict(setOptions(add.s(3), { id: "C" }));
    const inChord = toSignatureDict(setOptions(add.s(2), { id: "B", groupId: "G", groupIndex: 1, chord: taskRef("conformance.xsum").s() }));
    const noId = toSignatureDict(add.s(1));
    const request = receive({ task: "conformance.add", args: [1], chain: [c, inChord, noId] });
    await recorder.failed(request, registeredTask("conformance.add"), new TypeError("bad"));
    assert.deepEqual(
      store.writes.map((w) => [w.taskId, w.state, (w.result as { exc_type: string }).exc_type, w.context?.task]),
      [
        [request.id, "FAILURE", "TypeError", "conformance.add"],
        ["C", "FAILURE", "TypeError", "conformance.add"],
        ["B", "FAILURE", "TypeError", "conformance.add"],
      ],
    );
    assert.deepEqual(
      store.parts.map((p) => [p.context.id, p.context.groupId, p.context.groupIndex, p.state]),
      [["B", "G", 1, "FAILURE"]],
    );
  });

  it("{traceback: false} (a lost pool process): FAILURE and the chain's failures stored with a null traceback", async () => {
    const { store, recorder } = setup();
    const request = receive({ task: "conformance.add", args: [1], chain: [toSignatureDict(setOptions(add.s(3), { id: "C" }))] });
    await recorder.failed(request, registeredTask("conformance.add"), new WorkerLostError("Worker exited prematurely: signal 9 (SIGKILL) Job: 0."), {
      traceback: false,
    });
    assert.deepEqual(
      store.writes.map((w) => [w.taskId, w.result, w.traceback]),
      [request.id, "C"].map((id) => [
        id,
        { exc_type: "WorkerLostError", exc_message: ["Worker exited prematurely: signal 9 (SIGKILL) Job: 0."], exc_module: "billiard.exceptions" },
        null,
      ]),
    );
    await recorder.failed(request, registeredTask("conformance.add"), new TypeError("bad"));
    assert.match(String(store.writes.at(-1)?.traceback), /^Traceback \(most recent call last\):/, "a raised error keeps its traceback");
  });

  it("ignore_result: errors stored only with store_errors_even_if_ignored; errbacks still run", async () => {
    const { sender, store, recorder } = setup();
    const request = receive({ task: "conformance.fail", ignoreResult: true, linkError: [toSignatureDict(errback.s())] });
    await recorder.failed(request, registeredTask("conformance.fail"), new Error("x"));
    assert.equal(store.writes.length, 0);
    assert.equal(sender.sent.length, 1);
    await recorder.failed(request, registeredTask("conformance.fail", { storeErrorsEvenIfIgnored: true }), new Error("x"));
    assert.equal(store.writes.length, 1);
  });
});

describe("retry(): Task.retry's message, then RETRY", () => {
  const retryTask = registeredTask("conformance.retry_once", { maxRetries: 3 });

  it("the message of retry-message: same id, retries+1, original expires text, time limits, custom headers, parent = itself", async () => {
    const { sender, store, recorder } = setup();
    const request = receive({
      task: "conformance.retry_once",
      args: [1],
      kwargs: { retry_queue: "conformance.retry-capture" },
      headers: { "x-custom": "v", "x-death": [{ count: 1 }] },
      expires: 600,
      timeLimit: 30,
      softTimeLimit: 20,
      replyTo: "client-oid",
    });
    const exc = new Error("retry once");
    exc.name = "RuntimeError";
    assert.equal(await recorder.retry(request, retryTask, { countdown: 1, exc, queue: "conformance.retry-capture" }), "retried");
    const sent = sender.sent[0]!;
    assert.deepEqual(
      [sent.id, sent.options.retries, sent.options.expires, sent.options.queue, sent.options.countdown],
      [request.id, 1, request.message.headers.expires, "conformance.retry-capture", 1],
    );
    const message = messageOf(sent);
    const expected = vectorMessage("retry-message");
    assert.deepEqual(shape(message.headers), shape(expected.headers), "x-death dropped, x-custom kept, timelimit [30, 20]");
    assert.equal(message.headers.parent_id, request.id);
    assert.equal(message.headers.root_id, request.id);
    assert.equal(message.properties.reply_to, "client-oid");
    const write = store.writes[0]!;
    assert.deepEqual(
      [write.state, write.result, write.children],
      ["RETRY", { exc_type: "RuntimeError", exc_message: ["retry once"], exc_module: "builtins" }, [[[request.id, null], null]]],
    );
    assert.match(write.traceback!, /\ncelery\.exceptions\.Retry: Retry in 1s: RuntimeError\('retry once'\)\n$/);
  });

  it("routing: the delivery's routing key through the default exchange, else its exchange and routing key; default countdown", async () => {
    const { sender, recorder } = setup();
    await recorder.retry(receive({ task: "conformance.retry_once" }, { exchange: "", routingKey: "q1" }), retryTask, {});
    await recorder.retry(receive({ task: "conformance.retry_once" }, { exchange: "ex", routingKey: "rk", priority: 5 }), retryTask, {});
    assert.deepEqual([sender.sent[0]!.options.queue, sender.sent[0]!.options.countdown], ["q1", 180]);
    assert.deepEqual([sender.sent[1]!.options.exchange, sender.sent[1]!.options.routingKey, sender.sent[1]!.options.priority], ["ex", "rk", 5]);
  });

  it("priority: a retry keeps the delivery's, else null (no property, as Task.apply_async's priority=None); callbacks null unless inherited", async () => {
    const { sender, recorder } = setup();
    const linked = { task: "conformance.add", args: [2, 2], link: toSignatureDict(setOptions(mul.s(3), { queue: "q2" })) };
    await recorder.retry(receive({ task: "conformance.retry_once" }, { exchange: "", routingKey: "q1" }), retryTask, {});
    await recorder.retry(receive({ task: "conformance.retry_once" }, { exchange: "", routingKey: "q1", priority: 0 }), retryTask, {});
    await recorder.succeeded(receive(linked, { exchange: "", routingKey: "q1", priority: 7 }), registeredTask("conformance.add"), 4, 0.01);
    const inheriting = createOutcomeRecorder({ sender, store: new RecordingStore(), inheritParentPriority: true });
    await inheriting.succeeded(receive(linked, { exchange: "", routingKey: "q1", priority: 7 }), registeredTask("conformance.add"), 4, 0.01);
    await inheriting.succeeded(receive(linked, { exchange: "", routingKey: "q1" }), registeredTask("conformance.add"), 4, 0.01);
    assert.deepEqual(
      sender.sent.map((s) => s.options.priority),
      [null, 0, null, 7, null],
    );
  });

  it("past max_retries: FAILURE with the exc (or MaxRetriesExceededError), nothing published", async () => {
    const { sender, store, recorder } = setup();
    const request = { ...receive({ task: "conformance.retry_once", args: [1] }), retries: 3 };
    assert.equal(await recorder.retry(request, retryTask, {}), "exhausted");
    assert.equal(sender.sent.length, 0);
    assert.deepEqual(store.writes[0]!.result, {
      exc_type: "MaxRetriesExceededError",
      exc_message: [`Can't retry conformance.retry_once[${request.id}] args:(1,) kwargs:{}`],
      exc_module: "celery.exceptions",
    });
    assert.equal(await recorder.retry({ ...request, retries: 0 }, retryTask, { maxRetries: 0, exc: new TypeError("t") }), "exhausted");
    assert.equal((store.writes[1]!.result as { exc_type: string }).exc_type, "TypeError");
  });
});

describe("revoked(), notRegistered(), started(), updateState()", () => {
  it("REVOKED TaskRevokedError([reason]), no traceback, chord part", async () => {
    const { store, recorder } = setup();
    const request = receive({ task: "conformance.add", chord: toSignatureDict(add.s()), groupId: "g", groupIndex: 2 });
    await recorder.revoked(request, "expired");
    assert.deepEqual(
      store.writes.map((w) => [w.state, w.result, w.traceback]),
      [["REVOKED", { exc_type: "TaskRevokedError", exc_message: ["expired"], exc_module: "celery.exceptions" }, null]],
    );
    assert.equal(store.parts[0]?.state, "REVOKED");
  });

  it("NotRegistered([name]) with the unknown-task context (no extended fields)", async () => {
    const { store, recorder } = setup();
    const request = receive({ task: "nope.missing", replyTo: "oid" });
    await recorder.notRegistered(request);
    const write = store.writes[0]!;
    assert.deepEqual(
      [write.state, write.result, write.traceback, write.context?.task, write.context?.replyTo],
      ["FAILURE", { exc_type: "NotRegistered", exc_message: ["nope.missing"], exc_module: "celery.exceptions" }, null, null, "oid"],
    );
  });

  it("STARTED {pid, hostname}; custom states with their meta", async () => {
    const { store, recorder } = setup();
    const request = receive({ task: "conformance.add" });
    await recorder.started(request, registeredTask("conformance.add"));
    await recorder.updateState(request, "PROGRESS", { done: 3 });
    assert.deepEqual(
      store.writes.map((w) => [w.state, w.result]),
      [
        ["STARTED", { pid: 4242, hostname: "ts@host" }],
        ["PROGRESS", { done: 3 }],
      ],
    );
  });
});

/** A persistent store whose `getMeta` answers from `metas` (PENDING when absent), or fails with `failure`. */
class PersistentStore extends RecordingStore {
  readonly persistent = true;
  readonly metas = new Map<string, ResultMeta>();
  failure: Error | null = null;
  async getMeta(taskId: string): Promise<ResultMeta> {
    if (this.failure !== null) throw this.failure;
    return this.metas.get(taskId) ?? { status: "PENDING", result: null, task_id: taskId };
  }
}

describe("checkStoredSuccess(): worker_deduplicate_successful_tasks' backend lookup (Celery 5.7 build_tracer)", () => {
  const withFollowUps = () =>
    receive({
      task: "conformance.add",
      args: [2, 2],
      link: toSignatureDict(mul.s(3)),
      chain: [toSignatureDict(add.s(1)), toSignatureDict(setOptions(mul.s(10), { id: "next-id" }))],
    });

  it("SUCCESS stored without children: the callback and the next chain step get the stored result; nothing is stored", async () => {
    const sender = new RecordingTaskSender("worker-oid");
    const store = new PersistentStore();
    const recorder = new CeleryOutcomeRecorder({ sender, store });
    const request = withFollowUps();
    store.metas.set(request.id, { status: "SUCCESS", result: 4, children: [], task_id: request.id });
    assert.deepEqual(await recorder.checkStoredSuccess(request), { kind: "succeeded" });
    assert.deepEqual(
      sender.sent.map((s) => [s.name, s.args, s.options.parentId, s.options.rootId]),
      [
        ["conformance.mul", [4, 3], request.id, request.id],
        ["conformance.mul", [4, 10], request.id, request.id],
      ],
    );
    assert.equal(sender.sent[1]!.id, "next-id");
    assert.deepEqual(store.writes, []);
  });

  it("SUCCESS stored with children: the first run applied them, nothing is published", async () => {
    const sender = new RecordingTaskSender("worker-oid");
    const store = new PersistentStore();
    const request = withFollowUps();
    store.metas.set(request.id, { status: "SUCCESS", result: 4, children: [[["cb-id", null], null]], task_id: request.id });
    assert.deepEqual(await new CeleryOutcomeRecorder({ sender, store }).checkStoredSuccess(request), { kind: "succeeded" });
    assert.deepEqual(sender.sent, []);
  });

  it("another state runs it; a failed lookup is reported; a store that is not persistent is never read", async () => {
    const sender = new RecordingTaskSender("worker-oid");
    const store = new PersistentStore();
    const recorder = new CeleryOutcomeRecorder({ sender, store });
    const request = withFollowUps();
    assert.deepEqual(await recorder.checkStoredSuccess(request), { kind: "not-succeeded", state: "PENDING" });
    store.metas.set(request.id, { status: "STARTED", result: null, task_id: request.id });
    assert.deepEqual(await recorder.checkStoredSuccess(request), { kind: "not-succeeded", state: "STARTED" });
    store.failure = new Error("connection lost");
    const failed = await recorder.checkStoredSuccess(request);
    assert.equal(failed.kind, "lookup-failed");
    assert.equal(failed.kind === "lookup-failed" ? failed.error : null, store.failure);
    const plain = new CeleryOutcomeRecorder({ sender, store: new RecordingStore() });
    assert.deepEqual(await plain.checkStoredSuccess(request), { kind: "not-persistent" });
    assert.deepEqual(sender.sent, []);
  });

  it("persistence as Celery's backend.persistent: rpc:// only with result_persistent, none never", async () => {
    const transport = new MemoryTransport();
    const rpc = createWorkerOutcomes({ transport, backend: "rpc://", hostname: "h" });
    const persistentRpc = createWorkerOutcomes({ transport, backend: "rpc://", hostname: "h", resultPersistent: true });
    const none = createWorkerOutcomes({ transport, backend: null, hostname: "h" });
    assert.deepEqual([rpc.store.persistent, persistentRpc.store.persistent, none.store.persistent ?? false], [false, true, false]);
    const request = withFollowUps();
    // A persistent rpc:// backend cannot read a state back: PENDING, so the task runs (as with Celery's RPCBackend).
    assert.deepEqual(await persistentRpc.checkStoredSuccess(request), { kind: "not-succeeded", state: "PENDING" });
    await Promise.all([rpc.close(), persistentRpc.close(), none.close()]);
  });
});

describe("createWorkerOutcomes", () => {
  it("without a backend: nothing stored, callbacks still published on the worker's transport; built-ins registered", async () => {
    const transport = new MemoryTransport();
    await transport.declareQueue({ name: "celery" });
    const registry = new TaskRegistry();
    const outcomes = createWorkerOutcomes({ transport, backend: null, hostname: "ts@host", registry });
    assert.equal(outcomes.store.kind, "disabled");
    assert.ok(registry.has("celery.map") && registry.has("celery.chord"));
    const request = receive({ task: "conformance.add", args: [1, 1], link: toSignatureDict(mul.s(3)) });
    await outcomes.succeeded(request, registeredTask("conformance.add"), 2, 0);
    assert.equal(await transport.purge("celery"), 1);
    await outcomes.close();
  });

  it("refuses backends it cannot write, naming the option", () => {
    assert.throws(
      () => createWorkerOutcomes({ transport: new MemoryTransport(), backend: "mongodb://db/x", hostname: "h" }),
      /backend: unsupported result backend/,
    );
  });
});
