// Type-level checks of the producer API, compiled by the project's strict tsc (see scripts/test/static-checks.test.ts);
// each @ts-expect-error line must fail to compile, or tsc reports the directive as unused.
import assert from "node:assert/strict";
import { it } from "node:test";
import { defineTask, type Client, type AsyncResult } from "../src/index.js";

const add = defineTask<[number, number], number>("tasks.add");

export async function typeChecks(client: Client): Promise<void> {
  const ok: AsyncResult<number> = await client.enqueue(add, [2, 3], {}, { countdown: 1 });
  const value: number = await ok.get();
  void value;
  // @ts-expect-error a string where a number is required
  await client.enqueue(add, ["2", 3]);
  // @ts-expect-error a missing argument
  await client.enqueue(add, [2]);
  const r = await client.enqueue(add, [1, 1]);
  // @ts-expect-error the result is a number, not a string
  const wrong: string = await r.get();
  void wrong;
  // @ts-expect-error an unknown option
  await client.enqueue(add, [1, 1], {}, { countdwn: 1 });
  // untyped by name still works
  const any: AsyncResult<unknown> = await client.enqueue("tasks.other", [1, "x"]);
  void any;
}

it("type-level producer checks are compiled by the static-checks test", () => assert.equal(typeof typeChecks, "function"));
