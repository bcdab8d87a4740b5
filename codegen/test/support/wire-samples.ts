/**
 * Hand-written wire documents shaped like what Celery 5.x sends, each paired with the validator
 * that must accept it. The agreement test also derives invalid variants from them.
 */
export interface WireSample {
  readonly validator: string;
  readonly description: string;
  readonly value: unknown;
}

const TASK_ID = "d9b1f3a2-5a4e-4c1e-9b8f-2b1e5f0c9a7d";
const ROOT_ID = "0b6f43a1-93c2-4c57-8c6b-5a1f0e2d3c4b";

const taskHeaders = {
  lang: "py",
  task: "proj.tasks.add",
  id: TASK_ID,
  shadow: null,
  eta: "2024-05-01T12:00:00.123456+00:00",
  expires: null,
  group: null,
  group_index: null,
  retries: 0,
  timelimit: [null, 30],
  root_id: ROOT_ID,
  parent_id: null,
  argsrepr: "(2, 2)",
  kwargsrepr: "{}",
  origin: "gen4242@worker-1",
  ignore_result: false,
  stamped_headers: null,
  stamps: {},
};

const plainSignature = {
  task: "proj.tasks.mul",
  args: [4],
  kwargs: {},
  options: { queue: "math" },
  subtask_type: null,
  immutable: false,
};

const taskBody = [[2, 2], {}, { callbacks: [plainSignature], errbacks: null, chain: null, chord: null }];

export const WIRE_SAMPLES: readonly WireSample[] = [
  { validator: "validateTaskHeadersV2", description: "protocol 2 headers", value: taskHeaders },
  { validator: "validateTaskBodyV2", description: "protocol 2 body with a callback", value: taskBody },
  {
    validator: "validateTaskMessageV2",
    description: "protocol 2 message",
    value: {
      properties: { correlation_id: TASK_ID, reply_to: "c0ffee00-1111-2222-3333-444455556666", delivery_mode: 2, priority: 0 },
      headers: taskHeaders,
      body: taskBody,
    },
  },
  {
    validator: "validateTaskBodyV1",
    description: "protocol 1 body",
    value: {
      task: "proj.tasks.add",
      id: TASK_ID,
      args: [2, 2],
      kwargs: {},
      retries: 0,
      eta: null,
      expires: null,
      utc: true,
      callbacks: null,
      errbacks: null,
      timelimit: [null, null],
      taskset: null,
      chord: null,
    },
  },
  { validator: "validateSignature", description: "plain signature", value: plainSignature },
  {
    validator: "validateRedisEnvelope",
    description: "kombu Redis envelope",
    value: {
      body: "W1syLCAyXSwge30sIHsiY2FsbGJhY2tzIjogbnVsbH1d",
      "content-encoding": "utf-8",
      "content-type": "application/json",
      headers: taskHeaders,
      properties: {
        correlation_id: TASK_ID,
        reply_to: "c0ffee00-1111-2222-3333-444455556666",
        delivery_mode: 2,
        delivery_info: { exchange: "", routing_key: "celery" },
        priority: 0,
        body_encoding: "base64",
        delivery_tag: "5b0d8c1e-7f6a-4b3c-9d2e-1a0f9e8d7c6b",
      },
    },
  },
  {
    validator: "validateResultMeta",
    description: "SUCCESS result",
    value: { status: "SUCCESS", result: 4, traceback: null, children: [], date_done: "2024-05-01T12:00:01.000000+00:00", task_id: TASK_ID },
  },
  {
    validator: "validateFailureMeta",
    description: "FAILURE result",
    value: {
      status: "FAILURE",
      result: { exc_type: "ValueError", exc_message: ["boom"], exc_module: "builtins" },
      traceback: "Traceback (most recent call last):\n  ...\nValueError: boom\n",
      children: [],
      date_done: "2024-05-01T12:00:01.000000+00:00",
      task_id: TASK_ID,
    },
  },
  { validator: "validateExceptionInfo", description: "exception info", value: { exc_type: "KeyError", exc_message: ["x"], exc_module: "builtins" } },
  {
    validator: "validateCeleryEvent",
    description: "task-succeeded event",
    value: {
      type: "task-succeeded",
      hostname: "celery@worker-1",
      utcoffset: 0,
      pid: 4242,
      clock: 17,
      timestamp: 1714564801.5,
      uuid: TASK_ID,
      result: "4",
      runtime: 0.0123,
    },
  },
  {
    validator: "validateControlRequest",
    description: "ping broadcast",
    value: {
      method: "ping",
      arguments: {},
      destination: null,
      pattern: null,
      matcher: null,
      ticket: "f00dfeed-0000-4000-8000-000000000001",
      reply_to: { exchange: "reply.celery.pidbox", routing_key: "f00dfeed-0000-4000-8000-000000000002" },
    },
  },
  { validator: "validatePingReply", description: "ping reply", value: { ok: "pong" } },
  { validator: "validateTimeLimitPair", description: "[hard, soft]", value: [60, 30] },
  {
    validator: "validateAmqpMessage",
    description: "AMQP message",
    value: { properties: { content_type: "application/json", content_encoding: "utf-8", delivery_mode: 2, priority: 0 }, body: "W10=" },
  },
];
