import { CeleryProtoError } from "../errors/celery-proto-error.js";

/**
 * The id Celery's `auth` serializer names a signer by (C:celery/security/certificate.py `Certificate.get_id`): the
 * values of the issuer's attributes in DER order joined by spaces, a space, and the serial number in decimal. Read
 * from the DER itself, because Node's `X509Certificate.issuer` escapes and reformats the values.
 */
export function certificateId(der: Uint8Array): string {
  const certificate = readTlv(der, 0, "certificate");
  const tbs = readTlv(der, certificate.start, "tbsCertificate");
  let at = tbs.start;
  // [0] EXPLICIT version is optional (absent for v1 certificates).
  if (der[at] === 0xa0) at = readTlv(der, at, "version").end;
  const serial = readTlv(der, at, "serialNumber");
  if (der[serial.offset] !== 0x02) throw invalid("serialNumber is not an INTEGER");
  const signatureAlgorithm = readTlv(der, serial.end, "signature");
  const issuer = readTlv(der, signatureAlgorithm.end, "issuer");
  const values: string[] = [];
  // Name ::= SEQUENCE OF RelativeDistinguishedName (SET OF AttributeTypeAndValue (SEQUENCE { type, value })).
  for (let rdn = issuer.start; rdn < issuer.end; ) {
    const set = readTlv(der, rdn, "issuer RDN");
    for (let atv = set.start; atv < set.end; ) {
      const pair = readTlv(der, atv, "issuer attribute");
      const type = readTlv(der, pair.start, "attribute type");
      const value = readTlv(der, type.end, "attribute value");
      values.push(decodeString(der[value.offset] ?? 0, der.subarray(value.start, value.end)));
      atv = pair.end;
    }
    rdn = set.end;
  }
  return `${values.join(" ")} ${readInteger(der.subarray(serial.start, serial.end)).toString()}`;
}

interface Tlv {
  /** Where the tag is. */
  readonly offset: number;
  /** Where the contents start and end. */
  readonly start: number;
  readonly end: number;
}

function readTlv(der: Uint8Array, offset: number, what: string): Tlv {
  if (offset + 2 > der.length) throw invalid(`truncated at ${what}`);
  let length = der[offset + 1] ?? 0;
  let start = offset + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4 || start + bytes > der.length) throw invalid(`bad length of ${what}`);
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + (der[start + i] ?? 0);
    start += bytes;
  }
  const end = start + length;
  if (end > der.length) throw invalid(`truncated at ${what}`);
  return { offset, start, end };
}

/** A two's-complement big-endian INTEGER, as Python's `int` reads it. */
function readInteger(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  if (bytes.length > 0 && (bytes[0] ?? 0) & 0x80) value -= 1n << BigInt(bytes.length * 8);
  return value;
}

const LATIN1 = new TextDecoder("latin1");
const UTF8 = new TextDecoder("utf-8");

function decodeString(tag: number, bytes: Uint8Array): string {
  switch (tag) {
    case 0x1e: {
      // BMPString: UTF-16BE.
      let out = "";
      for (let i = 0; i + 1 < bytes.length; i += 2) out += String.fromCharCode(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
      return out;
    }
    case 0x1c: {
      // UniversalString: UTF-32BE.
      let out = "";
      for (let i = 0; i + 3 < bytes.length; i += 4) {
        out += String.fromCodePoint((((bytes[i] ?? 0) << 24) | ((bytes[i + 1] ?? 0) << 16) | ((bytes[i + 2] ?? 0) << 8) | (bytes[i + 3] ?? 0)) >>> 0);
      }
      return out;
    }
    case 0x14: // TeletexString: cryptography reads it as Latin-1.
      return LATIN1.decode(bytes);
    default: // UTF8String, PrintableString, IA5String, ...
      return UTF8.decode(bytes);
  }
}

function invalid(reason: string): CeleryProtoError {
  return new CeleryProtoError("InvalidOption", `not a valid X.509 certificate: ${reason}`);
}
