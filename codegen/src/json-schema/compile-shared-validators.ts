import type { Ajv2020 } from "ajv/dist/2020.js";
import { SchemaEnv } from "ajv/dist/compile/index.js";
import { createAjv } from "./create-ajv.js";
import { describeLocation, type NamedSchema } from "./list-named-schemas.js";
import type { LoadedSchema } from "./load-schemas.js";

/**
 * An ajv instance with every named schema compiled so that each subschema is one function, however it is reached.
 *
 * Left alone, ajv compiles a `$defs` entry twice when it is both a named schema and the target of a `$ref`: once
 * for the referring schema (cached in that schema's root) and once for `getSchema(<uri>)`, and a subschema that
 * several files refer to once per file. Here each file's root is compiled first, and after every compilation the
 * subschemas it resolved are registered under their absolute URI in `ajv.refs`, which ajv consults before compiling
 * anything again. The functions are the ones ajv would have produced (same code, only shared); the validators'
 * agreement test checks every export against ajv compiling the original schemas.
 */
export function compileSharedValidators(schemas: readonly LoadedSchema[], named: readonly NamedSchema[]): Ajv2020 {
  const ajv = createAjv(schemas);
  try {
    for (const schema of schemas) {
      ajv.getSchema(schema.id);
      shareResolvedRefs(ajv);
    }
    for (const entry of named) {
      ajv.getSchema(entry.ref);
      shareResolvedRefs(ajv);
    }
  } catch (cause) {
    throw locateCompileError(schemas, named, cause);
  }
  return ajv;
}

function shareResolvedRefs(ajv: Ajv2020): void {
  for (const root of Object.values(ajv.schemas)) {
    if (root === undefined) continue;
    for (const [uri, target] of Object.entries(root.refs)) {
      if (target instanceof SchemaEnv && ajv.refs[uri] === undefined) ajv.refs[uri] = target;
    }
  }
}

/** Compiles each named schema on its own in a fresh instance, so that a strict-mode error names the schema it comes from. */
function locateCompileError(schemas: readonly LoadedSchema[], named: readonly NamedSchema[], cause: unknown): Error {
  const ajv = createAjv(schemas);
  for (const entry of named) {
    try {
      ajv.getSchema(entry.ref);
    } catch (error) {
      return new Error(
        `${describeLocation(entry.source, entry.path)}: ajv (strict mode) cannot compile ${entry.name}: ${error instanceof Error ? error.message : String(error)}`,
        {
          cause: error,
        },
      );
    }
  }
  return new Error(`ajv (strict mode) cannot compile the schemas: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
}
