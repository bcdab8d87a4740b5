import type { ConformanceCase, FeatureSet } from "./conformance-case.js";
import type { CaseOutcome, SuiteReport } from "./case-outcome.js";
import { globMatch } from "./glob-match.js";
import type { KnownFailing } from "./known-failing.js";
import { unmetFeatures } from "./match-features.js";

/** Runs one case within `timeoutMs`; resolves with its differences from what it expects (empty: passed). */
export type CaseRunner = (c: ConformanceCase, timeoutMs: number) => Promise<readonly string[]>;

export interface RunSuiteOptions {
  /** The features this run has (declared, narrowed by `--features`, the broker and backend in use). */
  readonly features: FeatureSet;
  readonly knownFailing: KnownFailing;
  /** `--cases`: name globs; empty runs every case. */
  readonly select?: readonly string[];
  /** Per-case time limit unless the case sets `timeout` (seconds). */
  readonly timeoutMs: number;
  readonly run: CaseRunner;
  /** Called after each case (progress output). */
  readonly onOutcome?: (outcome: CaseOutcome) => void;
}

/** The cases `--cases` selects (all when no glob is given), in order. */
export function selectCases(cases: readonly ConformanceCase[], select: readonly string[] = []): ConformanceCase[] {
  return select.length === 0 ? [...cases] : cases.filter((c) => select.some((p) => globMatch(p, c.name)));
}

/**
 * Runs the selected cases one after the other: a case needing a feature the run lacks is skipped with the reason; a
 * case's error or time-out is a failure naming it; a failure of a case listed as known failing is `known-failing`,
 * its pass is `stale`.
 */
export async function runSuite(cases: readonly ConformanceCase[], options: RunSuiteOptions): Promise<SuiteReport> {
  const started = Date.now();
  const outcomes: CaseOutcome[] = [];
  for (const c of selectCases(cases, options.select)) {
    const outcome = await runOne(c, options);
    outcomes.push(outcome);
    options.onOutcome?.(outcome);
  }
  return { outcomes, features: options.features, durationMs: Date.now() - started };
}

async function runOne(c: ConformanceCase, options: RunSuiteOptions): Promise<CaseOutcome> {
  const unmet = unmetFeatures(c, options.features);
  if (unmet !== null) return { case: c, status: "skipped", message: unmet, durationMs: 0 };
  const started = Date.now();
  const timeoutMs = c.timeout !== undefined ? c.timeout * 1000 : options.timeoutMs;
  let problems: readonly string[];
  try {
    problems = await withTimeout(options.run(c, timeoutMs), timeoutMs + 1000);
  } catch (e) {
    problems = [`error: ${e instanceof Error ? e.message : String(e)}`];
  }
  const durationMs = Date.now() - started;
  const listed = options.knownFailing.match(c.name);
  if (problems.length === 0) {
    if (listed === null) return { case: c, status: "passed", message: null, durationMs };
    return {
      case: c,
      status: "stale",
      message: `${c.name}: passed, but known-failing lists it (${JSON.stringify(listed)}): the known-failing list is stale, remove the entry`,
      durationMs,
    };
  }
  const message = problems.map((p) => `${c.name}: ${p}`).join("\n");
  return { case: c, status: listed === null ? "failed" : "known-failing", message, durationMs };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${(ms / 1000).toFixed(1)} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
