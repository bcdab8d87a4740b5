import { summarize, type SuiteReport } from "./case-outcome.js";

/** Text for an XML attribute or element: `& < > " '` escaped and characters XML 1.0 cannot hold replaced by U+FFFD. */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "\uFFFD")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/**
 * JUnit XML (one `testsuite`, a `testcase` per case, classname = direction): a failure or a stale known-failing entry
 * is a `<failure>`; a skipped case and a known-failing one `<skipped>` with the reason.
 */
export function formatJunit(report: SuiteReport, suiteName = "celery-proto conformance"): string {
  const s = summarize(report);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escapeXml(suiteName)}" tests="${s.total}" failures="${s.failed + s.stale}" skipped="${s.skipped + s["known-failing"]}" time="${seconds(report.durationMs)}">`,
    `  <testsuite name="${escapeXml(suiteName)}" tests="${s.total}" failures="${s.failed + s.stale}" errors="0" skipped="${s.skipped + s["known-failing"]}" time="${seconds(report.durationMs)}">`,
  ];
  for (const o of report.outcomes) {
    const open = `    <testcase classname="${escapeXml(o.case.direction)}" name="${escapeXml(o.case.name)}" file="${escapeXml(o.case.file)}" time="${seconds(o.durationMs)}"`;
    const message = o.message ?? "";
    const first = message.split("\n")[0] ?? "";
    switch (o.status) {
      case "passed":
        out.push(`${open}/>`);
        break;
      case "skipped":
        out.push(`${open}>`, `      <skipped message="${escapeXml(message)}"/>`, "    </testcase>");
        break;
      case "known-failing":
        out.push(`${open}>`, `      <skipped message="${escapeXml(`known failing: ${first}`)}">${escapeXml(message)}</skipped>`, "    </testcase>");
        break;
      case "failed":
      case "stale":
        out.push(
          `${open}>`,
          `      <failure message="${escapeXml(first)}" type="${o.status === "stale" ? "StaleKnownFailing" : "Mismatch"}">${escapeXml(message)}</failure>`,
          "    </testcase>",
        );
        break;
    }
  }
  out.push("  </testsuite>", "</testsuites>");
  return `${out.join("\n")}\n`;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}
