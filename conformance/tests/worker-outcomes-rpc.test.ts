// RpcResultStore between a REAL Python Celery 5.7 client (backend rpc://, RabbitMQ broker) and our recorder:
// Python publishes tasks to a queue only we consume (t-wout-<pid>-*), we record outcomes, our store publishes the
// replies to the client's oid queue, and Python's own AsyncResult (waiting on that queue) reads them.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import amqplib from "amqplib";
import { createClient } from "../../sdk/src/client/create-client.js";
import type { Client } from "../../sdk/src/client/client.js";
import { decodeTaskMessage } from "../../sdk/src/codec/task/decode-task-message.js";
import { createTransport } from "../../sdk/src/transport/create-transport.js";
import type { Consumer, Transport } from "../../sdk/src/transport/transport.js";
import type { TaskRequest } from "../../worker/src/request/task-request.js";
import { createOutcomeRecorder } from "../../worker/src/outcomes/create-outcome-recorder.js";
import type { OutcomeRecorder } from "../../worker/src/outcomes/outcome-recorder.js";
import { createRpcResultStore } from "../../worker/src/outcomes/rpc-result-store.js";
import { registeredTask, requestFromMessage } from "../../worker/test/outcomes-helpers.js";
import { PythonDriver } from "../../worker/test/outcomes-python-driver.js";
import { createDeliveryCollector, type DeliveryCollector } from "../harness/amqp-collector.js";
import { AMQP_URL } from "../harness/broker-urls.js";

const PARKED = `t-wout-${process.pid}-rpc`;
const SPARE = `t-wout-${process.pid}-rpc-spare`;
const DEFAULT = `t-wout-${process.pid}-rpc-default`;

let transport: Transport;
let client: Client;
let recorder: OutcomeRecorder;
let py: PythonDriver;
let consumer: Consumer;
let collector: DeliveryCollector;
let taken = 0;

function pyError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

async function take(n: number): Promise<TaskRequest[]> {
  const got = await collector.next(taken + n, 10_000);
  const out = got.slice(taken, taken + n).map((d) => requestFromMessage(decodeTaskMessage(d.message), "ts-outcomes@host"));
  taken += n;
  return out;
}

before(async () => {
  transport = await createTransport(AMQP_URL);
  await transport.declareQueue({ name: PARKED });
  collector = createDeliveryCollector();
  consumer = await transport.consume([PARKED], collector.onDelivery, { prefetch: 0, noAck: true });
  client = await createClient({ broker: transport, backend: null, defaultQueue: DEFAULT });
  recorder = createOutcomeRecorder({ sender: client, store: createRpcResultStore({ transport, resultExtended: true }) });
  py = await PythonDriver.start(AMQP_URL, "rpc://", DEFAULT);
});

after(async () => {
  await py?.stop();
  await consumer?.cancel();
  for (const queue of [PARKED, SPARE, DEFAULT]) await transport?.deleteQueue(queue).catch(() => undefined);
  await client?.close();
  // kombu and our client declared a direct exchange per queue; remove them too.
  const connection = await amqplib.connect(AMQP_URL);
  const channel = await connection.createChannel();
  for (const exchange of [PARKED, SPARE, DEFAULT]) await channel.deleteExchange(exchange);
  await connection.close();
});

describe("RPC replies we publish, read by Python's AsyncResult (rpc://, RabbitMQ)", { timeout: 60_000 }, () => {
  it("SUCCESS value, ValueError, TaskRevokedError; RETRY visible as the state", async () => {
    const ids = await py.value<string[]>(`out = [
      t.add.apply_async((2, 3), queue="${PARKED}").id,
      t.fail.apply_async(("boom",), queue="${PARKED}").id,
      t.add.apply_async((1, 1), queue="${PARKED}").id,
      t.retry_once.apply_async(queue="${PARKED}").id,
    ]`);
    const requests = await take(4);
    const byId = new Map(requests.map((r) => [r.id, r]));
    const [ok, failed, revoked, retried] = ids.map((id) => byId.get(id)!);
    assert.ok(ok!.replyTo !== null && ok!.replyTo !== "", "Python's messages carry its oid as reply_to");
    await recorder.succeeded(ok!, registeredTask("conformance.add"), 5, 0.001);
    await recorder.failed(failed!, registeredTask("conformance.fail"), pyError("ValueError", "boom"));
    await recorder.revoked(revoked!, "terminated");
    await recorder.retry(retried!, registeredTask("conformance.retry_once"), { countdown: 60, exc: pyError("RuntimeError", "retry once"), queue: SPARE });

    // First: once get() runs, Python's result consumer drops non-ready states of tasks nobody waits on (Celery's own
    // behaviour, whoever sent them), so the RETRY state is polled before any get().
    assert.deepEqual(await py.value("r = AsyncResult(arg); out = [r.state, repr(r.result)]", ids[3]), ["RETRY", "RuntimeError('retry once')"]);
    assert.equal(await py.value("out = AsyncResult(arg).get(timeout=10)", ids[0]), 5);
    const valueError = await py.error("AsyncResult(arg).get(timeout=10)", ids[1]);
    assert.deepEqual([valueError.type, valueError.module, valueError.args], ["ValueError", "builtins", ["boom"]]);
    const revokedError = await py.error("AsyncResult(arg).get(timeout=10)", ids[2]);
    assert.deepEqual([revokedError.type, revokedError.args], ["TaskRevokedError", ["terminated"]]);
  });
});
