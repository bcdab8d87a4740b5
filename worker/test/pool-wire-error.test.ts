// A thrown value crossing from a pool child to the worker (structured clone, as Node's "advanced" IPC does) maps to
// the same Celery exception dict as in process: non-Error values included.
import assert from "node:assert/strict";
import { deserialize, serialize } from "node:v8";
import { describe, it } from "node:test";
import { errorToExceptionInfo } from "../../sdk/src/codec/exceptions/error-to-exception-info.js";
import { encodeKombuJson } from "../../sdk/src/codec/json/kombu-json.js";
import { fromWireError, toWireError } from "../src/pool/wire-error.js";

const acrossIpc = (thrown: unknown): Error => fromWireError(deserialize(serialize(toWireError(thrown))) as ReturnType<typeof toWireError>);

describe("pool wire errors", () => {
  it("non-Error thrown values arrive as Exception(value)", () => {
    for (const thrown of [{ code: 42 }, "text", 42, null, undefined, Symbol("s"), Object.create(null) as object, [1, { a: NaN }]]) {
      const rebuilt = acrossIpc(thrown);
      // compared as stored (kombu JSON): a null-prototype object comes back as a plain one
      assert.equal(encodeKombuJson(errorToExceptionInfo(rebuilt)), encodeKombuJson(errorToExceptionInfo(thrown)), String(typeof thrown));
      assert.equal(errorToExceptionInfo(rebuilt).exc_type, "Exception");
    }
    assert.equal(acrossIpc({ code: 42 }).message, "{'code': 42}");
    assert.equal(acrossIpc("text").message, "text");
  });

  it("errors keep their mapping and message", () => {
    const rebuilt = acrossIpc(new RangeError("out"));
    assert.deepEqual(errorToExceptionInfo(rebuilt), { exc_type: "ValueError", exc_message: ["out"], exc_module: "builtins" });
    assert.equal(rebuilt.message, "out");
  });
});
