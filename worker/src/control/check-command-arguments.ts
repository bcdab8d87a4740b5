import type { ControlCommand } from "./control-command.js";
import { PythonError } from "./python-error.js";

/**
 * Fails as Python's call `handler(state, **arguments)` would: `TypeError("rate_limit() got an unexpected keyword
 * argument 'x'")` first, then `TypeError("rate_limit() missing 1 required positional argument: 'rate_limit'")`.
 */
export function checkCommandArguments(command: ControlCommand, args: Readonly<Record<string, unknown>>): void {
  const required = command.required ?? [];
  const known = new Set([...required, ...(command.optional ?? [])]);
  if (command.anyKeyword !== true) {
    const unexpected = Object.keys(args).find((key) => !known.has(key));
    if (unexpected !== undefined) throw new PythonError("TypeError", `${command.name}() got an unexpected keyword argument '${unexpected}'`);
  }
  const missing = required.filter((name) => !(name in args));
  if (missing.length > 0) {
    const names = missing.map((m) => `'${m}'`);
    const list = names.length === 1 ? names[0] : names.length === 2 ? names.join(" and ") : `${names.slice(0, -1).join(", ")}, and ${names.at(-1)}`;
    throw new PythonError("TypeError", `${command.name}() missing ${missing.length} required positional argument${missing.length === 1 ? "" : "s"}: ${list}`);
  }
}
