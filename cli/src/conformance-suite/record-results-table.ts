import { readFile, writeFile } from "node:fs/promises";
import { summarize, type SuiteReport } from "./case-outcome.js";

const START = "<!-- conformance-results:start (written by proto conformance run --results-file) -->";
const END = "<!-- conformance-results:end -->";
const HEADER = ["run", "celery", "kombu", "cases", "passed", "failed", "known failing", "skipped"];

/** What the peer said about itself (GET /health), for the table. */
export interface PeerVersions {
  readonly celery: string | null;
  readonly kombu: string | null;
}

/**
 * Writes the run's counts as the row `label` of the results table in a Markdown file (between the
 * `conformance-results` markers; added at the end when the file has none; a missing file is created), keeping the other
 * rows, sorted by label. Resolves with the file's new text.
 */
export async function recordResultsRow(file: string, label: string, peer: PeerVersions, report: SuiteReport): Promise<string> {
  const s = summarize(report);
  const row = [
    label,
    peer.celery ?? "?",
    peer.kombu ?? "?",
    String(s.total),
    String(s.passed),
    String(s.failed + s.stale),
    String(s["known-failing"]),
    String(s.skipped),
  ];
  let text = "";
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  const rows = new Map<string, string[]>();
  if (start >= 0 && end > start) {
    for (const line of text.slice(start + START.length, end).split("\n")) {
      const cells = parseRow(line);
      if (cells !== null && cells.length === HEADER.length && cells[0] !== HEADER[0] && !/^-+$/.test(cells[0]!)) rows.set(cells[0]!, cells);
    }
  }
  rows.set(label, row);
  const table = [START, formatRow(HEADER), formatRow(HEADER.map(() => "---")), ...[...rows.keys()].sort().map((k) => formatRow(rows.get(k)!)), END].join("\n");
  const updated =
    start >= 0 && end > start
      ? `${text.slice(0, start)}${table}${text.slice(end + END.length)}`
      : `${text}${text === "" || text.endsWith("\n") ? "" : "\n"}\n${table}\n`;
  await writeFile(file, updated);
  return updated;
}

function formatRow(cells: readonly string[]): string {
  return `| ${cells.map((c) => c.replaceAll("|", "\\|")).join(" | ")} |`;
}

function parseRow(line: string): string[] | null {
  const trimmed = line.trim();
  if (!trimmed.startsWith("|") || !trimmed.endsWith("|")) return null;
  return trimmed
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((c) => c.trim().replaceAll("\\|", "|"));
}
