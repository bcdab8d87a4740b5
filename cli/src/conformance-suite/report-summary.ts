import { summarize, type CaseStatus, type SuiteReport } from "./case-outcome.js";

const LABEL: Readonly<Record<CaseStatus, string>> = { passed: "PASS", failed: "FAIL", skipped: "SKIP", "known-failing": "KNOWN", stale: "STALE" };

/** A table (status, case, direction, seconds), then each failure's and skip's reason, then the counts. */
export function formatSummary(report: SuiteReport): string {
  const rows = report.outcomes.map((o) => [LABEL[o.status], o.case.name, o.case.direction, (o.durationMs / 1000).toFixed(2)]);
  const header = ["STATUS", "CASE", "DIRECTION", "SECONDS"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell.padStart(widths[i] as number) : cell.padEnd(widths[i] as number)))
      .join("  ")
      .trimEnd();
  const out = [line(header), ...rows.map(line)];
  const notes = report.outcomes.filter((o) => o.message !== null && o.status !== "passed");
  if (notes.length > 0) {
    out.push("");
    for (const o of notes) out.push(o.status === "skipped" ? `SKIP ${o.case.name}: ${o.message}` : `${LABEL[o.status]} ${o.message}`);
  }
  const s = summarize(report);
  out.push(
    "",
    `${s.total} cases: ${s.passed} passed, ${s.failed} failed, ${s["known-failing"]} known failing, ${s.stale} stale known-failing, ${s.skipped} skipped (${(report.durationMs / 1000).toFixed(1)} s)`,
  );
  return `${out.join("\n")}\n`;
}
