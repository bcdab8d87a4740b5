import path from "node:path";

/** The project's own brokers (scripts/setup/env.sh), as URLs the tests and the Python side share. */
export const REDIS_URL = process.env["CELERY_PROTO_REDIS_URL"] ?? "redis://127.0.0.1:6391";
export const AMQP_URL = process.env["CELERY_PROTO_AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5683/celery-proto";

export type BrokerKind = "redis" | "amqp";
export const BROKERS: readonly BrokerKind[] = ["redis", "amqp"];

/** A Redis URL for one database number, so suites running in parallel do not share keys. */
export function redisDbUrl(db: number): string {
  return `${REDIS_URL.replace(/\/\d*$/, "")}/${db}`;
}

/** The TLS listeners of the same brokers (scripts/setup/brokers.sh) and the test PKI they use (scripts/setup/tls-certs.sh). */
export const REDIS_TLS_URL = process.env["CELERY_PROTO_REDIS_TLS_URL"] ?? "rediss://127.0.0.1:6491";
export const AMQPS_URL = process.env["CELERY_PROTO_AMQPS_URL"] ?? "amqps://guest:guest@127.0.0.1:5693/celery-proto";
export const TLS_DIR = process.env["CELERY_PROTO_TLS_DIR"] ?? path.resolve(import.meta.dirname, "../../.state/tls");
