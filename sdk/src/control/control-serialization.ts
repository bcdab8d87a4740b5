import type { TaskSerializerName } from "../codec/body/content-types.js";
import type { MessageSigner, MessageVerifier } from "../security/message-signing.js";

/**
 * How remote-control messages are put into bytes and read back. Celery creates `app.control.mailbox` with
 * `serializer=task_serializer` and `accept=accept_content` (C:celery/app/control.py), so a deployment that signs its
 * tasks (`auth`) signs its control requests and replies as well, and refuses unsigned ones.
 */
export interface ControlSerialization {
  /** Serializers accepted in what is received (`accept_content`). Default `["json"]`. */
  readonly accept?: readonly string[];
  /** The serializer of what is sent (`task_serializer`). Default `json`. */
  readonly serializer?: TaskSerializerName;
  /** Signs what is sent when `serializer` is `auth`. */
  readonly signer?: MessageSigner | undefined;
  /** Verifies the signed messages received when `accept` has `auth`. */
  readonly verifier?: MessageVerifier | undefined;
}
