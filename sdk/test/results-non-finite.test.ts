// Results JSON numbers cannot describe: Python's json writes float('nan'), inf and -inf as NaN, Infinity and
// -Infinity (and Celery stores them so), and integers past 2^53 are exact. Our writer writes what Python writes and
// our readers accept what Python stores, at the top of `result` as well as inside it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeKombuJson } from "../src/codec/json/kombu-json.js";
import { decodeResultMeta } from "../src/codec/result/decode-result-meta.js";
import { decodeRpcReply } from "../src/results/decode-rpc-reply.js";

// `{"status": ..., "result": ...}` as Celery 5.7's backend.encode() writes it for each value.
const STORED: ReadonlyArray<[string, unknown]> = [
  ["NaN", NaN],
  ["Infinity", Infinity],
  ["-Infinity", -Infinity],
  ["18446744073709551616", 2n ** 64n],
  ["[NaN, Infinity]", [NaN, Infinity]],
];

const meta = (result: string): string =>
  `{"status": "SUCCESS", "result": ${result}, "traceback": null, "children": [], "date_done": "2026-01-01T00:00:00.000000+00:00", "task_id": "t1"}`;

describe("non-finite and big results", () => {
  it("the Redis backend's reader decodes them", () => {
    for (const [text, value] of STORED) assert.deepEqual(decodeResultMeta(meta(text)).result, value, text);
  });

  it("the RPC backend's reader decodes them", () => {
    for (const [text, value] of STORED) {
      const reply = decodeRpcReply(
        {
          headers: {},
          properties: { content_type: "application/json", content_encoding: "utf-8", correlation_id: "t1" },
          body: new TextEncoder().encode(meta(text)),
          deliveryInfo: null,
          deliveryTag: null,
        },
        ["json"],
      );
      assert.deepEqual(reply.meta.result, value, text);
    }
  });

  it("our writer writes them as Python's json does", () => {
    assert.equal(encodeKombuJson({ result: NaN }), '{"result": NaN}');
    assert.equal(encodeKombuJson([Infinity, -Infinity, 2n ** 64n]), "[Infinity, -Infinity, 18446744073709551616]");
  });

  it("other results are still checked", () => {
    assert.throws(() => decodeResultMeta(meta("NaN").replace('"status": "SUCCESS"', '"status": 1')), /result meta invalid: \/status/);
  });
});
