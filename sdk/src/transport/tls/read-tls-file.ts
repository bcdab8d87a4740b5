import { readFileSync } from "node:fs";
import { CeleryProtoError } from "../../errors/celery-proto-error.js";

/** Reads a certificate or key file named by a setting (`where`), or refuses with `InvalidOption` naming the setting and why. */
export function readTlsFile(path: unknown, where: string): Buffer {
  if (typeof path !== "string" || path === "") throw new CeleryProtoError("InvalidOption", `${where}: expected a file path, got ${JSON.stringify(path)}`);
  try {
    return readFileSync(path);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
    throw new CeleryProtoError("InvalidOption", `${where}: cannot read ${path} (${reason})`, { cause: e });
  }
}
