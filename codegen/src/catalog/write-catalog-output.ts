import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { isNotFound } from "../output/list-files.js";
import { describeFirstDifference } from "../output/describe-first-difference.js";
import type { EmittedFile } from "./emit-catalog-validators.js";

/** What writing (or checking) a catalog's output found, by file name. */
export interface CatalogWriteSummary {
  readonly written: readonly string[];
  readonly unchanged: readonly string[];
  /** With `check`: files that would change, each with a hint at the first difference. */
  readonly differences: readonly string[];
}

/**
 * Writes the files into `outDir`, touching only those whose content changed (a re-run with no change rewrites
 * nothing). With `check`, writes nothing and reports the differences instead. Other files in `outDir` are left alone:
 * the folder may hold other generators' output.
 */
export async function writeCatalogOutput(outDir: string, files: readonly EmittedFile[], check = false): Promise<CatalogWriteSummary> {
  const written: string[] = [];
  const unchanged: string[] = [];
  const differences: string[] = [];
  for (const file of files) {
    const target = path.join(outDir, file.name);
    let current: string | undefined;
    try {
      current = await readFile(target, "utf8");
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    if (current === file.content) {
      unchanged.push(file.name);
      continue;
    }
    if (check) {
      differences.push(`${file.name}: ${current === undefined ? "missing" : describeFirstDifference(current, file.content)}`);
      continue;
    }
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.content, "utf8");
    written.push(file.name);
  }
  return { written, unchanged, differences };
}
