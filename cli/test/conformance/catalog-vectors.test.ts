// The argument vectors `proto conformance run --catalog` calls a catalog's tasks with: deterministic, each valid
// against the task's arguments schema (ajv, bound as Python binds the call), covering the schema's boundaries
// (minimum/maximum, minLength, minItems, each enum value, each type of a union), `$ref`s into `$defs` and objects
// (required properties in `minimal`, optional ones in `all`); a schema no value can be generated for fails loudly.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compileCatalogSchemas } from "../../../codegen/src/catalog/compile-catalog-schemas.js";
import { parseJsonSchemaCatalog } from "../../../codegen/src/catalog/read-json-schema-catalog.js";
import type { TaskCatalogModel } from "../../../codegen/src/catalog/task-catalog-model.js";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import { catalogVectors, type ArgumentVector } from "../../src/conformance-suite/catalog-vectors.js";
import { schemaSamples } from "../../src/conformance-suite/schema-samples.js";

const CATALOG = {
  tasks: {
    "t.bounded": {
      args: [
        { name: "n", schema: { type: "integer", minimum: 1, maximum: 10 } },
        { name: "s", schema: { type: "string", minLength: 3, maxLength: 5 }, required: false },
      ],
      kwargs: [{ name: "colour", schema: { enum: ["red", "green", 3] }, required: false }],
      result: { type: "integer" },
    },
    "t.shapes": {
      args: [
        { name: "point", schema: { $ref: "#/$defs/Point" } },
        { name: "tags", schema: { type: "array", items: { type: "string" }, minItems: 2 } },
      ],
      kwargs: [
        { name: "label", schema: { type: ["string", "null"] }, required: false },
        { name: "either", schema: { anyOf: [{ type: "boolean" }, { $ref: "#/$defs/Point" }] }, required: false },
      ],
      result: { type: "string" },
    },
    "t.nothing": { result: { type: "null" } },
  },
  $defs: {
    Point: {
      type: "object",
      properties: { x: { type: "number", exclusiveMinimum: 0 }, y: { type: "number" }, note: { type: "string" } },
      required: ["x", "y"],
      additionalProperties: false,
    },
  },
};

function vectorsOf(catalog: unknown): Map<string, ArgumentVector[]> {
  const model: TaskCatalogModel = parseJsonSchemaCatalog(catalog, "test catalog");
  const compiled = compileCatalogSchemas(model);
  return new Map(
    model.tasks.map((task) => {
      const validate = compiled.ajv.getSchema(compiled.refs.get(task.name)?.arguments ?? "");
      assert.ok(validate);
      return [task.name, catalogVectors(task, model.defs, validate)];
    }),
  );
}

const byLabel = (vectors: readonly ArgumentVector[] | undefined): Map<string, ArgumentVector> => new Map((vectors ?? []).map((v) => [v.label, v]));

describe("catalog argument vectors", () => {
  const vectors = vectorsOf(CATALOG);

  it("every vector is valid against its task's arguments schema, labels are unique, and the generation is deterministic", () => {
    const model = parseJsonSchemaCatalog(CATALOG, "test catalog");
    const compiled = compileCatalogSchemas(model);
    for (const task of model.tasks) {
      const validate = compiled.ajv.getSchema(compiled.refs.get(task.name)?.arguments ?? "");
      assert.ok(validate);
      const list = vectors.get(task.name) ?? [];
      assert.equal(new Set(list.map((v) => v.label)).size, list.length, task.name);
      for (const v of list) {
        const bound: Record<string, unknown> = { ...v.kwargs };
        v.args.forEach((value, i) => (bound[task.args[i]?.name ?? ""] = value));
        assert.ok(validate(bound), `${task.name}/${v.label}: ${JSON.stringify(validate.errors)}`);
      }
    }
    assert.deepEqual(vectorsOf(CATALOG), vectors);
  });

  it("minimal gives the required parameters only; all gives every parameter", () => {
    const bounded = byLabel(vectors.get("t.bounded"));
    assert.deepEqual(bounded.get("minimal"), { label: "minimal", args: [1], kwargs: {} });
    assert.deepEqual(bounded.get("all"), { label: "all", args: [2, "text"], kwargs: { colour: "red" } });
    assert.deepEqual(byLabel(vectors.get("t.nothing")).get("minimal"), { label: "minimal", args: [], kwargs: {} });
  });

  it("integer minimum and maximum, string minLength and maxLength, each enum value", () => {
    const bounded = byLabel(vectors.get("t.bounded"));
    assert.deepEqual(bounded.get("n.maximum")?.args, [10]);
    assert.deepEqual(bounded.get("s.minLength")?.args, [1, "aaa"]);
    assert.deepEqual(bounded.get("s.maxLength")?.args, [1, "zzzzz"]);
    assert.deepEqual(bounded.get("colour.enum=green")?.kwargs, { colour: "green" });
    assert.deepEqual(bounded.get("colour.enum=3")?.kwargs, { colour: 3 });
    // n.minimum is the minimal vector itself: not repeated.
    assert.equal(bounded.has("n.minimum"), false);
  });

  it("$ref into $defs: required properties in minimal, optional ones in all; property boundaries; array minItems; unions", () => {
    const shapes = byLabel(vectors.get("t.shapes"));
    assert.deepEqual(shapes.get("minimal")?.args, [{ x: 0.5, y: 0 }, ["a", "a"]]);
    assert.deepEqual(shapes.get("all")?.args[0], { x: 2.5, y: 2.5, note: "text" });
    assert.deepEqual(shapes.get("point.x.fraction")?.args[0], { x: 0.75, y: 0 });
    assert.deepEqual(shapes.get("point.y.negative")?.args[0], { x: 0.5, y: -7 });
    assert.ok(!shapes.has("point.x.negative"), "x has an exclusive minimum of 0");
    assert.deepEqual(shapes.get("tags.item.empty")?.args[1], ["a", ""]);
    assert.deepEqual(shapes.get("label.null")?.kwargs, { label: null });
    assert.deepEqual(shapes.get("label.string")?.kwargs, { label: "a" });
    assert.deepEqual(shapes.get("either.anyOf0")?.kwargs, { either: false });
    assert.deepEqual(shapes.get("either.anyOf1")?.kwargs, { either: { x: 0.5, y: 0 } });
    assert.deepEqual(shapes.get("either.anyOf0.true")?.kwargs, { either: true });
  });

  it("schema samples: minItems, booleans, nullable types, allOf, examples", () => {
    const arr = schemaSamples({ type: "array", items: { type: "integer", minimum: 5 }, minItems: 2, maxItems: 3 }, {}, "a");
    assert.deepEqual(arr.minimal, [5, 5]);
    assert.deepEqual(
      arr.boundaries.map((b) => b.label),
      ["minItems", "maxItems", "item.minimum", "item.large"],
    );
    assert.deepEqual(
      schemaSamples({ type: ["integer", "null"] }, {}, "n").boundaries.map((b) => b.label),
      ["integer", "integer.negative", "integer.zero", "integer.large", "null"],
    );
    const merged = schemaSamples(
      { allOf: [{ $ref: "#/$defs/P" }, { properties: { z: { type: "boolean" } }, required: ["z"] }] },
      { P: CATALOG.$defs.Point },
      "m",
    );
    assert.deepEqual(merged.minimal, { x: 0.5, y: 0, z: false });
    assert.deepEqual(schemaSamples({ type: "string", pattern: "^[a-z]+\\d$", examples: ["ab1", "c2"] }, {}, "p").boundaries, [
      { label: "example0", value: "ab1" },
      { label: "example1", value: "c2" },
    ]);
  });

  it("a schema no value is generated for fails loudly, naming the task and parameter", () => {
    const catalog = { tasks: { "t.code": { args: [{ name: "code", schema: { type: "string", pattern: "^[A-Z]{3}$" } }], result: true } } };
    assert.throws(
      () => vectorsOf(catalog),
      (e: unknown) => CeleryProtoError.is(e, "InvalidOption") && /t\.code: code: cannot generate a value: .*pattern.*examples/.test(e.message),
    );
  });

  it("a generated vector the arguments schema refuses fails loudly (not sent)", () => {
    const catalog = { tasks: { "t.odd": { args: [{ name: "v", schema: { type: "integer", not: { const: 0 } } }], result: true } } };
    assert.throws(
      () => vectorsOf(catalog),
      (e: unknown) =>
        CeleryProtoError.is(e, "InvalidOption") && /generated arguments minimal \[\[0\],\{\}\] are not valid: t\.odd: argument "v"/.test(e.message),
    );
  });
});
