// Type-level tests of generated typed tasks: snippets against the example's generated client and worker stubs are
// compiled by the TypeScript compiler (one program); correct ones must compile, each wrong one must fail with the
// expected diagnostic.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import ts from "typescript";
import { typeCheckFiles } from "./support/type-check-files.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const GEN = path.join(ROOT, "examples/typed/gen/catalog_tasks.js");
const SDK = path.join(ROOT, "sdk/src/index.js");
const WORKER = path.join(ROOT, "worker/src/index.js");

const PRELUDE = `
import { bindTasks, chain, chord, group, signature, type Client, type AsyncResult, type TypedSignature, type Signature } from ${JSON.stringify(SDK)};
import { implementTasks, type TaskRegistry } from ${JSON.stringify(WORKER)};
import { tasks, add, mul, shout, stats, type Stats } from ${JSON.stringify(GEN)};
declare const client: Client;
declare const registry: TaskRegistry;
const t = bindTasks(client, tasks);
void add; void mul; void shout; void stats; void chain; void chord; void group; void signature; void registry; void t;
export {};
`;

/** Snippet name → code and the diagnostic codes it must produce (empty: must compile). */
const SNIPPETS: Record<string, { code: string; expect: readonly number[] }> = {
  "correct calls": {
    code: `
      const r: AsyncResult<number> = await t.add.delay(2, 3);
      const n: number = await r.get();
      const p: number = await (await t.mul.enqueue([n, 4], { countdown: 10, priority: 5 })).get();
      const d: string = await (await t.describePoint.enqueue([{ x: 1, y: 2 }], { kwargs: { label: "P" } })).get();
      const d2: string = await (await t.describePoint.delay({ x: 1, y: 2 })).get();
      const s: string = await (await t.shout.delay("hi")).get();
      const s2 = await (await t.shout.enqueue(["hi", 3])).get();
      const st: Stats = await (await t.stats.delay([1, 2.5])).get();
      const direct: AsyncResult<number> = await client.enqueue(add, [1, 2]);
      void p; void d; void d2; void s; void s2; void st; void direct;
    `,
    expect: [],
  },
  "correct worker stubs": {
    code: `
      implementTasks(registry, { shout, stats }, {
        shout: ([text, times = 1]) => text.repeat(times),
        stats: async ([numbers]) => ({ count: numbers.length, sum: 0, mean: 0 }),
      });
    `,
    expect: [],
  },
  "correct chains": {
    code: `
      const c: TypedSignature<void, number> = chain(t.add.s(1, 2), t.mul.s(3));
      const longer: TypedSignature<void, string> = chain(t.add.s(1, 2), t.mul.s(3), t.mul.s(2), t.add.s(1), t.shout.si("x"));
      const s2: TypedSignature<void, Stats> = chain(t.shout.s("a", 2), t.stats.si([1]));
      const mixed: Signature = chain(t.add.s(1, 2), signature("untyped.step"), t.mul.s(2));
      const legacy: Signature = chain(signature("a"), group(signature("b"), signature("c")));
      const list: Signature = chain([signature("a"), signature("b")]);
      void c; void longer; void s2; void mixed; void legacy; void list;
    `,
    expect: [],
  },
  "correct groups and chords": {
    code: `
      const g: TypedSignature<unknown, [number, string]> = group(t.add.s(1, 2), t.shout.s("a"));
      const c1: TypedSignature<void, Stats> = chord([t.add.s(1, 2), t.mul.s(3, 4)], t.stats.s());
      const c2: TypedSignature<void, Stats> = chord(group(t.add.s(1, 2), t.add.s(3, 4)), t.stats.s());
      const c3: TypedSignature<void, Stats> = chain(group(t.add.s(1, 2), t.add.s(3, 4)), t.stats.s());
      const untyped: Signature = chord([signature("a"), signature("b")], signature("c"));
      const noBody: Signature = chord([signature("a")]);
      void g; void c1; void c2; void c3; void untyped; void noBody;
    `,
    expect: [],
  },
  "chord body that does not accept the header's results": { code: `chord([t.add.s(1, 2), t.add.s(3, 4)], t.shout.s());`, expect: [2345] },
  "chain from a group to a step that does not accept its results": { code: `chain(group(t.add.s(1, 2), t.shout.s("x")), t.stats.s());`, expect: [2345] },
  "chain step that does not accept the previous result": { code: `chain(t.add.s(1, 2), t.shout.s());`, expect: [2345] },
  "chain whose first step misses an argument": { code: `chain(t.mul.s(3), t.add.s(1));`, expect: [2345] },
  "chain result used as the wrong type": { code: `const c: TypedSignature<void, string> = chain(t.add.s(1, 2), t.mul.s(3)); void c;`, expect: [2322] },
  "partial signature with a wrong argument": { code: `t.mul.s("3");`, expect: [2345] },
  "wrong argument type": { code: `await t.add.delay("2", 3);`, expect: [2345] },
  "wrong argument type in enqueue": { code: `await t.add.enqueue([2, "3"]);`, expect: [2322] },
  "wrong nested argument type": { code: `await t.describePoint.delay({ x: "1", y: 2 });`, expect: [2322] },
  "missing argument": { code: `await t.add.delay(2);`, expect: [2554] },
  "too many arguments": { code: `await t.add.delay(2, 3, 4);`, expect: [2554] },
  "unknown task": { code: `await t.divide.delay(2, 3);`, expect: [2339] },
  "unknown keyword argument": { code: `await t.describePoint.enqueue([{ x: 1, y: 2 }], { kwargs: { colour: "red" } });`, expect: [2353] },
  "result used as the wrong type": { code: `const s: string = await (await t.add.delay(2, 3)).get(); void s;`, expect: [2322] },
  "stats result used as a number": { code: `const s: number = await (await t.stats.delay([1])).get(); void s;`, expect: [2322] },
  "missing worker implementation": {
    code: `implementTasks(registry, { shout, stats }, { shout: ([text]) => text });`,
    expect: [2345],
  },
  "mistyped worker implementation": {
    code: `implementTasks(registry, { shout, stats }, { shout: ([text]) => text.length, stats: ([n]) => ({ count: n.length, sum: 0, mean: 0 }) });`,
    expect: [2322],
  },
};

describe("generated typed tasks: compile-time checks", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "typed-tasks-types-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const files = Object.entries(SNIPPETS).map(([name, snippet], index) => {
    const file = path.join(dir, `snippet-${index}.ts`);
    writeFileSync(file, `${PRELUDE}\nexport async function snippet(): Promise<void> {\n${snippet.code}\n}\n`);
    return { name, file, expect: snippet.expect };
  });
  const byFile = new Map<string, ts.Diagnostic[]>();
  for (const diagnostic of typeCheckFiles(files.map((f) => f.file))) {
    const file = diagnostic.file?.fileName ?? "";
    byFile.set(file, [...(byFile.get(file) ?? []), diagnostic]);
  }

  it("only the snippets have diagnostics (the generated code and runtime compile cleanly)", () => {
    const elsewhere = [...byFile.entries()].filter(([file]) => !file.startsWith(dir));
    assert.deepEqual(
      elsewhere.map(([file, d]) => `${file}: ${d.map((x) => ts.flattenDiagnosticMessageText(x.messageText, " ")).join("; ")}`),
      [],
    );
  });

  for (const { name, file, expect } of files) {
    it(expect.length === 0 ? `${name} compile` : `${name} does not compile (TS${expect.join(", TS")})`, () => {
      const diagnostics = (byFile.get(file) ?? []).map((d) => `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`);
      assert.deepEqual([...new Set((byFile.get(file) ?? []).map((d) => d.code))], [...expect], diagnostics.join("\n"));
    });
  }
});
