import type { EventState, TaskInfo } from "../../../sdk/src/events/event-state.js";
import { pythonStr } from "../format/python-str.js";

function table(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function time(epochSeconds: number): string {
  return Number.isFinite(epochSeconds) ? new Date(epochSeconds * 1000).toISOString().slice(11, 19) : "";
}

function taskDetail(task: TaskInfo): string {
  const f = task.fields;
  if (task.state === "SUCCESS") return `${pythonStr(f["result"])}${typeof f["runtime"] === "number" ? ` in ${f["runtime"].toFixed(3)}s` : ""}`;
  if (task.state === "FAILURE" || task.state === "RETRY") return pythonStr(f["exception"]);
  if (f["args"] !== undefined) return `args=${pythonStr(f["args"])} kwargs=${pythonStr(f["kwargs"])}`;
  return "";
}

/**
 * The live view of `proto events` (what `celery events`' curses monitor shows, as plain text): a workers table
 * (status by heartbeat, active/processed counts, load average, software) and the most recent tasks.
 */
export function renderLiveView(state: EventState, options: { readonly maxTasks: number; readonly now?: number; readonly width?: number }): string {
  const now = options.now ?? Date.now() / 1000;
  const width = options.width ?? 120;
  const workers = [...state.workers.values()]
    .sort((a, b) => a.hostname.localeCompare(b.hostname))
    .map((w) => {
      const f = w.fields;
      const load = Array.isArray(f["loadavg"]) ? (f["loadavg"] as unknown[]).map(pythonStr).join(" ") : "";
      return [
        w.hostname,
        state.isAlive(w.hostname, now) ? "ONLINE" : "OFFLINE",
        pythonStr(f["active"] ?? ""),
        pythonStr(f["processed"] ?? ""),
        load,
        `${pythonStr(f["sw_ident"] ?? "")} ${pythonStr(f["sw_ver"] ?? "")}`.trim(),
      ];
    });
  const tasks = [...state.tasks.values()]
    .sort((a, b) => b.timestamp - a.timestamp)
    .slice(0, options.maxTasks)
    .map((t) => [t.uuid, t.name ?? "", t.state, t.hostname ?? "", time(t.timestamp), clip(taskDetail(t), Math.max(20, width - 100))]);
  const alive = state.aliveWorkers(now).length;
  return [
    `celery-proto events: ${alive}/${state.workers.size} workers online, ${state.tasks.size} tasks, ${state.eventCount} events`,
    "",
    ...table(["WORKER", "STATUS", "ACTIVE", "PROCESSED", "LOADAVG", "SOFTWARE"], workers),
    "",
    ...table(["UUID", "TASK", "STATE", "WORKER", "TIME", "DETAIL"], tasks),
  ].join("\n");
}
