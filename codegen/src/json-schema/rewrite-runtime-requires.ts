/** One ajv runtime helper: the expression ajv's standalone code prints for it and the validator-runtime export that replaces it. */
export interface RuntimeHelper {
  readonly expression: string;
  /** A named export of sdk/src/typed/validator-runtime.ts (`celery-proto/validator-runtime`). */
  readonly name: string;
}

/**
 * Every helper ajv (with ajv-formats) can print a `require()` of in standalone code, except those of options the
 * generators never set (JTD parsers and serializers, `re2`, `$data` URIs).
 */
export const RUNTIME_HELPERS: readonly RuntimeHelper[] = [
  { expression: 'require("ajv/dist/runtime/ucs2length").default', name: "ucs2length" },
  { expression: 'require("ajv/dist/runtime/equal").default', name: "equal" },
  { expression: 'require("ajv/dist/runtime/validation_error").default', name: "ValidationError" },
  { expression: 'require("ajv-formats/dist/formats").fullFormats', name: "fullFormats" },
];

/** The rewritten module and the helpers it now imports. */
export interface RuntimeRequireRewrite {
  readonly code: string;
  /** Names imported from the helpers module, sorted. */
  readonly helpers: readonly string[];
}

/** ajv prints module names with JSON.stringify, so a require call always looks like this (never inside a string literal). */
const REQUIRE_CALL = /\brequire\("([^"\\]+)"\)((?:\.[A-Za-z_$][\w$]*)?)/;

/**
 * Turns ajv's standalone ESM output, which still calls `require()` for its runtime helpers, into a plain ES module:
 * each helper expression becomes the name of a {@link RUNTIME_HELPERS} entry, imported once from `helpersModule`.
 * Fails on any other `require()`, so generated code never reaches into ajv itself. A leading `"use strict"` directive
 * is dropped (ES modules are always strict).
 */
export function rewriteRuntimeRequires(code: string, helpersModule: string): RuntimeRequireRewrite {
  let body = code.replace(/^\s*"use strict";\s*/, "");
  const helpers: string[] = [];
  for (const helper of RUNTIME_HELPERS) {
    if (!body.includes(helper.expression)) continue;
    if (new RegExp(`\\b(?:const|let|var|function|class)\\s+${helper.name}\\b`).test(body)) {
      throw new Error(`cannot import ${helper.name} from ${helpersModule}: ajv's output declares its own ${helper.name}`);
    }
    body = body.split(helper.expression).join(helper.name);
    helpers.push(helper.name);
  }
  const leftover = REQUIRE_CALL.exec(body);
  if (leftover !== null) {
    throw new Error(
      `ajv's standalone code calls ${leftover[0]}, which ${helpersModule} does not provide (known: ${RUNTIME_HELPERS.map((helper) => helper.expression).join(", ")})`,
    );
  }
  helpers.sort();
  const importLine = helpers.length === 0 ? "" : `import { ${helpers.join(", ")} } from ${JSON.stringify(helpersModule)};\n`;
  return { code: `${importLine}${body}`, helpers };
}
