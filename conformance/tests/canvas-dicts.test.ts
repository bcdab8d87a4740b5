// toSignatureDict() of signatures built with the TypeScript canvas API equals Python's Signature.__json__() for the
// same construction (conformance/python/reference/canvas_dicts.py), key for key with fixed ids, on Celery 5.7 and
// 5.3; and fromSignatureDict() reads each Python dict as Celery's Signature.from_dict does.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { chain } from "../../sdk/src/canvas/chain.js";
import { chord } from "../../sdk/src/canvas/chord.js";
import { chunks } from "../../sdk/src/canvas/chunks.js";
import { freeze } from "../../sdk/src/canvas/freeze-signature.js";
import { group } from "../../sdk/src/canvas/group.js";
import { link, linkError } from "../../sdk/src/canvas/link-signature.js";
import { map, starmap } from "../../sdk/src/canvas/map-signatures.js";
import { setImmutable } from "../../sdk/src/canvas/set-immutable.js";
import { setOptions } from "../../sdk/src/canvas/set-options.js";
import { fromSignatureDict, toSignatureDict } from "../../sdk/src/canvas/signature-dict.js";
import type { Signature } from "../../sdk/src/canvas/signature.js";
import { taskRef } from "../../sdk/src/canvas/task-ref.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const ID1 = "11111111-1111-4111-8111-111111111111";
const ID2 = "22222222-2222-4222-8222-222222222222";
const ID3 = "33333333-3333-4333-8333-333333333333";
const ID4 = "44444444-4444-4444-8444-444444444444";
const OID = "99999999-9999-4999-8999-999999999999";

const add = taskRef("conformance.add");
const mul = taskRef("conformance.mul");
const xsum = taskRef("conformance.xsum");
const echo = taskRef("conformance.echo");
const errback = taskRef("conformance.record_errback");

/** The TypeScript twin of every case in canvas_dicts.py. */
const CASES: Record<string, () => Signature> = {
  task: () => add.s(2, 2),
  "task-kwargs": () => echo.signature([1, "two"], { k: "v", n: null }),
  "task-immutable": () => add.si(2, 2),
  "task-options": () =>
    add.signature(
      [1],
      {},
      {
        id: ID1,
        countdown: 10,
        queue: "math",
        priority: 3,
        expires: 60,
        timeLimit: 30,
        softTimeLimit: 20,
        shadow: "shadowed",
        headers: { "x-h": 1 },
        routingKey: "rk",
        exchange: "ex",
        ignoreResult: true,
        rootId: ID2,
        parentId: ID3,
        groupId: ID4,
        groupIndex: 2,
        replyTo: OID,
        retries: 1,
      },
    ),
  "task-stamps": () => setOptions(add.s(1, 1), { stamps: { tenant: "acme" } }),
  "task-link": () => linkError(link(link(link(add.s(1, 1), mul.s(2)), mul.s(2)), mul.s(3)), errback.s()),
  "task-link-chain": () => link(add.s(1, 1), chain(mul.s(2), mul.s(3))),
  "task-frozen": () => freeze(add.signature([1, 2], {}, { replyTo: OID }), { id: ID1, groupId: ID2, groupIndex: 0, rootId: ID3, parentId: ID4 }).signature,
  chain: () => chain(add.s(1, 2), mul.s(3), add.s(1)),
  "chain-one": () => chain(add.s(1, 2)),
  "chain-list": () => chain([add.s(1, 2), mul.s(3)]),
  "chain-nested": () => chain(add.s(1, 2), chain(mul.s(3), add.s(4)), add.s(5)),
  "chain-group-task": () => chain(add.s(1, 1), group(mul.s(2), mul.s(3)), xsum.s()),
  "chain-starting-group": () => chain(group(add.s(1, 1), add.s(2, 2)), xsum.s(), mul.s(10)),
  "chain-chord-task": () => chain(chord([add.s(1, 1), add.s(2, 2)], xsum.s()), mul.s(10)),
  "chain-options": () => setOptions(chain(add.s(1, 2), mul.s(3)), { id: ID1, queue: "q" }),
  "chain-link-error": () => linkError(chain(add.s(1, 2), mul.s(3)), errback.s()),
  group: () => group([0, 1, 2].map((i) => add.s(i, i))),
  "group-args": () => group(add.s(1, 1), add.s(2, 2)),
  "group-nested": () => group(add.s(1, 1), group(add.s(2, 2), add.s(3, 3))),
  "group-link": () => link(group(add.s(1, 1), add.s(2, 2)), echo.s()),
  "group-link-error": () => linkError(group(add.s(1, 1), add.s(2, 2)), errback.s()),
  "group-immutable": () => setImmutable(group(add.s(1), add.s(2)), true),
  chord: () =>
    chord(
      [0, 1, 2].map((i) => add.s(i, i)),
      xsum.s(),
    ),
  "chord-group-header": () => chord(group(add.s(1, 1), add.s(2, 2)), xsum.s()),
  "chord-link": () => linkError(link(chord([add.s(1, 1)], xsum.s()), echo.s()), errback.s()),
  chunks: () =>
    chunks(
      add.s(),
      [
        [1, 1],
        [2, 2],
        [3, 3],
      ],
      2,
    ),
  map: () =>
    map(xsum.s(), [
      [1, 2],
      [3, 4],
    ]),
  starmap: () =>
    starmap(add.s(), [
      [1, 2],
      [3, 4],
    ]),
  "starmap-options": () => setOptions(starmap(add.s(), [[1, 2]]), { queue: "q", id: ID1 }),
};

/** Cases whose dict Celery 5.3 writes differently. */
const KNOWN_53_DIFFERENCES: Readonly<Record<string, string>> = {
  "group-link-error": "5.3 links errback.clone(immutable=True), which puts `immutable: true` into the clone's OPTIONS",
};

interface PythonDicts {
  readonly dict: unknown;
  readonly from_dict: unknown;
}

function python(venv: string): Record<string, PythonDicts> | null {
  const bin = path.join(ROOT, venv, "bin", "python");
  if (!existsSync(bin)) return null;
  const out = execFileSync(bin, [path.join(ROOT, "conformance/python/reference/canvas_dicts.py")], {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
  return JSON.parse(out) as Record<string, PythonDicts>;
}

/** Through JSON, as the wire carries it. */
const json = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

for (const venv of [".venv", ".venv-5.3"]) {
  describe(`canvas dicts: TS API vs Python ${venv}`, () => {
    const reference = python(venv);
    const skip = reference === null ? `${venv} missing: run bash scripts/setup/python.sh` : false;
    it("every Python case has a TS twin and back", { skip }, () => {
      assert.deepEqual(Object.keys(reference ?? {}).sort(), Object.keys(CASES).sort());
    });
    for (const [id, make] of Object.entries(CASES)) {
      const known = venv === ".venv-5.3" ? KNOWN_53_DIFFERENCES[id] : undefined;
      it(`${id}: toSignatureDict = __json__()${known === undefined ? "" : " (differs in 5.3: known)"}`, { skip }, () => {
        const py = reference?.[id];
        assert.ok(py);
        const ours = json(toSignatureDict(make()));
        if (known === undefined) assert.deepEqual(ours, py.dict);
        else assert.notDeepEqual(ours, py.dict, `${known}: now equal, remove it from KNOWN_53_DIFFERENCES`);
      });
      it(`${id}: fromSignatureDict(python dict) = Signature.from_dict(dict)`, { skip }, () => {
        const py = reference?.[id];
        assert.ok(py);
        assert.deepEqual(json(toSignatureDict(fromSignatureDict(py.dict))), py.from_dict);
      });
    }
  });
}
