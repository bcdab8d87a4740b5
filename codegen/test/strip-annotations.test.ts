import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { JsonObject } from "../src/json-schema/json-value.js";
import { stripAnnotations } from "../src/json-schema/strip-annotations.js";

describe("stripAnnotations", () => {
  it("drops description, $comment, examples and title in every schema position, and nothing else", () => {
    const schema: JsonObject = {
      $id: "https://example.test/x.schema.json",
      title: "Root",
      description: "prose",
      $comment: "note",
      type: "object",
      properties: {
        description: { type: "string", description: "a property called description stays" },
        title: { const: { title: "data, not a schema" }, examples: ["x"] },
        list: { type: "array", items: { title: "Item", type: "integer" }, prefixItems: [{ description: "first" }, true] },
      },
      anyOf: [{ $comment: "left", required: ["description"] }, { not: { description: "neither", enum: [{ description: "kept" }] } }],
      $defs: { Named: { title: "Named", type: "null", default: null } },
      default: { description: "a default is data" },
    };
    const original = structuredClone(schema);
    assert.deepEqual(stripAnnotations(schema), {
      $id: "https://example.test/x.schema.json",
      type: "object",
      properties: {
        description: { type: "string" },
        title: { const: { title: "data, not a schema" } },
        list: { type: "array", items: { type: "integer" }, prefixItems: [{}, true] },
      },
      anyOf: [{ required: ["description"] }, { not: { enum: [{ description: "kept" }] } }],
      $defs: { Named: { type: "null", default: null } },
      default: { description: "a default is data" },
    });
    assert.deepEqual(schema, original, "the input is left untouched");
  });
});
