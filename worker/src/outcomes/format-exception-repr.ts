import type { ExceptionInfo } from "../../../sdk/src/codec/exceptions/exception-info.js";
import { PyTuple, safeRepr } from "../../../sdk/src/codec/repr/safe-repr.js";

/** Modules whose classes a Python client resolves, so `repr()` shows the class's own `__name__`. */
const IMPORTABLE_MODULES: ReadonlySet<string> = new Set(["builtins", "celery.exceptions", "billiard.exceptions", "kombu.exceptions"]);

/**
 * Python's `repr(exc)` of the exception a stored dict turns back into (`exception_to_python`): `ValueError('boom')`,
 * `ValueError()`, `KeyError('a', 1)`. Celery puts it in chord errors: `Dependency <id> raised ValueError('boom')`.
 */
export function formatExceptionRepr(info: ExceptionInfo): string {
  const qualified = info.exc_type;
  const name = info.exc_module !== null && IMPORTABLE_MODULES.has(info.exc_module) ? (qualified.split(".").at(-1) ?? qualified) : qualified;
  const args = Array.isArray(info.exc_message) ? info.exc_message : [info.exc_message];
  const options = { maxlevels: 1000 };
  return args.length === 1 ? `${name}(${safeRepr(args[0], options)})` : `${name}${safeRepr(new PyTuple(args), options)}`;
}
