import { NO_EVENTS } from "../events/event-dispatcher.js";
import { SOFTWARE_INFO } from "../events/software-info.js";
import { nok, ok, type ControlCommand } from "./control-command.js";

/** `enable_events`: turns task events on. */
export const ENABLE_EVENTS: ControlCommand = {
  name: "enable_events",
  type: "control",
  run: (ctx) => {
    if (ctx.dispatcher === NO_EVENTS) return nok("event dispatcher unavailable");
    if (ctx.dispatcher.enabled) return ok("task events already enabled");
    ctx.dispatcher.setEnabled(true);
    ctx.log.info("Events of group {task} enabled by remote.");
    return ok("task events enabled");
  },
};

/**
 * `disable_events`: turns task events off. Deliberately not Celery's quirk: a Python worker started with `-E`
 * answers "task events already disabled" and keeps sending them; this one disables them.
 */
export const DISABLE_EVENTS: ControlCommand = {
  name: "disable_events",
  type: "control",
  run: (ctx) => {
    if (ctx.dispatcher === NO_EVENTS) return nok("event dispatcher unavailable");
    if (!ctx.dispatcher.enabled) return ok("task events already disabled");
    ctx.dispatcher.setEnabled(false);
    ctx.log.info("Events of group {task} disabled by remote.");
    return ok("task events disabled");
  },
};

/** `heartbeat`: sends a `worker-heartbeat` now (`freq=5` and the software fields only, as Celery); replies null. */
export const HEARTBEAT: ControlCommand = {
  name: "heartbeat",
  type: "control",
  run: (ctx) => {
    ctx.dispatcher.send("worker-heartbeat", { freq: 5, ...SOFTWARE_INFO });
    return null;
  },
};
