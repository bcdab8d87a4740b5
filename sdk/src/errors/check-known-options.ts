import { CeleryProtoError } from "./celery-proto-error.js";
import { nearestName } from "./nearest-name.js";

/**
 * Refuses an options object with a key that is not in `known`, with `InvalidOption` naming the key and the nearest
 * valid name: `acksLte: not a task option; did you mean acksLate?`. Keys whose value is `undefined` count as
 * absent, as everywhere options are read.
 */
export function checkKnownOptions(options: object, known: ReadonlySet<string>, what: string): void {
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined || known.has(key)) continue;
    const nearest = nearestName(key, known);
    const reason = `not ${what}; ${nearest === null ? `known: ${[...known].sort().join(", ")}` : `did you mean ${nearest}?`}`;
    throw new CeleryProtoError("InvalidOption", `${key}: ${reason}`);
  }
}
