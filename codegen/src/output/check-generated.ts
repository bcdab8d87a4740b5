import { readFile } from "node:fs/promises";
import path from "node:path";
import type { CodegenPaths } from "../config/codegen-paths.js";
import { toRepoRelativePath } from "../config/codegen-paths.js";
import { describeFirstDifference } from "./describe-first-difference.js";
import type { GeneratedFile } from "./generated-file.js";
import { isNotFound, listFiles } from "./list-files.js";

/** How a committed file disagrees with a fresh generation. */
export type DifferenceKind = "changed" | "missing" | "stale";

/** One disagreement, as a repository-relative path plus a human hint. */
export interface FileDifference {
  readonly path: string;
  readonly kind: DifferenceKind;
  readonly hint: string;
}

/** The outcome of `generate:check`. */
export interface CheckResult {
  /** How many files the generator produces. */
  readonly fileCount: number;
  /** Empty when the committed tree is up to date. */
  readonly differences: readonly FileDifference[];
}

/**
 * Compares freshly generated `files` with what is committed under `sdk/src/gen`, byte for byte:
 * files whose content differs, files that are missing, and stale files the generator would
 * not produce. Reads only; never writes.
 */
export async function checkGenerated(paths: CodegenPaths, files: readonly GeneratedFile[]): Promise<CheckResult> {
  const differences: FileDifference[] = [];
  for (const file of files) {
    let committed: string;
    try {
      committed = await readFile(path.join(paths.repoRoot, ...file.path.split("/")), "utf8");
    } catch (error) {
      if (isNotFound(error)) {
        differences.push({ path: file.path, kind: "missing", hint: "not committed" });
        continue;
      }
      throw error;
    }
    if (committed !== file.content) {
      differences.push({ path: file.path, kind: "changed", hint: describeFirstDifference(committed, file.content) });
    }
  }
  const wanted = new Set(files.map((file) => file.path));
  for (const relative of await listFiles(paths.generatedDir)) {
    const repoPath = toRepoRelativePath(paths, path.join(paths.generatedDir, ...relative.split("/")));
    if (!wanted.has(repoPath)) {
      differences.push({ path: repoPath, kind: "stale", hint: "the generator does not produce this file" });
    }
  }
  differences.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { fileCount: files.length, differences };
}
