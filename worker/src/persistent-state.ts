import { readFile, rename, writeFile } from "node:fs/promises";
import { CeleryProtoError } from "../../sdk/src/errors/celery-proto-error.js";
import type { WorkerState } from "./app/worker-state.js";

/**
 * The `--statedb` file (our own format; Celery's is a Python `shelve` of pickles that we do not read):
 *
 * ```json
 * {"format": "celery-proto/statedb", "version": 1, "clock": 42, "revoked": ["<task id>", "..."]}
 * ```
 *
 * `revoked`: the revoked ids, oldest first; `clock`: the Lamport clock at save time. Like Celery 5.7, loading keeps
 * the ids only (they expire `REVOKE_EXPIRES` after the load) and adjusts the clock.
 */
export interface StateDbFile {
  readonly format: "celery-proto/statedb";
  readonly version: 1;
  readonly clock: number;
  readonly revoked: readonly string[];
}

/** Merges a state file into the worker state; a missing file is an empty one. Resolves with the number of ids read. */
export async function loadStateDb(path: string, state: WorkerState): Promise<number> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw new CeleryProtoError("InvalidOption", `statedb: cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  const file = parseStateDb(text, path);
  state.revoked.update(file.revoked);
  state.clock.adjust(file.clock);
  return file.revoked.length;
}

/** Writes the revoked ids and the forwarded clock (Celery's `Persistent.save`), atomically (temp file + rename). */
export async function saveStateDb(path: string, state: WorkerState): Promise<void> {
  const file: StateDbFile = { format: "celery-proto/statedb", version: 1, clock: state.clock.forward(), revoked: state.revoked.ids() };
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(file)}\n`, "utf8");
  await rename(temp, path);
}

function parseStateDb(text: string, path: string): StateDbFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new CeleryProtoError("InvalidOption", `statedb: ${path} is not a celery-proto state file (invalid JSON: ${(e as Error).message})`, { cause: e });
  }
  const file = value as Partial<StateDbFile> | null;
  if (
    file === null ||
    typeof file !== "object" ||
    file.format !== "celery-proto/statedb" ||
    file.version !== 1 ||
    !Array.isArray(file.revoked) ||
    !file.revoked.every((id) => typeof id === "string") ||
    typeof file.clock !== "number"
  ) {
    throw new CeleryProtoError(
      "InvalidOption",
      `statedb: ${path} is not a celery-proto state file (expected {"format": "celery-proto/statedb", "version": 1, "clock", "revoked"})`,
    );
  }
  return file as StateDbFile;
}
