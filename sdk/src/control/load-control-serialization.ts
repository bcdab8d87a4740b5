import { AUTH_CONTENT_TYPE, resolveAcceptList, type TaskSerializerName } from "../codec/body/content-types.js";
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
 * with `security_cert_store` when it has `auth`). The signing module loads only when signing is configured.
 */
export async function loadControlSerialization(settings: ControlSerializationSettings): Promise<ControlSerialization> {
  const serializer = settings.task_serializer as TaskSerializerName;
  const accept = settings.accept_content;
  const verifies = resolveAcceptList(accept).has(AUTH_CONTENT_TYPE);
  if (serializer !== "auth" && !verifies) return { accept, serializer };
  const { loadMessageSigner, loadMessageVerifier } = await import("../security/message-signing.js");
  return {
    accept,
    serializer,
    signer: serializer === "auth" ? loadMessageSigner(settings) : undefined,
    verifier: verifies ? loadMessageVerifier(settings) : undefined,
  };
}
