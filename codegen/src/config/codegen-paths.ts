import path from "node:path";

/** Every location the generator reads or writes, resolved against one repository root. */
export interface CodegenPaths {
  /** Absolute repository root (the directory holding package.json). */
  readonly repoRoot: string;
  /** `schemas/json`: the JSON Schema sources. */
  readonly jsonSchemasDir: string;
  /** `schemas/proto`: the protobuf sources (a buf module). */
  readonly protoDir: string;
  /** `buf.gen.yaml`: the buf generation template. */
  readonly bufGenTemplate: string;
  /** `node_modules/.bin/buf`: the buf CLI from @bufbuild/buf. */
  readonly bufBinary: string;
  /** `sdk/src/gen`: the only place generated code lives; every file in it is owned by the generator. */
  readonly generatedDir: string;
}

/** Resolves the generator's paths for the repository rooted at `repoRoot`. */
export function resolveCodegenPaths(repoRoot: string): CodegenPaths {
  const root = path.resolve(repoRoot);
  return {
    repoRoot: root,
    jsonSchemasDir: path.join(root, "schemas", "json"),
    protoDir: path.join(root, "schemas", "proto"),
    bufGenTemplate: path.join(root, "buf.gen.yaml"),
    bufBinary: path.join(root, "node_modules", ".bin", "buf"),
    generatedDir: path.join(root, "sdk", "src", "gen"),
  };
}

/** A repository-relative path with forward slashes, as written into headers and reports. */
export function toRepoRelativePath(paths: CodegenPaths, absolutePath: string): string {
  return path.relative(paths.repoRoot, absolutePath).split(path.sep).join("/");
}
