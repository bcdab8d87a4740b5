import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { CeleryProtoError } from "../errors/celery-proto-error.js";

const TYPESCRIPT_EXTENSIONS = new Set([".ts", ".mts", ".cts"]);

/** How this process can import a TypeScript module: already (a loader or Node's type stripping), or not at all. */
export interface TypeScriptRuntime {
  /** `process.features.typescript` of Node ≥ 22.10: `"strip"` or `"transform"` when Node imports `.ts` itself. */
  readonly nativeTypeScript: string | false;
  /** The process was started with a TypeScript loader (`node --import tsx`, the tsx CLI). */
  readonly loaderActive: boolean;
}

let registeredFrom: string | null = null;

/** What this process offers; the defaults read the running Node. */
export function currentTypeScriptRuntime(): TypeScriptRuntime {
  const features = process.features as { readonly typescript?: string | false };
  return {
    nativeTypeScript: typeof features.typescript === "string" ? features.typescript : false,
    loaderActive: registeredFrom !== null || process.execArgv.some((arg) => /(^|[/\\@])tsx\b/.test(arg)),
  };
}

/** What a TypeScript module is loaded for, as the refusal names it: the setting and the flag that took the file. */
export interface TypeScriptModulePurpose {
  /** Default `"app"`. */
  readonly option: string;
  /** Default `"-A"`. */
  readonly flag: string;
}

/**
 * Makes `file` importable when it is TypeScript. Prefers tsx when it is installed next to the module (it handles all
 * of TypeScript and `.js` specifiers that name `.ts` files); otherwise Node's own type stripping (Node ≥ 22.18, or 22.6
 * with `--experimental-strip-types`), which takes erasable syntax only. Refuses, saying how to fix it, when neither is
 * there. Returns how the module will be loaded, for error messages.
 */
export async function ensureTypeScriptSupport(
  file: string,
  runtime: TypeScriptRuntime = currentTypeScriptRuntime(),
  purpose: TypeScriptModulePurpose = { option: "app", flag: "-A" },
): Promise<"javascript" | "loader" | "native"> {
  if (!TYPESCRIPT_EXTENSIONS.has(path.extname(file))) return "javascript";
  if (runtime.loaderActive) return "loader";
  const tsx = findTsxLoader(file);
  if (tsx !== null) {
    await import(pathToFileURL(tsx).href);
    registeredFrom = tsx;
    return "loader";
  }
  if (runtime.nativeTypeScript !== false) return "native";
  throw new CeleryProtoError(
    "InvalidOption",
    `${purpose.option}: ${file} is TypeScript, and Node ${process.version} cannot import TypeScript by itself. Install tsx in that project (npm install --save-dev tsx), run Node >= 22.18 (which strips types), or compile the module and pass the .js file to ${purpose.flag}`,
  );
}

/** The hint added to an import failure of a TypeScript module loaded through Node's type stripping. */
export function nativeTypeScriptHint(mode: "javascript" | "loader" | "native"): string {
  return mode === "native"
    ? " (loaded with Node's type stripping, which takes erasable syntax only and imports with .ts extensions; install tsx next to the module for full TypeScript)"
    : "";
}

function findTsxLoader(file: string): string | null {
  let manifestPath: string;
  try {
    manifestPath = createRequire(file).resolve("tsx/package.json");
  } catch {
    return null;
  }
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { readonly exports?: Record<string, unknown> };
  const entry = manifest.exports?.["."];
  return typeof entry === "string" ? path.join(path.dirname(manifestPath), entry) : null;
}
