import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { CeleryProtoError } from "../../sdk/src/errors/celery-proto-error.js";
import { ensureTypeScriptSupport } from "../../sdk/src/modules/load-typescript-support.js";

// A module outside the repository, so that no tsx is found next to it.
const dir = mkdtempSync(path.join(tmpdir(), "celery-proto-ts-"));
const tsModule = path.join(dir, "tasks.ts");
writeFileSync(tsModule, "export const tasks = {};\n");

describe("ensureTypeScriptSupport (proto worker -A on a .ts module)", () => {
  it("leaves JavaScript modules alone", async () => {
    assert.equal(await ensureTypeScriptSupport(path.join(dir, "tasks.js"), { nativeTypeScript: false, loaderActive: false }), "javascript");
  });

  it("uses the loader the process was started with (node --import tsx)", async () => {
    assert.equal(await ensureTypeScriptSupport(tsModule, { nativeTypeScript: false, loaderActive: true }), "loader");
  });

  it("falls back to Node's type stripping when no tsx is installed next to the module", async () => {
    assert.equal(await ensureTypeScriptSupport(tsModule, { nativeTypeScript: "strip", loaderActive: false }), "native");
  });

  it("refuses with what to do when Node cannot strip types and no tsx is installed (Node 20)", async () => {
    await assert.rejects(ensureTypeScriptSupport(tsModule, { nativeTypeScript: false, loaderActive: false }), (error: unknown) => {
      assert.ok(CeleryProtoError.is(error) && error.code === "InvalidOption");
      assert.match(error.message, /^app: .*tasks\.ts is TypeScript, and Node v\d+\.\d+\.\d+ cannot import TypeScript by itself/);
      assert.match(error.message, /npm install --save-dev tsx/);
      assert.match(error.message, /Node >= 22\.18/);
      assert.match(error.message, /compile the module and pass the \.js file to -A/);
      return true;
    });
  });
});
