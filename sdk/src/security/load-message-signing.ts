import { AUTH_CONTENT_TYPE, resolveAcceptList } from "../codec/body/content-types.js";
import type { AuthLayout } from "./auth-payload.js";
import { loadMessageSigner, loadMessageVerifier, type MessageSigner, type MessageVerifier } from "./message-signing.js";
import type { SecuritySettings } from "./security-settings.js";

export interface MessageSigning {
  /** Verifies signed (`auth`) messages; set when `accept` has `auth` (needs `security_cert_store`). */
  readonly verifier: MessageVerifier | null;
  /** Signs what is sent; set when `task_serializer` is `auth` (needs `security_key` and `security_certificate`). */
  readonly signer: MessageSigner | null;
}

/**
 * Loads the keys and certificates message signing needs, from the files the `security_*` settings name
 * (C:celery/security/__init__.py `setup_security`): a signer when `task_serializer` is `auth`, in `layout`; a
 * verifier when `accept` (`accept_content`) has `auth`. A missing or unreadable file names its setting.
 */
export function loadMessageSigning(
  accept: readonly string[],
  settings: SecuritySettings & { readonly task_serializer: string },
  layout: AuthLayout = "5.5",
): MessageSigning {
  return {
    verifier: resolveAcceptList(accept).has(AUTH_CONTENT_TYPE) ? loadMessageVerifier(settings) : null,
    signer: settings.task_serializer === "auth" ? loadMessageSigner(settings, layout) : null,
  };
}
