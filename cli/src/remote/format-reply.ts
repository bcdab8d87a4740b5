import { stringifyPythonJson } from "../../../sdk/src/codec/json/python-json-stringify.js";
import { applyTypeWrappers } from "../../../sdk/src/codec/json/kombu-json.js";
import { pythonStr as str } from "../format/python-str.js";

function indent(text: string, n: number): string {
  return text
    .split("\n")
    .map((line) => " ".repeat(n) + line)
    .join("\n");
}

/**
 * Celery's `CLIContext.pretty` (C:celery/bin/base.py): a list as `* item` lines (`- empty -`), `{"ok": x}` /
 * `{"error": x}` as OK / ERROR with x indented, other objects as sorted JSON indented by 4, anything else as text.
 */
export function prettyReply(value: unknown): { readonly status: "OK" | "ERROR"; readonly text: string } {
  if (Array.isArray(value)) return { status: "OK", text: value.length === 0 ? "- empty -" : value.map((item) => `* ${str(item)}`).join("\n") };
  if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    const record = value as Record<string, unknown>;
    if ("ok" in record) return { status: "OK", text: indent(prettyReply(record["ok"]).text, 4) };
    if ("error" in record) return { status: "ERROR", text: indent(prettyReply(record["error"]).text, 4) };
    return { status: "OK", text: stringifyPythonJson(sortKeys(applyTypeWrappers(record, "kombu5.3")), { indent: 4 }) };
  }
  return { status: "OK", text: str(value) };
}

function sortKeys(value: unknown): never {
  if (Array.isArray(value)) return value.map(sortKeys) as never;
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .map((k) => [k, sortKeys(record[k])]),
    ) as never;
  }
  return value as never;
}

/** One node's reply as `celery inspect|control` prints it: `->  node: OK` and, with `showBody`, the indented reply. */
export function formatNodeReply(reply: Readonly<Record<string, unknown>>, showBody: boolean): string {
  const [node, value] = Object.entries(reply)[0] ?? ["?", null];
  const { status, text } = prettyReply(value);
  const title = `->  ${node}: ${status}`;
  return showBody && text !== "" ? `${title}\n${indent(text, 4)}` : title;
}

/** `N node(s) online.` (Celery's `text.pluralize`). */
export function nodesOnline(count: number): string {
  return `${count} ${count === 1 ? "node" : "nodes"} online.`;
}
