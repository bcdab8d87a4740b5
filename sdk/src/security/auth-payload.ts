import { CeleryProtoError } from "../errors/celery-proto-error.js";

/** The parts of a message body signed by Celery's `auth` serializer. */
export interface AuthPayload {
  /** The signer's certificate id (see `certificateId`). */
  readonly signer: string;
  readonly signature: Uint8Array;
  /** Content type and encoding of the inner body (the serializer Celery signs with, `json` by default). */
  readonly contentType: string;
  readonly contentEncoding: string;
  /** The inner body exactly as signed. */
  readonly body: Uint8Array;
}

/** Celery's separator, which base64 text and the content type/encoding names cannot contain. */
const SEPARATOR = Uint8Array.of(0x00, 0x01);
const ENCODER = new TextEncoder();

/**
 * Packs the parts as C:celery/security/serialization.py `SecureSerializer._pack` does:
 * `base64(base64(signer) SEP base64(signature) SEP content_type SEP content_encoding SEP body)`, SEP = `\x00\x01`.
 * Returns the ASCII bytes of the outer base64.
 */
export function packAuthPayload(payload: AuthPayload): Uint8Array {
  const fields = [
    ENCODER.encode(Buffer.from(payload.signer, "utf-8").toString("base64")),
    ENCODER.encode(Buffer.from(payload.signature).toString("base64")),
    ENCODER.encode(payload.contentType),
    ENCODER.encode(payload.contentEncoding),
    payload.body,
  ];
  const joined = Buffer.concat(fields.flatMap((field, i) => (i === 0 ? [field] : [SEPARATOR, field])));
  return ENCODER.encode(joined.toString("base64"));
}

/**
 * Unpacks a signed body as `SecureSerializer._unpack` does: the inner body is everything after the fourth separator,
 * so it may itself contain the separator. Anything that does not have five fields is an `InvalidSignature`.
 */
export function unpackAuthPayload(wire: Uint8Array): AuthPayload {
  const raw = Buffer.from(Buffer.from(wire).toString("latin1"), "base64");
  const fields: Buffer[] = [];
  let from = 0;
  while (fields.length < 4) {
    const at = raw.indexOf(SEPARATOR, from);
    if (at < 0) {
      throw new CeleryProtoError(
        "InvalidSignature",
        `not a signed ('auth') body: ${fields.length + 1} field(s) where Celery's auth serializer writes 5 (signer, signature, content type, content encoding, body)`,
      );
    }
    fields.push(raw.subarray(from, at));
    from = at + SEPARATOR.length;
  }
  const [signer, signature, contentType, contentEncoding] = fields as [Buffer, Buffer, Buffer, Buffer];
  return {
    signer: Buffer.from(signer.toString("latin1"), "base64").toString("utf-8"),
    signature: new Uint8Array(Buffer.from(signature.toString("latin1"), "base64")),
    contentType: contentType.toString("utf-8"),
    contentEncoding: contentEncoding.toString("utf-8"),
    body: new Uint8Array(raw.subarray(from)),
  };
}
