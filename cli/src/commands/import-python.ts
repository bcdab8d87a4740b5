import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { Command, Flags } from "@oclif/core";
import { DEFAULT_RUNTIME, generateCatalog } from "../../../codegen/src/catalog/generate-catalog.js";
import { importPythonCatalog } from "../../../codegen/src/catalog/import-python-catalog.js";
import { writeCatalogOutput } from "../../../codegen/src/catalog/write-catalog-output.js";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";

export default class ImportPython extends Command {
  static override summary = "Write a task catalog from a Python Celery app's registered tasks (and optionally generate the typed client).";
  static override description =
    "Runs Python (the project's .venv, $VIRTUAL_ENV or python3; or --python), imports the app as `celery -A` does, and describes every registered task (except celery.*) from its signature and type hints: int, float, str, bool, None, list[...], tuple[...], dict[str, ...], Optional/Union, Literal, Enum, TypedDict, dataclasses and pydantic models. With --gen, also runs `proto generate` on the result.";
  static override examples = [
    "<%= config.bin %> import-python -A proj.celery --out tasks.catalog.json",
    "<%= config.bin %> import-python -A proj.celery:app --out catalog.json --gen src/gen",
  ];
  static override flags = {
    app: Flags.string({ char: "A", description: "the Celery app: module, module:attr or module.attr", required: true }),
    out: Flags.string({ char: "o", description: "catalog file to write (default: print to stdout)" }),
    python: Flags.string({ description: "Python interpreter (default: .venv/bin/python, $VIRTUAL_ENV/bin/python, python3)" }),
    workdir: Flags.string({ description: "directory the app is imported from (default: the current directory)" }),
    pythonpath: Flags.string({ description: "extra PYTHONPATH entries", multiple: true }),
    prefix: Flags.string({ description: "only tasks whose name starts with this" }),
    gen: Flags.string({ description: "also generate the typed client into this directory (needs --out)" }),
    runtime: Flags.string({ description: "with --gen: module the generated code imports the runtime from", default: DEFAULT_RUNTIME }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ImportPython);
    try {
      if (flags.gen !== undefined && flags.out === undefined)
        throw new CeleryProtoError("InvalidOption", "--gen: needs --out (the catalog file the client is generated from)");
      const catalog = await importPythonCatalog({
        app: flags.app,
        ...(flags.python === undefined ? {} : { python: flags.python }),
        ...(flags.workdir === undefined ? {} : { cwd: flags.workdir }),
        ...(flags.pythonpath === undefined ? {} : { pythonPath: flags.pythonpath }),
        ...(flags.prefix === undefined ? {} : { prefix: flags.prefix }),
      });
      const text = `${JSON.stringify(catalog, null, 2)}\n`;
      if (flags.out === undefined) {
        process.stdout.write(text);
        return;
      }
      const previous = await readFile(flags.out, "utf8").catch(() => undefined);
      if (previous !== text) {
        await mkdir(path.dirname(path.resolve(flags.out)), { recursive: true });
        await writeFile(flags.out, text, "utf8");
      }
      this.log(`import-python: ${Object.keys(catalog.tasks).length} tasks ${previous === text ? "(unchanged)" : "written"} to ${flags.out}`);
      if (flags.gen !== undefined) {
        const files = await generateCatalog({ catalog: flags.out, outDir: flags.gen, runtime: flags.runtime });
        const summary = await writeCatalogOutput(flags.gen, files);
        this.log(`generate: ${files.length} files (${summary.written.length} written, ${summary.unchanged.length} unchanged) in ${flags.gen}`);
      }
    } catch (e) {
      if (e instanceof Error && "oclif" in e) throw e;
      process.stderr.write(`${CeleryProtoError.from(e, "InvalidOption").describe()}\n`);
      this.exit(2);
    }
  }
}
