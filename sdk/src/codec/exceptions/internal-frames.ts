import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where this package's own code lives: `<root>/dist/` when bundled (chunks, entries, the pool child), or the
 * source folders when run from a checkout under tsx. Found from this module's own location.
 */
const OWN_DIRECTORIES: readonly string[] = ((): readonly string[] => {
  let here: string;
  try {
    here = fileURLToPath(import.meta.url);
  } catch {
    return [];
  }
  const source = /^(.*?)[\\/](?:sdk|worker|cli|codegen)[\\/]src[\\/]/.exec(here);
  if (source !== null) {
    const root = source[1]!;
    return [...["sdk", "worker", "cli", "codegen"].map((dir) => path.join(root, dir, "src")), path.join(root, "dist"), path.join(root, "bin")];
  }
  const bundled = /^(.*)[\\/]dist[\\/]/.exec(here);
  return bundled === null ? [] : [path.join(bundled[1]!, "dist"), path.join(bundled[1]!, "bin")];
})();

/** The file of a V8 stack frame as a path: `file://` URLs are converted; `node:` and other specifiers are kept. */
export function frameFilePath(file: string): string {
  if (!file.startsWith("file://")) return file;
  try {
    return fileURLToPath(file);
  } catch {
    return file.slice("file://".length);
  }
}

/** True for a frame of celery-proto itself (its build or its sources) or of Node's own internals (`node:`). */
export function isInternalFrame(file: string): boolean {
  if (file.startsWith("node:")) return true;
  const filePath = frameFilePath(file);
  return OWN_DIRECTORIES.some((dir) => filePath.startsWith(dir + path.sep));
}
