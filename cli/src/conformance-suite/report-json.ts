import { summarize, type SuiteReport } from "./case-outcome.js";

/** The run as JSON: `{summary: {total, passed, failed, skipped, known-failing, stale, ok}, features, cases: [{name, direction, status, message, seconds}]}`. */
export function formatJson(report: SuiteReport): string {
  return `${JSON.stringify(
    {
      summary: summarize(report),
      features: report.features,
      cases: report.outcomes.map((o) => ({
        name: o.case.name,
        direction: o.case.direction,
        file: o.case.file,
        status: o.status,
        message: o.message,
        seconds: o.durationMs / 1000,
      })),
    },
    null,
    2,
  )}\n`;
}
