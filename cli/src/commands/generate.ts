import { Args, Command, Flags } from "@oclif/core";
import { DEFAULT_RUNTIME, generateCatalog } from "../../../codegen/src/catalog/generate-catalog.js";
import { writeCatalogOutput } from "../../../codegen/src/catalog/write-catalog-output.js";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";

export default class Generate extends Command {
  static override summary = "Generate typed task clients, worker stubs and validators from a task catalog.";
  static override description =
    "The catalog is a JSON Schema catalog (schemas/json/task-catalog.schema.json) or a .proto file whose services' RPCs are tasks (schemas/proto/celery/v1/task_options.proto). Writes <stem>_tasks.ts, <stem>_validators.js and <stem>_validators.d.ts into --out; unchanged files are not rewritten. With --check, writes nothing and exits 1 when the output is stale.";
  static override examples = [
    "<%= config.bin %> generate catalog.json --out src/gen",
    "<%= config.bin %> generate tasks.proto --out src/gen --runtime celery-proto",
  ];
  static override args = { catalog: Args.string({ description: "catalog file (.json or .proto)", required: true }) };
  static override flags = {
    out: Flags.string({ description: "output directory", required: true }),
    runtime: Flags.string({ description: "module the generated code imports the runtime from", default: DEFAULT_RUNTIME }),
    "proto-root": Flags.string({ description: "for .proto catalogs: the directory imports are resolved from (default: the file's directory)" }),
    check: Flags.boolean({ description: "write nothing; exit 1 when generated files differ", default: false }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Generate);
    try {
      const files = await generateCatalog({
        catalog: args.catalog,
        outDir: flags.out,
        runtime: flags.runtime,
        ...(flags["proto-root"] === undefined ? {} : { protoRoot: flags["proto-root"] }),
      });
      const summary = await writeCatalogOutput(flags.out, files, flags.check);
      for (const name of summary.written) this.log(`  wrote    ${name}`);
      for (const difference of summary.differences) this.log(`  differs  ${difference}`);
      this.log(
        `generate: ${files.length} files (${summary.written.length} written, ${summary.unchanged.length} unchanged${flags.check ? `, ${summary.differences.length} differ` : ""})`,
      );
      if (summary.differences.length > 0) this.exit(1);
    } catch (e) {
      if (e instanceof Error && "oclif" in e) throw e;
      process.stderr.write(`${CeleryProtoError.from(e, "InvalidOption").describe()}\n`);
      this.exit(2);
    }
  }
}
