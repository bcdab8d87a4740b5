import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** One `require("<specifier>")` turned into a default import. */
export interface RewrittenRequire {
  /** The specifier ajv emitted, e.g. `ajv/dist/runtime/ucs2length`. */
  readonly required: string;
  /** The specifier the ESM import uses, e.g. `ajv/dist/runtime/ucs2length.js`. */
  readonly imported: string;
  /** The local binding that replaces every `require(...)` of it. */
  readonly binding: string;
}

/** The rewritten module and the imports it now starts with. */
export interface EsmRequireRewrite {
  readonly code: string;
  readonly imports: readonly RewrittenRequire[];
}

/** ajv prints module names with JSON.stringify, so a require call always looks like this. */
const REQUIRE_CALL = /\brequire\("([^"\\]+)"\)/g;

/**
 * Fixes ajv's standalone ESM output, which still calls `require()` for runtime helpers
 * (`ajv/dist/runtime/ucs2length`, `ajv/dist/runtime/equal`, `ajv-formats/dist/formats`, ...):
 * each distinct specifier becomes one `import <binding> from "<specifier>.js"` at the top and
 * every `require("<specifier>")` becomes `<binding>`.
 *
 * A default import of a CommonJS module is its `module.exports`, exactly what `require()`
 * returned, so `require("x").default` keeps its meaning as `<binding>.default`. Specifiers gain
 * the `.js` extension that ESM resolution needs for packages without an `exports` map.
 * A leading `"use strict"` directive is dropped (ES modules are always strict).
 */
export function rewriteEsmRequires(code: string): EsmRequireRewrite {
  const bySpecifier = new Map<string, RewrittenRequire>();
  for (const match of code.matchAll(REQUIRE_CALL)) {
    const required = match[1];
    if (required === undefined || bySpecifier.has(required)) {
      continue;
    }
    const binding = `require_${required.replace(/[^A-Za-z0-9]/g, "_")}`;
    if (new RegExp(`\\b${binding}\\b`).test(code)) {
      throw new Error(`cannot rewrite require("${required}"): the name ${binding} is already used in the ajv output`);
    }
    bySpecifier.set(required, { required, imported: toEsmSpecifier(required), binding });
  }
  const imports = [...bySpecifier.values()].sort((a, b) => (a.imported < b.imported ? -1 : a.imported > b.imported ? 1 : 0));
  const body = code
    .replace(/^\s*"use strict";\s*/, "")
    .replace(REQUIRE_CALL, (_call, required: string) => bySpecifier.get(required)?.binding ?? _call);
  const importLines = imports.map((entry) => `import ${entry.binding} from ${JSON.stringify(entry.imported)};\n`).join("");
  return { code: `${importLines}${body}`, imports };
}

/**
 * The ESM spelling of a CommonJS specifier: a package subpath without an extension gets `.js`
 * (checked to exist), because ESM resolution does not probe extensions.
 */
export function toEsmSpecifier(specifier: string): string {
  const segments = specifier.split("/");
  const packageSegments = specifier.startsWith("@") ? 2 : 1;
  const hasSubpath = segments.length > packageSegments;
  const lastSegment = segments[segments.length - 1] ?? "";
  if (!hasSubpath || /\.(c|m)?js$|\.json$/.test(lastSegment)) {
    return specifier;
  }
  const withExtension = `${specifier}.js`;
  try {
    require.resolve(withExtension);
  } catch (cause) {
    throw new Error(`ajv's standalone code requires "${specifier}", but "${withExtension}" cannot be resolved`, { cause });
  }
  return withExtension;
}
