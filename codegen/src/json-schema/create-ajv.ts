import { Ajv2020, type Options } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import type { LoadedSchema } from "./load-schemas.js";

/** ajv-formats is CommonJS; under NodeNext its default import is `module.exports`, which carries `.default`. */
const addFormats = addFormatsModule.default;

/** The ajv options for the standalone validators (also printed in the validators' header). */
export const AJV_OPTIONS = {
  strict: true,
  allErrors: true,
  // Every $ref stays a call to one shared function instead of being inlined into each of the ~100 exported
  // validators: the module shrinks several-fold and validation is unchanged.
  inlineRefs: false,
  code: { source: true, esm: true, lines: true },
} as const satisfies Options;

/**
 * A draft 2020-12 ajv instance with ajv-formats and every schema file added (by `$id`), in
 * strict mode. Used both to emit the standalone validators and, in tests, as the live
 * compiler they are checked against.
 */
export function createAjv(schemas: readonly LoadedSchema[]): Ajv2020 {
  const ajv = new Ajv2020({ ...AJV_OPTIONS, code: { ...AJV_OPTIONS.code } });
  addFormats(ajv);
  for (const schema of schemas) {
    try {
      // ajv keeps a reference; give it a copy so the loaded documents stay untouched
      ajv.addSchema(structuredClone(schema.document));
    } catch (cause) {
      throw new Error(`${schema.sourcePath}: ajv rejected the schema: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    }
  }
  return ajv;
}
