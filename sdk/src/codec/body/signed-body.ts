import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import type { MessageSigner, MessageVerifier } from "../../security/message-signing.js";
import type { KombuJsonFlavor } from "../json/kombu-json.js";
import {
  AUTH_CONTENT_ENCODING,
  AUTH_CONTENT_TYPE,
  findSerializer,
  PICKLE_CONTENT_TYPE,
  type SerializerSpec,
  type TaskSerializerName,
} from "./content-types.js";
import { deserializeRawBody, type RawBody } from "./deserialize-body.js";
import { serializeBody, type SerializedBody } from "./serialize-body.js";

/** Whether a message's content type is Celery's signed body (`auth`: `application/data`). */
export function isSignedContentType(contentType: unknown): boolean {
  return typeof contentType === "string" && contentType.trim().toLowerCase() === AUTH_CONTENT_TYPE;
}

/**
 * The verifier for a signed (`auth`) body, once it is allowed: refused as `ContentDisallowed` when `auth` is not in the
 * accept list or no certificate store is configured to verify it.
 */
export function signedBodyVerifier(accept: ReadonlySet<string>, verifier: MessageVerifier | undefined): MessageVerifier {
  if (!accept.has(AUTH_CONTENT_TYPE)) {
    throw new CeleryProtoError(
      "ContentDisallowed",
      `refusing to deserialize a signed body (${AUTH_CONTENT_TYPE}, 'auth'): not in the accept list: ${[...accept].join(", ")}`,
    );
  }
  if (verifier === undefined) {
    throw new CeleryProtoError("ContentDisallowed", "refusing a signed body ('auth'): no security_cert_store is configured to verify it");
  }
  return verifier;
}

/**
 * The inner body of a signed body, verified then deserialized, as Celery's `SecureSerializer.deserialize` does for
 * every message its serializer reads (tasks, and remote control once `task_serializer` is `auth`): `UntrustedSigner` or
 * `InvalidSignature` from the verifier. Celery loads the inner body whatever the accept list says
 * (`loads(..., force=True)`); pickle stays refused.
 */
export function readSignedBody(body: Uint8Array, verifier: MessageVerifier): RawBody {
  const inner = verifier.verify(body);
  return deserializeRawBody(inner.body, innerSerializer(inner.contentType), inner.contentEncoding);
}

/** How a message body is serialized: by name, `auth` signing the json body with `signer`. */
export interface PayloadSerialization {
  /** Default `json`. */
  readonly serializer?: TaskSerializerName;
  readonly signer?: MessageSigner | undefined;
  readonly jsonFlavor?: KombuJsonFlavor;
}

/** Serializes a message body; `auth` is Celery's SecureSerializer: the json its inner serializer produced, signed. */
export function serializePayload(payload: unknown, options: PayloadSerialization): SerializedBody {
  const serializer = options.serializer ?? "json";
  if (serializer !== "auth") return serializeBody(payload, serializer, options.jsonFlavor ?? "kombu5.3");
  if (options.signer === undefined) {
    throw new CeleryProtoError("InvalidOption", "serializer 'auth' needs a signer: set security_key and security_certificate (createClient loads them)");
  }
  const inner = serializeBody(payload, "json", options.jsonFlavor ?? "kombu5.3");
  return { body: options.signer.sign(inner), contentType: AUTH_CONTENT_TYPE, contentEncoding: AUTH_CONTENT_ENCODING };
}

function innerSerializer(contentType: string): SerializerSpec {
  const type = contentType.trim().toLowerCase();
  if (type === PICKLE_CONTENT_TYPE)
    throw new CeleryProtoError("ContentDisallowed", "refusing a signed body whose content is pickle (application/x-python-serialize)");
  const spec = findSerializer(type);
  if (spec === undefined)
    throw new CeleryProtoError("UnsupportedContentType", `a signed body holds content of unsupported type ${JSON.stringify(contentType)}`);
  return spec;
}
