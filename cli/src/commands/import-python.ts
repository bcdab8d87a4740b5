import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { Command, Flags } from "@oclif/core";
import { DEFAULT_RUNTIME, generateCatalog } from "../../../codegen/src/catalog/generate-catalog.js";
import { importPythonCatalog } from "../../../codegen/src/catalog/import-python-catalog.js";
import { importPythonConfig } from "../../../codegen/src/catalog/import-python-config.js";
import { writeCatalogOutput } from "../../../codegen/src/catalog/write-catalog-output.js";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";

export default class ImportPython extends Command {
  static override summary =
    "Write a task catalog from a Python Celery app's registered tasks (and optionally generate the typed client), and/or the app's configuration.";
  static override description =
    "Runs Python (the project's .venv, $VIRTUAL_ENV or python3; or --python), imports the app as `celery -A` does, and describes every registered task (except celery.*) from its signature and type hints: int, float, str, bool, None, list[...], tuple[...], dict[str, ...], Optional/Union, Literal, Enum, TypedDict, dataclasses and pydantic models. With --gen, also runs `proto generate` on the result. With --config-out, writes what the app's `app.conf` resolves to as a JSON configuration by Celery's lowercase setting names (old uppercase names read through the new ones): the settings the project set or that differ from Celery's default, always the broker and result backend URLs and the routing settings (task_default_*, task_queues as Celery resolves them, task_routes with compiled regexes as \"re:<pattern>\" keys), beat_schedule in the beat schedule file's entry format. What a JSON file cannot hold (router functions, callables, classes, annotation objects, custom schedules or schedulers) is left out and named in a warning on stderr. The file is NOT censored: it contains the broker URL with its password — keep it as private as the Celery config it came from.";
  static override examples = [
    "<%= config.bin %> import-python -A proj.celery --out tasks.catalog.json",
    "<%= config.bin %> import-python -A proj.celery:app --out catalog.json --gen src/gen",
    "<%= config.bin %> import-python -A proj.celery --config-out celeryconfig.json",
  ];
  static override flags = {
    app: Flags.string({ char: "A", description: "the Celery app: module, module:attr or module.attr", required: true }),
    out: Flags.string({ char: "o", description: "catalog file to write (default: print to stdout, unless --config-out is given)" }),
    "config-out": Flags.string({
      description: "also (or, without --out, only) write the app's configuration to this JSON file; it contains the broker password",
    }),
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
      const python = {
        app: flags.app,
        ...(flags.python === undefined ? {} : { python: flags.python }),
        ...(flags.workdir === undefined ? {} : { cwd: flags.workdir }),
        ...(flags.pythonpath === undefined ? {} : { pythonPath: flags.pythonpath }),
      };
      if (flags["config-out"] !== undefined) {
        const { settings, leftOut } = await importPythonConfig(python);
        for (const { path: where, message } of leftOut) process.stderr.write(`import-python: warning: ${where}: ${message}\n`);
        const state = await writeIfChanged(flags["config-out"], `${JSON.stringify(settings, null, 2)}\n`);
        this.log(`import-python: configuration (${Object.keys(settings).length} settings) ${state} to ${flags["config-out"]}`);
        if (flags.out === undefined) return;
      }
      const catalog = await importPythonCatalog({ ...python, ...(flags.prefix === undefined ? {} : { prefix: flags.prefix }) });
      const text = `${JSON.stringify(catalog, null, 2)}\n`;
      if (flags.out === undefined) {
        process.stdout.write(text);
        return;
      }
      const state = await writeIfChanged(flags.out, text);
      this.log(`import-python: ${Object.keys(catalog.tasks).length} tasks ${state} to ${flags.out}`);
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

/** Writes `text` to `file` unless it already holds it; says which. */
async function writeIfChanged(file: string, text: string): Promise<"written" | "(unchanged)"> {
  const previous = await readFile(file, "utf8").catch(() => undefined);
  if (previous === text) return "(unchanged)";
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, text, "utf8");
  return "written";
}
