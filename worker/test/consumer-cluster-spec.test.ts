import { isConsumerToNodeMessage } from "../src/cluster/cluster-messages.js";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CONSUMER_CHILD_ENV, formatConsumerChildSpec, readConsumerChildSpec } from "../src/cluster/consumer-child-spec.js";
import { splitConcurrency } from "../src/cluster/split-concurrency.js";
import { CeleryProtoError } from "../../sdk/src/errors/celery-proto-error.js";

describe("splitConcurrency", () => {
  it("shares the node's concurrency so that the shares add up to it (and so the prefetch they derive)", () => {
    assert.deepEqual(splitConcurrency(50, 2), [25, 25]);
    assert.deepEqual(splitConcurrency(50, 3), [17, 17, 16]);
    assert.deepEqual(splitConcurrency(2, 2), [1, 1]);
    assert.deepEqual(splitConcurrency(8, 1), [8]);
  });

  it("refuses fewer executions than processes, naming the option", () => {
    assert.throws(
      () => splitConcurrency(1, 2),
      (e: unknown) =>
        e instanceof CeleryProtoError &&
        e.code === "InvalidOption" &&
        /consumerProcesses: 2 consumer processes need a concurrency of at least 2/.test(e.message),
    );
    assert.throws(
      () => splitConcurrency(4, 0),
      (e: unknown) => e instanceof CeleryProtoError && e.code === "InvalidOption",
    );
  });
});

describe("consumer child spec", () => {
  it("round-trips through the environment; absent means not a consumer child", () => {
    const env = { [CONSUMER_CHILD_ENV]: formatConsumerChildSpec({ index: 1, concurrency: 25 }) };
    assert.deepEqual(readConsumerChildSpec(env), { index: 1, concurrency: 25 });
    assert.equal(readConsumerChildSpec({}), null);
  });

  it("a malformed one is an InvalidOption that names the variable", () => {
    for (const text of ["nope", '{"index": -1, "concurrency": 2}', '{"index": 0, "concurrency": 0}', "[]"])
      assert.throws(
        () => readConsumerChildSpec({ [CONSUMER_CHILD_ENV]: text }),
        (e: unknown) => e instanceof CeleryProtoError && e.code === "InvalidOption" && e.message.startsWith(CONSUMER_CHILD_ENV),
      );
  });
});

describe("consumer counts message", () => {
  it("accepts non-negative integer counts and refuses anything else", () => {
    assert.ok(isConsumerToNodeMessage({ type: "counts", active: 2, processed: 64 }));
    assert.ok(!isConsumerToNodeMessage({ type: "counts", active: -1, processed: 0 }));
    assert.ok(!isConsumerToNodeMessage({ type: "counts", active: 1.5, processed: 0 }));
    assert.ok(!isConsumerToNodeMessage({ type: "counts", active: 1 }));
  });
});
