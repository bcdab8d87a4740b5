import { CeleryProtoError } from "../../errors/celery-proto-error.js";

// A length check plus one flat character class: a grouped `(?:[...]{4})*` pattern overflowed V8's regexp stack on
// bodies of a few MB (RangeError on a valid 8 MB message; found by the worker-input fuzzer).
const BASE64_CHARS = /^[A-Za-z0-9+/]*={0,2}$/;

/** Strict standard base64 (what Python's `b64encode` writes); anything else is an `InvalidEncoding` error. */
export function decodeBase64Strict(text: string, what: string): Uint8Array {
  if (text.length % 4 !== 0 || !BASE64_CHARS.test(text)) {
    throw new CeleryProtoError("InvalidEncoding", `${what} is not valid base64`, {
      details: [{ path: "", keyword: "contentEncoding", message: "must be standard base64 with padding" }],
    });
  }
  return new Uint8Array(Buffer.from(text, "base64"));
}

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}
