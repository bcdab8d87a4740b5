import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import { encodeKombuJson, type KombuJsonFlavor } from "../json/kombu-json.js";
import { toPlainData } from "./to-plain-data.js";
import { msgpackModule, yamlModule } from "./lazy-codec-modules.js";
import { SERIALIZERS, type SerializerName, type SerializerSpec } from "./content-types.js";

export interface SerializedBody {
  readonly body: Uint8Array;
  readonly contentType: string;
  readonly contentEncoding: string;
}

/** Serializes a value with the named serializer, the way kombu's `dumps` does. */
export function serializeBody(value: unknown, serializer: SerializerName = "json", jsonFlavor: KombuJsonFlavor = "kombu5.3"): SerializedBody {
  const spec: SerializerSpec | undefined = SERIALIZERS[serializer];
  if (spec === undefined)
    throw new CeleryProtoError("InvalidOption", `serializer: unknown serializer ${JSON.stringify(serializer)}; use json, msgpack or yaml`);
  let body: Uint8Array;
  switch (spec.name) {
    case "json":
      body = new TextEncoder().encode(encodeKombuJson(value, jsonFlavor));
      break;
    case "msgpack":
      body = msgpackModule().encode(toPlainData(value, "msgpack"), { useBigInt64: true, ignoreUndefined: true });
      break;
    case "yaml":
      body = new TextEncoder().encode(yamlModule().stringify(toPlainData(value, "yaml"), { version: "1.1" }));
      break;
  }
  return { body, contentType: spec.contentType, contentEncoding: spec.contentEncoding };
}
