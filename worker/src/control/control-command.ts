import type { ControlContext } from "./control-context.js";

/** Returned by a handler that must not reply at all (Celery's `shutdown` raises `SystemExit`). */
export const NO_REPLY: unique symbol = Symbol("celery-proto.control.no-reply");

/**
 * One remote-control command (C:celery/worker/control.py `Panel.register`): its name, Python signature (the
 * parameters after `state`, so that bad arguments fail with Python's own `TypeError` text) and handler.
 */
export interface ControlCommand {
  readonly name: string;
  /** Second name it answers to (`dump_active` for `active`, ...). */
  readonly alias?: string;
  readonly type: "control" | "inspect";
  /** Parameters without a default. */
  readonly required?: readonly string[];
  /** Parameters with a default. */
  readonly optional?: readonly string[];
  /** Whether the Python function takes `**kwargs` (unknown keyword arguments are then ignored). */
  readonly anyKeyword?: boolean;
  run(context: ControlContext, args: Readonly<Record<string, unknown>>): unknown;
}

/** Celery's `ok(value)`. */
export function ok(value: unknown): { ok: unknown } {
  return { ok: value };
}

/** Celery's `nok(value)`. */
export function nok(value: unknown): { error: unknown } {
  return { error: value };
}
