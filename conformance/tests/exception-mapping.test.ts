// JS errors → Celery exception dicts → the exception Python's result backend raises (both Celery lines), and back.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, it } from "node:test";
import { errorToExceptionInfo } from "../../sdk/src/codec/exceptions/error-to-exception-info.js";
import { formatPythonTraceback } from "../../sdk/src/codec/exceptions/format-python-traceback.js";
import { exceptionInfoToError, RemoteTaskError } from "../../sdk/src/codec/exceptions/remote-task-error.js";

class PaymentDeclined extends Error {
  override name = "PaymentDeclined";
}
class ExplicitKeyError extends Error {
  readonly excType = "KeyError";
  readonly excModule = "builtins";
  readonly excArgs = ["missing-key"];
}

const CASES: Array<{ error: unknown; pyClass: string; pyModule: string; args: string[]; builtin: boolean }> = [
  { error: Object.assign(new Error("boom"), { name: "ValueError" }), pyClass: "ValueError", pyModule: "builtins", args: ["boom"], builtin: true },
  { error: new TypeError("bad type"), pyClass: "TypeError", pyModule: "builtins", args: ["bad type"], builtin: true },
  { error: new RangeError("out of range"), pyClass: "ValueError", pyModule: "builtins", args: ["out of range"], builtin: true },
  { error: new Error("plain"), pyClass: "Exception", pyModule: "builtins", args: ["plain"], builtin: true },
  { error: new PaymentDeclined("card 42"), pyClass: "PaymentDeclined", pyModule: "celery.exceptions", args: ["card 42"], builtin: false },
  { error: new ExplicitKeyError("ignored"), pyClass: "KeyError", pyModule: "builtins", args: ["missing-key"], builtin: true },
  { error: "a thrown string", pyClass: "Exception", pyModule: "builtins", args: ["a thrown string"], builtin: true },
];

for (const venv of [".venv", ".venv-5.3"]) {
  describe(`exception dicts read by Celery's backend (${venv})`, () => {
    const infos = CASES.map((c) => errorToExceptionInfo(c.error));
    const output = execFileSync(`${venv}/bin/python`, ["conformance/python/reference/exception_from_info.py"], {
      input: `${infos.map((i) => JSON.stringify(i)).join("\n")}\n`,
      encoding: "utf8",
    });
    const seen = output
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { class: string; module: string; args: string[]; is_builtin_subclass: boolean; is_exception: boolean });
    CASES.forEach((c, i) => {
      it(`${c.pyModule}.${c.pyClass}(${c.args.join(", ")})`, () => {
        assert.deepEqual(seen[i], { class: c.pyClass, module: c.pyModule, args: c.args, is_builtin_subclass: c.builtin, is_exception: true });
      });
    });
  });
}

describe("exception dicts back to JS errors", () => {
  it("keeps class, module, args and traceback, and works with instanceof across copies via RemoteTaskError.is", () => {
    const error = exceptionInfoToError({ exc_type: "TaskRevokedError", exc_message: ["expired"], exc_module: "celery.exceptions" }, "Traceback ...", "t1");
    assert.ok(error instanceof RemoteTaskError && RemoteTaskError.is(error));
    assert.deepEqual([error.name, error.excModule, error.message, error.taskId], ["TaskRevokedError", "celery.exceptions", "expired", "t1"]);
    assert.deepEqual(error.toExceptionInfo(), { exc_type: "TaskRevokedError", exc_message: ["expired"], exc_module: "celery.exceptions" });
  });

  it("formats a Python-shaped traceback, oldest frame first", () => {
    function inner(): never {
      throw Object.assign(new Error("boom"), { name: "ValueError" });
    }
    let caught: unknown;
    try {
      inner();
    } catch (e) {
      caught = e;
    }
    const text = formatPythonTraceback(caught, errorToExceptionInfo(caught));
    const lines = text.trimEnd().split("\n");
    assert.equal(lines[0], "Traceback (most recent call last):");
    assert.match(lines.at(-2) ?? "", /^ {2}File ".+exception-mapping\.test\.ts", line \d+, in inner$/);
    assert.equal(lines.at(-1), "ValueError: boom");
  });
});
