import { RemoteTaskError } from "../codec/exceptions/remote-task-error.js";
import { AsyncResult } from "../results/async-result.js";
import type { ResultGetOptions } from "../results/result-get-options.js";

/**
 * The result of a typed producer call: `get()` also checks the value against the catalog's result schema, so the
 * type it promises holds even when the worker (e.g. Python, where hints are not enforced) returns something else;
 * a mismatch rejects with `CeleryProtoError` (`InvalidResult`) naming the task and the rule.
 */
export class CheckedAsyncResult<T> extends AsyncResult<T> {
  constructor(
    result: AsyncResult<T>,
    private readonly checkResult: (value: unknown) => void,
  ) {
    super(result.id, result.app, result.parent);
  }

  override get(options?: ResultGetOptions & { readonly propagate?: true }): Promise<T>;
  override get(options: ResultGetOptions & { readonly propagate: false }): Promise<T | RemoteTaskError>;
  override get(options?: ResultGetOptions): Promise<T | RemoteTaskError>;
  override async get(options: ResultGetOptions = {}): Promise<T | RemoteTaskError> {
    const value = await super.get(options);
    if (!RemoteTaskError.is(value)) this.checkResult(value);
    return value;
  }
}
