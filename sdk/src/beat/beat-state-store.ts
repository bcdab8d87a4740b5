import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { CeleryProtoError } from "../errors/celery-proto-error.js";
import type { BeatStateFile } from "../gen/json-schema/types.js";
import { validateBeatStateFile } from "../gen/json-schema/beat-validators.js";

/** Celery's `ScheduleEntry.last_run_at` / `total_run_count` for one entry. */
export interface BeatEntryState {
  readonly lastRunAtMs: number;
  readonly totalRunCount: number;
}

/**
 * Where beat keeps its entries' state. `reserve` records a send before it is published (as Celery's `reserve`), and
 * returns false when this process may no longer send (it lost the leader lease).
 */
export interface BeatStateStore {
  load(timeZone: string): Promise<Map<string, BeatEntryState>>;
  reserve(name: string, state: BeatEntryState): Promise<boolean>;
  flush(): Promise<void>;
}

/** Python-style aware ISO 8601 with microseconds, as the state file documents. */
export function formatStateTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}000+00:00`;
}

export function toStateFile(timeZone: string, states: ReadonlyMap<string, BeatEntryState>): BeatStateFile {
  const entries: BeatStateFile["entries"] = {};
  for (const [name, s] of states) entries[name] = { last_run_at: formatStateTime(s.lastRunAtMs), total_run_count: s.totalRunCount };
  return { version: 1, timezone: timeZone, entries };
}

/** Parses a state document; a different timezone resets the state, as Celery's PersistentScheduler does. */
export function fromStateFile(raw: unknown, timeZone: string, what: string): Map<string, BeatEntryState> {
  if (!validateBeatStateFile(raw)) {
    throw new CeleryProtoError(
      "InvalidOption",
      `${what}: not a beat state file (${validateBeatStateFile.errors?.[0]?.message ?? "invalid"}); delete it to start afresh`,
    );
  }
  const file = raw as BeatStateFile;
  const states = new Map<string, BeatEntryState>();
  if (file.timezone !== undefined && file.timezone !== timeZone) return states;
  for (const [name, s] of Object.entries(file.entries)) {
    states.set(name, { lastRunAtMs: Date.parse(s.last_run_at), totalRunCount: s.total_run_count });
  }
  return states;
}

/** The `--schedule-state` JSON file (schemas/json/beat-schedule.schema.json#/$defs/BeatStateFile), written atomically. */
export class FileBeatStateStore implements BeatStateStore {
  private states = new Map<string, BeatEntryState>();
  private timeZone = "UTC";
  private dirty = false;

  constructor(private readonly file: string) {}

  async load(timeZone: string): Promise<Map<string, BeatEntryState>> {
    this.timeZone = timeZone;
    let text: string | undefined;
    try {
      text = await readFile(this.file, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw CeleryProtoError.from(e, "InvalidOption");
    }
    this.states = text === undefined ? new Map() : fromStateFile(JSON.parse(text) as unknown, timeZone, `--schedule-state ${this.file}`);
    return new Map(this.states);
  }

  async reserve(name: string, state: BeatEntryState): Promise<boolean> {
    this.states.set(name, state);
    this.dirty = true;
    return true;
  }

  async flush(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    await mkdir(path.dirname(path.resolve(this.file)), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(toStateFile(this.timeZone, this.states), null, 2)}\n`);
    await rename(tmp, this.file);
  }
}
