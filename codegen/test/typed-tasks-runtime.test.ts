// Run-time behaviour of generated typed tasks (the example catalog's client) without a broker: arguments are
// validated before publishing with a typed error naming the task, the argument and the rule, and nothing is
// published; worker stubs validate on receipt and check results.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bindTasks, createClient, CeleryProtoError, MemoryTransport, type Client } from "../../sdk/src/index.js";
import { decodeTaskMessage } from "../../sdk/src/codec/task/decode-task-message.js";
import { TaskRegistry } from "../../worker/src/app/task-registry.js";
import { implementTasks } from "../../worker/src/app/implement-tasks.js";
import { add, describePoint, shout, stats, tasks } from "../../examples/typed/gen/catalog_tasks.js";
import type { TaskContext } from "../../worker/src/app/task-context.js";
import { drainMemoryQueue as drain } from "../../sdk/test/support/drain-memory-queue.js";

async function setup(): Promise<{ transport: MemoryTransport; client: Client }> {
  const transport = new MemoryTransport();
  const client = await createClient({ broker: transport, backend: null });
  return { transport, client };
}

/** Calls `fn` expecting a CeleryProtoError with `code`; returns it. */
async function refused(fn: () => unknown, code: string): Promise<CeleryProtoError> {
  try {
    await fn();
  } catch (e) {
    assert.ok(CeleryProtoError.is(e), `not a CeleryProtoError: ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail("the call was not refused");
}

describe("typed producers: validation at enqueue", () => {
  it("publishes a valid call with the catalog's defaults (queue) and the per-call options", async () => {
    const { transport, client } = await setup();
    const t = bindTasks(client, tasks);
    const r = await t.shout.enqueue(["hi", 2], { priority: 3 });
    assert.equal(transport.size("typed-ts"), 1);
    const [d] = await drain(transport, "typed-ts");
    assert.ok(d);
    const m = decodeTaskMessage(d.message);
    assert.equal(m.headers.task, "typed.shout");
    assert.equal(m.headers.id, r.id);
    assert.deepEqual(m.args, ["hi", 2]);
    await t.describePoint.enqueue([{ x: 1, y: 2 }], { kwargs: { label: "P" } });
    assert.equal((await drain(transport, "celery")).length, 1);
    await client.close();
  });

  const cases: ReadonlyArray<{ name: string; call: (t: ReturnType<typeof bindTasks<typeof tasks>>) => unknown; message: RegExp }> = [
    { name: "a wrongly typed argument", call: (t) => t.add.delay(2, "3" as never), message: /^typed\.add: argument "y" must be integer \(rule: type\)$/ },
    { name: "a non-integer number", call: (t) => t.add.delay(2.5, 3), message: /^typed\.add: argument "x" must be integer \(rule: type\)$/ },
    {
      name: "a missing argument",
      call: (t) => t.add.delay(...([2] as unknown as [number, number])),
      message: /^typed\.add: argument "y" is required \(rule: required\)$/,
    },
    {
      name: "too many arguments",
      call: (t) => t.add.delay(...([1, 2, 3] as unknown as [number, number])),
      message: /takes 2 positional argument\(s\) but 3 were given \(rule: maxItems\)/,
    },
    {
      name: "an unknown keyword",
      call: (t) => t.describePoint.enqueue([{ x: 1, y: 2 }], { kwargs: { colour: "red" } as never }),
      message: /^typed\.describe_point: argument "colour" is not a parameter of this task \(rule: additionalProperties\)$/,
    },
    {
      name: "a nested value",
      call: (t) => t.describePoint.delay({ x: 1, y: "2" as never }),
      message: /^typed\.describe_point: argument "point" at \/y must be number \(rule: type\)$/,
    },
    { name: "a schema constraint", call: (t) => t.shout.delay("hi", 11), message: /^typed\.shout: argument "times" must be <= 10 \(rule: maximum\)$/ },
    {
      name: "an empty list where minItems is 1",
      call: (t) => t.stats.delay([]),
      message: /^typed\.stats: argument "numbers" must NOT have fewer than 1 items \(rule: minItems\)$/,
    },
  ];
  for (const c of cases) {
    it(`refuses ${c.name} with InvalidArguments naming the task, argument and rule, and publishes nothing`, async () => {
      const { transport, client } = await setup();
      const t = bindTasks(client, tasks);
      const error = await refused(() => c.call(t), "InvalidArguments");
      assert.match(error.message, c.message);
      assert.ok(error.details.length >= 1);
      assert.equal(transport.size("celery") + transport.size("typed-ts"), 0);
      await client.close();
    });
  }

  it("client.enqueue with a generated descriptor validates too", async () => {
    const { transport, client } = await setup();
    await refused(() => client.enqueue(add, [1, "x" as never]), "InvalidArguments");
    assert.equal(transport.size("celery"), 0);
    await client.close();
  });

  it("typed signatures are plain Celery signature dicts", () => {
    const t = bindTasks({ enqueue: () => Promise.reject(new Error("unused")) }, tasks);
    assert.deepEqual(t.add.s(1, 2), { task: "typed.add", args: [1, 2], kwargs: {}, options: {}, subtask_type: null, immutable: false });
    assert.equal(t.mul.si(1, 2).immutable, true);
    assert.deepEqual(t.shout.s().options, { queue: "typed-ts" }, "the catalog's defaults route canvas steps too");
  });
});

describe("worker stubs: validation at receipt and of results", () => {
  const context = {} as TaskContext;

  it("registers handlers under the catalog names with the catalog's validator", async () => {
    const registry = new TaskRegistry();
    implementTasks(registry, { shout, stats }, { shout: ([text, times = 1]) => text.repeat(times), stats: ([n]) => ({ count: n.length, sum: 0, mean: 0 }) });
    assert.deepEqual(registry.names(), ["typed.shout", "typed.stats"]);
    assert.equal(registry.get("typed.shout")?.options.maxRetries, 2, "the catalog's retry policy applies to the implementation");
    assert.equal(registry.get("typed.shout")?.options.defaultRetryDelay, 1);
    const entry = registry.get("typed.shout");
    assert.ok(entry?.validate);
    assert.throws(
      () => entry.validate?.([42], {}),
      (e: unknown) => CeleryProtoError.is(e, "InvalidArguments") && /argument "text" must be string/.test(e.message),
    );
    assert.equal(await entry.handler(["ab", 2], {}, context), "abab");
    // Python binds positional parameters passed by keyword (shout.delay(text="ab", times=3)); so does the stub.
    assert.equal(await entry.handler([], { text: "ab", times: 3 }, context), "ababab");
    assert.equal(await entry.handler([], { text: "ab" }, context), "ab");
  });

  it("a result that breaks the result schema fails the task with InvalidResult", async () => {
    const registry = new TaskRegistry();
    implementTasks(registry, { stats }, { stats: () => ({ count: 1, sum: 1 }) as never });
    const entry = registry.get("typed.stats");
    assert.ok(entry);
    await assert.rejects(
      Promise.resolve(entry.handler([[1]], {}, context)),
      (e: unknown) => CeleryProtoError.is(e, "InvalidResult") && /typed\.stats: result must have required property 'mean'/.test(e.message),
    );
  });

  it("describePoint accepts its positional parameter by keyword, as Python does", () => {
    assert.doesNotThrow(() => describePoint.validate([], { point: { x: 1, y: 2 } }));
    assert.throws(() => describePoint.validate([{ x: 1, y: 2 }], { point: { x: 1, y: 2 } }), /given both by position and by keyword/);
  });
});
