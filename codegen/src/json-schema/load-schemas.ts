import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { toRepoRelativePath, type CodegenPaths } from "../config/codegen-paths.js";
import { isJsonObject, type JsonObject, type JsonValue } from "./json-value.js";

/** Every schema's `$id` is this prefix followed by its file name. */
export const SCHEMA_ID_PREFIX = "https://celery-proto.dev/schemas/";

/** The only dialect the generator accepts. */
export const SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema";

/** The file name suffix that marks a JSON Schema source. */
export const SCHEMA_FILE_SUFFIX = ".schema.json";

/** One parsed schema file. */
export interface LoadedSchema {
  /** File name inside `schemas/json`, e.g. `task-message-v2.schema.json`. */
  readonly fileName: string;
  /** Repository-relative path, e.g. `schemas/json/task-message-v2.schema.json`. */
  readonly sourcePath: string;
  /** The schema's `$id` (always `SCHEMA_ID_PREFIX + fileName`). */
  readonly id: string;
  /** The parsed document. Treat as read-only: generators clone before changing anything. */
  readonly document: JsonObject;
}

/**
 * Reads every `*.schema.json` in `schemas/json`, sorted by file name so that generation
 * does not depend on directory order, and checks the `$schema`/`$id` conventions.
 */
export async function loadSchemas(paths: CodegenPaths): Promise<LoadedSchema[]> {
  const fileNames = (await readdir(paths.jsonSchemasDir)).filter((name) => name.endsWith(SCHEMA_FILE_SUFFIX)).sort();
  const schemas: LoadedSchema[] = [];
  for (const fileName of fileNames) {
    const absolutePath = path.join(paths.jsonSchemasDir, fileName);
    const sourcePath = toRepoRelativePath(paths, absolutePath);
    const document = parseSchemaDocument(await readFile(absolutePath, "utf8"), sourcePath);
    const expectedId = `${SCHEMA_ID_PREFIX}${fileName}`;
    if (document["$id"] !== expectedId) {
      throw new Error(`${sourcePath}: "$id" must be "${expectedId}" (found ${JSON.stringify(document["$id"] ?? null)})`);
    }
    if (document["$schema"] !== SCHEMA_DIALECT) {
      throw new Error(`${sourcePath}: "$schema" must be "${SCHEMA_DIALECT}" (found ${JSON.stringify(document["$schema"] ?? null)})`);
    }
    schemas.push({ fileName, sourcePath, id: expectedId, document });
  }
  return schemas;
}

function parseSchemaDocument(text: string, sourcePath: string): JsonObject {
  let value: JsonValue;
  try {
    value = JSON.parse(text) as JsonValue;
  } catch (cause) {
    throw new Error(`${sourcePath}: not valid JSON (${cause instanceof Error ? cause.message : String(cause)})`, { cause });
  }
  if (!isJsonObject(value)) {
    throw new Error(`${sourcePath}: the root of a schema file must be a JSON object`);
  }
  return value;
}
