import { defineConfig } from "tsup";

// One entry per package subpath (package.json `exports`), plus the CLI's commands, the process pool's child entry and
// the protoc plugin, which run as files of their own. Shared code lands in hashed chunks under dist/.
const PUBLIC_ENTRIES = {
  "sdk/index": "sdk/src/index.ts",
  "sdk/codec/index": "sdk/src/codec/index.ts",
  "sdk/beat/index": "sdk/src/beat/index.ts",
  "sdk/config/index": "sdk/src/config/index.ts",
  "sdk/security/index": "sdk/src/security/index.ts",
  "sdk/redis/index": "sdk/src/redis.ts",
  "sdk/amqp/index": "sdk/src/transport/amqp/index.ts",
  "sdk/validator-runtime": "sdk/src/typed/validator-runtime.ts",
  "worker/index": "worker/src/index.ts",
};

export default defineConfig({
  entry: {
    ...PUBLIC_ENTRIES,
    "worker/pool-child-main": "worker/src/pool/pool-child-main.ts",
    "cli/commands": "cli/src/commands.ts",
    "codegen/protoc-gen-celery-es": "codegen/src/plugin/run-protoc-gen-celery-es.ts",
  },
  format: ["esm"],
  target: "node20",
  platform: "node",
  dts: { entry: PUBLIC_ENTRIES },
  // No source maps in the package: the bundle is plain, readable JavaScript, and maps with embedded sources were
  // more than half of the unpacked size.
  sourcemap: false,
  clean: true,
  splitting: true,
  outDir: "dist",
});
