import { CeleryProtoError } from "../../errors/celery-proto-error.js";

/** The serializers celery-proto speaks, by the names Celery uses (`serializer=`, `accept_content`). */
export type SerializerName = "json" | "msgpack" | "yaml";

export interface SerializerSpec {
  readonly name: SerializerName;
  readonly contentType: string;
  readonly contentEncoding: string;
}

/** kombu's registry entries for the serializers we implement (K:kombu/serialization.py). */
export const SERIALIZERS: Readonly<Record<SerializerName, SerializerSpec>> = {
  json: { name: "json", contentType: "application/json", contentEncoding: "utf-8" },
  msgpack: { name: "msgpack", contentType: "application/x-msgpack", contentEncoding: "binary" },
  yaml: { name: "yaml", contentType: "application/x-yaml", contentEncoding: "utf-8" },
};

/**
 * The serializers a task can be sent with: those above plus `auth`, Celery's message signing serializer (the body
 * serialized as json, then signed; see sdk/src/security).
 */
export type TaskSerializerName = SerializerName | "auth";

/** The content type kombu registers Celery's `auth` (signed) serializer under. */
export const AUTH_CONTENT_TYPE = "application/data";
export const AUTH_CONTENT_ENCODING = "utf-8";

/** Pickle's content type. A message carrying it is refused whatever the accept list says. */
export const PICKLE_CONTENT_TYPE = "application/x-python-serialize";

/** Celery's default `accept_content`. */
export const DEFAULT_ACCEPT: readonly string[] = ["json"];

const BY_CONTENT_TYPE = new Map<string, SerializerSpec>(Object.values(SERIALIZERS).map((s) => [s.contentType, s]));
// kombu registers these aliases for the same decoders.
BY_CONTENT_TYPE.set("application/x-yaml; charset=utf-8", SERIALIZERS.yaml);
BY_CONTENT_TYPE.set("application/msgpack", SERIALIZERS.msgpack);

/** Looks a serializer up by name (`json`) or content type (`application/json`). */
export function findSerializer(nameOrContentType: string): SerializerSpec | undefined {
  return (SERIALIZERS as Readonly<Record<string, SerializerSpec>>)[nameOrContentType] ?? BY_CONTENT_TYPE.get(nameOrContentType);
}

/**
 * Resolves an accept list of names or content types (Celery allows both) to content types.
 * `pickle` is refused here too: celery-proto never deserializes pickle.
 */
export function resolveAcceptList(accept: readonly string[] = DEFAULT_ACCEPT): ReadonlySet<string> {
  const out = new Set<string>();
  for (const entry of accept) {
    if (entry === "pickle" || entry === PICKLE_CONTENT_TYPE) {
      throw new CeleryProtoError("InvalidOption", "accept list: pickle can never be accepted by celery-proto (remove 'pickle' from accept)");
    }
    if (entry === "auth" || entry === AUTH_CONTENT_TYPE) {
      out.add(AUTH_CONTENT_TYPE);
      continue;
    }
    const spec = findSerializer(entry);
    if (spec === undefined) {
      throw new CeleryProtoError("InvalidOption", `accept list: unknown serializer ${JSON.stringify(entry)}; known: json, msgpack, yaml, auth`);
    }
    out.add(spec.contentType);
  }
  return out;
}

/** Checks a message's content type against the accept list; returns its serializer or throws a typed refusal. */
export function checkContentType(contentType: unknown, accept: ReadonlySet<string>): SerializerSpec {
  if (contentType !== undefined && contentType !== null && typeof contentType !== "string") {
    throw new CeleryProtoError("UnsupportedContentType", `the content type must be a string, got ${typeof contentType}`);
  }
  const type = (contentType ?? "").trim().toLowerCase();
  if (type === PICKLE_CONTENT_TYPE) {
    throw new CeleryProtoError("ContentDisallowed", "refusing to deserialize content of type application/x-python-serialize (pickle)");
  }
  const spec = findSerializer(type);
  if (spec === undefined) {
    throw new CeleryProtoError("UnsupportedContentType", type === "" ? "message has no content type" : `unsupported content type ${JSON.stringify(type)}`);
  }
  if (!accept.has(spec.contentType)) {
    throw new CeleryProtoError(
      "ContentDisallowed",
      `refusing to deserialize content of type ${spec.contentType} (not in the accept list: ${[...accept].join(", ")})`,
    );
  }
  return spec;
}
