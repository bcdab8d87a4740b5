// control_queue_exclusive / control_queue_durable and event_queue_exclusive / event_queue_durable (Celery 5.7): their
// defaults, their value checks, how the pidbox mailbox and the event receiver use them, and Celery's refusal of both.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { resolveCelerySettings } from "../src/config/resolve-celery-settings.js";
import { CeleryProtoError } from "../src/errors/celery-proto-error.js";
import { mailboxSettingsOf, nodeQueue, replyQueue, DEFAULT_MAILBOX_SETTINGS } from "../src/control/pidbox-entities.js";
import { eventReceiverQueue } from "../src/events/event-receiver-queue.js";

const CONTROL_BOTH =
  "control_queue_durable and control_queue_exclusive cannot both be True (exclusive queues are automatically deleted and cannot be durable).";
const EVENT_BOTH = "event_queue_exclusive and event_queue_durable: Queue cannot be both exclusive and durable, choose one or the other.";

function invalidOption(message: string): (e: unknown) => boolean {
  return (e) => e instanceof CeleryProtoError && e.code === "InvalidOption" && e.message === message;
}

describe("control_queue_* and event_queue_* exclusive/durable settings", () => {
  it("default to Celery 5.7's: exclusive, not durable, without warnings", () => {
    const { settings, warnings } = resolveCelerySettings({});
    assert.deepEqual(warnings, []);
    assert.equal(settings.control_queue_exclusive, true);
    assert.equal(settings.control_queue_durable, false);
    assert.equal(settings.event_queue_exclusive, true);
    assert.equal(settings.event_queue_durable, false);
  });

  it("are implemented (no warning when set) and take their old names", () => {
    const { settings, warnings } = resolveCelerySettings({ control_queue_exclusive: false, control_queue_durable: true, event_queue_durable: false });
    assert.deepEqual(warnings, []);
    assert.equal(settings.control_queue_exclusive, false);
    assert.equal(settings.control_queue_durable, true);
    const old = resolveCelerySettings({ CELERY_EVENT_QUEUE_EXCLUSIVE: false, CELERY_EVENT_QUEUE_DURABLE: true });
    assert.equal(old.settings.event_queue_exclusive, false);
    assert.equal(old.settings.event_queue_durable, true);
  });

  it("must be booleans", () => {
    for (const name of ["control_queue_exclusive", "control_queue_durable", "event_queue_exclusive", "event_queue_durable"])
      assert.throws(
        () => resolveCelerySettings({ [name]: "yes" }),
        (e: unknown) => {
          assert.ok(e instanceof CeleryProtoError);
          assert.equal(e.code, "InvalidOption");
          assert.equal(e.message, `${name}: expected true or false, got "yes"`);
          return true;
        },
      );
  });
});

describe("mailboxSettingsOf", () => {
  it("passes control_queue_exclusive and control_queue_durable to the mailbox", () => {
    assert.deepEqual(mailboxSettingsOf(resolveCelerySettings({}).settings), DEFAULT_MAILBOX_SETTINGS);
    const durable = {
      ...DEFAULT_MAILBOX_SETTINGS,
      ...mailboxSettingsOf(resolveCelerySettings({ control_queue_exclusive: false, control_queue_durable: true }).settings),
    };
    assert.equal(durable.queueExclusive, false);
    assert.equal(durable.queueDurable, true);
    const node = nodeQueue("w@h", durable);
    assert.deepEqual([node.durable, node.exclusive, node.autoDelete], [true, false, false]);
    const reply = replyQueue("oid", durable);
    assert.deepEqual([reply.durable, reply.exclusive, reply.autoDelete], [true, false, false]);
    const neither = { ...DEFAULT_MAILBOX_SETTINGS, ...mailboxSettingsOf(resolveCelerySettings({ control_queue_exclusive: false }).settings) };
    const old = nodeQueue("w@h", neither);
    assert.deepEqual([old.durable, old.exclusive, old.autoDelete], [false, false, true]);
  });

  it("refuses both true with Celery's text", () => {
    const { settings } = resolveCelerySettings({ control_queue_durable: true });
    assert.throws(() => mailboxSettingsOf(settings), invalidOption(CONTROL_BOTH));
  });
});

describe("eventReceiverQueue: queueExclusive / queueDurable", () => {
  it("defaults to exclusive, not durable, auto-delete", () => {
    const q = eventReceiverQueue("amqp", "n");
    assert.deepEqual([q.durable, q.exclusive, q.autoDelete], [false, true, true]);
  });

  it("a durable queue is not auto-delete, as Celery's Queue(auto_delete=not queue_durable, durable=queue_durable)", () => {
    const q = eventReceiverQueue("amqp", "n", { queueExclusive: false, queueDurable: true });
    assert.deepEqual([q.durable, q.exclusive, q.autoDelete], [true, false, false]);
    const transient = eventReceiverQueue("amqp", "n", { queueExclusive: false });
    assert.deepEqual([transient.durable, transient.exclusive, transient.autoDelete], [false, false, true]);
  });

  it("refuses exclusive with durable with Celery's receiver text", () => {
    assert.throws(() => eventReceiverQueue("amqp", "n", { queueDurable: true }), invalidOption(EVENT_BOTH));
    assert.throws(() => eventReceiverQueue("redis", "n", { queueExclusive: true, queueDurable: true }), invalidOption(EVENT_BOTH));
  });
});
