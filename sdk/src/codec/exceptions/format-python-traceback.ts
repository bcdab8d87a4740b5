import type { ExceptionInfo } from "./exception-info.js";
import { frameFilePath, isInternalFrame } from "./internal-frames.js";
import { pythonExceptionStr } from "./python-exception-str.js";

const V8_FRAME = /^\s*at (?:(.+?) \()?(.+?):(\d+):\d+\)?$/;

/**
 * A Python-shaped traceback for a JS error, so Python tools (and `tblib` with `task_remote_tracebacks`) can read it:
 * `Traceback (most recent call last):` then `  File "<file>", line <n>, in <function>` per frame, oldest first,
 * then `<Type>: <message>`. The outermost frames that belong to celery-proto itself (the worker machinery that called
 * the task) or to Node's internals are left out when the stack has frames of other code, so it starts at the task.
 */
export function formatPythonTraceback(error: unknown, info: ExceptionInfo): string {
  const lines = ["Traceback (most recent call last):"];
  const stack = error instanceof Error && typeof error.stack === "string" ? error.stack.split("\n") : [];
  const frames: { readonly file: string; readonly line: string; readonly fn: string | undefined }[] = [];
  for (const text of stack) {
    const m = V8_FRAME.exec(text);
    if (m === null) continue;
    const [, fn, file = "<unknown>", line = "0"] = m;
    frames.push({ file, line, fn });
  }
  // V8 lists the most recent frame first: everything after the oldest frame of other code is the caller machinery.
  let oldestOther = -1;
  frames.forEach((frame, i) => {
    if (!isInternalFrame(frame.file)) oldestOther = i;
  });
  const shown = oldestOther === -1 ? frames : frames.slice(0, oldestOther + 1);
  for (const { file, line, fn } of shown.reverse()) {
    lines.push(`  File "${frameFilePath(file)}", line ${line}, in ${fn === undefined ? "<module>" : fn.replace(/^async /, "")}`);
  }
  const qualified = info.exc_module === "builtins" || info.exc_module === null ? info.exc_type : `${info.exc_module}.${info.exc_type}`;
  const args = Array.isArray(info.exc_message) ? info.exc_message : [info.exc_message];
  const message = pythonExceptionStr(args);
  lines.push(message === "" ? qualified : `${qualified}: ${message}`);
  return `${lines.join("\n")}\n`;
}
