import Beat from "./commands/beat.js";
import Enqueue from "./commands/enqueue.js";
import Validate from "./commands/validate.js";
import Worker from "./commands/worker.js";

/** oclif's explicit command map: the key is the command id (`proto validate`). */
export const COMMANDS = {
  beat: Beat,
  enqueue: Enqueue,
  validate: Validate,
  worker: Worker,
};
