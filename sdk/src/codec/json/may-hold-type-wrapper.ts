/** `\u` escapes of the characters of `__type__` (`_`, `t`, `y`, `p`, `e`): a key spelled with one is still `__type__`. */
const ESCAPED_KEY_CHARACTER = /\\u00(?:5[fF]|7[049]|65)/;

/**
 * Whether JSON `text` may decode to an object with a `__type__` key, i.e. whether its kombu type wrappers need a
 * walk (`decodeTypeWrappers`). False only when no such key can be in it: `__type__` does not occur and none of its
 * characters is written as a `\u` escape (Python's json never escapes them; a match inside a string only costs the walk).
 */
export function mayHoldTypeWrapper(text: string): boolean {
  return text.includes("__type__") || (text.includes("\\u00") && ESCAPED_KEY_CHARACTER.test(text));
}
