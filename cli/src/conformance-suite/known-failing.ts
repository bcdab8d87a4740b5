import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import { globMatch } from "./glob-match.js";
import { isPlainRecord } from "./case-field-error.js";

/** Case names (or globs) expected to fail. A listed case that fails is "known failing"; one that passes fails the run (the list is stale). */
export interface KnownFailing {
  readonly patterns: readonly string[];
  /** The first pattern naming `name`, or null. */
  match(name: string): string | null;
}

export function knownFailing(patterns: readonly string[]): KnownFailing {
  return {
    patterns,
    match: (name) => patterns.find((p) => globMatch(p, name)) ?? null,
  };
}

/**
 * Reads a known-failing file: a YAML list of names or globs, or `known_failing: [...]`; each entry a string or
 * `{name, reason}`. A missing file is an error (the flag names it).
 */
export async function loadKnownFailing(file: string): Promise<KnownFailing> {
  let doc: unknown;
  try {
    doc = parse(await readFile(file, "utf8"));
  } catch (e) {
    throw new CeleryProtoError("InvalidOption", `--known-failing: ${file}: ${(e as Error).message}`);
  }
  if (doc === null || doc === undefined) return knownFailing([]);
  const list = isPlainRecord(doc) ? (doc["known_failing"] ?? []) : doc;
  if (!Array.isArray(list))
    throw new CeleryProtoError("InvalidOption", `--known-failing: ${file}: expected a list of case names or globs (or known_failing: [...])`);
  return knownFailing(
    list.map((entry: unknown, i: number) => {
      const name = isPlainRecord(entry) ? entry["name"] : entry;
      if (typeof name !== "string" || name === "")
        throw new CeleryProtoError("InvalidOption", `--known-failing: ${file}: [${i}]: expected a case name or glob (or {name, reason})`);
      return name;
    }),
  );
}
