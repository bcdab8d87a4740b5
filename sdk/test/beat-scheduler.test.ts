import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { BeatService } from "../src/beat/beat-service.js";
import { type BeatStateStore, FileBeatStateStore } from "../src/beat/beat-state-store.js";
import { CrontabSchedule } from "../src/beat/crontab-schedule.js";
import { MemoryBeatStateStore } from "../src/beat/memory-beat-state-store.js";
import { compileBeatSchedule, loadBeatSchedule, type BeatEntryDefinition } from "../src/beat/load-beat-schedule.js";
import { parseCrontabField } from "../src/beat/parse-crontab-field.js";
import { CeleryProtoError } from "../src/errors/celery-proto-error.js";

const TMP = mkdtempSync(path.join(tmpdir(), "beat-unit-"));
after(() => rmSync(TMP, { recursive: true, force: true }));

function harness(file: unknown, store: BeatStateStore, start: number) {
  let now = start;
  const sent: { at: number; entry: BeatEntryDefinition }[] = [];
  const service = new BeatService({
    schedule: compileBeatSchedule(file),
    store,
    now: () => now,
    send: async (entry) => {
      sent.push({ at: now, entry });
      return `id-${sent.length}`;
    },
  });
  return { service, sent, advance: (ms: number) => (now += ms), now: () => now };
}

describe("crontab fields (Celery's crontab_parser)", () => {
  it("expands names, ranges, wrap-around ranges and steps like Celery", () => {
    assert.deepEqual(parseCrontabField("mon-fri", "day_of_week", 7), [1, 2, 3, 4, 5]);
    assert.deepEqual(parseCrontabField("fri-mon", "day_of_week", 7), [0, 1, 5, 6]);
    assert.deepEqual(parseCrontabField("*/2", "day_of_week", 7), [0, 2, 4, 6]);
    assert.deepEqual(parseCrontabField("nov-feb", "month_of_year", 12, 1), [1, 2, 11, 12]);
    assert.deepEqual(parseCrontabField("1,13,30-45,50-59/2", "minute", 60).length, 23);
    assert.deepEqual(parseCrontabField("*/3", "day_of_month", 31, 1), [1, 4, 7, 10, 13, 16, 19, 22, 25, 28, 31]);
    assert.deepEqual(parseCrontabField([5, 1, 5], "hour", 24), [1, 5]);
  });

  it("rejects bad fields with InvalidOption naming the field", () => {
    for (const [spec, field, max, min] of [
      ["7", "day_of_week", 7, 0],
      ["*/0", "minute", 60, 0],
      ["0", "day_of_month", 31, 1],
      ["1,,2", "hour", 24, 0],
      ["funday", "day_of_week", 7, 0],
      ["-1", "minute", 60, 0],
    ] as const) {
      assert.throws(
        () => parseCrontabField(spec, field, max, min),
        (e: unknown) => CeleryProtoError.is(e, "InvalidOption") && e.message.includes(`crontab ${field}`),
        `${field}=${spec}`,
      );
    }
    assert.throws(() => new CrontabSchedule({ day_of_month: "30", month_of_year: "feb" }), /never occurs/u);
    assert.throws(() => new CrontabSchedule({}, { timeZone: "Mars/Olympus" }), /timezone/u);
  });
});

describe("schedule file", () => {
  it("compiles entries; options map to apply_async options plus Celery 5.7's celery_beat_task header", () => {
    const s = compileBeatSchedule({
      timezone: "Europe/London",
      entries: {
        a: { task: "t.a", schedule: { every: 5 }, args: [1], options: { queue: "q", priority: 3, expires: 10, routing_key: "rk", headers: { x: 1 } } },
        b: { task: "t.b", schedule: { cron: "0 4 * * mon-fri" } },
        off: { task: "t.c", schedule: { every: 1 }, enabled: false },
      },
    });
    assert.equal(s.timeZone, "Europe/London");
    assert.deepEqual(
      s.entries.map((e) => e.name),
      ["a", "b"],
    );
    assert.deepEqual(s.entries[0]!.options, {
      queue: "q",
      routingKey: "rk",
      priority: 3,
      expires: 10,
      headers: { x: 1, celery_beat_task: true },
      argsrepr: "[1]",
    });
    assert.match(s.entries[1]!.schedule.describe(), /<crontab: 0 4 \* \* mon-fri/u);
  });

  it("rejects invalid files with the entry and field in the message", () => {
    assert.throws(
      () => compileBeatSchedule({ entries: { a: { task: "t", schedule: { every: -1 } } } }),
      (e: unknown) => CeleryProtoError.is(e, "InvalidOption"),
    );
    assert.throws(() => compileBeatSchedule({ entries: { a: { task: "t", schedule: { cron: "* * * 13 *" } } } }), /entries\.a: crontab month_of_year/u);
    assert.throws(() => compileBeatSchedule({ timezone: "Nowhere/City", entries: {} }), /timezone/u);
  });
});

describe("BeatService (fake clock)", () => {
  it("a new interval entry first runs one interval after start (Celery's default last_run_at = now)", async () => {
    const h = harness({ entries: { a: { task: "t.a", schedule: { every: 10 } } } }, new MemoryBeatStateStore(), Date.parse("2025-06-01T00:00:00Z"));
    assert.equal(await h.service.tick(), 9990);
    assert.equal(h.sent.length, 0);
    h.advance(10_000);
    await h.service.tick();
    assert.equal(h.sent.length, 1);
  });

  it("a run missed during downtime fires once, then re-anchors on that send", async () => {
    const start = Date.parse("2025-06-01T12:00:00.500Z");
    const store = new MemoryBeatStateStore(
      new Map([
        ["a", { lastRunAtMs: start - 3_600_000, totalRunCount: 7 }],
        ["c", { lastRunAtMs: start - 3_600_000, totalRunCount: 2 }],
      ]),
    );
    const h = harness({ entries: { a: { task: "t.a", schedule: { every: 60 } }, c: { task: "t.c", schedule: { cron: "*/5 * * * *" } } } }, store, start);
    const delay = await h.service.tick();
    assert.deepEqual(
      h.sent.map((s) => s.entry.name),
      ["a", "c"],
      "each overdue entry once, not once per missed slot",
    );
    assert.deepEqual(store.states.get("a"), { lastRunAtMs: start, totalRunCount: 8 });
    assert.equal(delay, 60_000 - 10, "next check: the interval entry, one interval after this send");
    await h.service.tick();
    assert.equal(h.sent.length, 2, "nothing more is due right after");
    h.advance(60_000);
    await h.service.tick();
    assert.deepEqual(
      h.sent.map((s) => s.entry.name),
      ["a", "c", "a"],
    );
  });

  it("cron_starting_deadline skips a missed crontab run that is too old", async () => {
    const start = Date.parse("2025-06-01T12:02:00Z");
    const store = new MemoryBeatStateStore(new Map([["c", { lastRunAtMs: start - 3_600_000, totalRunCount: 1 }]]));
    const h = harness({ cron_starting_deadline: 60, entries: { c: { task: "t.c", schedule: { cron: "0 * * * *" } } } }, store, start);
    const delay = await h.service.tick();
    assert.equal(h.sent.length, 0);
    assert.equal(delay, 300_000 - 10, "the next slot (13:00) is further away than max_interval (300 s)");
  });

  it("reload keeps the state of entries that keep their name", async () => {
    const start = Date.parse("2025-06-01T00:00:00Z");
    const h = harness({ entries: { a: { task: "t.a", schedule: { every: 10 } } } }, new MemoryBeatStateStore(), start);
    await h.service.tick();
    h.advance(10_000);
    await h.service.tick();
    h.service.reload(compileBeatSchedule({ entries: { a: { task: "t.a2", schedule: { every: 10 } }, b: { task: "t.b", schedule: { every: 5 } } } }));
    h.advance(5_000);
    await h.service.tick();
    assert.deepEqual(
      h.sent.map((s) => s.entry.task),
      ["t.a", "t.b"],
      "b is anchored at the reload; a keeps its last run",
    );
    h.advance(5_000);
    await h.service.tick();
    assert.deepEqual(
      h.sent.map((s) => s.entry.task),
      ["t.a", "t.b", "t.a2", "t.b"],
    );
  });
});

describe("state file", () => {
  it("round-trips; a different timezone resets it (as Celery's PersistentScheduler)", async () => {
    const file = path.join(TMP, "state.json");
    const store = new FileBeatStateStore(file);
    await store.load("UTC");
    await store.reserve("a", { lastRunAtMs: Date.parse("2025-01-31T04:00:00.123Z"), totalRunCount: 3 });
    await store.flush();
    const json = JSON.parse(readFileSync(file, "utf8")) as { entries: { a: { last_run_at: string } } };
    assert.equal(json.entries.a.last_run_at, "2025-01-31T04:00:00.123000+00:00");
    assert.deepEqual([...(await new FileBeatStateStore(file).load("UTC"))], [["a", { lastRunAtMs: Date.parse("2025-01-31T04:00:00.123Z"), totalRunCount: 3 }]]);
    assert.equal((await new FileBeatStateStore(file).load("Europe/Paris")).size, 0);
    writeFileSync(file, '{"entries": 5}');
    await assert.rejects(new FileBeatStateStore(file).load("UTC"), /--schedule-state/u);
  });
});

describe("README", () => {
  it("the proto beat schedule example is a valid schedule file", async () => {
    const readme = readFileSync(path.join(import.meta.dirname, "../../README.md"), "utf8");
    const example = /## Periodic tasks: `proto beat`[\s\S]*?```yaml\n([\s\S]*?)```/u.exec(readme)?.[1];
    assert.ok(example, "the README has the beat example");
    const file = path.join(TMP, "readme-beat.yaml");
    writeFileSync(file, example);
    const schedule = await loadBeatSchedule(file);
    assert.deepEqual(
      schedule.entries.map((e) => e.name),
      ["add-every-30s", "weekday-report", "end-of-quarter", "at-sunset"],
    );
  });
});

describe("DST fall-back (Celery 5.7 sends continuously; proto beat does not)", () => {
  it("a crontab whose last run is in the repeated hour waits for the next real slot", async () => {
    const start = Date.parse("2025-11-02T06:10:00Z"); // 01:10 EST, the second 01:10 of the night in New York
    const h = harness({ timezone: "America/New_York", entries: { q: { task: "t.q", schedule: { cron: "*/15 * * * *" } } } }, new MemoryBeatStateStore(), start);
    // Celery's own arithmetic (checked in the differential test) says due, next check in 0 s:
    const schedule = compileBeatSchedule({ timezone: "America/New_York", entries: { q: { task: "t", schedule: { cron: "*/15 * * * *" } } } }).entries[0]!
      .schedule;
    assert.deepEqual(schedule.isDue(start, start + 1000), { isDue: true, nextSeconds: 0 });
    for (let i = 0; i < 100; i++) {
      await h.service.tick();
      h.advance(1000);
    }
    assert.equal(h.sent.length, 0, "nothing in the 100 s where Celery beat would send at every tick");
    h.advance(Date.parse("2025-11-02T07:00:00Z") - h.now());
    await h.service.tick();
    assert.equal(h.sent.length, 1, "02:00 EST runs once");
    h.advance(15 * 60_000);
    await h.service.tick();
    assert.equal(h.sent.length, 2, "and the schedule continues normally");
  });
});

describe("timezone / enable_utc (Celery's app.timezone)", () => {
  it("no timezone means UTC, or the system zone with enable_utc false", () => {
    assert.equal(compileBeatSchedule({ entries: {} }).timeZone, "UTC");
    assert.equal(compileBeatSchedule({ enable_utc: false, entries: {} }).timeZone, Intl.DateTimeFormat().resolvedOptions().timeZone);
    assert.equal(compileBeatSchedule({ enable_utc: false, timezone: "Asia/Kolkata", entries: {} }).timeZone, "Asia/Kolkata");
  });
});
