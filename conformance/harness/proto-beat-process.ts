import { ProtoCliProcess } from "./proto-cli-process.js";

/** One `Scheduler: Sending due task` line of a beat log (Celery's format, which `proto beat` follows). */
export interface BeatSend {
  readonly at: number;
  readonly entry: string;
  readonly task: string;
}

/** Reads Celery-style log lines: `[2025-01-31 04:00:00,123: INFO/MainProcess] Scheduler: Sending due task e (t)`. */
export function parseBeatSends(log: string): BeatSend[] {
  const out: BeatSend[] = [];
  const re = /\[(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d),(\d{3}): INFO\/MainProcess\] Scheduler: Sending due task (\S+) \((\S+)\)/gu;
  for (const m of log.matchAll(re)) {
    const [y, mo, d, h, mi, s, ms] = m.slice(1, 8).map(Number) as [number, number, number, number, number, number, number];
    out.push({ at: new Date(y, mo - 1, d, h, mi, s, ms).getTime(), entry: m[8]!, task: m[9]! });
  }
  return out;
}

/** The task ids a beat logged at DEBUG level (`<task> sent. id-><id>`), in order; Celery and `proto beat` alike. */
export function parseSentIds(log: string, task: string): string[] {
  const re = new RegExp(`${task.replace(/\./gu, "\\.")} sent\\. id->([0-9a-f-]{36})`, "gu");
  return [...log.matchAll(re)].map((m) => m[1]!);
}

/** A `proto beat` started from source under tsx in its own process. */
export class ProtoBeatProcess extends ProtoCliProcess {
  /** Starts `proto beat <args>` and resolves once it logged `beat: Starting...` (needs `-l info` or lower). */
  static async start(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<ProtoBeatProcess> {
    const beat = new ProtoBeatProcess(ProtoCliProcess.launch("beat", args, env), "beat");
    await beat.waitFor(/beat: Starting\.\.\./u, 30_000);
    return beat;
  }

  get sends(): BeatSend[] {
    return parseBeatSends(this.log);
  }
}
