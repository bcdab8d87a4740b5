// Message signing from the installed package: node auth-roundtrip.mjs <fixtures dir> <Celery-signed vector file>.
// Verifies the task Celery signed, then signs one and verifies it; prints {"celery": args, "ours": args, "signer"}.
import { readFileSync } from "node:fs";
import path from "node:path";
import { createTaskMessage, decodeRedisEnvelope, encodeRedisEnvelope } from "celery-proto";
import { loadMessageSigner, loadMessageVerifier } from "celery-proto/security";

const [fixtures, vectorFile] = process.argv.slice(2);
const verifier = loadMessageVerifier({ security_cert_store: path.join(fixtures, "store") });
const signer = loadMessageSigner({
  security_key: path.join(fixtures, "signer-key.pem"),
  security_certificate: path.join(fixtures, "signer-cert.pem"),
});
const celery = decodeRedisEnvelope(JSON.parse(readFileSync(vectorFile, "utf8")).envelope, { accept: ["auth"], verifier });
const signed = encodeRedisEnvelope(createTaskMessage({ task: "t.add", args: [4, 5] }), { routingKey: "celery" }, { serializer: "auth", signer });
const ours = decodeRedisEnvelope(signed, { accept: ["auth"], verifier });
console.log(JSON.stringify({ celery: celery.args, ours: ours.args, signer: signer.signerId }));
