// CeleryProtoError prints under its own name, whatever a bundler renamed the class to; and as JSON, as before.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { inspect } from "node:util";
import { describe, it } from "node:test";
import { CeleryProtoError } from "../src/errors/celery-proto-error.js";

describe("CeleryProtoError", () => {
  it("has a stable name on the instance, the class and the printed form", () => {
    const error = new CeleryProtoError("InvalidOption", "boom");
    assert.equal(error.name, "CeleryProtoError");
    assert.equal(CeleryProtoError.name, "CeleryProtoError");
    assert.equal(error.constructor.name, "CeleryProtoError");
    assert.match(error.stack ?? "", /^CeleryProtoError: boom\n/);
    assert.match(inspect(error), /^CeleryProtoError: boom\n/);
    assert.equal(String(error), "CeleryProtoError: boom");
    assert.deepEqual(JSON.parse(JSON.stringify(error)), { code: "InvalidOption", message: "boom", details: [] });
    assert.ok(error instanceof Error && CeleryProtoError.is(error, "InvalidOption"));
  });

  it("a subclass keeps its own name", () => {
    class Sub extends CeleryProtoError {}
    Object.defineProperty(Sub.prototype, "name", { value: "Sub" });
    assert.match(inspect(new Sub("Timeout", "late")), /^Sub: late/);
  });

  it("an uncaught one prints as CeleryProtoError", () => {
    const script = 'import { CeleryProtoError } from "./sdk/src/errors/celery-proto-error.ts"; throw new CeleryProtoError("InvalidOption", "uncaught");';
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8" });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /^CeleryProtoError: uncaught$/m);
    assert.doesNotMatch(r.stderr, /_CeleryProtoError|\[CeleryProtoError\]/);
  });
});
