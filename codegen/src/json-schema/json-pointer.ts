import { isJsonObject, type JsonValue } from "./json-value.js";

/** Escapes one reference token for a JSON Pointer (RFC 6901). */
export function encodePointerSegment(segment: string): string {
  return segment.replaceAll("~", "~0").replaceAll("/", "~1");
}

/** Joins reference tokens into a JSON Pointer (`""` is the whole document). */
export function joinPointer(segments: readonly string[]): string {
  return segments.map((segment) => `/${encodePointerSegment(segment)}`).join("");
}

/**
 * Splits a JSON Pointer as it appears in a URI fragment (`#/$defs/Foo`, percent-encoded)
 * into its reference tokens.
 */
export function splitFragmentPointer(fragment: string): string[] {
  const pointer = decodeURIComponent(fragment.startsWith("#") ? fragment.slice(1) : fragment);
  if (pointer === "") {
    return [];
  }
  if (!pointer.startsWith("/")) {
    throw new Error(`"#${pointer}" is not a JSON Pointer fragment (plain-name anchors are not supported)`);
  }
  return pointer
    .slice(1)
    .split("/")
    .map((token) => token.replaceAll("~1", "/").replaceAll("~0", "~"));
}

/** Returns the value a JSON Pointer designates inside `document`, or `undefined` if it designates nothing. */
export function resolvePointer(document: JsonValue, segments: readonly string[]): JsonValue | undefined {
  let node: JsonValue | undefined = document;
  for (const segment of segments) {
    if (Array.isArray(node)) {
      node = /^(0|[1-9][0-9]*)$/.test(segment) ? node[Number(segment)] : undefined;
    } else if (isJsonObject(node) && Object.hasOwn(node, segment)) {
      node = node[segment];
    } else {
      return undefined;
    }
  }
  return node;
}
