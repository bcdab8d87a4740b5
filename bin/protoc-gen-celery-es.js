#!/usr/bin/env node
// protoc-gen-celery-es: typed Celery task clients, worker stubs and validators from protobuf task services
// (buf.gen.yaml: `local: protoc-gen-celery-es`, option `runtime=<module>`).
try {
  await import("../dist/codegen/protoc-gen-celery-es.js");
} catch (error) {
  // protobuf-es is an optional peer of celery-proto: only .proto catalogs need it.
  if (error?.code !== "ERR_MODULE_NOT_FOUND" || !/@bufbuild\/(protobuf|protoplugin)/.test(String(error.message))) throw error;
  process.stderr.write(
    `protoc-gen-celery-es needs protobuf-es in your project: npm install --save-dev @bufbuild/protobuf @bufbuild/protoplugin (${error.message})\n`,
  );
  process.exit(1);
}
