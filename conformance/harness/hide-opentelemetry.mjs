// `node --import ./hide-opentelemetry.mjs ...`: makes every `@opentelemetry/*` package unresolvable, as if it were not
// installed, for `import` (a module.register resolve hook) and for CommonJS `require` (Module._resolveFilename, which
// Node 20's loader hooks do not reach): both fail with ERR_MODULE_NOT_FOUND / MODULE_NOT_FOUND. When
// $HIDE_OTEL_LOG is set, each attempt appends `<specifier> <- <importer>` to that file, so a test can tell whether
// anything even tried to load one.
import { appendFileSync } from "node:fs";
import Module, { register } from "node:module";

const PREFIX = "@opentelemetry/";
const log = process.env.HIDE_OTEL_LOG;
const record = (specifier, parent) => {
  if (log) appendFileSync(log, `${specifier} <- ${parent ?? "?"}\n`);
};

register(
  `data:text/javascript,${encodeURIComponent(`
    import { appendFileSync } from "node:fs";
    const log = ${JSON.stringify(log ?? "")};
    export async function resolve(specifier, context, next) {
      if (specifier.startsWith(${JSON.stringify(PREFIX)})) {
        if (log) appendFileSync(log, specifier + " <- " + (context.parentURL ?? "?") + "\\n");
        const error = new Error("Cannot find package '" + specifier + "' imported from " + context.parentURL + " (hidden by hide-opentelemetry.mjs)");
        error.code = "ERR_MODULE_NOT_FOUND";
        throw error;
      }
      return next(specifier, context);
    }
  `)}`,
);

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  if (typeof request === "string" && request.startsWith(PREFIX)) {
    record(request, parent?.filename);
    const error = new Error(`Cannot find module '${request}' (hidden by hide-opentelemetry.mjs)`);
    error.code = "MODULE_NOT_FOUND";
    throw error;
  }
  return resolveFilename.call(this, request, parent, ...rest);
};
