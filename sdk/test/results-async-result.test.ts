// AsyncResult / GroupResult semantics (Celery's celery/result.py) over an in-memory ResultBackend.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CeleryProtoError } from "../src/errors/celery-proto-error.js";
import { RemoteTaskError } from "../src/codec/exceptions/remote-task-error.js";
import { decodeResultMeta } from "../src/codec/result/decode-result-meta.js";
import { PyDecimal } from "../src/codec/json/python-values.js";
import type { ResultMeta, ResultTuple } from "../src/gen/json-schema/types.js";
import type { ResultBackend, WaitOptions } from "../src/results/result-backend.js";
import { PendingWaits } from "../src/results/pending-waits.js";
import { createPendingMeta } from "../src/results/pending-meta.js";
import { isReadyState } from "../src/results/task-states.js";
import { AsyncResult } from "../src/results/async-result.js";
import { GroupResult } from "../src/results/group-result.js";
import { resultFromTuple } from "../src/results/result-from-tuple.js";
import { encodeGroupMeta } from "../src/results/encode-group-meta.js";
import { decodeGroupMeta } from "../src/results/decode-group-meta.js";

/** A ResultBackend kept in memory: `store()` plays the worker. */
class FakeBackend implements ResultBackend {
  readonly kind = "redis" as const;
  readonly replyTo = "client-oid";
  readonly metas = new Map<string, ResultMeta>();
  readonly groups = new Map<string, string>();
  readonly forgotten: string[] = [];
  private readonly waits = new PendingWaits(100, "maxPendingWaits");

  store(text: string): void {
    const meta = decodeResultMeta(text);
    this.metas.set(meta.task_id, meta);
    this.waits.notify(meta.task_id, meta);
    if (isReadyState(meta.status)) this.waits.resolve(meta.task_id, meta);
  }
  async onTaskCall(): Promise<void> {}
  async getMeta(taskId: string): Promise<ResultMeta> {
    return this.metas.get(taskId) ?? createPendingMeta(taskId);
  }
  waitForReady(taskId: string, options?: WaitOptions): Promise<ResultMeta> {
    const wait = this.waits.add(taskId, options);
    const meta = this.metas.get(taskId);
    if (meta !== undefined && isReadyState(meta.status)) this.waits.resolve(taskId, meta);
    wait.arm();
    return wait.promise;
  }
  async forget(taskId: string): Promise<void> {
    this.forgotten.push(taskId);
    this.metas.delete(taskId);
  }
  async saveGroup(): Promise<void> {
    throw new Error("saveGroupTuple is used");
  }
  async saveGroupTuple(groupId: string, tuple: ResultTuple): Promise<void> {
    this.groups.set(groupId, encodeGroupMeta(tuple));
  }
  async restoreGroup(): Promise<string[] | null> {
    throw new Error("restoreGroupTuple is used");
  }
  async restoreGroupTuple(groupId: string): Promise<ResultTuple | null> {
    const text = this.groups.get(groupId);
    return text === undefined ? null : decodeGroupMeta(text);
  }
  async setChordSize(): Promise<void> {}
  async close(): Promise<void> {}
}

function meta(id: string, status: string, result: string, extra = ""): string {
  return `{"status": "${status}", "result": ${result}, "traceback": ${status === "FAILURE" ? '"Traceback (most recent call last):\\n  File \\"t.py\\", line 1, in f\\nValueError: boom\\n"' : "null"}, "children": [], "date_done": null${extra}, "task_id": "${id}"}`;
}
const BOOM = '{"exc_type": "ValueError", "exc_message": ["boom"], "exc_module": "builtins"}';
const REVOKED = '{"exc_type": "TaskRevokedError", "exc_message": ["revoked"], "exc_module": "celery.exceptions"}';

function setup(): {
  backend: FakeBackend;
  broadcasts: Array<[string, Record<string, unknown>]>;
  app: { backend: FakeBackend; broadcast(m: string, a: Readonly<Record<string, unknown>>): Promise<void> };
} {
  const backend = new FakeBackend();
  const broadcasts: Array<[string, Record<string, unknown>]> = [];
  return { backend, broadcasts, app: { backend, broadcast: async (m, a) => void broadcasts.push([m, { ...a }]) } };
}

describe("AsyncResult", () => {
  it("state, ready, successful, failed follow the stored meta; get resolves with the decoded value", async () => {
    const { backend, app } = setup();
    const r = new AsyncResult<{ amount: PyDecimal; when: Date }>("t1", app);
    assert.equal(await r.state(), "PENDING");
    assert.equal(await r.ready(), false);
    const pending = r.get({ timeoutMs: 1000 });
    backend.store(meta("t1", "STARTED", '{"pid": 10, "hostname": "w@h"}'));
    assert.equal(await r.state(), "STARTED");
    assert.deepEqual(await r.result(), { pid: 10, hostname: "w@h" });
    backend.store(
      meta(
        "t1",
        "SUCCESS",
        '{"amount": {"__type__": "decimal", "__value__": "10.50"}, "when": {"__type__": "datetime", "__value__": "2025-01-31T12:00:00+00:00"}}',
      ),
    );
    const value = await pending;
    assert.ok(value.amount instanceof PyDecimal);
    assert.equal(value.amount.toString(), "10.50");
    assert.equal(value.when.toISOString(), "2025-01-31T12:00:00.000Z");
    assert.equal(await r.successful(), true);
    assert.equal(await r.failed(), false);
  });

  it("FAILURE rejects with RemoteTaskError (type, module, args, traceback, task id); propagate:false returns it", async () => {
    const { backend, app } = setup();
    backend.store(meta("t2", "FAILURE", BOOM));
    const r = new AsyncResult("t2", app);
    await assert.rejects(r.get(), (e: unknown) => {
      assert.ok(RemoteTaskError.is(e));
      assert.equal(e.name, "ValueError");
      assert.equal(e.excModule, "builtins");
      assert.deepEqual(e.excArgs, ["boom"]);
      assert.equal(e.taskId, "t2");
      assert.match(e.traceback ?? "", /^Traceback \(most recent call last\):/);
      return true;
    });
    const returned = await r.get({ propagate: false });
    assert.ok(RemoteTaskError.is(returned) && returned.message === "boom");
    assert.ok(RemoteTaskError.is(await r.result()));
    assert.equal(await r.failed(), true);
  });

  it("REVOKED rejects with TaskRevokedError from celery.exceptions", async () => {
    const { backend, app } = setup();
    backend.store(meta("t3", "REVOKED", REVOKED));
    await assert.rejects(
      new AsyncResult("t3", app).get(),
      (e: unknown) => RemoteTaskError.is(e) && e.name === "TaskRevokedError" && e.excModule === "celery.exceptions",
    );
  });

  it("custom states and RETRY keep get() waiting until a ready state; onMessage sees each", async () => {
    const { backend, app } = setup();
    const seen: string[] = [];
    const r = new AsyncResult<string>("t4", app);
    const value = r.get({ timeoutMs: 1000, onMessage: (m) => seen.push(m.status) });
    backend.store(meta("t4", "PROGRESS", '{"current": 1}'));
    backend.store(meta("t4", "RETRY", '{"exc_type": "RuntimeError", "exc_message": ["again"], "exc_module": "builtins"}'));
    assert.ok(RemoteTaskError.is(await r.result()), "RETRY's result is the exception, as in Celery");
    backend.store(meta("t4", "SUCCESS", '"done"'));
    assert.equal(await value, "done");
    assert.deepEqual(seen, ["PROGRESS", "RETRY", "SUCCESS"]);
  });

  it("timeout rejects with CeleryProtoError code Timeout; an abort signal rejects with its reason", async () => {
    const { app } = setup();
    await assert.rejects(new AsyncResult("never", app).get({ timeoutMs: 30 }), (e: unknown) => CeleryProtoError.is(e, "Timeout"));
    const controller = new AbortController();
    const waiting = new AsyncResult("never", app).get({ signal: controller.signal });
    controller.abort(new Error("stop"));
    await assert.rejects(waiting, /stop/);
  });

  it("a failed parent rejects get() (follow_parents), checked before and while waiting", async () => {
    const { backend, app } = setup();
    const parent = new AsyncResult("p1", app);
    const child = new AsyncResult("c1", app, parent);
    const waiting = child.get({ timeoutMs: 2000, intervalMs: 20 });
    backend.store(meta("p1", "FAILURE", BOOM));
    await assert.rejects(waiting, (e: unknown) => RemoteTaskError.is(e) && e.taskId === "p1");
    await assert.rejects(child.get({ timeoutMs: 2000 }), (e: unknown) => RemoteTaskError.is(e) && e.taskId === "p1");
    await assert.rejects(child.get({ timeoutMs: 30, followParents: false }), (e: unknown) => CeleryProtoError.is(e, "Timeout"));
  });

  it("revoke broadcasts exactly what app.control.revoke sends", async () => {
    const { app, broadcasts } = setup();
    await new AsyncResult("t5", app).revoke();
    await new AsyncResult("t6", app).revoke({ terminate: true, signal: "SIGKILL" });
    assert.deepEqual(broadcasts, [
      ["revoke", { task_id: "t5", terminate: false, signal: "SIGTERM" }],
      ["revoke", { task_id: "t6", terminate: true, signal: "SIGKILL" }],
    ]);
    await assert.rejects(new AsyncResult("t7", { backend: app.backend }).revoke(), (e: unknown) => CeleryProtoError.is(e, "InvalidOption"));
  });

  it("toTuple / fromTuple round-trip Celery's as_tuple, parents and groups included; children become results", async () => {
    const { backend, app } = setup();
    const parent = new AsyncResult("a", app);
    const r = new AsyncResult("b", app, parent);
    assert.deepEqual(r.toTuple(), [["b", [["a", null], null]], null]);
    const back = AsyncResult.fromTuple(r.toTuple(), app);
    assert.ok(back instanceof AsyncResult);
    assert.equal(back.parent?.id, "a");
    const group = resultFromTuple(
      [
        ["g", null],
        [
          [["x", null], null],
          [["y", [["x", null], null]], null],
        ],
      ],
      app,
    );
    assert.ok(group instanceof GroupResult);
    assert.deepEqual(
      group.results.map((m) => m.id),
      ["x", "y"],
    );
    assert.equal(group.results[1]?.parent?.id, "x");
    assert.throws(
      () => resultFromTuple(["bad"] as unknown as ResultTuple, app),
      (e: unknown) => CeleryProtoError.is(e, "InvalidMessage"),
    );
    backend.store(meta("c", "SUCCESS", "1", ""));
    backend.store(
      `{"status": "SUCCESS", "result": null, "traceback": null, "children": [[["k1", null], null], [["g2", null], [[["k2", null], null]]]], "date_done": null, "task_id": "d"}`,
    );
    const children = await new AsyncResult("d", app).children();
    assert.equal(children?.length, 2);
    assert.ok(children?.[0] instanceof AsyncResult);
    assert.ok(children?.[1] instanceof GroupResult);
  });

  it("types: get() resolves with T, get({propagate: false}) with T | RemoteTaskError, a group's get() with T[]", async () => {
    const { backend, app } = setup();
    backend.store(meta("ty", "SUCCESS", "1"));
    const r = new AsyncResult<number>("ty", app);
    const n: number = await r.get();
    // @ts-expect-error: with propagate false the task's error may come back instead of the value
    const m: number = await r.get({ propagate: false });
    const g: number[] = await GroupResult.of<number>("gg", ["ty"], app).get();
    assert.deepEqual([n, m, g], [1, 1, [1]]);
  });

  it("forget forgets parents first, then the task", async () => {
    const { backend, app } = setup();
    await new AsyncResult("b", app, new AsyncResult("a", app)).forget();
    assert.deepEqual(backend.forgotten, ["a", "b"]);
  });
});

describe("GroupResult", () => {
  it("get resolves values in member order whatever the completion order", async () => {
    const { backend, app } = setup();
    const g = GroupResult.of<number>("g1", ["m1", "m2", "m3"], app);
    const values = g.get({ timeoutMs: 1000 });
    backend.store(meta("m3", "SUCCESS", "3"));
    backend.store(meta("m1", "SUCCESS", "1"));
    assert.equal(await g.completedCount(), 2);
    assert.equal(await g.ready(), false);
    backend.store(meta("m2", "SUCCESS", "2"));
    assert.deepEqual(await values, [1, 2, 3]);
    assert.equal(await g.ready(), true);
    assert.equal(await g.successful(), true);
  });

  it("the first failure rejects at once; propagate:false gives the error in place", async () => {
    const { backend, app } = setup();
    const g = GroupResult.of<number>("g2", ["f1", "f2"], app);
    const values = g.get({ timeoutMs: 1000 });
    backend.store(meta("f2", "FAILURE", BOOM));
    await assert.rejects(values, (e: unknown) => RemoteTaskError.is(e) && e.taskId === "f2");
    backend.store(meta("f1", "SUCCESS", "1"));
    const loose = await g.get({ propagate: false });
    assert.equal(loose[0], 1);
    assert.ok(RemoteTaskError.is(loose[1]));
    assert.equal(await g.failed(), true);
    assert.equal(await g.completedCount(), 1);
  });

  it("save/restore keep the full tuple (parents, nested groups); revoke sends one broadcast with the id list", async () => {
    const { backend, app, broadcasts } = setup();
    const g = new GroupResult("g3", [new AsyncResult("x", app), new AsyncResult("y", app, new AsyncResult("w", app))], app);
    await g.save();
    assert.equal(backend.groups.get("g3"), '{"result": [["g3", null], [[["x", null], null], [["y", [["w", null], null]], null]]]}');
    const restored = await GroupResult.restore("g3", app);
    assert.deepEqual(restored?.toTuple(), g.toTuple());
    assert.equal(await GroupResult.restore("missing", app), null);
    await g.revoke();
    assert.deepEqual(broadcasts, [["revoke", { task_id: ["x", "y"], terminate: false, signal: "SIGTERM" }]]);
  });

  it("a group timeout bounds the whole group", async () => {
    const { app } = setup();
    await assert.rejects(GroupResult.of("g4", ["n1", "n2"], app).get({ timeoutMs: 30 }), (e: unknown) => CeleryProtoError.is(e, "Timeout"));
  });
});
