import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";

/** The package subpath of sdk/src/typed/validator-runtime.ts. */
export const VALIDATOR_RUNTIME_SUBPATH = "validator-runtime";

/**
 * Where a catalog's generated validators import ajv's runtime helpers from, given the runtime the rest of the
 * generated code imports (`--runtime`, protoc-gen-celery-es `runtime=`): for a package (`celery-proto`, or one of its
 * subpaths) its `validator-runtime` subpath; for a path to the SDK's source entry (`.../sdk/src/index.js`, as the
 * repository's examples and tests use) the source file next to it, `.../sdk/src/typed/validator-runtime.ts`, by its
 * real name: the validators are JavaScript, and loaders (tsx) map `.js` to `.ts` only in imports from TypeScript.
 */
export function validatorRuntimeSpecifier(runtime: string): string {
  if (runtime.startsWith(".") || runtime.startsWith("/")) {
    const entry = /^(.*\/)index\.(?:js|ts)$/.exec(runtime);
    if (entry === null) {
      throw new CeleryProtoError(
        "InvalidOption",
        `runtime: ${runtime} is a path, so it must name the SDK's source entry (.../sdk/src/index.js), next to which the generated validators find typed/${VALIDATOR_RUNTIME_SUBPATH}.js; use the package name (celery-proto) otherwise`,
      );
    }
    return `${entry[1]}typed/${VALIDATOR_RUNTIME_SUBPATH}.ts`;
  }
  const segments = runtime.split("/");
  const packageName = segments.slice(0, runtime.startsWith("@") ? 2 : 1).join("/");
  return `${packageName}/${VALIDATOR_RUNTIME_SUBPATH}`;
}
