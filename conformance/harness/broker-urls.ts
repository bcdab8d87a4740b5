/** The project's own brokers (scripts/setup/env.sh), as URLs the tests and the Python side share. */
export const REDIS_URL = process.env["CELERY_PROTO_REDIS_URL"] ?? "redis://127.0.0.1:6391";
export const AMQP_URL = process.env["CELERY_PROTO_AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5683/celery-proto";

export type BrokerKind = "redis" | "amqp";
export const BROKERS: readonly BrokerKind[] = ["redis", "amqp"];

/** A Redis URL for one database number, so suites running in parallel do not share keys. */
export function redisDbUrl(db: number): string {
  return `${REDIS_URL.replace(/\/\d*$/, "")}/${db}`;
}
