// Differential test of sdk/src/beat against Python's celery.schedules (this venv's Celery): generated crontab and
// interval cases (seeded, so reproducible), many of them near DST transitions, evaluated by both; remaining_estimate,
// is_due and the next-check seconds must agree. The Python side is conformance/python/reference/schedule_reference.py,
// called once with every case.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { CrontabSchedule, type CrontabFields } from "../../sdk/src/beat/crontab-schedule.js";
import { IntervalSchedule } from "../../sdk/src/beat/interval-schedule.js";
import { SOLAR_EVENTS, SolarSchedule, type SolarEventName } from "../../sdk/src/beat/solar-schedule.js";
import type { Schedule } from "../../sdk/src/beat/schedule-state.js";
import { CeleryProtoError } from "../../sdk/src/errors/celery-proto-error.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SCRIPT = path.join(ROOT, "conformance/python/reference/schedule_reference.py");

interface Case {
  readonly id: string;
  readonly kind: "crontab" | "interval" | "solar";
  readonly tz: string;
  readonly last_run_at: string;
  readonly now: string;
  readonly fields?: CrontabFields;
  readonly deadline?: number | null;
  readonly every?: number;
  readonly relative?: boolean;
  readonly event?: SolarEventName;
  readonly lat?: number;
  readonly lon?: number;
}
type Answer = { remaining: number; is_due: boolean; next: number } | { error: string; message: string };

/** mulberry32: a small seeded PRNG so the generated cases are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TIMEZONES = ["UTC", "America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata", "Europe/Berlin"];
/** DST transitions (UTC instants) of the zones above, in 2025-2026. */
const TRANSITIONS: Readonly<Record<string, readonly string[]>> = {
  "America/New_York": ["2025-03-09T07:00:00Z", "2025-11-02T06:00:00Z", "2026-03-08T07:00:00Z"],
  "Europe/London": ["2025-03-30T01:00:00Z", "2025-10-26T01:00:00Z"],
  "Europe/Berlin": ["2025-03-30T01:00:00Z", "2025-10-26T01:00:00Z"],
  "Australia/Lord_Howe": ["2025-04-05T15:00:00Z", "2025-10-04T15:30:00Z"],
};

function generateCases(): Case[] {
  const rnd = prng(20260121);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const numeric = (max: number, min: number): string | number | number[] => {
    const a = int(min, min + max - 1);
    const b = int(min, min + max - 1);
    return pick<() => string | number | number[]>([
      () => "*",
      () => `*/${int(1, Math.max(2, Math.floor(max / 3)))}`,
      () => String(a),
      () => `${Math.min(a, b)}-${Math.max(a, b)}`,
      () => `${Math.min(a, b)}-${Math.max(a, b)}/${int(1, 4)}`,
      () => `${a}-${b}`,
      () => `${a},${b},${int(min, min + max - 1)}`,
      () => a,
      () => [a, b],
      () => `${a},${Math.min(a, b)}-${Math.max(a, b)}/${int(2, 5)}`,
    ])();
  };
  const dow = (): string | number | number[] =>
    rnd() < 0.35
      ? "*"
      : rnd() < 0.6
        ? pick(["mon-fri", "fri-mon", "sat,sun", "sun", "mon", "tue-thu/2", "*/2", "monday", "wed,fri", "sat-tue", "thu-sun/2", "0", "6"])
        : numeric(7, 0);
  const dom = (): string | number | number[] => (rnd() < 0.5 ? "*" : pick(["1", "1-7", "15-21", "*/3", "31", "29", "28-3", "10,20,30", "2-30/2", "13", "30"]));
  const moy = (): string | number | number[] =>
    rnd() < 0.6 ? "*" : pick(["jan", "feb", "mar-may", "nov-feb", "*/3", "2-12/2", "dec", "oct,nov", "jan-dec/5", "3", "10-11"]);
  const isoAt = (ms: number): string => new Date(ms).toISOString().replace("Z", "+00:00");
  const cases: Case[] = [];
  for (let i = 0; i < 640; i++) {
    const tz = pick(TIMEZONES);
    const transitions = TRANSITIONS[tz];
    const anchor =
      transitions !== undefined && rnd() < 0.6
        ? Date.parse(pick(transitions)) + int(-3 * 3600, 3 * 3600) * 1000
        : Date.parse("2025-01-01T00:00:00Z") + int(0, 2 * 365 * 86400) * 1000;
    const now = anchor + int(0, 999);
    const last = now - (rnd() < 0.5 ? int(0, 7200) * 1000 + int(0, 999) : int(0, 40 * 86400) * 1000);
    const fields: CrontabFields = {
      minute: rnd() < 0.2 ? "*" : numeric(60, 0),
      hour: rnd() < 0.3 ? "*" : numeric(24, 0),
      day_of_week: dow(),
      day_of_month: dom(),
      month_of_year: moy(),
    };
    const deadline = rnd() < 0.25 ? pick([0, 30, 120, 3600, 86400]) : null;
    cases.push({ id: `cron-${i}`, kind: "crontab", tz, last_run_at: isoAt(last), now: isoAt(now), fields, deadline });
  }
  // Edge cases of Celery's parser, valid and invalid, each in two zones.
  const edges: CrontabFields[] = [
    { minute: "60" },
    { hour: "24" },
    { day_of_week: "7" },
    { day_of_month: "0" },
    { month_of_year: "13" },
    { minute: "*/0" },
    { minute: "1-" },
    { minute: "" },
    { minute: "5/2" },
    { day_of_week: "mon-" },
    { minute: "-5" },
    { hour: "1,,2" },
    { day_of_month: "30", month_of_year: "feb" },
    { day_of_month: "31", month_of_year: "apr,jun" },
    { minute: "jan" },
    { hour: "sun" },
    { day_of_week: "monday-friday" },
    { minute: "1-5/" },
    { minute: "*/" },
    { minute: "*/abc" },
    { minute: " 5" },
    { day_of_week: "sat-sun" },
    { day_of_month: "29", month_of_year: "feb" },
    { minute: [0, 30], hour: [12] },
    { minute: 61 },
    { day_of_week: "fri-tue/2" },
    { month_of_year: "dec-jan" },
    { minute: "0", hour: "0", day_of_month: "31" },
    { minute: "59", hour: "23", day_of_month: "1-7", day_of_week: "mon" },
  ];
  for (const [i, fields] of edges.entries()) {
    for (const tz of ["UTC", "America/New_York"]) {
      const now = Date.parse("2025-01-01T00:00:00Z") + int(0, 2 * 365 * 86400) * 1000 + int(0, 999);
      cases.push({
        id: `cron-edge-${i}-${tz}`,
        kind: "crontab",
        tz,
        last_run_at: isoAt(now - int(0, 40 * 86400) * 1000),
        now: isoAt(now),
        fields,
        deadline: null,
      });
    }
  }
  for (let i = 0; i < 200; i++) {
    const tz = pick(TIMEZONES);
    const transitions = TRANSITIONS[tz];
    const anchor =
      transitions !== undefined && rnd() < 0.5
        ? Date.parse(pick(transitions)) + int(-2 * 3600, 2 * 3600) * 1000
        : Date.parse("2025-01-01T00:00:00Z") + int(0, 365 * 86400) * 1000;
    const every = pick([0.5, 1, 5, 30, 59, 60, 90, 300, 3600, 5400, 86400, 2 * 86400]);
    const now = anchor + int(0, 999);
    const last = now - Math.floor(every * 1000 * (rnd() * 2.5)) - int(0, 999);
    const relative = rnd() < 0.4;
    cases.push({ id: `interval-${i}`, kind: "interval", tz, last_run_at: isoAt(last), now: isoAt(now), every, relative });
  }
  for (let i = 0; i < 150; i++) {
    const now = Date.parse("2025-01-01T00:00:00Z") + int(0, 365 * 86400) * 1000 + int(0, 999);
    const last = now - int(0, 2 * 86400) * 1000;
    const lat = i % 10 === 0 ? pick([64.1, -64.1, 69.6, 78.2]) : Math.round((rnd() * 120 - 60) * 1000) / 1000;
    const lon = Math.round((rnd() * 360 - 180) * 1000) / 1000;
    cases.push({ id: `solar-${i}`, kind: "solar", tz: "UTC", last_run_at: isoAt(last), now: isoAt(now), event: pick(SOLAR_EVENTS), lat, lon });
  }
  return cases;
}

function evaluate(c: Case): Answer {
  let schedule: Schedule;
  try {
    schedule =
      c.kind === "crontab"
        ? new CrontabSchedule(c.fields!, { timeZone: c.tz, startingDeadlineSeconds: c.deadline ?? null })
        : c.kind === "interval"
          ? new IntervalSchedule(c.every!, { relative: c.relative ?? false, timeZone: c.tz })
          : new SolarSchedule(c.event!, c.lat!, c.lon!);
  } catch (e) {
    if (CeleryProtoError.is(e, "InvalidOption")) return { error: "ValueError", message: e.message };
    throw e;
  }
  const last = Date.parse(c.last_run_at);
  const now = Date.parse(c.now);
  const state = schedule.isDue(last, now);
  return { remaining: schedule.remainingEstimate(last, now) / 1000, is_due: state.isDue, next: state.nextSeconds };
}

function python(cases: readonly Case[]): Record<string, Answer> | null {
  const bin = path.join(ROOT, ".venv/bin/python");
  if (!existsSync(bin)) return null;
  const out = execFileSync(bin, [SCRIPT], { cwd: ROOT, input: JSON.stringify(cases), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(out) as Record<string, Answer>;
}

function same(ours: Answer, theirs: Answer, kind: Case["kind"]): boolean {
  if ("error" in theirs || "error" in ours) return "error" in theirs && "error" in ours;
  // Solar: astronomy-engine vs ephem, within one minute; is_due is only comparable away from the event itself.
  const tolerance = kind === "solar" ? 60 : 1e-6;
  const close = (a: number, b: number): boolean => Math.abs(a - b) < tolerance;
  const dueComparable = kind !== "solar" || Math.abs(theirs.remaining) >= 60;
  return close(ours.remaining, theirs.remaining) && (!dueComparable || (ours.is_due === theirs.is_due && close(ours.next, theirs.next)));
}

describe("beat schedules: TS vs Python celery.schedules (Celery 5.7, .venv)", () => {
  const cases = generateCases();
  const reference = python(cases);
  const skip = reference === null ? ".venv missing: run bash scripts/setup/python.sh" : false;

  const ephemMissing =
    reference !== null && Object.entries(reference).some(([id, a]) => id.startsWith("solar-") && "error" in a && a.error === "ImproperlyConfigured");
  for (const kind of ["crontab", "interval", "solar"] as const) {
    const skipKind = skip !== false ? skip : kind === "solar" && ephemMissing ? "ephem is not installed in .venv" : false;
    it(`${kind}: every generated case agrees (remaining_estimate, is_due, next)`, { skip: skipKind }, () => {
      const ofKind = cases.filter((c) => c.kind === kind);
      const mismatches: string[] = [];
      let errors = 0;
      for (const c of ofKind) {
        const theirs = reference![c.id]!;
        if ("error" in theirs) errors++;
        const ours = evaluate(c);
        if (!same(ours, theirs, kind)) mismatches.push(`${JSON.stringify(c)}\n  ours:   ${JSON.stringify(ours)}\n  python: ${JSON.stringify(theirs)}`);
      }
      assert.ok(ofKind.length - errors >= (kind === "crontab" ? 500 : 140), `too few valid ${kind} cases: ${ofKind.length - errors}`);
      // The generated mix must exercise what it claims to: due and not due, and for crontab the deadline skip,
      // rejected expressions (Celery's ValueError) and `now` within 3 h of a DST transition.
      const answers = ofKind.map((c) => reference![c.id]!).filter((a) => !("error" in a)) as { remaining: number; is_due: boolean }[];
      assert.ok(answers.filter((a) => a.is_due).length >= 10 && answers.filter((a) => !a.is_due).length >= 10, `${kind}: due and not-due cases`);
      if (kind === "crontab") {
        assert.ok(answers.filter((a) => !a.is_due && a.remaining < 0).length >= 5, "overdue runs skipped by beat_cron_starting_deadline");
        assert.ok(errors >= 3, "expressions Celery rejects");
        const nearDst = ofKind.filter((c) => (TRANSITIONS[c.tz] ?? []).some((t) => Math.abs(Date.parse(t) - Date.parse(c.now)) <= 3 * 3600_000));
        assert.ok(nearDst.length >= 150, `cases near DST transitions: ${nearDst.length}`);
      }
      assert.equal(mismatches.length, 0, `${mismatches.length} of ${ofKind.length} differ:\n${mismatches.slice(0, 8).join("\n")}`);
    });
  }
});
