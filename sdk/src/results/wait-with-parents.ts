import { CeleryProtoError } from "../errors/celery-proto-error.js";
import type { ResultMeta } from "../gen/json-schema/types.js";
import type { ResultGetOptions } from "./result-get-options.js";
import type { ResultHandle } from "./result-handle.js";

/** Celery's `interval` default (0.5 s): how often parents are checked while waiting. */
export const DEFAULT_PARENT_INTERVAL_MS = 500;

/**
 * Runs a wait that can be cancelled through the signal it is given, while checking `parents` (root first) before
 * and every `intervalMs` during it: a failed parent rejects the wait with the parent's error, as Celery's
 * `follow_parents`. The caller's `signal` cancels it too.
 */
export async function waitWithParents(
  start: (signal: AbortSignal) => Promise<ResultMeta>,
  parents: readonly ResultHandle<unknown>[],
  options: Pick<ResultGetOptions, "intervalMs" | "signal"> = {},
): Promise<ResultMeta> {
  const interval = options.intervalMs ?? DEFAULT_PARENT_INTERVAL_MS;
  if (!(Number.isFinite(interval) && interval > 0)) {
    throw new CeleryProtoError("InvalidOption", `intervalMs must be a number > 0 (got ${String(interval)})`);
  }
  const outer = options.signal;
  if (outer?.aborted === true) throw outer.reason;
  const controller = new AbortController();
  const onOuterAbort = (): void => controller.abort(outer?.reason);
  outer?.addEventListener("abort", onOuterAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  let done = false;
  const checkParents = async (): Promise<void> => {
    for (const parent of parents) await parent.maybeThrow();
  };
  try {
    if (parents.length > 0) {
      await checkParents();
      const poll = async (): Promise<void> => {
        try {
          await checkParents();
          if (!done) timer = setTimeout(() => void poll(), interval);
        } catch (e) {
          controller.abort(e);
        }
      };
      timer = setTimeout(() => void poll(), interval);
    }
    return await start(controller.signal);
  } finally {
    done = true;
    if (timer !== undefined) clearTimeout(timer);
    outer?.removeEventListener("abort", onOuterAbort);
  }
}
