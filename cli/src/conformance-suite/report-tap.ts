import type { SuiteReport } from "./case-outcome.js";

/**
 * TAP version 13: `ok`/`not ok` per case; a skipped case `ok ... # SKIP <reason>`, a known-failing one
 * `not ok ... # TODO known failing` (TAP consumers do not count it), a stale entry `not ok`; reasons as YAML diagnostics.
 */
export function formatTap(report: SuiteReport): string {
  const out = ["TAP version 13", `1..${report.outcomes.length}`];
  report.outcomes.forEach((o, i) => {
    const n = i + 1;
    const name = o.case.name.replace(/#/g, "\\#");
    switch (o.status) {
      case "passed":
        out.push(`ok ${n} - ${name}`);
        return;
      case "skipped":
        out.push(`ok ${n} - ${name} # SKIP ${oneLine(o.message ?? "")}`);
        return;
      case "known-failing":
        out.push(`not ok ${n} - ${name} # TODO known failing`);
        break;
      default:
        out.push(`not ok ${n} - ${name}`);
    }
    out.push("  ---", `  status: ${o.status}`, "  message: |-", ...(o.message ?? "").split("\n").map((l) => `    ${l}`), "  ...");
  });
  return `${out.join("\n")}\n`;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, "; ").replace(/#/g, "\\#");
}
