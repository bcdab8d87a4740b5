import { safeRepr } from "../repr/safe-repr.js";
import type { ExceptionInfo } from "./exception-info.js";

const V8_FRAME = /^\s*at (?:(.+?) \()?(.+?):(\d+):\d+\)?$/;

/**
 * A Python-shaped traceback for a JS error, so Python tools (and `tblib` with `task_remote_tracebacks`) can read it:
 * `Traceback (most recent call last):` then `  File "<file>", line <n>, in <function>` per frame, oldest first,
 * then `<Type>: <message>`.
 */
export function formatPythonTraceback(error: unknown, info: ExceptionInfo): string {
  const lines = ["Traceback (most recent call last):"];
  const stack = error instanceof Error && typeof error.stack === "string" ? error.stack.split("\n") : [];
  const frames: string[] = [];
  for (const line of stack) {
    const m = V8_FRAME.exec(line);
    if (m === null) continue;
    const [, fn, file = "<unknown>", lineNo = "0"] = m;
    frames.push(`  File "${file.replace(/^file:\/\//, "")}", line ${lineNo}, in ${fn === undefined ? "<module>" : fn.replace(/^async /, "")}`);
  }
  lines.push(...frames.reverse());
  const qualified = info.exc_module === "builtins" || info.exc_module === null ? info.exc_type : `${info.exc_module}.${info.exc_type}`;
  const args = Array.isArray(info.exc_message) ? info.exc_message : [info.exc_message];
  const message = args.length === 1 && typeof args[0] === "string" ? args[0] : args.length === 0 ? "" : safeRepr(args);
  lines.push(message === "" ? qualified : `${qualified}: ${message}`);
  return `${lines.join("\n")}\n`;
}
