import { AUTH_CONTENT_TYPE, resolveAcceptList } from "../../sdk/src/codec/body/content-types.js";
import type { EffectiveCelerySettings } from "../../sdk/src/config/implemented-celery-settings.js";
import type { AuthLayout } from "../../sdk/src/security/auth-payload.js";
import { loadMessageSigner, loadMessageVerifier, type MessageSigner, type MessageVerifier } from "../../sdk/src/security/message-signing.js";

export interface WorkerMessageSigning {
  /** Verifies `auth` task messages; set when `accept_content` has `auth` (needs `security_cert_store`). */
  readonly verifier: MessageVerifier | null;
  /** Signs the tasks the worker sends (callbacks, retries); set when `task_serializer` is `auth`. */
  readonly signer: MessageSigner | null;
}

/**
 * Loads the keys and certificates message signing needs, once at start, from the files the `security_*` settings
 * name (C:celery/security/__init__.py `setup_security`). A missing or unreadable file names its setting.
 */
export function compileMessageSigning(accept: readonly string[], settings: EffectiveCelerySettings, layout: AuthLayout = "5.5"): WorkerMessageSigning {
  return {
    verifier: resolveAcceptList(accept).has(AUTH_CONTENT_TYPE) ? loadMessageVerifier(settings) : null,
    signer: settings.task_serializer === "auth" ? loadMessageSigner(settings, layout) : null,
  };
}
