import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    "sdk/index": "sdk/src/index.ts",
    "sdk/codec/index": "sdk/src/codec/index.ts",
    "worker/index": "worker/src/index.ts",
    "cli/commands": "cli/src/commands.ts",
    "codegen/protoc-gen-celery-es": "codegen/src/plugin/run-protoc-gen-celery-es.ts",
  },
  format: ["esm"],
  target: "node20",
  platform: "node",
  dts: { entry: { "sdk/index": "sdk/src/index.ts", "sdk/codec/index": "sdk/src/codec/index.ts", "worker/index": "worker/src/index.ts" } },
  sourcemap: true,
  clean: true,
  splitting: true,
  outDir: "dist",
});
