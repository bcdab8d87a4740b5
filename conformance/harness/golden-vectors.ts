import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { decodeBase64Strict } from "../../sdk/src/codec/body/base64.js";
import { parsePythonJson } from "../../sdk/src/codec/json/parse-python-json.js";
import { readRedisEnvelope } from "../../sdk/src/codec/redis/decode-redis-envelope.js";
import type { RawTaskParts } from "../../sdk/src/codec/task/raw-task-parts.js";

export const VECTORS_DIR = path.resolve(import.meta.dirname, "../vectors");

export type VectorKind = "task" | "event" | "control-request" | "control-reply" | "result" | "rpc-reply" | "group-meta" | "chord-state";

export type CapturedMessage =
  | { transport: "redis"; command: "LPUSH" | "PUBLISH" | "SET" | "ZADD"; key: string; raw: string; score?: number }
  | {
      transport: "amqp";
      delivery_info: { exchange: string; routing_key: string };
      properties: Record<string, unknown> & { headers?: Record<string, unknown> };
      body: string;
    };

/** One golden vector file: what real Celery put on the wire for a scenario (format: conformance/vectors/README.md). */
export interface GoldenVector {
  scenario: string;
  kind: VectorKind;
  celery: string;
  kombu: string;
  broker: "redis" | "amqp";
  description: string;
  call: string;
  input: { task: string; args: unknown[]; kwargs: Record<string, unknown>; options: Record<string, unknown> } | null;
  recorded_at: string;
  messages: CapturedMessage[];
  file: string;
}

/** Every vector, all Celery versions and brokers, sorted by path. */
export function loadGoldenVectors(): GoldenVector[] {
  const out: GoldenVector[] = [];
  for (const version of readdirSync(VECTORS_DIR, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    for (const broker of readdirSync(path.join(VECTORS_DIR, version.name), { withFileTypes: true }).filter((d) => d.isDirectory())) {
      const dir = path.join(VECTORS_DIR, version.name, broker.name);
      for (const name of readdirSync(dir)
        .filter((n) => n.endsWith(".json"))
        .sort()) {
        const file = path.join(dir, name);
        // Python's JSON reader, not JSON.parse: inputs hold integers beyond 2^53 that must stay exact.
        const vector = parsePythonJson(readFileSync(file, "utf8")) as unknown as GoldenVector;
        out.push({ ...vector, file: path.relative(VECTORS_DIR, file) });
      }
    }
  }
  return out.sort((a, b) => a.file.localeCompare(b.file));
}

/** A captured broker message (envelope or AMQP delivery) as the transport-neutral parts the codec decodes. */
export function capturedToParts(message: CapturedMessage): RawTaskParts {
  if (message.transport === "redis") return readRedisEnvelope(message.raw);
  const { headers, ...properties } = message.properties;
  return {
    headers: headers ?? {},
    properties,
    body: decodeBase64Strict(message.body, "captured AMQP body"),
    deliveryInfo: {
      exchange: message.delivery_info.exchange,
      routingKey: message.delivery_info.routing_key,
      priority: (properties["priority"] as number | undefined) ?? null,
    },
    deliveryTag: null,
  };
}
