// Tracing is optional: without `tracing` neither the client nor the worker loads anything of @opentelemetry/*; with
// it, the API is loaded. Checked in a fresh process per case.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, it } from "node:test";

const ROOT = path.resolve(import.meta.dirname, "../..");
const run = promisify(execFile);

async function loaded(tracing: "on" | "off"): Promise<boolean> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", path.join(ROOT, "conformance/harness/tracing-module-loads.ts"), tracing], {
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: "" },
    timeout: 60_000,
  });
  return (JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as { loaded: boolean }).loaded;
}

describe("@opentelemetry/api loads only with tracing on", () => {
  it("off: nothing of @opentelemetry/* loaded by a client and a worker that ran a task", async () => {
    assert.equal(await loaded("off"), false);
  });
  it("on: loaded", async () => {
    assert.equal(await loaded("on"), true);
  });
});
