import { CeleryProtoError } from "../../errors/celery-proto-error.js";

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict standard base64 (what Python's `b64encode` writes); anything else is an `InvalidEncoding` error. */
export function decodeBase64Strict(text: string, what: string): Uint8Array {
  if (!BASE64.test(text)) {
    throw new CeleryProtoError("InvalidEncoding", `${what} is not valid base64`, {
      details: [{ path: "", keyword: "contentEncoding", message: "must be standard base64 with padding" }],
    });
  }
  return new Uint8Array(Buffer.from(text, "base64"));
}

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}
