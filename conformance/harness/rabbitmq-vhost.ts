import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { AMQP_URL } from "./broker-urls.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const run = promisify(execFile);

/** `rabbitmqctl -q <args>` on the project's shared node (scripts/setup/brokers.sh); resolves with its stdout. */
export async function rabbitmqctl(args: readonly string[]): Promise<string> {
  const node = process.env["CELERY_PROTO_RABBIT_NODE"] ?? "celeryproto@localhost";
  const { stdout } = await run("/usr/lib/rabbitmq/bin/rabbitmqctl", ["-q", "-n", node, ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      HOME: process.env["HOME"] ?? "/root",
      RABBITMQ_NODENAME: node,
      RABBITMQ_BASE: path.join(process.env["CELERY_PROTO_STATE"] ?? path.join(ROOT, ".state"), "rabbitmq"),
    },
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

/** A vhost of its own on the shared node, for a test whose broker-wide entities must not meet other suites'. */
export interface TestVhost {
  readonly name: string;
  /** The shared node's AMQP URL with this vhost. */
  readonly url: string;
  delete(): Promise<void>;
}

/** Creates (afresh: an existing one is deleted first) a vhost with full permissions for guest. */
export async function createTestVhost(name: string): Promise<TestVhost> {
  await rabbitmqctl(["delete_vhost", name]).catch(() => undefined);
  await rabbitmqctl(["add_vhost", name]);
  await rabbitmqctl(["set_permissions", "-p", name, "guest", ".*", ".*", ".*"]);
  const url = `${AMQP_URL.replace(/\/[^/]*$/, "")}/${encodeURIComponent(name)}`;
  return { name, url, delete: () => rabbitmqctl(["delete_vhost", name]).then(() => undefined) };
}

/** `rabbitmqctl list_<what> -p <vhost> <columns>` as rows of tab-separated columns (header dropped). */
export async function listVhost(what: "queues" | "exchanges" | "bindings", vhost: string, columns: readonly string[]): Promise<string[][]> {
  const out = await rabbitmqctl([`list_${what}`, "-p", vhost, "--no-table-headers", ...columns]);
  return out
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => line.split("\t"));
}
