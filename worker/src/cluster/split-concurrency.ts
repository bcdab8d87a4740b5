import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";

/**
 * The node's concurrency shared out between its consumer processes, so that their pools (and the prefetch each derives
 * with the multiplier) add up to what one process would have: 50 over 3 → [17, 17, 16].
 */
export function splitConcurrency(total: number, processes: number): readonly number[] {
  if (!Number.isSafeInteger(processes) || processes < 1)
    throw new CeleryProtoError("InvalidOption", `consumerProcesses: must be an integer >= 1, got ${String(processes)}`);
  if (!Number.isSafeInteger(total) || total < processes)
    throw new CeleryProtoError(
      "InvalidOption",
      `consumerProcesses: ${processes} consumer processes need a concurrency of at least ${processes} (one execution each), got ${String(total)}`,
    );
  const base = Math.floor(total / processes);
  return Array.from({ length: processes }, (_, i) => base + (i < total % processes ? 1 : 0));
}
