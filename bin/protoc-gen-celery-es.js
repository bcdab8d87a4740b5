#!/usr/bin/env node
// protoc-gen-celery-es: typed Celery task clients, worker stubs and validators from protobuf task services
// (buf.gen.yaml: `local: protoc-gen-celery-es`, option `runtime=<module>`).
await import("../dist/codegen/protoc-gen-celery-es.js");
