import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

const ROOT = path.resolve(import.meta.dirname, "../..");
const run = promisify(execFile);

/**
 * A second, test-owned RabbitMQ node for fault tests (the shared node on 5683 must never be restarted: other suites
 * use it). Driven through scripts/setup/brokers.sh with its override variables.
 */
export const FAULT_NODE = {
  port: 5684,
  url: "amqp://guest:guest@127.0.0.1:5684/celery-proto",
  env: {
    CELERY_PROTO_AMQP_PORT: "5684",
    CELERY_PROTO_RABBIT_DIST_PORT: "25684",
    CELERY_PROTO_RABBIT_NODE: "celeryproto-fault@localhost",
    CELERY_PROTO_STATE: path.join(ROOT, ".state/fault"),
    CELERY_PROTO_AMQP_URL: "amqp://guest:guest@127.0.0.1:5684/celery-proto",
    // Its own TLS listener too (brokers.sh gives every node one): not the shared node's, which env.sh may have exported.
    CELERY_PROTO_AMQPS_PORT: "5694",
    CELERY_PROTO_AMQPS_URL: "amqps://guest:guest@127.0.0.1:5694/celery-proto",
  },
} as const;

/** Runs `scripts/setup/brokers.sh <action>` against the fault node (start: idempotent; restart-rabbitmq; stop-rabbitmq). */
export async function runFaultNode(action: "start" | "restart-rabbitmq" | "stop-rabbitmq"): Promise<void> {
  await run("bash", [path.join(ROOT, "scripts/setup/brokers.sh"), action], {
    cwd: ROOT,
    env: { ...process.env, ...FAULT_NODE.env },
    timeout: 180_000,
  });
}

/**
 * Force-closes every client connection on the fault node (`rabbitmqctl close_all_connections --global`), the way an
 * operator or a load balancer would: the broker drops connections without waiting for publisher confirms.
 */
export async function closeFaultNodeConnections(): Promise<void> {
  await run("/usr/lib/rabbitmq/bin/rabbitmqctl", ["-q", "close_all_connections", "--global", "celery-proto fault test"], {
    cwd: ROOT,
    env: {
      ...process.env,
      HOME: process.env["HOME"] ?? "/root",
      RABBITMQ_NODENAME: FAULT_NODE.env.CELERY_PROTO_RABBIT_NODE,
      RABBITMQ_BASE: path.join(FAULT_NODE.env.CELERY_PROTO_STATE, "rabbitmq"),
    },
    timeout: 60_000,
  });
}
