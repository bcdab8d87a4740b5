import { checkRateLimit } from "./check-rate-limit.js";
import { nok, ok, type ControlCommand } from "./control-command.js";
import { PythonError, reprThrown } from "./python-error.js";

/** `rate_limit <task> <rate>`: validates like Celery, then changes the registered task's `rateLimit`. */
export const RATE_LIMIT: ControlCommand = {
  name: "rate_limit",
  type: "control",
  required: ["task_name", "rate_limit"],
  anyKeyword: true,
  run: (ctx, args) => {
    const rate = args["rate_limit"];
    try {
      checkRateLimit(rate);
    } catch (e) {
      if (e instanceof PythonError && e.pyType === "ValueError") return nok(`Invalid rate limit string: ${reprThrown(e)}`);
      throw e;
    }
    const name = String(args["task_name"]);
    if (!ctx.registry.has(name)) {
      ctx.log.error(`Rate limit attempt for unknown task ${name}`);
      return nok("unknown task");
    }
    const disabled = rate === null || rate === undefined || rate === "" || rate === 0 || rate === false;
    ctx.registry.update(name, { rateLimit: disabled ? null : (rate as string | number) });
    ctx.onRateLimitChanged?.(name);
    if (disabled) {
      ctx.log.info(`Rate limits disabled for tasks of type ${name}`);
      return ok("rate limit disabled successfully");
    }
    ctx.log.info(`New rate limit for tasks of type ${name}: ${String(rate)}.`);
    return ok("new rate limit set successfully");
  },
};

/** `time_limit <task> <soft> [hard]`: sets both limits (a missing one becomes none, as in Celery). */
export const TIME_LIMIT: ControlCommand = {
  name: "time_limit",
  type: "control",
  optional: ["task_name", "hard", "soft"],
  anyKeyword: true,
  run: (ctx, args) => {
    const name = String(args["task_name"] ?? "None");
    if (!ctx.registry.has(name)) {
      ctx.log.error(`Change time limit attempt for unknown task ${name}`);
      return nok("unknown task");
    }
    const seconds = (v: unknown): number | null =>
      typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v)) ? Number(v) : null;
    const soft = seconds(args["soft"]);
    const hard = seconds(args["hard"]);
    ctx.registry.update(name, { softTimeLimit: soft, timeLimit: hard });
    ctx.log.info(`New time limits for tasks of type ${name}: soft=${soft ?? "None"} hard=${hard ?? "None"}`);
    return ok("time limits set successfully");
  },
};
