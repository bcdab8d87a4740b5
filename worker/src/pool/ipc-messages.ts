import type { TraceCarrier } from "../../../sdk/src/tracing/trace-carrier.js";
import type { WireError } from "./wire-error.js";

/**
 * The process pool's IPC protocol (Node `fork` channel, "advanced" serialization). Values marked "IPC value" went
 * through `toIpcValue`; errors are `WireError`s. Parent and children always run the same build, so there is no
 * version negotiation.
 */

/** How a child's execution ended (only the kinds a child can produce; kills are observed by the parent). */
export type WireOutcome =
  | { readonly kind: "success" /** IPC value */; readonly value: unknown; readonly runtimeSeconds: number }
  | { readonly kind: "failure"; readonly error: WireError; readonly runtimeSeconds: number }
  | {
      readonly kind: "retry";
      /** IPC value: the `RetryOptions` given to `context.retry`, without `exc`. */
      readonly options: unknown;
      readonly exc: WireError | null;
      readonly runtimeSeconds: number;
    }
  | { readonly kind: "reject"; readonly requeue: boolean }
  | { readonly kind: "ignore" };

/** Parent → child. */
export type ParentMessage =
  /**
   * Execute `task` (a name in the child's registry) for `request` (IPC value of the whole `TaskRequest`); with
   * tracing on, `trace` is the `run` span's context, the parent of the handler's spans.
   */
  | { readonly type: "run"; readonly jobId: number; readonly task: string; readonly request: unknown; readonly trace?: TraceCarrier }
  /** Soft time limit (or `terminate` with SIGUSR1) for the job, if it is still the current one. */
  | { readonly type: "soft-limit"; readonly jobId: number }
  /** Answer to an `update-state`: the hook resolved (`error` null) or rejected. */
  | { readonly type: "update-state-done"; readonly jobId: number; readonly seq: number; readonly error: WireError | null }
  /** Exit now (retirement, shrink, close). */
  | { readonly type: "exit" };

/** Child → parent. */
export type ChildMessage =
  /** The task module loaded; the child takes jobs from now on. */
  | { readonly type: "ready"; readonly pid: number; readonly tasks: readonly string[] }
  /** The task module failed to load; the child waits for `exit` (so this message is not lost), then exits. */
  | { readonly type: "load-failed"; readonly error: WireError }
  /** The handler is about to be called (→ `ExecutionHooks.onAccepted(pid)`; time limits start now). */
  | { readonly type: "accepted"; readonly jobId: number }
  /** `context.updateState(state, meta)` (meta: IPC value); answered by `update-state-done` with the same `seq`. */
  | { readonly type: "update-state"; readonly jobId: number; readonly seq: number; readonly state: string; readonly meta: unknown }
  /** The run ended; `rssKiB` is the child's resident memory then (for `maxMemoryPerChild`). */
  | { readonly type: "outcome"; readonly jobId: number; readonly outcome: WireOutcome; readonly rssKiB?: number };

/** Narrow check of a message received on the channel (both sides are ours; this guards against foreign `send`s). */
export function isPoolMessage<T extends { readonly type: string }>(value: unknown, types: ReadonlySet<string>): value is T {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { readonly type?: unknown }).type === "string" &&
    types.has((value as { readonly type: string }).type)
  );
}

export const CHILD_MESSAGE_TYPES: ReadonlySet<string> = new Set(["ready", "load-failed", "accepted", "update-state", "outcome"]);
export const PARENT_MESSAGE_TYPES: ReadonlySet<string> = new Set(["run", "soft-limit", "update-state-done", "exit"]);
