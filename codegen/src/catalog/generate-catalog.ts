import path from "node:path";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import type { EmittedFile } from "./emit-catalog-validators.js";
import { emitTypedTasks } from "./emit-typed-tasks.js";
import { readJsonSchemaCatalog } from "./read-json-schema-catalog.js";

/** Default module generated code imports the runtime (`defineCatalogTask`, `StandaloneValidator`) from. */
export const DEFAULT_RUNTIME = "celery-proto";

export interface GenerateCatalogOptions {
  /** The catalog: a JSON Schema catalog (`.json`) or a protobuf file (`.proto`). */
  readonly catalog: string;
  /** Output directory (created when missing). `.proto` catalogs are written below it under their package path. */
  readonly outDir: string;
  /** Runtime import specifier; default `celery-proto`. */
  readonly runtime?: string;
  /** For `.proto` catalogs: the buf module root the file is compiled in (default: the file's directory). */
  readonly protoRoot?: string;
}

/** Reads a catalog from either front end and emits its generated files (names relative to `outDir`). */
export async function generateCatalog(options: GenerateCatalogOptions): Promise<EmittedFile[]> {
  const catalog = path.resolve(options.catalog);
  const outDir = path.resolve(options.outDir);
  // Headers name the catalog relative to the output directory, so output does not depend on the working directory.
  const source = path.relative(outDir, catalog).split(path.sep).join("/");
  const extension = path.extname(catalog);
  const stem = path.basename(catalog, extension).replace(/[^A-Za-z0-9_]/g, "_");
  const runtime = options.runtime ?? DEFAULT_RUNTIME;
  if (extension === ".json") {
    const model = await readJsonSchemaCatalog(catalog, source);
    return emitTypedTasks(model, { stem, runtime, generator: "celery-proto proto generate" });
  }
  if (extension === ".proto") {
    // Exactly what `buf generate` with protoc-gen-celery-es writes (same paths, same bytes).
    const { readProtoCatalogFile, emitProtoCatalog } = await loadProtoCatalogSupport();
    return emitProtoCatalog(await readProtoCatalogFile(catalog, options.protoRoot), runtime);
  }
  throw new CeleryProtoError("InvalidOption", `catalog: ${catalog} must be a JSON Schema catalog (.json) or a protobuf file (.proto)`);
}

/** The .proto front end needs protobuf-es, which the package lists as optional peers: loaded only for .proto catalogs. */
async function loadProtoCatalogSupport(): Promise<{
  readProtoCatalogFile: typeof import("./read-proto-catalog-file.js").readProtoCatalogFile;
  emitProtoCatalog: typeof import("./emit-proto-catalog.js").emitProtoCatalog;
}> {
  try {
    const { readProtoCatalogFile } = await import("./read-proto-catalog-file.js");
    const { emitProtoCatalog } = await import("./emit-proto-catalog.js");
    return { readProtoCatalogFile, emitProtoCatalog };
  } catch (cause) {
    if ((cause as { code?: unknown }).code !== "ERR_MODULE_NOT_FOUND") throw cause;
    throw new CeleryProtoError(
      "InvalidOption",
      `catalog: .proto catalogs need protobuf-es and buf in your project: npm install --save-dev @bufbuild/protobuf @bufbuild/protoplugin @bufbuild/buf (${cause instanceof Error ? cause.message : String(cause)})`,
      { cause },
    );
  }
}
