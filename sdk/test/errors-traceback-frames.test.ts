// The traceback stored with a FAILURE shows the task's frames: the outermost frames of celery-proto itself (its
// bundled chunks in dist/, or its sources) and of Node's internals are left out.
import assert from "node:assert/strict";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, it } from "node:test";
import { errorToExceptionInfo } from "../src/codec/exceptions/error-to-exception-info.js";
import { formatPythonTraceback } from "../src/codec/exceptions/format-python-traceback.js";

const ROOT = path.resolve(import.meta.dirname, "../..");

function withStack(frames: readonly string[]): Error {
  const error = new Error("boom");
  error.name = "ValueError";
  error.stack = ["ValueError: boom", ...frames.map((f) => `    at ${f}`)].join("\n");
  return error;
}

function traceback(error: Error): string[] {
  return formatPythonTraceback(error, errorToExceptionInfo(error)).trimEnd().split("\n");
}

describe("failure tracebacks", () => {
  it("leave out the worker's own frames (bundled chunks) and Node's internals below the task's frames", () => {
    const chunk = pathToFileURL(path.join(ROOT, "dist/chunk-ABCD1234.js")).href;
    const error = withStack([
      "charge (/srv/app/billing.ts:10:11)",
      "async handler (file:///srv/app/tasks.ts:5:3)",
      `async runHandler (${chunk}:120:7)`,
      `async AsyncPool.execute (${chunk}:300:9)`,
      `async Promise.all (index 0)`,
      `TaskConsumer.onMessage (${path.join(ROOT, "dist/worker/index.js")}:40:2)`,
      "process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
    ]);
    assert.deepEqual(traceback(error), [
      "Traceback (most recent call last):",
      '  File "/srv/app/tasks.ts", line 5, in handler',
      '  File "/srv/app/billing.ts", line 10, in charge',
      "ValueError: boom",
    ]);
  });

  it("also when running from the sources, and keep our frames the task called into", () => {
    const source = (file: string): string => path.join(ROOT, file);
    const error = withStack([
      `checkOptions (${source("sdk/src/client/client.ts")}:45:11)`,
      "handler (/srv/app/tasks.ts:7:9)",
      `runEntry (${source("worker/src/consumer/run-entry.ts")}:80:5)`,
      `AsyncPool.run (${source("worker/src/execution/async-pool.ts")}:50:5)`,
    ]);
    assert.deepEqual(traceback(error).slice(1, -1), [
      '  File "/srv/app/tasks.ts", line 7, in handler',
      `  File "${source("sdk/src/client/client.ts")}", line 45, in checkOptions`,
    ]);
  });

  it("keep every frame when none is the task's (an error of the worker itself)", () => {
    const error = withStack([`decode (${path.join(ROOT, "dist/chunk-X.js")}:1:1)`, "processTicksAndRejections (node:internal/process/task_queues:95:5)"]);
    assert.equal(traceback(error).length, 4);
  });

  it("a real error thrown here starts at this file", () => {
    let caught: unknown;
    try {
      (function thrower(): never {
        throw new TypeError("real");
      })();
    } catch (e) {
      caught = e;
    }
    const lines = traceback(caught as Error);
    assert.match(lines[1] ?? "", /errors-traceback-frames\.test\.ts", line \d+, in /);
    assert.equal(lines.at(-1), "TypeError: real");
  });
});
