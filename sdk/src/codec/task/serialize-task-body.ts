import { compressBody, type CompressionName } from "../body/compression.js";
import type { MessageSigner } from "../../security/message-signing.js";
import type { TaskSerializerName } from "../body/content-types.js";
import { serializePayload } from "../body/signed-body.js";
import type { KombuJsonFlavor } from "../json/kombu-json.js";
import type { TaskMessage } from "./task-message.js";

/** How a task message is put into bytes. */
export interface EncodeOptions {
  /** Default `json`. `auth` signs the json body with `signer` (Celery's message signing serializer). */
  readonly serializer?: TaskSerializerName;
  /** Signs bodies for the `auth` serializer: `loadMessageSigner` with `security_key` and `security_certificate`. */
  readonly signer?: MessageSigner;
  /** Default none. `gzip`/`zlib` write a zlib stream, as kombu does. */
  readonly compression?: CompressionName | null;
  /** JSON for kombu >= 5.3 peers (type wrappers, the default) or for kombu <= 5.2 peers (plain strings). */
  readonly jsonFlavor?: KombuJsonFlavor;
}

export interface SerializedTaskBody {
  readonly body: Uint8Array;
  readonly contentType: string;
  readonly contentEncoding: string;
  /** The message headers plus `compression` when the body is compressed. */
  readonly headers: Readonly<Record<string, unknown>>;
}

/** Serializes `[args, kwargs, embed]` and compresses it if asked, as kombu's `Producer._prepare` does. */
export function serializeTaskBody(message: TaskMessage, options: EncodeOptions = {}): SerializedTaskBody {
  const { callbacks, errbacks, chain, chord } = message.embed;
  const payload = [message.args, message.kwargs, { callbacks, errbacks, chain, chord }];
  const serialized = serializePayload(payload, options);
  // A decoded message may still carry the `compression` header of its old body: it describes this body only.
  const { compression: _previous, ...headers } = message.headers as Record<string, unknown>;
  if (options.compression === undefined || options.compression === null) {
    return { ...serialized, headers };
  }
  const compressed = compressBody(serialized.body, options.compression);
  return {
    body: compressed.body,
    contentType: serialized.contentType,
    contentEncoding: serialized.contentEncoding,
    headers: { ...headers, compression: compressed.mimeType },
  };
}
