import { readFileSync } from "node:fs";
import path from "node:path";

/** This project's version (the nearest `package.json` named `celery-proto` above this file, from source or dist). */
export function readOwnVersion(): string {
  let directory = import.meta.dirname;
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(directory, "package.json"), "utf8")) as { name?: unknown; version?: unknown };
      if (manifest.name === "celery-proto" && typeof manifest.version === "string") return manifest.version;
    } catch {
      // no package.json at this level; keep walking up
    }
    const parent = path.dirname(directory);
    if (parent === directory) return "0.0.0";
    directory = parent;
  }
}
