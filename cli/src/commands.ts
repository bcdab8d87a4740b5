import Enqueue from "./commands/enqueue.js";
import Generate from "./commands/generate.js";
import ImportPython from "./commands/import-python.js";
import Validate from "./commands/validate.js";
import Worker from "./commands/worker.js";

/** oclif's explicit command map: the key is the command id (`proto validate`). */
export const COMMANDS = {
  enqueue: Enqueue,
  generate: Generate,
  "import-python": ImportPython,
  validate: Validate,
  worker: Worker,
};
