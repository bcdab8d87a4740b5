import type { CodegenPaths } from "../config/codegen-paths.js";
import { generateTypes } from "../json-schema/generate-types.js";
import { generateValidators } from "../json-schema/generate-validators.js";
import { listNamedSchemas } from "../json-schema/list-named-schemas.js";
import { loadSchemas } from "../json-schema/load-schemas.js";
import { GENERATED_MARKER, sortGeneratedFiles, type GeneratedFile } from "../output/generated-file.js";
import { generateProtobufEs } from "../proto/generate-protobuf-es.js";

/** Repository-relative directory every generated file lives under. */
export const GENERATED_DIR = "sdk/src/gen";

/**
 * Produces every generated file in memory, sorted by path: TS types and ajv standalone
 * validators from `schemas/json`, protobuf-es code from `schemas/proto`. Deterministic: the
 * same sources and tool versions always give byte-identical output.
 */
export async function generateAll(paths: CodegenPaths): Promise<GeneratedFile[]> {
  const files: GeneratedFile[] = [];
  const schemas = await loadSchemas(paths);
  if (schemas.length > 0) {
    const named = listNamedSchemas(schemas);
    files.push(await generateTypes(schemas, named));
    files.push(...generateValidators(schemas, named));
  }
  files.push(...(await generateProtobufEs(paths)));
  for (const file of files) {
    if (!file.path.startsWith(`${GENERATED_DIR}/`)) {
      throw new Error(`${file.path}: generated files must live under ${GENERATED_DIR}/`);
    }
    if (!file.content.startsWith(GENERATED_MARKER)) {
      throw new Error(`${file.path}: generated files must start with "${GENERATED_MARKER}..."`);
    }
  }
  return sortGeneratedFiles(files);
}
