import type { Channel, ConfirmChannel } from "amqplib";
import { setFramesChannel, type PublishFrames } from "./encode-publish-frames.js";

/** The fields of amqplib's internal `Connection` that its own `sendMessage()` uses. */
interface ConnectionInternals {
  readonly channels: readonly ({ readonly buffer: { write(chunk: Buffer): boolean } } | null | undefined)[];
  sentSinceLastCheck: boolean;
  sendContent(channel: number, body: Buffer): boolean;
}

/** The fields of amqplib's internal `Channel` used here. */
interface ChannelInternals {
  readonly ch: number;
  readonly connection: ConnectionInternals;
  pushConfirmCallback?(cb: (err: unknown) => void): void;
}

/**
 * Writes one publish's frames; returns amqplib's back-pressure signal (false: wait for `drain`), or null when the
 * channel is closed (nothing written).
 */
export type EncodedPublishSender = (p: PublishFrames, content: Buffer, onConfirm?: (err: unknown) => void) => boolean | null;

/**
 * Lets a publish channel write frames encoded by {@link encodePublishFrames} the way amqplib's `sendMessage` writes
 * its own: into the channel's buffer on the connection (so the muxer interleaves and corks them as usual), marking the
 * connection as having sent (heartbeats), with the body cut by amqplib's `sendContent` when it did not fit the frames,
 * and, on a confirm channel, the confirm callback queued as `ConfirmChannel.publish` queues it.
 *
 * Why: amqplib re-encodes the method and properties of every publish with its generic codec (a typed copy of the
 * header table, then its table encoder): the largest share of a producer's CPU per message.
 *
 * Returns null when amqplib's internals do not have the expected shape (the caller then publishes through amqplib);
 * the sender itself returns null for a channel amqplib has closed (its `sendMessage` replaced), so the caller's
 * amqplib publish raises amqplib's own `IllegalOperationError`.
 */
export function createEncodedPublishSender(channel: Channel | ConfirmChannel, confirms: boolean): EncodedPublishSender | null {
  const inner: unknown = channel;
  if (!isChannelInternals(inner, confirms)) return null;
  const ch = inner;
  const conn = ch.connection;
  return (p, content, onConfirm) => {
    // amqplib replaces a closed channel's send methods with own properties that throw.
    if (Object.hasOwn(ch, "sendMessage")) return null;
    const slot = conn.channels[ch.ch];
    if (!slot) return null;
    setFramesChannel(p, ch.ch);
    conn.sentSinceLastCheck = true;
    let ok = slot.buffer.write(p.frames);
    if (p.bodyAt < 0 && content.length > 0) ok = conn.sendContent(ch.ch, content);
    if (confirms && onConfirm !== undefined) ch.pushConfirmCallback!(onConfirm);
    return ok;
  };
}

function isChannelInternals(value: unknown, confirms: boolean): value is ChannelInternals {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Partial<ChannelInternals>;
  if (typeof v.ch !== "number" || typeof v.connection !== "object" || v.connection === null) return false;
  if (confirms && typeof v.pushConfirmCallback !== "function") return false;
  const c = v.connection as Partial<ConnectionInternals>;
  if (!Array.isArray(c.channels) || typeof c.sendContent !== "function" || typeof c.sentSinceLastCheck !== "boolean") return false;
  const slot: unknown = c.channels[v.ch];
  return typeof slot === "object" && slot !== null && typeof (slot as { buffer?: { write?: unknown } }).buffer?.write === "function";
}
