import type { SendTaskOptions } from "./send-task-options.js";

// Every key of SendTaskOptions, once: the compiler refuses a missing or an extra one.
const NAMES: { readonly [K in keyof Required<SendTaskOptions>]: true } = {
  id: true,
  countdown: true,
  eta: true,
  expires: true,
  shadow: true,
  groupId: true,
  groupIndex: true,
  retries: true,
  timeLimit: true,
  softTimeLimit: true,
  rootId: true,
  parentId: true,
  origin: true,
  ignoreResult: true,
  replacedTaskNesting: true,
  stamps: true,
  headers: true,
  link: true,
  linkError: true,
  chain: true,
  chord: true,
  replyTo: true,
  priority: true,
  deliveryMode: true,
  argsrepr: true,
  kwargsrepr: true,
  queue: true,
  exchange: true,
  routingKey: true,
  serializer: true,
  compression: true,
};

/** The names `enqueue` and `sendTask` accept as options (`SendTaskOptions`). */
export const SEND_TASK_OPTION_NAMES: ReadonlySet<string> = new Set(Object.keys(NAMES));
