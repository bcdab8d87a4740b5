import type { ControlCommand } from "./control-command.js";
import { ACTIVE_QUEUES, ADD_CONSUMER, CANCEL_CONSUMER } from "./consumer-commands.js";
import { DISABLE_EVENTS, ENABLE_EVENTS, HEARTBEAT } from "./event-commands.js";
import { AUTOSCALE, ELECTION, POOL_GROW, POOL_RESTART, POOL_SHRINK, SHUTDOWN } from "./pool-commands.js";
import { REVOKE, REVOKE_BY_STAMPED_HEADERS, TERMINATE } from "./revoke-commands.js";
import { ACTIVE, QUERY_TASK, REGISTERED, RESERVED, REVOKED, SCHEDULED } from "./task-info-commands.js";
import { RATE_LIMIT, TIME_LIMIT } from "./task-option-commands.js";
import { CLOCK, CONF, HELLO, PING, REPORT, STATS } from "./worker-info-commands.js";

/** Celery's built-in remote-control commands that this worker implements (C:celery/worker/control.py). */
export const BUILTIN_COMMANDS: readonly ControlCommand[] = Object.freeze([
  REPORT,
  CONF,
  QUERY_TASK,
  REVOKE,
  REVOKE_BY_STAMPED_HEADERS,
  TERMINATE,
  RATE_LIMIT,
  TIME_LIMIT,
  CLOCK,
  ELECTION,
  ENABLE_EVENTS,
  DISABLE_EVENTS,
  HEARTBEAT,
  HELLO,
  PING,
  STATS,
  SCHEDULED,
  RESERVED,
  ACTIVE,
  REVOKED,
  REGISTERED,
  POOL_GROW,
  POOL_SHRINK,
  POOL_RESTART,
  AUTOSCALE,
  SHUTDOWN,
  ADD_CONSUMER,
  CANCEL_CONSUMER,
  ACTIVE_QUEUES,
]);

/** The lookup table by name and alias; `extra` commands are added last (a same-named one replaces a built-in). */
export function indexCommands(extra: readonly ControlCommand[] = []): ReadonlyMap<string, ControlCommand> {
  const index = new Map<string, ControlCommand>();
  for (const command of [...BUILTIN_COMMANDS, ...extra]) {
    index.set(command.name, command);
    if (command.alias !== undefined) index.set(command.alias, command);
  }
  return index;
}
