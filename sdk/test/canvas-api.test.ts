// The canvas API's semantics with a RecordingTaskSender (no broker): signature building, Celery's merge rules,
// links, freeze, and what chain / group / chord / chunks / map / starmap publish, in which order.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyAsync, applyCanvas } from "../src/canvas/apply-async.js";
import { chain } from "../src/canvas/chain.js";
import { chord } from "../src/canvas/chord.js";
import { chunks } from "../src/canvas/chunks.js";
import { clone } from "../src/canvas/clone-signature.js";
import { countChordSize } from "../src/canvas/count-chord-size.js";
import { signature } from "../src/canvas/create-signature.js";
import { freeze } from "../src/canvas/freeze-signature.js";
import { resultLineage } from "../src/canvas/frozen-result.js";
import { group } from "../src/canvas/group.js";
import { link, linkError } from "../src/canvas/link-signature.js";
import { map, starmap } from "../src/canvas/map-signatures.js";
import { pipe } from "../src/canvas/pipe-signatures.js";
import { RecordingTaskSender, type SentTask } from "../src/canvas/recording-task-sender.js";
import { setImmutable } from "../src/canvas/set-immutable.js";
import { setOptions } from "../src/canvas/set-options.js";
import { fromSignatureDict, toSignatureDict } from "../src/canvas/signature-dict.js";
import { signatureKind } from "../src/canvas/signature-kind.js";
import type { Signature } from "../src/canvas/signature.js";
import { taskRef } from "../src/canvas/task-ref.js";
import { toSendTaskOptions } from "../src/canvas/to-send-task-options.js";
import { CeleryProtoError } from "../src/errors/celery-proto-error.js";
import { AsyncResult } from "../src/results/async-result.js";
import { GroupResult } from "../src/results/group-result.js";

const add = taskRef("tasks.add");
const mul = taskRef("tasks.mul");
const xsum = taskRef("tasks.xsum");
const eb = taskRef("tasks.errback");

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

const isError = (code: string, pattern: RegExp) => (e: unknown) => CeleryProtoError.is(e) && e.code === code && pattern.test(e.message);

async function sent(sig: Signature, call: Parameters<typeof applyAsync>[2] = {}): Promise<{ sender: RecordingTaskSender; tasks: SentTask[] }> {
  const sender = new RecordingTaskSender();
  await applyAsync(sig, sender, call);
  return { sender, tasks: sender.sent };
}

describe("building signatures", () => {
  it("signature(): the dict shape of Signature.__json__, options stored under Celery's names", () => {
    const sig = signature("tasks.add", [2], { y: 3 }, { id: "tid", countdown: 10, linkError: eb.s(), routingKey: "rk", stamps: { tenant: "a" } });
    assert.deepEqual(toSignatureDict(sig), {
      task: "tasks.add",
      args: [2],
      kwargs: { y: 3 },
      options: {
        task_id: "tid",
        countdown: 10,
        link_error: { task: "tasks.errback", args: [], kwargs: {}, options: {}, subtask_type: null, immutable: false },
        routing_key: "rk",
        stamped_headers: ["tenant"],
        tenant: "a",
      },
      subtask_type: null,
      immutable: false,
    });
  });

  it("refuses an unknown option and an empty task name, naming them", () => {
    assert.throws(() => signature("t", [], {}, { bogus: 1 } as never), isError("InvalidOption", /^bogus: /));
    assert.throws(() => signature(""), isError("InvalidOption", /^name: /));
    assert.throws(() => chunks(add.s(), [[1, 1]], 0), isError("InvalidOption", /^n: /));
  });

  it("taskRef: s() keeps args partial-able, si() is immutable, a descriptor's name works", () => {
    assert.equal(add.s(1).immutable, false);
    assert.equal(add.si(1, 2).immutable, true);
    assert.equal(taskRef({ name: "x.y" }).s().task, "x.y");
  });

  it("kinds: subtask_type first, task name for chunks/map/starmap (Celery writes subtask_type null for them)", () => {
    assert.equal(signatureKind(chain(add.s(1), mul.s(2))), "chain");
    assert.equal(signatureKind(map(add.s(), [1])), "xmap");
    assert.equal(map(add.s(), [1]).subtask_type, null);
    assert.equal(signatureKind(starmap(add.s(), [[1, 2]])), "xstarmap");
    assert.equal(signatureKind(chunks(add.s(), [[1, 2]], 1)), "chunks");
    assert.throws(() => fromSignatureDict({ task: "t", subtask_type: "nope" }), isError("InvalidMessage", /subtask_type/));
    assert.throws(() => fromSignatureDict({ task: "t", args: "no" }), isError("InvalidMessage", /^signature\.args/));
    assert.throws(
      () => fromSignatureDict({ task: "celery.group", kwargs: { tasks: [{}] }, subtask_type: "group" }),
      isError("InvalidMessage", /kwargs\.tasks\[0\]/),
    );
  });

  it("fromSignatureDict fills Celery's defaults and reads a chord's group header as its tasks", () => {
    assert.deepEqual(toSignatureDict(fromSignatureDict({ task: "t" })), { task: "t", args: [], kwargs: {}, options: {}, subtask_type: null, immutable: false });
    const frozen = freeze(chord([add.s(1, 1)], xsum.s()), { replyTo: "oid" }).signature;
    assert.equal(signatureKind(frozen.kwargs["header"] as Signature), "group");
    assert.ok(Array.isArray(fromSignatureDict(toSignatureDict(frozen)).kwargs["header"]));
  });

  it("chain(): nested chains spliced, group | task → chord, chord | task → the body, a leading group makes a chord", () => {
    const spliced = chain(add.s(1), chain(mul.s(2), add.s(3)), add.s(4));
    assert.deepEqual(
      (spliced.kwargs["tasks"] as Signature[]).map((t) => t.args),
      [[1], [2], [3], [4]],
    );
    const upgraded = chain(add.s(1, 1), group(mul.s(2), mul.s(3)), xsum.s());
    const steps = upgraded.kwargs["tasks"] as Signature[];
    assert.deepEqual(steps.map(signatureKind), ["task", "chord"]);
    const body = chain(chord([add.s(1, 1)], xsum.s()), mul.s(10)).kwargs["tasks"] as Signature[];
    assert.equal(signatureKind((body[0] as Signature).kwargs["body"] as Signature), "chain");
    assert.equal(signatureKind(chain(group(add.s(1, 1), add.s(2, 2)), xsum.s())), "chord");
    assert.equal(signatureKind(pipe(group(add.s(1, 1), add.s(2, 2)), xsum.s())), "chord");
  });

  it("link/linkError: deduplicated; a group links an immutable clone to its first task; a chord links its body", () => {
    const linked = link(link(add.s(1, 1), mul.s(2)), mul.s(2));
    assert.equal((linked.options["link"] as unknown[]).length, 1);
    const g = link(group(add.s(1, 1), add.s(2, 2)), mul.s(2));
    const [first, second] = g.kwargs["tasks"] as [Signature, Signature];
    assert.equal((first.options["link"] as Signature[])[0]?.immutable, true);
    assert.equal(second.options["link"], undefined);
    const ge = linkError(group(add.s(1, 1), add.s(2, 2)), eb.s());
    assert.ok((ge.kwargs["tasks"] as Signature[]).every((t) => (t.options["link_error"] as unknown[]).length === 1));
    const c = linkError(link(chord([add.s(1, 1)], xsum.s()), mul.s(2)), eb.s());
    const cb = c.kwargs["body"] as Signature;
    assert.equal((cb.options["link"] as unknown[]).length, 1);
    assert.equal((cb.options["link_error"] as unknown[]).length, 1);
    assert.equal(((c.kwargs["header"] as Signature[])[0] as Signature).options["link_error"], undefined);
    const withHeader = linkError(chord([add.s(1, 1)], xsum.s()), eb.s(), { allowErrorCallbackOnChordHeader: true });
    const headerErrback = (((withHeader.kwargs["header"] as Signature[])[0] as Signature).options["link_error"] as Signature[])[0];
    // Celery's errback.clone(immutable=True) puts `immutable` in the clone's OPTIONS (the flag stays false).
    assert.deepEqual([headerErrback?.immutable, headerErrback?.options["immutable"]], [false, true]);
  });

  it("setImmutable: a group's members and a chord's header members, not the body", () => {
    const c = setImmutable(chord([add.s(1)], xsum.s()), true);
    assert.equal(((c.kwargs["header"] as Signature[])[0] as Signature).immutable, true);
    assert.equal((c.kwargs["body"] as Signature).immutable, false);
  });

  it("countChordSize: task 1, group = sum, chain = its last step, chord = its body", () => {
    assert.equal(countChordSize(add.s()), 1);
    assert.equal(countChordSize(group(add.s(), group(add.s(), add.s()))), 3);
    assert.equal(countChordSize(chain(add.s(), group(add.s(), add.s()))), 2);
    assert.equal(countChordSize(chord([add.s(), add.s()], group(xsum.s(), xsum.s(), xsum.s()))), 3);
  });

  it("no operation mutates its input", async () => {
    const c = deepFreeze(chain(add.s(1, 2), chord([mul.s(2), mul.s(3)], xsum.s()), mul.s(10)));
    const before = JSON.stringify(c);
    freeze(c, { replyTo: "oid" });
    clone(c, { args: [1], options: { queue: "q" } });
    link(c, eb.s());
    linkError(c, eb.s());
    setImmutable(c, true);
    setOptions(c, { queue: "q" });
    await applyAsync(c, new RecordingTaskSender(), { args: [5] });
    await applyAsync(deepFreeze(group(add.s(1), add.s(2))), new RecordingTaskSender());
    assert.equal(JSON.stringify(c), before);
  });
});

describe("freeze", () => {
  it("a task keeps its task_id, gets reply_to and the given ids", () => {
    const { signature: s, result } = freeze(add.s(1), { id: "a", groupId: "g", groupIndex: 2, rootId: "r", parentId: "p", replyTo: "oid" });
    assert.deepEqual(s.options, { task_id: "a", reply_to: "oid", root_id: "r", parent_id: "p", group_id: "g", group_index: 2 });
    assert.equal(result.id, "a");
    assert.equal(freeze(setOptions(add.s(1), { id: "kept" }), { id: "other" }).result.id, "kept");
  });

  it("a chain: every step gets an id, the result is the last step with parents back to the first", () => {
    const { signature: s, result } = freeze(chain(add.s(1), mul.s(2), add.s(3)), { id: "last" });
    const ids = (s.kwargs["tasks"] as Signature[]).map((t) => t.options["task_id"]);
    assert.equal(ids[2], "last");
    assert.deepEqual(resultLineage(result), [...ids].reverse());
    assert.equal(s.options["task_id"], "last");
  });
});

describe("applying: what is published", () => {
  it("a task: partial args prepended, kwargs merged, call options override except groupId and stamps", async () => {
    const sig = signature("tasks.add", [2], { z: 1 }, { queue: "a", groupId: "keep", stamps: { s: "v1" }, priority: 3 });
    const { tasks } = await sent(sig, {
      args: [1],
      kwargs: { y: 2 },
      options: { queue: "b", groupId: "new", stamps: { s: "v2" }, countdown: 5, priority: null as never },
    });
    const [t] = tasks;
    assert.deepEqual([t?.name, t?.args, t?.kwargs], ["tasks.add", [1, 2], { z: 1, y: 2 }]);
    assert.deepEqual(t?.options, { queue: "b", groupId: "keep", stamps: { s: "v1" }, priority: 3, countdown: 5 });
  });

  it("an immutable task ignores partial args and kwargs, not options", async () => {
    const { tasks } = await sent(add.si(2, 2), { args: [9], kwargs: { x: 1 }, options: { queue: "q" } });
    assert.deepEqual([tasks[0]?.args, tasks[0]?.kwargs, tasks[0]?.options], [[2, 2], {}, { queue: "q" }]);
  });

  it("a chain: only the first step, `chain` = the rest REVERSED, link_error on every step, link on the last", async () => {
    const c = link(linkError(chain(add.s(1, 2), mul.s(3), add.s(1)), eb.s()), xsum.s());
    const sender = new RecordingTaskSender("oid");
    const { result, frozen } = await applyCanvas(c, sender, { args: [0] });
    const [first, ...others] = sender.sent;
    assert.equal(others.length, 0);
    assert.deepEqual(first?.args, [0, 1, 2]);
    const rest = first?.options.chain ?? [];
    assert.deepEqual(
      rest.map((s) => [s.task, s.args]),
      [
        ["tasks.add", [1]],
        ["tasks.mul", [3]],
      ],
    );
    assert.ok(rest.every((s) => (s.options.link_error as unknown[]).length === 1));
    assert.equal((rest[0]?.options.link as unknown[]).length, 1);
    assert.equal(rest[1]?.options.link, undefined);
    assert.ok(rest.every((s) => s.options.reply_to === "oid" && s.options.root_id === undefined));
    assert.ok(result instanceof AsyncResult);
    assert.deepEqual(resultLineage(frozen), [rest[0]?.options.task_id, rest[1]?.options.task_id, first?.id]);
    assert.equal(result.parent?.parent?.id, first?.id);
  });

  it("a group: one message per member, same group id, group_index per level (Celery's nested numbering)", async () => {
    const sender = new RecordingTaskSender();
    const result = await applyAsync(group(add.s(1), group(add.s(2), add.s(3)), add.s(4)), sender, { args: [10], options: { id: "gid" } });
    assert.ok(result instanceof GroupResult);
    assert.equal(result.id, "gid");
    assert.deepEqual(
      sender.sent.map((t) => [t.args, t.options.groupId, t.options.groupIndex]),
      [
        [[10, 1], "gid", 0],
        [[10, 2], "gid", 0],
        [[10, 3], "gid", 1],
        [[10, 4], "gid", 2],
      ],
    );
    assert.deepEqual(sender.backend.calls, []);
  });

  it("a group refuses link/linkError at apply time (as Celery), an empty group publishes nothing", async () => {
    await assert.rejects(applyAsync(group(add.s(1)), new RecordingTaskSender(), { options: { link: mul.s(2) } }), isError("InvalidOption", /^link: /));
    const sender = new RecordingTaskSender();
    const result = await applyAsync(group(), sender);
    assert.ok(result instanceof GroupResult);
    assert.equal(sender.sent.length, 0);
  });

  it("a chord: header members carry group/group_index/embed chord; the size is set just before the last one", async () => {
    const sender = new RecordingTaskSender();
    const { result, frozen } = await applyCanvas(chord([add.s(1, 1), chain(add.s(2, 2), mul.s(2)), add.s(3, 3)], xsum.s()), sender);
    const log = sender.log.map((e) => (e.op === "send" ? `send ${e.name}` : `${e.op} ${e.op === "set_chord_size" ? e.size : ""}`));
    assert.deepEqual(log, ["send tasks.add", "send tasks.add", "set_chord_size 3", "send tasks.add"]);
    const gid = frozen.parent?.id;
    const bodyIds = new Set<unknown>();
    for (const t of sender.sent) {
      const chordBody = t.options.chord ?? (t.options.chain?.[0]?.options.chord as SentTask["options"]["chord"]);
      bodyIds.add(chordBody?.options.task_id);
      assert.equal(chordBody?.options.group_id, gid);
    }
    assert.deepEqual([...bodyIds], [result.id]);
    assert.deepEqual(
      sender.sent.map((t) => t.options.groupIndex ?? t.options.chain?.[0]?.options.group_index),
      [0, 1, 2],
    );
  });

  it("an empty chord header applies the body at once with []", async () => {
    const { tasks } = await sent(chord([], xsum.s()));
    assert.deepEqual([tasks[0]?.name, tasks[0]?.args], ["tasks.xsum", [[]]]);
  });

  it("a chord whose header member returns a group saves the header GroupResult first (Redis apply_chord)", async () => {
    const sender = new RecordingTaskSender();
    await applyAsync(chord([chain(add.s(1, 1), group(mul.s(2), mul.s(3))), add.s(3, 3)], xsum.s()), sender);
    assert.deepEqual(
      sender.log.map((e) => e.op),
      ["save_group", "send", "set_chord_size", "send"],
    );
  });

  it("chunks → a group of celery.starmap; map/starmap → one built-in task each", async () => {
    const { tasks } = await sent(
      chunks(
        add.s(),
        [
          [1, 1],
          [2, 2],
          [3, 3],
        ],
        2,
      ),
    );
    assert.deepEqual(
      tasks.map((t) => [t.name, t.args, (t.kwargs as { it: unknown }).it, t.options.groupIndex]),
      [
        [
          "celery.starmap",
          [],
          [
            [1, 1],
            [2, 2],
          ],
          0,
        ],
        ["celery.starmap", [], [[3, 3]], 1],
      ],
    );
    const m = await sent(map(xsum.s(), [[1, 2]]));
    assert.deepEqual([m.tasks[0]?.name, m.tasks[0]?.kwargs], ["celery.map", { task: toSignatureDict(xsum.s()), it: [[1, 2]] }]);
    const s = await sent(starmap(add.s(), [[1, 2]]));
    assert.equal(s.tasks[0]?.name, "celery.starmap");
  });
});

describe("toSendTaskOptions", () => {
  it("maps Celery's names to SendTaskOptions; stamps, delivery mode names, callbacks as dict lists", () => {
    const cb = toSignatureDict(add.s());
    assert.deepEqual(
      toSendTaskOptions({
        task_id: "i",
        group_id: "g",
        link: cb,
        stamped_headers: ["a"],
        a: 1,
        delivery_mode: "transient",
        add_to_parent: false,
        queue: null,
        routing_key: "rk",
      }),
      { id: "i", groupId: "g", link: [cb], stamps: { a: 1 }, deliveryMode: 1, routingKey: "rk" },
    );
  });
});
