import { create, createFileRegistry } from "@bufbuild/protobuf";
import {
  CodeGeneratorResponse_Feature,
  CodeGeneratorResponseSchema,
  FileDescriptorSetSchema,
  type CodeGeneratorRequest,
  type CodeGeneratorResponse,
} from "@bufbuild/protobuf/wkt";
import type { Plugin } from "@bufbuild/protoplugin";
import { DEFAULT_RUNTIME } from "../catalog/generate-catalog.js";
import { emitProtoCatalog, PROTO_GENERATOR } from "../catalog/emit-proto-catalog.js";
import { hasTaskServices } from "../catalog/read-proto-catalog.js";
import { readOwnVersion } from "../config/read-own-version.js";

/**
 * protoc-gen-celery-es: the protobuf front end of typed tasks as a protoc/buf plugin. For every file to generate that
 * declares a task service, writes `<dir>/<stem>_tasks.ts`, `_validators.js` and `_validators.d.ts`, byte-identical
 * to `proto generate <file>.proto`. Plugin option: `runtime=<module>` (default `celery-proto`).
 */
export const protocGenCeleryEs: Plugin = {
  name: PROTO_GENERATOR,
  version: `v${readOwnVersion()}`,
  run(request: CodeGeneratorRequest): CodeGeneratorResponse {
    const runtime = parseRuntime(request.parameter);
    const registry = createFileRegistry(create(FileDescriptorSetSchema, { file: request.protoFile }));
    const files = request.fileToGenerate.flatMap((name) => {
      const desc = registry.getFile(name) ?? [...registry.files].find((file) => file.proto.name === name);
      if (desc === undefined) throw new Error(`${PROTO_GENERATOR}: ${name} is not in the request`);
      return hasTaskServices(desc) ? emitProtoCatalog(desc, runtime) : [];
    });
    return create(CodeGeneratorResponseSchema, {
      supportedFeatures: BigInt(CodeGeneratorResponse_Feature.PROTO3_OPTIONAL),
      file: files.map((file) => ({ name: file.name, content: file.content })),
    });
  },
};

function parseRuntime(parameter: string): string {
  let runtime = DEFAULT_RUNTIME;
  for (const entry of parameter.split(",").filter((part) => part.trim() !== "")) {
    const [key, value] = entry.split("=", 2).map((part) => part.trim());
    if (key === "runtime" && value !== undefined && value !== "") runtime = value;
    else throw new Error(`${PROTO_GENERATOR}: unknown option ${JSON.stringify(entry)} (known: runtime=<module>)`);
  }
  return runtime;
}
