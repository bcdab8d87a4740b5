import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The celery-proto package's root: the nearest directory above this module with the package's package.json (from
 * source, the repository; installed, `node_modules/celery-proto`; bundled into dist/, the same).
 */
export function packageRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown }).name === "celery-proto") return dir;
      } catch {
        // an unreadable package.json is not ours: keep looking
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`celery-proto: cannot find the package root above ${from}`);
    dir = parent;
  }
}

/** How errors name the shipped cases when they cannot be read (give --case-dir then). */
export const SHIPPED_CASES = "the cases shipped with celery-proto (or give --case-dir)";

/** The suite shipped with the package: its cases, the features celery-proto declares, and its known-failing list. */
export function shippedSuitePaths(root: string = packageRoot()): { readonly caseDir: string; readonly features: string; readonly knownFailing: string } {
  return {
    caseDir: join(root, "conformance", "cases"),
    features: join(root, "conformance", "features.yaml"),
    knownFailing: join(root, "conformance", "known-failing.yaml"),
  };
}
