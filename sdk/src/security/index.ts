// celery-proto/security: message signing as Celery's `auth` serializer does it (C:celery/security). createClient and
// createWorker load the signer and verifier from the security_* settings themselves; these are for code that builds
// messages with the codec, or a client from compiled options. A subpath of its own, so a producer that does not sign
// never loads it.
export { loadMessageSigner, loadMessageVerifier, type MessageSigner, type MessageVerifier, type SignedContent } from "./message-signing.js";
export { DEFAULT_SECURITY_DIGEST, type SecuritySettings } from "./security-settings.js";
export { packAuthPayload, unpackAuthPayload, type AuthLayout, type AuthPayload } from "./auth-payload.js";
export { certificateId } from "./certificate-id.js";
