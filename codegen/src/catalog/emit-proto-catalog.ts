import type { DescFile } from "@bufbuild/protobuf";
import type { EmittedFile } from "./emit-catalog-validators.js";
import { emitTypedTasks } from "./emit-typed-tasks.js";
import { readProtoCatalog } from "./read-proto-catalog.js";

/** Generator name in the headers of protobuf catalogs' output, whether `proto generate` or `buf generate` ran it. */
export const PROTO_GENERATOR = "protoc-gen-celery-es";

/**
 * The generated files of a protobuf catalog, named as protoc-gen-es names its output: below the proto file's
 * directory (`typed/v1/catalog.proto` → `typed/v1/catalog_tasks.ts`, `..._validators.js`, `..._validators.d.ts`).
 */
export function emitProtoCatalog(file: DescFile, runtime: string): EmittedFile[] {
  const protoName = file.proto.name;
  const slash = protoName.lastIndexOf("/");
  const directory = slash === -1 ? "" : protoName.slice(0, slash + 1);
  const stem = protoName
    .slice(slash + 1)
    .replace(/\.proto$/, "")
    .replace(/[^A-Za-z0-9_]/g, "_");
  const model = readProtoCatalog(file, protoName);
  return emitTypedTasks(model, { stem, runtime, generator: PROTO_GENERATOR }).map((emitted) => ({
    name: `${directory}${emitted.name}`,
    content: emitted.content,
  }));
}
