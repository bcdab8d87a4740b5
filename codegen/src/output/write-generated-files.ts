import { mkdir, readdir, readFile, rm, rmdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { CodegenPaths } from "../config/codegen-paths.js";
import { toRepoRelativePath } from "../config/codegen-paths.js";
import type { GeneratedFile } from "./generated-file.js";
import { isNotFound, listFiles } from "./list-files.js";

/** What a write pass did, as repository-relative paths. */
export interface WriteSummary {
  readonly written: readonly string[];
  readonly unchanged: readonly string[];
  readonly removed: readonly string[];
}

/**
 * Brings `sdk/src/gen` in line with `files`: writes a file only when its content differs
 * (an unchanged run touches nothing, not even mtimes), and removes files the generator no
 * longer produces, then any directories left empty.
 */
export async function writeGeneratedFiles(paths: CodegenPaths, files: readonly GeneratedFile[]): Promise<WriteSummary> {
  const written: string[] = [];
  const unchanged: string[] = [];
  const removed: string[] = [];
  for (const file of files) {
    const absolutePath = path.join(paths.repoRoot, ...file.path.split("/"));
    if ((await readIfExists(absolutePath)) === file.content) {
      unchanged.push(file.path);
      continue;
    }
    await mkdir(path.dirname(absolutePath), { recursive: true });
    await writeFile(absolutePath, file.content, "utf8");
    written.push(file.path);
  }
  const wanted = new Set(files.map((file) => file.path));
  for (const relative of await listFiles(paths.generatedDir)) {
    const absolutePath = path.join(paths.generatedDir, ...relative.split("/"));
    const repoPath = toRepoRelativePath(paths, absolutePath);
    if (!wanted.has(repoPath)) {
      await rm(absolutePath);
      removed.push(repoPath);
    }
  }
  await removeEmptyDirectories(paths.generatedDir, true);
  return { written, unchanged, removed };
}

async function readIfExists(absolutePath: string): Promise<string | undefined> {
  try {
    return await readFile(absolutePath, "utf8");
  } catch (error) {
    if (isNotFound(error)) {
      return undefined;
    }
    throw error;
  }
}

/** Removes empty directories below `directory` (and `directory` itself unless `keep`). */
async function removeEmptyDirectories(directory: string, keep: boolean): Promise<void> {
  let entries;
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch (error) {
    if (isNotFound(error)) {
      return;
    }
    throw error;
  }
  for (const entry of entries) {
    if (entry.isDirectory()) {
      await removeEmptyDirectories(path.join(directory, entry.name), false);
    }
  }
  if (!keep && (await readdir(directory)).length === 0) {
    await rmdir(directory);
  }
}
