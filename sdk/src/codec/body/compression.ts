import zlib from "node:zlib";
import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import { bzipModule } from "./lazy-codec-modules.js";

/** Compression names as Celery's `compression=` option takes them. */
export type CompressionName = "zlib" | "gzip" | "bzip2" | "brotli";

/**
 * The MIME type kombu writes into the `compression` header for each name (K:kombu/compression.py).
 * Note `gzip` is an alias of `zlib`: both are a zlib (RFC 1950) stream, not a gzip file.
 */
export const COMPRESSION_MIME_TYPES: Readonly<Record<CompressionName, string>> = {
  zlib: "application/x-gzip",
  gzip: "application/x-gzip",
  bzip2: "application/x-bz2",
  brotli: "application/x-brotli",
};

const KNOWN_BUT_UNSUPPORTED: Readonly<Record<string, string>> = {
  "application/x-lzma": "lzma/xz",
  "application/zstd": "zstd",
};

/** Compresses `body` the way kombu does for `name`; returns the bytes and the header value to send. */
export function compressBody(body: Uint8Array, name: string): { body: Uint8Array; mimeType: string } {
  switch (name) {
    case "zlib":
    case "gzip":
      return { body: zlib.deflateSync(body), mimeType: COMPRESSION_MIME_TYPES.zlib };
    case "brotli":
      return { body: zlib.brotliCompressSync(body), mimeType: COMPRESSION_MIME_TYPES.brotli };
    case "bzip2":
      throw new CeleryProtoError(
        "UnsupportedCompression",
        "bzip2 compression is decode-only in celery-proto (no maintained JS bzip2 encoder); use compression: 'gzip'",
      );
    default:
      throw new CeleryProtoError("UnsupportedCompression", `unknown compression ${JSON.stringify(name)}; use one of zlib, gzip, brotli`);
  }
}

/** Reverses kombu's compression named by the `compression` header's MIME type (or a short name). */
export function decompressBody(body: Uint8Array, compression: string): Uint8Array {
  const run = (method: string, fn: () => Uint8Array): Uint8Array => {
    try {
      return fn();
    } catch (e) {
      throw new CeleryProtoError("DecompressionFailed", `body is not valid ${method} data: ${(e as Error).message}`, { cause: e });
    }
  };
  switch (compression) {
    case "application/x-gzip":
    case "zlib":
    case "gzip":
      return run("zlib", () => zlib.inflateSync(body));
    case "application/x-bz2":
    case "bzip2":
      return run("bzip2", () => bzipModule().decode(Buffer.from(body.buffer, body.byteOffset, body.byteLength)));
    case "application/x-brotli":
    case "brotli":
      return run("brotli", () => zlib.brotliDecompressSync(body));
    default: {
      const known = KNOWN_BUT_UNSUPPORTED[compression];
      throw new CeleryProtoError(
        "UnsupportedCompression",
        known === undefined ? `unknown compression ${JSON.stringify(compression)}` : `${known} compression (${compression}) is not supported by celery-proto`,
      );
    }
  }
}
