import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { createFileRegistry, fromBinary, type DescFile } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";

const require = createRequire(import.meta.url);

/**
 * Compiles a `.proto` catalog with buf (`buf build <workspace> --path <file>`, the buf CLI of @bufbuild/buf) and
 * returns its descriptor. The workspace is `protoRoot`, else the nearest directory above the file holding a
 * `buf.yaml` (so imports such as `celery/v1/task_options.proto` resolve as `buf generate` resolves them), else the
 * file's directory.
 */
export async function readProtoCatalogFile(file: string, protoRoot: string | undefined): Promise<DescFile> {
  const root = protoRoot === undefined ? findBufWorkspace(path.dirname(file)) : path.resolve(protoRoot);
  const relative = path.relative(root, file).split(path.sep).join("/");
  const built = spawnSync(resolveBuf(), ["build", ".", "--path", relative, "-o", "-"], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
  if (built.status !== 0) {
    throw new CeleryProtoError("InvalidOption", `catalog: buf build of ${relative} in ${root} failed:\n${built.stderr.toString("utf8").trim()}`);
  }
  const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, built.stdout));
  const candidates = [...registry.files].filter((desc) => relative === desc.proto.name || relative.endsWith(`/${desc.proto.name}`));
  const desc = candidates.sort((a, b) => b.name.length - a.name.length)[0];
  if (desc === undefined) throw new CeleryProtoError("InvalidOption", `catalog: buf built ${relative} but its descriptor is missing from the image`);
  return desc;
}

function findBufWorkspace(start: string): string {
  for (let directory = path.resolve(start); ; directory = path.dirname(directory)) {
    if (existsSync(path.join(directory, "buf.yaml"))) return directory;
    if (path.dirname(directory) === directory) return path.resolve(start);
  }
}

function resolveBuf(): string {
  try {
    return path.join(path.dirname(require.resolve("@bufbuild/buf/package.json")), "bin", "buf");
  } catch (cause) {
    throw new CeleryProtoError("InvalidOption", "catalog: .proto catalogs need the buf CLI: npm install --save-dev @bufbuild/buf", { cause });
  }
}
