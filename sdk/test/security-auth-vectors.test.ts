// Celery's `auth` serializer (message signing) against the golden vectors Celery 5.7 signed
// (conformance/vectors-auth, recorder: conformance/recorder/record_auth_vector.py) with the test-only key and
// certificates of conformance/fixtures/security-test-only: verify what Celery signed, sign what Celery verifies
// (the live side is conformance/tests/security-auth-python.test.ts), and refuse what must be refused, with its code.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { compileClientOptions } from "../src/client/compile-client-options.js";
import { createClient } from "../src/client/create-client.js";
import { resolveCelerySettings } from "../src/config/resolve-celery-settings.js";
import { encodeRedisEnvelope } from "../src/codec/redis/encode-redis-envelope.js";
import { decodeRedisEnvelope } from "../src/codec/redis/decode-redis-envelope.js";
import { createTaskMessage } from "../src/codec/task/create-task-message.js";
import { CeleryProtoError } from "../src/errors/celery-proto-error.js";
import type { ErrorCode } from "../src/errors/error-code.js";
import { packAuthPayload, unpackAuthPayload } from "../src/security/auth-payload.js";
import { certificateId } from "../src/security/certificate-id.js";
import { loadMessageSigner, loadMessageVerifier } from "../src/security/message-signing.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const FIXTURES = path.join(ROOT, "conformance/fixtures/security-test-only");
const KEY = path.join(FIXTURES, "signer-key.pem");
const CERT = path.join(FIXTURES, "signer-cert.pem");
const STORE = path.join(FIXTURES, "store");
/** `Certificate.get_id()` of signer-cert.pem as Celery 5.7 computes it (issuer values, then the serial in decimal). */
const SIGNER_ID = "XX celery-proto test only celery-proto test CA 4242";

interface AuthVector {
  readonly settings: { readonly security_digest: string };
  readonly task: { readonly name: string; readonly args: unknown[]; readonly kwargs: Record<string, unknown> };
  readonly envelope: string;
}
const vector = (digest: string): AuthVector =>
  JSON.parse(readFileSync(path.join(ROOT, `conformance/vectors-auth/5.7.0/redis-signed-task-${digest}.json`), "utf8")) as AuthVector;

function assertCode(fn: () => unknown, code: ErrorCode, message?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(CeleryProtoError.is(e), `expected a CeleryProtoError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (message !== undefined) assert.match(e.message, message);
    return true;
  });
}

/** Edits the signed fields of a kombu Redis envelope's body (base64 of the auth payload, itself base64). */
function editSignedBody(envelope: string, edit: (fields: string) => string): string {
  const parsed = JSON.parse(envelope) as { body: string };
  const fields = Buffer.from(Buffer.from(parsed.body, "base64").toString("latin1"), "base64").toString("latin1");
  const edited = edit(fields);
  assert.notEqual(edited, fields, "the edit changed nothing");
  parsed.body = Buffer.from(Buffer.from(edited, "latin1").toString("base64")).toString("base64");
  return JSON.stringify(parsed);
}

describe("auth serializer: Celery 5.7's golden vectors", () => {
  for (const digest of ["sha256", "sha512"]) {
    it(`verifies and decodes the task Celery signed with ${digest}`, () => {
      const v = vector(digest);
      const verifier = loadMessageVerifier({ security_cert_store: STORE, security_digest: digest });
      const message = decodeRedisEnvelope(v.envelope, { accept: ["auth"], verifier });
      assert.equal(message.headers.task, v.task.name);
      assert.deepEqual(message.args, v.task.args);
      assert.deepEqual(message.kwargs, v.task.kwargs);
      // The payload's parts are Celery's: signer id, json inside.
      const payload = unpackAuthPayload(Buffer.from((JSON.parse(v.envelope) as { body: string }).body, "base64"));
      assert.equal(payload.signer, SIGNER_ID);
      assert.equal(payload.contentType, "application/json");
      assert.equal(payload.contentEncoding, "utf-8");
    });
  }

  it("refuses the vector with another digest, tampered, with its signer unknown, or without a verifier", () => {
    const v = vector("sha256");
    const verifier = loadMessageVerifier({ security_cert_store: STORE });
    assertCode(
      () => decodeRedisEnvelope(v.envelope, { accept: ["auth"], verifier: loadMessageVerifier({ security_cert_store: STORE, security_digest: "sha512" }) }),
      "InvalidSignature",
    );
    assertCode(
      () =>
        decodeRedisEnvelope(
          editSignedBody(v.envelope, (f) => f.replace("[[2, 3]", "[[2, 4]")),
          { accept: ["auth"], verifier },
        ),
      "InvalidSignature",
    );
    // The signer id is part of the payload, not of what is signed: naming another signer makes it untrusted.
    const otherSigner = Buffer.from(SIGNER_ID.replace("4242", "4243")).toString("base64");
    const renamed = editSignedBody(v.envelope, (f) => f.replace(Buffer.from(SIGNER_ID).toString("base64"), otherSigner));
    assertCode(() => decodeRedisEnvelope(renamed, { accept: ["auth"], verifier }), "UntrustedSigner", /4243/);
    assertCode(() => decodeRedisEnvelope(v.envelope, { accept: ["auth"] }), "ContentDisallowed", /security_cert_store/);
    assertCode(() => decodeRedisEnvelope(v.envelope, { accept: ["json"], verifier }), "ContentDisallowed", /accept list/);
  });

  it("reads the signer id from the certificate exactly as Celery does", () => {
    assert.equal(loadMessageSigner({ security_key: KEY, security_certificate: CERT }).signerId, SIGNER_ID);
    const untrusted = readFileSync(path.join(FIXTURES, "untrusted-cert.pem"), "utf8");
    const der = Buffer.from(untrusted.replace(/-----[^-]+-----/g, "").replace(/\s/g, ""), "base64");
    assert.equal(certificateId(der), "celery-proto test only untrusted signer 7");
  });
});

describe("auth serializer: signing", () => {
  it("signs what it verifies, and an unsigned json message is refused when only auth is accepted", () => {
    const signer = loadMessageSigner({ security_key: KEY, security_certificate: CERT });
    const verifier = loadMessageVerifier({ security_cert_store: STORE });
    const message = createTaskMessage({ task: "t.add", args: [1, 2], kwargs: { k: "✓" } });
    for (const compression of [null, "zlib"] as const) {
      const envelope = encodeRedisEnvelope(message, { routingKey: "celery" }, { serializer: "auth", signer, compression });
      const parsed = JSON.parse(envelope) as Record<string, unknown>;
      assert.equal(parsed["content-type"], "application/data");
      assert.equal(parsed["content-encoding"], "utf-8");
      const decoded = decodeRedisEnvelope(envelope, { accept: ["auth"], verifier });
      assert.deepEqual([decoded.args, decoded.kwargs], [[1, 2], { k: "✓" }]);
    }
    const unsigned = encodeRedisEnvelope(message, { routingKey: "celery" });
    assertCode(() => decodeRedisEnvelope(unsigned, { accept: ["auth"], verifier }), "ContentDisallowed");
    assertCode(() => encodeRedisEnvelope(message, { routingKey: "celery" }, { serializer: "auth" }), "InvalidOption", /security_key/);
  });

  it("signs in Celery 5.3/5.4's layout (raw signer and signature) when asked, and verifies both layouts", () => {
    const legacy = loadMessageSigner({ security_key: KEY, security_certificate: CERT }, "5.3");
    const verifier = loadMessageVerifier({ security_cert_store: STORE });
    const inner = { body: Buffer.from("[[1, 2], {}, {}]"), contentType: "application/json", contentEncoding: "utf-8" };
    const wire = legacy.sign(inner);
    const raw = Buffer.from(Buffer.from(wire).toString("latin1"), "base64");
    // _pack of Celery 5.3: signer SEP signature (256 bytes for a 2048-bit key) SEP content type SEP encoding SEP body.
    assert.equal(raw.subarray(0, SIGNER_ID.length + 2).toString("latin1"), `${SIGNER_ID}\x00\x01`);
    assert.equal(raw.subarray(SIGNER_ID.length + 2 + 256).toString("latin1"), `\x00\x01application/json\x00\x01utf-8\x00\x01[[1, 2], {}, {}]`);
    assert.deepEqual(Buffer.from(verifier.verify(wire).body).toString(), "[[1, 2], {}, {}]");
    assert.deepEqual(
      Buffer.from(verifier.verify(loadMessageSigner({ security_key: KEY, security_certificate: CERT }).sign(inner)).body).toString(),
      "[[1, 2], {}, {}]",
    );
    // A tampered legacy body fails as in Celery.
    const tampered = Buffer.from(Buffer.from(raw.toString("latin1").replace("[[1, 2]", "[[1, 3]"), "latin1").toString("base64"));
    assertCode(() => verifier.verify(tampered), "InvalidSignature", /bad signature/);
  });

  it("refuses malformed payloads and pickle inside a valid signature", () => {
    const verifier = loadMessageVerifier({ security_cert_store: STORE });
    assertCode(() => verifier.verify(Buffer.from(Buffer.from("only\x00\x01three\x00\x01fields").toString("base64"))), "InvalidSignature", /3 field/);
    assertCode(() => verifier.verify(new Uint8Array()), "InvalidSignature");
    const signer = loadMessageSigner({ security_key: KEY, security_certificate: CERT });
    const picklePayload = signer.sign({
      body: new Uint8Array([0x80, 0x04, 0x4b, 0x01, 0x2e]),
      contentType: "application/x-python-serialize",
      contentEncoding: "binary",
    });
    const envelope = JSON.stringify({
      ...(JSON.parse(encodeRedisEnvelope(createTaskMessage({ task: "t" }), { routingKey: "celery" })) as Record<string, unknown>),
      body: Buffer.from(picklePayload).toString("base64"),
      "content-type": "application/data",
    });
    assertCode(() => decodeRedisEnvelope(envelope, { accept: ["auth"], verifier }), "ContentDisallowed", /pickle/);
  });

  it("keeps a separator inside the signed body, as Celery's _unpack does (maxsplit=4)", () => {
    const body = Buffer.from('["a\x00\x01b"]');
    const packed = packAuthPayload({ signer: SIGNER_ID, signature: new Uint8Array([1, 2]), contentType: "application/json", contentEncoding: "utf-8", body });
    assert.deepEqual(Buffer.from(unpackAuthPayload(packed).body), body);
  });
});

describe("auth serializer: configuration", () => {
  it("names the setting that fixes a missing or wrong key, certificate, store or digest", () => {
    assertCode(() => loadMessageSigner({ security_certificate: CERT }), "InvalidOption", /^security_key: not set/);
    assertCode(() => loadMessageSigner({ security_key: KEY }), "InvalidOption", /^security_certificate: not set/);
    assertCode(() => loadMessageSigner({ security_key: CERT, security_certificate: CERT }), "InvalidOption", /^security_key: .*security_key_password/);
    assertCode(() => loadMessageSigner({ security_key: KEY, security_certificate: KEY }), "InvalidOption", /^security_certificate: /);
    assertCode(() => loadMessageVerifier({}), "InvalidOption", /^security_cert_store: not set/);
    assertCode(() => loadMessageVerifier({ security_cert_store: path.join(FIXTURES, "missing") }), "InvalidOption", /^security_cert_store: cannot read/);
    assertCode(() => loadMessageVerifier({ security_cert_store: STORE, security_digest: "sha257" }), "InvalidOption", /^security_digest: /);
    assert.deepEqual(loadMessageVerifier({ security_cert_store: CERT, security_digest: "SHA3_256" }).trusted, [SIGNER_ID]);
  });

  it("a client with task_serializer='auth' loads its signer from the security_* settings", async () => {
    const config = resolveCelerySettings({ task_serializer: "auth", security_key: KEY, security_certificate: CERT });
    const signer = loadMessageSigner(config.settings);
    assert.equal(compileClientOptions({ config, signer }).signer, signer);
    assertCode(() => compileClientOptions({ config }), "InvalidOption", /^signer: /);
    await assert.rejects(createClient({ broker: "memory://", config: { task_serializer: "auth", security_certificate: CERT } }), /security_key: not set/);
  });
});
