import type { ReceivedEvent } from "../../../sdk/src/events/event-receiver-options.js";
import { pythonStr, pythonUtcDatetime } from "../format/python-str.js";

const HUMAN_TYPES: Readonly<Record<string, string>> = {
  "worker-offline": "shutdown",
  "worker-online": "started",
  "worker-heartbeat": "heartbeat",
};

/**
 * `celery events --dump`'s line format (C:celery/events/dumper.py `Dumper.on_event`):
 * `<hostname> [<utc datetime>] <human type>: <task> <key=value, ... sorted>`, where a task is shown as
 * `name(uuid) args=... kwargs=...` from its `task-received`/`task-sent` event (remembered for later events).
 */
export class EventDumper {
  private readonly taskNames = new Map<string, string>();

  format(event: ReceivedEvent): string {
    const { timestamp, type: rawType, hostname, ...rest } = event;
    const type = rawType.toLowerCase();
    const fields: Record<string, unknown> = { ...rest };
    const when = pythonUtcDatetime(Number(timestamp));
    const human = HUMAN_TYPES[type] ?? type.replaceAll("-", " ");
    let task: string | null = null;
    if (type.startsWith("task-")) {
      const uuid = String(fields["uuid"]);
      delete fields["uuid"];
      if (type === "task-received" || type === "task-sent") {
        task = `${pythonStr(fields["name"])}(${uuid}) args=${pythonStr(fields["args"])} kwargs=${pythonStr(fields["kwargs"])}`;
        for (const key of ["name", "args", "kwargs"]) delete fields[key];
        this.taskNames.set(uuid, task);
        if (this.taskNames.size > 0xfff) this.taskNames.delete(this.taskNames.keys().next().value!);
      } else {
        task = this.taskNames.get(uuid) ?? "";
      }
    }
    const list = Object.keys(fields)
      .sort()
      .map((key) => `${key}=${pythonStr(fields[key])}`)
      .join(", ");
    const sep = list === "" ? "" : ":";
    return task === null ? `${hostname} [${when}] ${human}${sep} ${list}` : `${hostname} [${when}] ${human}${sep} ${task} ${list}`;
  }
}
