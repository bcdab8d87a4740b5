import { AUTH_CONTENT_TYPE, resolveAcceptList, type TaskSerializerName } from "../codec/body/content-types.js";
import type { AuthLayout } from "../security/auth-payload.js";
import type { SecuritySettings } from "../security/security-settings.js";
import type { ControlSerialization } from "./control-serialization.js";

/** The settings the app's mailbox is made of. */
export interface ControlSerializationSettings extends SecuritySettings {
  readonly task_serializer: string;
  readonly accept_content: readonly string[];
}

/**
 * The app's mailbox serialization from its settings, as `celery inspect`/`celery control` build it: requests sent as
 * `task_serializer` (signed with `security_key` when it is `auth`), replies accepted by `accept_content` (verified
 * with `security_cert_store` when it has `auth`; both of Celery's layouts). `layout` is what the workers read: `"5.5"`
 * for Celery 5.5+, `"5.3"` for 5.3/5.4. The signing module loads only when signing is configured.
 */
export async function loadControlSerialization(settings: ControlSerializationSettings, layout: AuthLayout = "5.5"): Promise<ControlSerialization> {
  const serializer = settings.task_serializer as TaskSerializerName;
  const accept = settings.accept_content;
  if (serializer !== "auth" && !resolveAcceptList(accept).has(AUTH_CONTENT_TYPE)) return { accept, serializer };
  const { loadMessageSigning } = await import("../security/load-message-signing.js");
  const { signer, verifier } = loadMessageSigning(accept, settings, layout);
  return { accept, serializer, signer: signer ?? undefined, verifier: verifier ?? undefined };
}
