import { Args, Command, Flags } from "@oclif/core";
import type { Client } from "../../../sdk/src/client/client.js";
import type { SendTaskOptions } from "../../../sdk/src/client/send-task-options.js";
import { RemoteTaskError } from "../../../sdk/src/codec/exceptions/remote-task-error.js";
import { decodeKombuJson } from "../../../sdk/src/codec/json/kombu-json.js";
import { toDisplayJson } from "../../../sdk/src/codec/json/to-display-json.js";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import type { TaskSerializerName } from "../../../sdk/src/codec/body/content-types.js";
import { configFlag } from "../config-flags.js";
import { connectClient } from "../connect-client.js";
import { nameFlags, nameTimeoutFlag } from "../name-flags.js";
import { CONNECTION_TIMEOUT_FLAG } from "../remote/connect-broker.js";

/** The flag behind each enqueue option the command sets. */
const ENQUEUE_FLAG_NAMES: Readonly<Record<string, string>> = {
  id: "--task-id",
  countdown: "--countdown",
  eta: "--eta",
  expires: "--expires",
  queue: "--queue",
  priority: "--priority",
  exchange: "--exchange",
  routingKey: "--routing-key",
  serializer: "--serializer",
};

export default class Enqueue extends Command {
  static override summary = "Enqueue a task for Celery workers (Python or TypeScript) and print its id.";
  static override description =
    'Arguments are JSON (kombu JSON: {"__type__": "datetime", "__value__": ...} wrappers work). With --wait, prints the result as JSON; on FAILURE prints the exception and exits 1.';
  static override examples = [
    "<%= config.bin %> enqueue tasks.add --args '[2, 3]' --broker redis://localhost:6379/0",
    '<%= config.bin %> enqueue tasks.report --kwargs \'{"day": "2025-01-31"}\' --countdown 60 --queue reports',
    "<%= config.bin %> enqueue tasks.add --args '[2, 3]' --backend redis://localhost:6379/1 --wait --timeout 30",
    "<%= config.bin %> enqueue proj.tasks.push_notify --args '[\"hi\"]' --config celeryconfig.json",
    "<%= config.bin %> enqueue tasks.add --args '[2, 3]' --exchange default --routing-key work --serializer msgpack",
  ];
  static override args = { task: Args.string({ description: "registered task name", required: true }) };
  static override flags = {
    args: Flags.string({ description: "positional arguments, a JSON array", default: "[]" }),
    kwargs: Flags.string({ description: "keyword arguments, a JSON object", default: "{}" }),
    countdown: Flags.string({ description: "seconds before the task may run" }),
    eta: Flags.string({ description: "earliest run time, ISO 8601" }),
    expires: Flags.string({ description: "seconds from now, or an ISO 8601 time" }),
    queue: Flags.string({ description: "queue name (default: the routed queue, else task_default_queue)" }),
    exchange: Flags.string({ description: "exchange to publish to (default: the routed one, else the queue's)" }),
    "routing-key": Flags.string({ description: "routing key (default: the routed one, else the queue's)" }),
    serializer: Flags.string({
      description: "json, msgpack, yaml, or auth (signed with security_key, security_certificate) (default: task_serializer, json)",
      options: ["json", "msgpack", "yaml", "auth"],
    }),
    priority: Flags.integer({ description: "message priority (0-255; honoured by queues with x-max-priority)" }),
    "task-id": Flags.string({ description: "task id (default: a new uuid4)" }),
    config: configFlag,
    broker: Flags.string({ description: "broker URL (default: $CELERY_BROKER_URL, else the configuration's broker_url)" }),
    backend: Flags.string({ description: "result backend URL (default: $CELERY_RESULT_BACKEND, else the configuration's result_backend)" }),
    wait: Flags.boolean({ description: "wait for the result and print it", default: false }),
    timeout: Flags.string({ description: "seconds to wait with --wait", default: "60" }),
    ...CONNECTION_TIMEOUT_FLAG,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Enqueue);
    let client: Client | undefined;
    try {
      const taskArgs = parseJson(flags.args, "--args");
      const taskKwargs = parseJson(flags.kwargs, "--kwargs");
      if (!Array.isArray(taskArgs)) throw new CeleryProtoError("InvalidOption", "--args: must be a JSON array");
      if (taskKwargs === null || typeof taskKwargs !== "object" || Array.isArray(taskKwargs)) {
        throw new CeleryProtoError("InvalidOption", "--kwargs: must be a JSON object");
      }
      const options: SendTaskOptions = {
        ...(flags.countdown === undefined ? {} : { countdown: toSeconds(flags.countdown, "--countdown") }),
        ...(flags.eta === undefined ? {} : { eta: toDate(flags.eta, "--eta") }),
        ...(flags.expires === undefined ? {} : { expires: /^-?\d+(\.\d+)?$/.test(flags.expires) ? Number(flags.expires) : toDate(flags.expires, "--expires") }),
        ...(flags.queue === undefined ? {} : { queue: flags.queue }),
        ...(flags.exchange === undefined ? {} : { exchange: flags.exchange }),
        ...(flags["routing-key"] === undefined ? {} : { routingKey: flags["routing-key"] }),
        ...(flags.serializer === undefined ? {} : { serializer: flags.serializer as TaskSerializerName }),
        ...(flags.priority === undefined ? {} : { priority: flags.priority }),
        ...(flags["task-id"] === undefined ? {} : { id: nonEmpty(flags["task-id"], "--task-id") }),
      };
      client = await connectClient(flags, flags.backend);
      const result = await client.enqueue(args.task, taskArgs, taskKwargs as Record<string, unknown>, options);
      this.log(result.id);
      if (flags.wait) {
        const value = await result.get({ timeoutMs: toSeconds(flags.timeout, "--timeout") * 1000 }).catch((e: unknown) => {
          throw nameTimeoutFlag(e, flags.timeout);
        });
        this.log(toDisplayJson(value));
      }
    } catch (e) {
      if (RemoteTaskError.is(e)) {
        process.stderr.write(`${e.excModule === null || e.excModule === "builtins" ? "" : `${e.excModule}.`}${e.excType}: ${e.message}\n${e.traceback ?? ""}`);
      } else {
        process.stderr.write(`${CeleryProtoError.from(nameFlags(e, ENQUEUE_FLAG_NAMES)).describe()}\n`);
      }
      await client?.close();
      this.exit(1);
    }
    await client?.close();
  }
}

function parseJson(text: string, flag: string): unknown {
  try {
    return decodeKombuJson(text);
  } catch (e) {
    throw new CeleryProtoError("InvalidOption", `${flag}: not valid JSON: ${CeleryProtoError.from(e).message}`);
  }
}

function nonEmpty(text: string, flag: string): string {
  if (text === "") throw new CeleryProtoError("InvalidOption", `${flag}: must not be empty`);
  return text;
}

function toSeconds(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new CeleryProtoError("InvalidOption", `${flag}: must be a number of seconds, got ${JSON.stringify(text)}`);
  return n;
}

function toDate(text: string, flag: string): Date {
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) throw new CeleryProtoError("InvalidOption", `${flag}: not an ISO 8601 time: ${JSON.stringify(text)}`);
  return d;
}
