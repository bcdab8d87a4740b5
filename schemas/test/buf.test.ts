// The protobuf schemas are lint-clean and build; `buf breaking` has a baseline to compare against.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, it } from "node:test";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BUF = path.join(ROOT, "node_modules/.bin/buf");

function buf(args: string[]): { status: number | null; output: string } {
  const r = spawnSync(BUF, args, { cwd: ROOT, encoding: "utf8" });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe("buf", () => {
  it("buf lint reports nothing", () => {
    const r = buf(["lint"]);
    assert.equal(r.status, 0, r.output);
    assert.equal(r.output.trim(), "");
  });

  it("buf build succeeds", () => {
    const r = buf(["build", "-o", "/dev/null"]);
    assert.equal(r.status, 0, r.output);
  });

  it("buf breaking against the last commit that has the schemas passes", () => {
    const head = spawnSync("git", ["log", "-1", "--format=%H", "--", "schemas/proto"], { cwd: ROOT, encoding: "utf8" }).stdout.trim();
    if (head === "") return; // first commit of the schemas: nothing to compare with yet
    const r = buf(["breaking", "--against", `.git#ref=${head},subdir=.`]);
    assert.equal(r.status, 0, r.output);
  });
});
