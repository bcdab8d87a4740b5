import { reprPythonException } from "./python-repr.js";

/**
 * An error a command handler raises the way the Python handler would (`KeyError('x')`, `ValueError('...')`,
 * `TypeError('...')`): the pidbox replies `{"error": repr(exc)}` with exactly that text.
 */
export class PythonError extends Error {
  override readonly name = "PythonError";
  readonly pyArgs: readonly unknown[];

  constructor(
    readonly pyType: string,
    ...args: readonly unknown[]
  ) {
    super(`${pyType}: ${args.map(String).join(", ")}`);
    this.pyArgs = args;
  }
}

/** `repr(exc)` as kombu's `Node.dispatch` puts it in an error reply, for a `PythonError` or any other thrown value. */
export function reprThrown(error: unknown): string {
  if (error instanceof PythonError) return reprPythonException(error.pyType, ...error.pyArgs);
  if (error instanceof Error) {
    const excType = (error as { excType?: unknown }).excType;
    const type = typeof excType === "string" ? excType : error.name || "Exception";
    return error.message === "" ? `${type}()` : reprPythonException(type, error.message);
  }
  return reprPythonException("Exception", String(error));
}
