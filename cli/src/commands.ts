import Beat from "./commands/beat.js";
import ConformanceList from "./commands/conformance-list.js";
import ConformanceRun from "./commands/conformance-run.js";
import Control from "./commands/control.js";
import Enqueue from "./commands/enqueue.js";
import Events from "./commands/events.js";
import Generate from "./commands/generate.js";
import Help from "./commands/help.js";
import ImportPython from "./commands/import-python.js";
import Inspect from "./commands/inspect.js";
import Multi from "./commands/multi.js";
import Purge from "./commands/purge.js";
import Report from "./commands/report.js";
import Result from "./commands/result.js";
import Status from "./commands/status.js";
import Validate from "./commands/validate.js";
import Worker from "./commands/worker.js";

/** oclif's explicit command map: the key is the command id (`proto validate`). */
export const COMMANDS = {
  beat: Beat,
  "conformance:list": ConformanceList,
  "conformance:run": ConformanceRun,
  control: Control,
  enqueue: Enqueue,
  events: Events,
  generate: Generate,
  help: Help,
  "import-python": ImportPython,
  inspect: Inspect,
  multi: Multi,
  purge: Purge,
  report: Report,
  result: Result,
  status: Status,
  validate: Validate,
  worker: Worker,
};
