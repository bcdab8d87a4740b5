import { readFile } from "node:fs/promises";
import { Args, Command, Flags } from "@oclif/core";
import { decodeWireMessage } from "../../../sdk/src/codec/message/decode-wire-message.js";
import { MESSAGE_KINDS, type MessageKind } from "../../../sdk/src/codec/message/message-kind.js";
import { toDisplayJson } from "../../../sdk/src/codec/json/to-display-json.js";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";

export default class Validate extends Command {
  static override summary = "Validate and decode one Celery wire message.";
  static override description = [
    "Reads one message as JSON: the exact string kombu keeps in a Redis list (or PUBLISHes), or an AMQP message",
    '{"properties": {..., "headers": {...}}, "delivery_info": {"exchange", "routing_key"}, "body": "<base64>"};',
    "with --kind result, the JSON text a result backend stores under celery-task-meta-<id>.",
    "Prints the decoded message as JSON and exits 0; on invalid input prints the error code and reason on stderr and exits 1.",
  ].join("\n");
  static override examples = [
    "<%= config.bin %> validate message.json",
    "redis-cli LINDEX celery 0 | <%= config.bin %> validate -",
    "<%= config.bin %> validate --kind result meta.json",
  ];
  static override args = {
    file: Args.string({ description: "file to read, or - for standard input", default: "-" }),
  };
  static override flags = {
    kind: Flags.string({ description: "what the message is", options: [...MESSAGE_KINDS], default: "task" }),
    accept: Flags.string({ description: "serializers to accept (Celery's accept_content), comma-separated", default: "json,msgpack,yaml" }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Validate);
    const text = args.file === "-" ? await readStdin() : await readFile(args.file, "utf8");
    try {
      const decoded = decodeWireMessage(text.trim(), flags.kind as MessageKind, {
        accept: flags.accept
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean),
      });
      process.stdout.write(`${toDisplayJson(decoded)}\n`);
    } catch (e) {
      const error = CeleryProtoError.from(e);
      process.stderr.write(`${error.describe()}\n`);
      this.exit(1);
    }
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
