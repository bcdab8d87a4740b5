import type { JsonObject } from "../../src/json-schema/json-value.js";
import { SCHEMA_DIALECT, SCHEMA_ID_PREFIX, type LoadedSchema } from "../../src/json-schema/load-schemas.js";

/** A schema file as `loadSchemas` would return it, built in memory (`$schema`/`$id` filled in). */
export function makeLoadedSchema(fileName: string, body: JsonObject): LoadedSchema {
  const id = `${SCHEMA_ID_PREFIX}${fileName}`;
  return { fileName, sourcePath: `schemas/json/${fileName}`, id, document: { $schema: SCHEMA_DIALECT, $id: id, ...body } };
}

/**
 * Two files exercising what the bundler must get right: cross-file `$ref` by absolute `$id`
 * and by relative URI, `$ref` with a `description` sibling, an untitled shared definition,
 * a nested titled definition, recursion, `prefixItems` tuples, and a format.
 */
export function makeFixtureSchemas(): LoadedSchema[] {
  return [
    makeLoadedSchema("common.schema.json", {
      description: "shared",
      $defs: {
        TaskId: { title: "TaskId", description: "task id", type: "string", format: "uuid" },
        TimeLimit: {
          title: "TimeLimit",
          description: "[hard, soft]",
          type: "array",
          prefixItems: [
            { description: "hard", type: ["number", "null"] },
            { description: "soft", type: ["number", "null"] },
          ],
          items: false,
          minItems: 2,
        },
        ShortName: { description: "untitled", type: "string", maxLength: 10 },
        Point: { description: "untitled object", type: "object", properties: { x: { description: "x", type: "number" } } },
      },
    }),
    makeLoadedSchema("message.schema.json", {
      title: "Message",
      description: "a message",
      type: "object",
      required: ["headers"],
      properties: {
        headers: { description: "property doc", $ref: "#/$defs/Headers" },
        alt_headers: { $ref: "https://celery-proto.dev/schemas/message.schema.json#/$defs/Headers" },
        tags: { description: "tags", type: "array", items: { type: "string" }, uniqueItems: true },
      },
      additionalProperties: false,
      $defs: {
        Headers: {
          title: "Headers",
          description: "headers",
          type: "object",
          required: ["id", "task"],
          properties: {
            id: { description: "id", $ref: "https://celery-proto.dev/schemas/common.schema.json#/$defs/TaskId" },
            parent_id: { description: "parent", anyOf: [{ $ref: "common.schema.json#/$defs/TaskId" }, { type: "null" }] },
            task: { description: "name", $ref: "common.schema.json#/$defs/ShortName" },
            origin: { description: "origin", $ref: "common.schema.json#/$defs/Point" },
            target: { description: "target", $ref: "common.schema.json#/$defs/Point" },
            timelimit: { description: "tl", $ref: "common.schema.json#/$defs/TimeLimit" },
            children: { description: "recursive", type: "array", items: { $ref: "#/$defs/Headers" } },
            kind: { description: "kind", enum: ["a", "b"] },
          },
        },
      },
    }),
  ];
}
