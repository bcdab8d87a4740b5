import { PyTuple, safeRepr } from "../repr/safe-repr.js";

/**
 * Python's `str(exc)` for an exception with these `args`: "" for none, the one argument as `str()` shows it (a
 * string as it is, anything else as its repr: `{'code': 42}`, `None`), else the repr of the args tuple (`('a', 1)`).
 */
export function pythonExceptionStr(args: readonly unknown[]): string {
  if (args.length === 0) return "";
  if (args.length !== 1) return safeRepr(new PyTuple(args), { maxlevels: 1000 });
  const [only] = args;
  return typeof only === "string" ? only : safeRepr(only, { maxlevels: 1000 });
}
