import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import type { ConformanceCase } from "./conformance-case.js";
import { caseFieldError, isPlainRecord } from "./case-field-error.js";
import { validateCase } from "./validate-case.js";

/**
 * Reads every `*.yaml` / `*.yml` file of `dir` (sorted by name) and returns its cases, checked; names must be unique
 * across files. `source` names the directory in errors (`--case-dir`, or the shipped cases).
 */
export async function loadCaseDir(dir: string, source = "--case-dir"): Promise<ConformanceCase[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch (e) {
    throw new CeleryProtoError("InvalidOption", `${source}: cannot read ${dir}: ${(e as Error).message}`);
  }
  if (names.length === 0) throw new CeleryProtoError("InvalidOption", `${source}: no .yaml case files in ${dir}`);
  const cases: ConformanceCase[] = [];
  const seen = new Map<string, string>();
  for (const name of names) {
    const file = join(dir, name);
    for (const c of parseCaseFile(await readFile(file, "utf8"), file)) {
      const first = seen.get(c.name);
      if (first !== undefined) throw caseFieldError(file, "name", `${JSON.stringify(c.name)} is already the name of a case in ${first}`);
      seen.set(c.name, file);
      cases.push(c);
    }
  }
  return cases;
}

/** One case file's text: `cases: [<case>, ...]`. Errors name the file, the case's index and name, and the field. */
export function parseCaseFile(text: string, file: string): ConformanceCase[] {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new CeleryProtoError("InvalidOption", `${file}: not valid YAML: ${(e as Error).message}`);
  }
  if (!isPlainRecord(doc) || !Array.isArray(doc["cases"])) throw caseFieldError(file, "cases", "the file must be a mapping with a list `cases`");
  for (const key of Object.keys(doc)) if (key !== "cases") throw caseFieldError(file, key, "unknown top-level field (only `cases`)");
  return doc["cases"].map((raw: unknown, i: number) => validateCase(raw, `${file}: cases[${i}]`, file));
}
