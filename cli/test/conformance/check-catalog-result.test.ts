// The result check of `proto conformance run --catalog`: a SUCCESS result valid against the task's result schema
// passes; a result of the wrong type fails naming the path, the rule and the value; a FAILURE names the exception.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compileCatalogSchemas } from "../../../codegen/src/catalog/compile-catalog-schemas.js";
import { readJsonSchemaCatalog } from "../../../codegen/src/catalog/read-json-schema-catalog.js";
import { checkCatalogResult } from "../../src/conformance-suite/check-catalog-result.js";

const model = await readJsonSchemaCatalog(new URL("../../../examples/typed/catalog.json", import.meta.url).pathname, "examples/typed/catalog.json");
const compiled = compileCatalogSchemas(model);
const stats = compiled.ajv.getSchema(compiled.refs.get("typed.stats")?.result ?? "");
const shout = compiled.ajv.getSchema(compiled.refs.get("typed.shout")?.result ?? "");
if (stats === undefined || shout === undefined) throw new Error("typed.stats and typed.shout are in the example catalog");

describe("catalog result check", () => {
  it("a valid SUCCESS result passes ($ref into $defs)", () => {
    assert.deepEqual(checkCatalogResult({ state: "SUCCESS", result: { count: 2, sum: 3, mean: 1.5 }, elapsedSeconds: 0.1 }, stats), []);
    assert.deepEqual(checkCatalogResult({ state: "SUCCESS", result: "A", elapsedSeconds: 0.1 }, shout), []);
  });

  it("a result of the wrong type fails with the path, ajv's message and the value", () => {
    assert.deepEqual(checkCatalogResult({ state: "SUCCESS", result: { count: 1, sum: 2, mean: "2" }, elapsedSeconds: 0 }, stats), [
      'result/mean: must be number, got "2"',
    ]);
    assert.deepEqual(checkCatalogResult({ state: "SUCCESS", result: 3, elapsedSeconds: 0 }, shout), ["result: must be string, got 3"]);
    assert.deepEqual(checkCatalogResult({ state: "SUCCESS", result: { count: 1, sum: 2 }, elapsedSeconds: 0 }, stats), [
      "result: must have required property 'mean'",
    ]);
    assert.deepEqual(checkCatalogResult({ state: "SUCCESS", elapsedSeconds: 0 }, shout), ["result: must be string, got null"]);
  });

  it("a FAILURE (or any state but SUCCESS) fails naming the exception", () => {
    assert.deepEqual(checkCatalogResult({ state: "FAILURE", error: { type: "NotRegistered", message: "'typed.stats'" }, elapsedSeconds: 0 }, stats), [
      "state: expected SUCCESS, got FAILURE: NotRegistered: 'typed.stats'",
    ]);
    assert.deepEqual(checkCatalogResult({ state: "REVOKED", elapsedSeconds: 0 }, stats), ["state: expected SUCCESS, got REVOKED"]);
  });
});
