// Celery's log format, levels and texts; the start-up banner; Python reprs of thrown errors.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TimeLimitExceeded } from "../src/errors/task-control-errors.js";
import { formatStartupBanner } from "../src/logging/format-startup-banner.js";
import { parseLogLevel } from "../src/logging/log-level.js";
import { reprException } from "../src/logging/repr-exception.js";
import { TASK_LOG } from "../src/logging/task-log-messages.js";
import { createCeleryLogger } from "../src/logging/worker-logger.js";
import { maskBrokerUrl } from "../src/describe-broker.js";

describe("Celery log format", () => {
  it("writes `[YYYY-MM-DD HH:MM:SS,mmm: LEVEL/MainProcess] message` for enabled levels only", () => {
    const lines: string[] = [];
    const logger = createCeleryLogger({ level: "INFO", write: (t) => lines.push(t), now: () => new Date(2025, 0, 31, 12, 0, 0, 123) });
    logger.debug("hidden");
    logger.info(TASK_LOG.received("tasks.add", "id-1"));
    logger.info(TASK_LOG.succeeded("tasks.add", "id-1", 0.0003, "5"));
    logger.error(TASK_LOG.failed("tasks.fail", "id-2", "ValueError('boom')"), Object.assign(new Error("boom"), { name: "ValueError" }));
    assert.equal(lines[0], "[2025-01-31 12:00:00,123: INFO/MainProcess] Task tasks.add[id-1] received\n");
    assert.equal(lines[1], "[2025-01-31 12:00:00,123: INFO/MainProcess] Task tasks.add[id-1] succeeded in 0.0003s: 5\n");
    assert.match(
      lines[2]!,
      /^\[2025-01-31 12:00:00,123: ERROR\/MainProcess\] Task tasks.fail\[id-2\] raised unexpected: ValueError\('boom'\)\nTraceback \(most recent call last\):\n[\s\S]*\nValueError: boom\n$/,
    );
    assert.equal(lines.length, 3);
  });

  it("asctime across records: milliseconds padded, the date and time follow the clock past a second, a day, a year", () => {
    const lines: string[] = [];
    const times = [
      new Date(2025, 0, 31, 12, 0, 0, 7),
      new Date(2025, 0, 31, 12, 0, 0, 45),
      new Date(2025, 0, 31, 12, 0, 1, 0),
      new Date(2025, 11, 31, 23, 59, 59, 999),
      new Date(2026, 0, 1, 0, 0, 0, 5),
    ];
    let next = 0;
    const logger = createCeleryLogger({ level: "INFO", write: (t) => lines.push(t.slice(1, 24)), now: () => times[next++]! });
    for (let i = 0; i < times.length; i++) logger.info("x");
    assert.deepEqual(lines, [
      "2025-01-31 12:00:00,007",
      "2025-01-31 12:00:00,045",
      "2025-01-31 12:00:01,000",
      "2025-12-31 23:59:59,999",
      "2026-01-01 00:00:00,005",
    ]);
  });

  it("levels as -l takes them", () => {
    assert.equal(parseLogLevel("info"), "INFO");
    assert.equal(parseLogLevel("warn"), "WARNING");
    assert.equal(parseLogLevel("40"), "ERROR");
    assert.throws(() => parseLogLevel("chatty"), /logLevel: unknown log level/);
  });

  it("Python reprs: ValueError('boom'), multi-arg, no-arg, TimeLimitExceeded(5)", () => {
    const valueError = Object.assign(new Error("boom"), { name: "ValueError" });
    assert.equal(reprException(valueError), "ValueError('boom')");
    assert.equal(reprException(Object.assign(new Error(""), { name: "KeyError", excArgs: ["k", 2] })), "KeyError('k', 2)");
    assert.equal(reprException(new TypeError("")), "TypeError()");
    assert.equal(reprException(new TimeLimitExceeded(5)), "TimeLimitExceeded(5)");
    assert.equal(TASK_LOG.hardTimeLimit(5, "t", "i"), "Hard time limit (5s) exceeded for t[i]");
    assert.equal(TASK_LOG.softTimeLimit(0.5, "t", "i"), "Soft time limit (0.5s) exceeded for t[i]");
  });

  it("masks broker passwords as kombu's as_uri does", () => {
    assert.equal(maskBrokerUrl("amqp://guest:secret@h:5672/vh"), "amqp://guest:**@h:5672/vh");
    assert.equal(maskBrokerUrl("redis://:pw@h:6379/0"), "redis://:**@h:6379/0");
    assert.equal(maskBrokerUrl("redis://h:6379/0"), "redis://h:6379/0");
  });

  it("banner: Celery's layout with the config, queues and (at INFO) the task list", () => {
    const banner = formatStartupBanner({
      hostname: "celery@box",
      version: "0.1.0",
      app: "tasks.ts",
      transport: "redis://h:6379/0",
      results: "redis://h:6379/1",
      concurrency: 4,
      pool: "async",
      taskEvents: false,
      queues: [{ name: "celery", exchange: "celery", exchangeType: "direct", routingKey: "celery" }],
      tasks: ["tasks.add", "tasks.mul"],
      withTasks: true,
      now: new Date(2025, 0, 31, 12, 0, 0),
    });
    const lines = banner.split("\n");
    assert.equal(lines[1], " -------------- celery@box v0.1.0");
    assert.match(lines[3]!, /^-- \*\*\*\*\*\*\* ---- .* 2025-01-31 12:00:00$/);
    assert.equal(lines[6], "- ** ---------- .> app:         tasks.ts");
    assert.equal(lines[7], "- ** ---------- .> transport:   redis://h:6379/0");
    assert.equal(lines[9], "- *** --- * --- .> concurrency: 4 (async)");
    assert.equal(lines[10], "-- ******* ---- .> task events: OFF (enable -E to monitor tasks in this worker)");
    assert.equal(lines[12], " -------------- [queues]");
    assert.equal(lines[13], "                .> celery           exchange=celery(direct) key=celery");
    assert.ok(banner.endsWith("\n[tasks]\n  . tasks.add\n  . tasks.mul\n"));
  });
});
