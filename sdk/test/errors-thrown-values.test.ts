// What Celery stores for a thrown value that is not an Error, and for exception arguments the serializer cannot hold
// (C:celery/backends/base.py prepare_exception + celery/utils/serialization.py ensure_serializable).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { errorToExceptionInfo } from "../src/codec/exceptions/error-to-exception-info.js";
import { formatPythonTraceback } from "../src/codec/exceptions/format-python-traceback.js";
import { exceptionInfoToError } from "../src/codec/exceptions/remote-task-error.js";

describe("thrown values that are not Errors", () => {
  it("are carried as Exception(value), as Celery stores an exception raised with that value", () => {
    const cases: Array<[unknown, unknown]> = [
      [{ code: 42 }, { code: 42 }],
      ["text", "text"],
      [42, 42],
      [null, null],
      [undefined, null],
      [true, true],
      [2n ** 64n, 2n ** 64n],
      [
        [1, "a"],
        [1, "a"],
      ],
      [{ when: new Date(0) }, { when: new Date(0) }],
    ];
    for (const [thrown, arg] of cases) {
      assert.deepEqual(errorToExceptionInfo(thrown), { exc_type: "Exception", exc_message: [arg], exc_module: "builtins" }, String(thrown));
    }
  });

  it("arguments JSON cannot hold become their repr string (ensure_serializable)", () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic["self"] = cyclic;
    const info = (thrown: unknown): unknown => errorToExceptionInfo(thrown).exc_message;
    assert.deepEqual(info(Symbol("s")), ["Symbol(s)"]);
    assert.deepEqual(
      info(function handler() {}),
      ["<function handler>"],
    );
    assert.deepEqual(info(new Map([[1, 2]])), ["<Map object>"]);
    assert.deepEqual(info([1, () => 2]), ["[1, <function <anonymous>>]"]);
    assert.deepEqual(info(cyclic), ["{'a': 1, 'self': {'a': 1, 'self': {'a': 1, 'self': {...}}}}"]);
    // the same rule for explicit Python args on an Error
    const explicit = Object.assign(new Error("x"), { excType: "KeyError", excModule: "builtins", excArgs: ["k", () => 1] });
    assert.deepEqual(errorToExceptionInfo(explicit), { exc_type: "KeyError", exc_message: ["k", "<function <anonymous>>"], exc_module: "builtins" });
  });

  it("errors, errors of other realms and objects naming their Python class keep their mapping", () => {
    assert.deepEqual(errorToExceptionInfo(new TypeError("bad")), { exc_type: "TypeError", exc_message: ["bad"], exc_module: "builtins" });
    assert.deepEqual(errorToExceptionInfo({ name: "ValueError", message: "m" }), { exc_type: "ValueError", exc_message: ["m"], exc_module: "builtins" });
    assert.deepEqual(errorToExceptionInfo({ excType: "KeyError", excModule: "builtins", excArgs: ["k"] }), {
      exc_type: "KeyError",
      exc_message: ["k"],
      exc_module: "builtins",
    });
  });

  it("read back, the error's message is Python's str(exc)", () => {
    const message = (exc_message: unknown[]): string => exceptionInfoToError({ exc_type: "Exception", exc_message, exc_module: "builtins" }).message;
    assert.equal(message([{ code: 42 }]), "{'code': 42}");
    assert.equal(message(["text"]), "text");
    assert.equal(message([null]), "None");
    assert.equal(message([]), "");
    assert.equal(message(["a", 1]), "('a', 1)");
  });

  it("the traceback's last line is str(exc), as Python prints it", () => {
    const last = (thrown: unknown): string => formatPythonTraceback(thrown, errorToExceptionInfo(thrown)).trimEnd().split("\n").at(-1) ?? "";
    assert.equal(last({ code: 42 }), "Exception: {'code': 42}");
    assert.equal(last("text"), "Exception: text");
    assert.equal(last(null), "Exception: None");
    assert.equal(last(new Error("")), "Exception");
    assert.equal(last({ excType: "KeyError", excModule: "builtins", excArgs: ["a", 1] }), "KeyError: ('a', 1)");
  });
});
