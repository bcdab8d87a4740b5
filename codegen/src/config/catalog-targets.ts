/** A task catalog in this repository whose generated code is committed and kept fresh by `npm run generate`. */
export interface CatalogTarget {
  /** Repository-relative catalog file. */
  readonly catalog: string;
  /** Repository-relative output directory (a `gen/` folder). */
  readonly out: string;
  /** Runtime import specifier written into the generated code. */
  readonly runtime: string;
  /** For `.proto` catalogs: the directory imports resolve from. */
  readonly protoRoot?: string;
}

/** The example catalogs (their generated clients are built and run in CI, and drift fails `generate:check`). */
export const CATALOG_TARGETS: readonly CatalogTarget[] = [
  { catalog: "examples/typed/catalog.json", out: "examples/typed/gen", runtime: "../../../sdk/src/index.js" },
  // Written below its package path (gen/typed/v1/), as `buf generate` with protoc-gen-celery-es writes it.
  { catalog: "examples/typed/proto/typed/v1/catalog.proto", out: "examples/typed/proto/gen", runtime: "../../../../../../sdk/src/index.js" },
];
