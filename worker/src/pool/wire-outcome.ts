import type { ExecutionOutcome } from "./execution-pool.js";
import type { RetryOptions } from "../app/task-context.js";
import type { WireOutcome } from "./ipc-messages.js";
import { fromIpcValue, toIpcValue } from "./ipc-value.js";
import { fromWireError, toWireError } from "./wire-error.js";

/**
 * Child side: the outcome as it crosses the channel. A value that cannot cross (see `toIpcValue`) turns the outcome
 * into a failure with that `EncodeError`, as storing it would in process.
 */
export function toWireOutcome(outcome: ExecutionOutcome): WireOutcome {
  switch (outcome.kind) {
    case "success":
      try {
        return { kind: "success", value: toIpcValue(outcome.value), runtimeSeconds: outcome.runtimeSeconds };
      } catch (error) {
        return { kind: "failure", error: toWireError(error), runtimeSeconds: outcome.runtimeSeconds };
      }
    case "failure":
      return { kind: "failure", error: toWireError(outcome.error), runtimeSeconds: outcome.runtimeSeconds };
    case "retry": {
      const { exc, ...options } = outcome.options;
      try {
        return {
          kind: "retry",
          options: toIpcValue(options),
          exc: exc === undefined ? null : toWireError(exc),
          runtimeSeconds: outcome.runtimeSeconds,
        };
      } catch (error) {
        return { kind: "failure", error: toWireError(error), runtimeSeconds: outcome.runtimeSeconds };
      }
    }
    case "reject":
      return { kind: "reject", requeue: outcome.requeue };
    case "ignore":
      return { kind: "ignore" };
    case "time-limit":
    case "worker-lost":
    case "terminated":
      return { kind: "failure", error: toWireError(new Error(`unexpected ${outcome.kind} outcome in a pool process`)), runtimeSeconds: 0 };
  }
}

/** Parent side: the outcome with values and errors rebuilt (`errorClasses`: see `fromWireError`). */
export function fromWireOutcome(wire: WireOutcome, errorClasses: ReadonlyArray<unknown> = []): ExecutionOutcome {
  switch (wire.kind) {
    case "success":
      return { kind: "success", value: fromIpcValue(wire.value), runtimeSeconds: wire.runtimeSeconds };
    case "failure":
      return { kind: "failure", error: fromWireError(wire.error, errorClasses), runtimeSeconds: wire.runtimeSeconds };
    case "retry": {
      const options = fromIpcValue(wire.options) as RetryOptions;
      return {
        kind: "retry",
        options: wire.exc === null ? options : { ...options, exc: fromWireError(wire.exc, errorClasses) },
        runtimeSeconds: wire.runtimeSeconds,
      };
    }
    case "reject":
      return { kind: "reject", requeue: wire.requeue };
    case "ignore":
      return { kind: "ignore" };
  }
}
