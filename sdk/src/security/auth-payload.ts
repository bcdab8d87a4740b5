import { CeleryProtoError } from "../errors/celery-proto-error.js";

/**
 * How the signed body's fields are laid out: Celery 5.5 and later base64-encode the signer and the signature
 * (`"5.5"`); Celery 5.3 and 5.4 write them raw, the signature as long as the signer's RSA key (`"5.3"`). The two cannot
 * read each other's messages.
 */
export type AuthLayout = "5.5" | "5.3";

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
 * `base64(base64(signer) SEP base64(signature) SEP content_type SEP content_encoding SEP body)`, SEP = `\x00\x01`;
 * with layout `"5.3"` (Celery 5.3/5.4) the signer and signature go in raw. Returns the ASCII bytes of the outer base64.
 */
export function packAuthPayload(payload: AuthPayload, layout: AuthLayout = "5.5"): Uint8Array {
  const legacy = layout === "5.3";
  const fields = [
    legacy ? ENCODER.encode(payload.signer) : ENCODER.encode(Buffer.from(payload.signer, "utf-8").toString("base64")),
    legacy ? payload.signature : ENCODER.encode(Buffer.from(payload.signature).toString("base64")),
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

/**
 * The signer a Celery 5.3/5.4 signed body names (everything before the first separator, raw), or null when the wire
 * is not base64 or has no separator. `unpackLegacyAuthPayload` needs it to know the signature's length.
 */
export function legacyAuthSigner(wire: Uint8Array): string | null {
  const raw = Buffer.from(Buffer.from(wire).toString("latin1"), "base64");
  const at = raw.indexOf(SEPARATOR);
  return at < 0 ? null : raw.subarray(0, at).toString("utf-8");
}

/**
 * Unpacks a body signed by Celery 5.3/5.4 as their `SecureSerializer._unpack` does: the raw signer up to the first
 * separator, then `signatureLength` bytes of raw signature (the signer's RSA key size in bytes), then content type,
 * content encoding and body split at the separators (a body holding one is cut there, and fails verification, as in
 * Celery).
 */
export function unpackLegacyAuthPayload(wire: Uint8Array, signatureLength: number): AuthPayload {
  const raw = Buffer.from(Buffer.from(wire).toString("latin1"), "base64");
  const at = raw.indexOf(SEPARATOR);
  const signatureStart = at + SEPARATOR.length;
  const signatureEnd = signatureStart + signatureLength;
  const rest = raw.subarray(signatureEnd + SEPARATOR.length);
  const fields: Buffer[] = [];
  for (let from = 0; fields.length < 3; ) {
    const next = rest.indexOf(SEPARATOR, from);
    fields.push(rest.subarray(from, next < 0 ? rest.length : next));
    if (next < 0) break;
    from = next + SEPARATOR.length;
  }
  const [contentType, contentEncoding, body] = fields;
  if (at < 0 || body === undefined || contentType === undefined || contentEncoding === undefined) {
    throw new CeleryProtoError("InvalidSignature", "not a signed ('auth') body of Celery 5.3/5.4: fewer fields than its auth serializer writes");
  }
  return {
    signer: raw.subarray(0, at).toString("utf-8"),
    signature: new Uint8Array(raw.subarray(signatureStart, signatureEnd)),
    contentType: contentType.toString("utf-8"),
    contentEncoding: contentEncoding.toString("utf-8"),
    body: new Uint8Array(body),
  };
}
