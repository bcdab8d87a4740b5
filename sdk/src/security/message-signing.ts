import { constants, createHash, createPrivateKey, getHashes, sign, verify, X509Certificate, type KeyObject } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { CeleryProtoError } from "../errors/celery-proto-error.js";
import { type AuthLayout, legacyAuthSigner, packAuthPayload, unpackAuthPayload, unpackLegacyAuthPayload } from "./auth-payload.js";
import { certificateId } from "./certificate-id.js";
import { DEFAULT_SECURITY_DIGEST, type SecuritySettings } from "./security-settings.js";

/** A body as it was before signing. */
export interface SignedContent {
  readonly body: Uint8Array;
  readonly contentType: string;
  readonly contentEncoding: string;
}

/** Signs serialized bodies with `security_key`, naming the signer by `security_certificate`. */
export interface MessageSigner {
  /** The `auth` body (ASCII base64) for an already-serialized inner body. */
  sign(content: SignedContent): Uint8Array;
  /** The certificate id written into every signed body. */
  readonly signerId: string;
}

/** Verifies `auth` bodies against the certificates of `security_cert_store`. */
export interface MessageVerifier {
  /**
   * The inner body of a signed body whose signature verifies with a trusted certificate. Throws `UntrustedSigner`
   * when the signer is not in the store and `InvalidSignature` when the body is malformed or the signature is wrong.
   */
  verify(wire: Uint8Array): SignedContent;
  /** The ids of the trusted certificates. */
  readonly trusted: readonly string[];
}

/**
 * Loads `security_key` and `security_certificate` (read once, now). Misconfigurations name the setting. `layout` is
 * the Celery whose workers read what it signs: `"5.5"` (5.5 and later, the default) or `"5.3"` (5.3 and 5.4).
 */
export function loadMessageSigner(settings: SecuritySettings, layout: AuthLayout = "5.5"): MessageSigner {
  const keyPath = required(settings, "security_key", "to sign messages (task_serializer='auth')");
  const certPath = required(settings, "security_certificate", "to sign messages (task_serializer='auth')");
  const hash = digestName(settings.security_digest);
  const key = loadPrivateKey(keyPath, settings.security_key_password ?? null);
  const signerId = certificateId(loadRsaCertificate(certPath, "security_certificate").raw);
  return {
    signerId,
    sign(content: SignedContent): Uint8Array {
      const signature = sign(hash, content.body, {
        key,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: maxSaltLength(key, hash),
      });
      return packAuthPayload({ signer: signerId, signature, ...content }, layout);
    },
  };
}

/** Loads the trusted certificates of `security_cert_store` (read once, now), refusing expired ones as Celery does. */
export function loadMessageVerifier(settings: SecuritySettings, now: Date = new Date()): MessageVerifier {
  const storePath = required(settings, "security_cert_store", "to verify signed messages (accept_content=['auth'])");
  const hash = digestName(settings.security_digest);
  const store = new Map<string, KeyObject>();
  for (const file of certStoreFiles(storePath)) {
    const cert = loadRsaCertificate(file, "security_cert_store");
    const id = certificateId(cert.raw);
    if (new Date(cert.validTo).getTime() <= now.getTime()) {
      throw setting("security_cert_store", `${file}: the certificate ${JSON.stringify(id)} expired on ${cert.validTo}`);
    }
    if (store.has(id)) throw setting("security_cert_store", `${file}: a second certificate with the id ${JSON.stringify(id)}`);
    store.set(id, cert.publicKey);
  }
  if (store.size === 0) throw setting("security_cert_store", `no certificate found at ${storePath}`);
  return {
    trusted: [...store.keys()],
    verify(wire: Uint8Array): SignedContent {
      // Celery 5.3/5.4 name a trusted signer raw before the first separator; 5.5+ write it in base64, which has no
      // spaces, so it never equals an id ("<issuer> <serial>").
      const legacySigner = legacyAuthSigner(wire);
      const legacyKey = legacySigner === null ? undefined : store.get(legacySigner);
      const payload =
        legacyKey === undefined ? unpackAuthPayload(wire) : unpackLegacyAuthPayload(wire, (legacyKey.asymmetricKeyDetails?.modulusLength ?? 0) >> 3);
      const key = store.get(payload.signer);
      if (key === undefined) {
        throw new CeleryProtoError("UntrustedSigner", `signed by an unknown certificate ${JSON.stringify(payload.signer)} (not in security_cert_store)`);
      }
      let ok = false;
      try {
        ok = verify(hash, payload.body, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: maxSaltLength(key, hash) }, payload.signature);
      } catch (e) {
        throw new CeleryProtoError("InvalidSignature", `bad signature from ${JSON.stringify(payload.signer)}: ${(e as Error).message}`, { cause: e });
      }
      if (!ok) throw new CeleryProtoError("InvalidSignature", `bad signature from ${JSON.stringify(payload.signer)}: the body does not match its signature`);
      return { body: payload.body, contentType: payload.contentType, contentEncoding: payload.contentEncoding };
    },
  };
}

/**
 * The digest Celery would use: `getattr(cryptography.hazmat.primitives.hashes, digest.upper())()`, so `sha256`,
 * `SHA512`, `sha3_256`, `sha512_224`... Node spells the underscores as dashes.
 */
function digestName(digest: string | null | undefined): string {
  const name = (digest ?? DEFAULT_SECURITY_DIGEST).toLowerCase().replaceAll("_", "-");
  if (!/^(sha1|sha224|sha256|sha384|sha512|sha512-224|sha512-256|sha3-224|sha3-256|sha3-384|sha3-512|md5|sm3)$/.test(name) || !getHashes().includes(name)) {
    throw setting(
      "security_digest",
      `unsupported digest ${JSON.stringify(digest)}; use one of cryptography's hash names, e.g. sha256 (the default), sha384, sha512, sha3_256`,
    );
  }
  return name;
}

/** cryptography's `PSS.MAX_LENGTH`: emLen - hLen - 2, emLen = ceil((modulus bits - 1) / 8). Verified strictly. */
function maxSaltLength(key: KeyObject, hash: string): number {
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  let hashLength = HASH_LENGTHS.get(hash);
  if (hashLength === undefined) {
    hashLength = createHash(hash).digest().length;
    HASH_LENGTHS.set(hash, hashLength);
  }
  return Math.ceil((bits - 1) / 8) - hashLength - 2;
}

const HASH_LENGTHS = new Map<string, number>();

function loadPrivateKey(path: string, password: string | Uint8Array | null): KeyObject {
  const pem = readSettingFile(path, "security_key");
  let key: KeyObject;
  try {
    key = createPrivateKey(password === null ? { key: pem } : { key: pem, passphrase: Buffer.from(password) });
  } catch (e) {
    const hint = password === null ? " (if it is encrypted, set security_key_password)" : " (check security_key_password)";
    throw setting("security_key", `${path}: not a readable PEM private key${hint}: ${(e as Error).message}`, e);
  }
  if (key.asymmetricKeyType !== "rsa")
    throw setting("security_key", `${path}: a ${key.asymmetricKeyType} key; Celery's auth serializer signs with RSA keys only`);
  return key;
}

function loadRsaCertificate(path: string, name: string): X509Certificate {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(readSettingFile(path, name));
  } catch (e) {
    if (CeleryProtoError.is(e)) throw e;
    throw setting(name, `${path}: not a PEM X.509 certificate: ${(e as Error).message}`, e);
  }
  if (cert.publicKey.asymmetricKeyType !== "rsa")
    throw setting(name, `${path}: a ${cert.publicKey.asymmetricKeyType} certificate; only RSA certificates are supported (as in Celery)`);
  return cert;
}

/** Celery's `FSCertStore`: every entry of a directory (`<dir>/*`, dot files excepted), or the one file named. */
function certStoreFiles(path: string): string[] {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (e) {
    throw setting("security_cert_store", `cannot read ${path}: ${(e as Error).message} (give a directory of PEM certificates or one file)`, e);
  }
  if (!isDirectory) return [path];
  return readdirSync(path)
    .filter((name) => !name.startsWith("."))
    .sort()
    .map((name) => join(path, name));
}

function readSettingFile(path: string, name: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw setting(name, `cannot read ${path}: ${(e as Error).message}`, e);
  }
}

function required(settings: SecuritySettings, name: "security_key" | "security_certificate" | "security_cert_store", why: string): string {
  const value = settings[name];
  if (typeof value !== "string" || value === "") throw setting(name, `not set; it is needed ${why}`);
  return value;
}

function setting(name: string, reason: string, cause?: unknown): CeleryProtoError {
  return new CeleryProtoError("InvalidOption", `${name}: ${reason}`, {
    details: [{ path: `/${name}`, keyword: "setting", message: reason }],
    ...(cause === undefined ? {} : { cause }),
  });
}
