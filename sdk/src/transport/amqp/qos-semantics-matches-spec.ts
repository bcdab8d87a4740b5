/**
 * kombu's `qos_semantics_matches_spec` (K:kombu/transport/pyamqp.py) from a connection's `server_properties`: false
 * only for RabbitMQ 3.3 to 3.x, which redefined `basic.qos` so that `global=false` counts per consumer and
 * `global=true` per channel (the spec's per-channel limit); RabbitMQ before 3.3 and from 4.0 (where global QoS is
 * deprecated and refused on quorum queues), a RabbitMQ that sends no version, and any other broker: true. Celery
 * (5.7's `Tasks.qos_global`) consumes with `global = !matches`.
 *
 * Only the major and minor numbers count, as kombu's tuple comparison against (3, 3) and (4, 0) does; a version
 * that does not start with `<major>.<minor>` counts as matching the spec, as a missing one does.
 */
export function qosSemanticsMatchesSpec(serverProperties: Readonly<Record<string, unknown>> | null | undefined): boolean {
  if (serverProperties == null || textOf(serverProperties["product"]) !== "RabbitMQ") return true;
  const version = textOf(serverProperties["version"]);
  if (!version) return true;
  const match = /^(\d+)(?:\.(\d+))?/.exec(version);
  if (match === null) return true;
  const major = Number(match[1]);
  const minor = Number(match[2] ?? 0);
  const below33 = major < 3 || (major === 3 && minor < 3);
  return below33 || major >= 4;
}

/** amqplib decodes a long string as a string; a Buffer when it came as bytes. */
function textOf(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (Buffer.isBuffer(value)) return value.toString("utf8");
  return null;
}
