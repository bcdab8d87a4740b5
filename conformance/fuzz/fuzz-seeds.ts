import { decodeTaskMessage } from "../../sdk/src/codec/task/decode-task-message.js";
import { parsePythonJson } from "../../sdk/src/codec/json/parse-python-json.js";
import { capturedToParts, loadGoldenVectors } from "../harness/golden-vectors.js";
import { modelFromEnvelope, type WireModel } from "./wire-model.js";

/** Serializers the fuzzed codec and worker accept, so msgpack and YAML bodies get past the accept list. */
export const FUZZ_ACCEPT: readonly string[] = ["json", "msgpack", "yaml"];

/** A golden task message recorded from real Celery, as the starting point of mutations. */
export interface FuzzSeed {
  /** `<celery version>/<broker>/<scenario>.json#<message index>` */
  readonly name: string;
  readonly model: WireModel;
  /** The task it calls (its `task` header, or the body's for protocol 1). */
  readonly task: string;
}

/**
 * Every task message of the golden vectors (both Celery versions, both brokers, protocols 1 and 2, json, msgpack, yaml,
 * compressed) whose task is not one of Celery's built-ins (`celery.*` run canvas logic whose outcome is not an echo).
 * AMQP deliveries become envelope models with kombu's Redis properties, so both renderings apply to every seed.
 */
export function loadFuzzSeeds(): FuzzSeed[] {
  const seeds: FuzzSeed[] = [];
  for (const vector of loadGoldenVectors()) {
    if (vector.kind !== "task") continue;
    vector.messages.forEach((captured, index) => {
      let message: ReturnType<typeof decodeTaskMessage>;
      try {
        message = decodeTaskMessage(capturedToParts(captured), { accept: FUZZ_ACCEPT });
      } catch {
        return; // a beat or control message in a task vector
      }
      if (message.headers.task.startsWith("celery.")) return;
      const model =
        captured.transport === "redis"
          ? modelFromEnvelope(parsePythonJson(captured.raw) as Record<string, unknown>)
          : modelFromEnvelope(amqpAsEnvelope(captured.properties, captured.delivery_info, captured.body));
      seeds.push({ name: `${vector.file}#${index}`, model, task: message.headers.task });
    });
  }
  return seeds;
}

function amqpAsEnvelope(
  properties: Record<string, unknown> & { headers?: Record<string, unknown> },
  deliveryInfo: { exchange: string; routing_key: string },
  body: string,
): Record<string, unknown> {
  const { headers, content_type, content_encoding, ...rest } = properties;
  return {
    body,
    "content-encoding": content_encoding,
    "content-type": content_type,
    headers: headers ?? {},
    properties: { ...rest, delivery_info: deliveryInfo, body_encoding: "base64", delivery_tag: "00000000-0000-4000-8000-000000000000" },
  };
}
