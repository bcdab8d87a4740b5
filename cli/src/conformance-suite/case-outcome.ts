import type { ConformanceCase, FeatureSet } from "./conformance-case.js";

/**
 * How a case ended: `passed`; `failed`; `skipped` (a feature it needs is not available); `known-failing` (failed and
 * listed as known failing); `stale` (passed although listed as known failing: the list must be updated, the run fails).
 */
export type CaseStatus = "passed" | "failed" | "skipped" | "known-failing" | "stale";

export interface CaseOutcome {
  readonly case: ConformanceCase;
  readonly status: CaseStatus;
  /** Why it failed (each difference on its own line, `<case>: <field>: expected ..., got ...`), why it was skipped, or null. */
  readonly message: string | null;
  readonly durationMs: number;
}

/** A whole run's outcomes, in case order, and the features it ran with. */
export interface SuiteReport {
  readonly outcomes: readonly CaseOutcome[];
  readonly features: FeatureSet;
  readonly durationMs: number;
}

/** Counts by status; `ok` is false when any case failed or a known-failing entry is stale. */
export function summarize(report: SuiteReport): Readonly<Record<CaseStatus, number>> & { readonly total: number; readonly ok: boolean } {
  const counts: Record<CaseStatus, number> = { passed: 0, failed: 0, skipped: 0, "known-failing": 0, stale: 0 };
  for (const o of report.outcomes) counts[o.status]++;
  return { ...counts, total: report.outcomes.length, ok: counts.failed === 0 && counts.stale === 0 };
}
