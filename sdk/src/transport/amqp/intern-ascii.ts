/** Strings up to this many bytes are interned; longer ones (ids) rarely repeat. */
export const INTERN_MAX_BYTES = 24;
const SLOTS = 1024;
const slotBytes: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(SLOTS).fill(undefined);
const slotTexts: string[] = new Array<string>(SLOTS).fill("");

/**
 * `buf[start, start + n)` as a string when every byte is ASCII (then UTF-8 and Latin-1 read it alike), else null;
 * n at most {@link INTERN_MAX_BYTES}. Header keys and most short values (`lang`, the task name, the content type)
 * repeat in every message, so the last string seen per hash slot (1,024 slots, one process-wide table) is handed back
 * instead of making a new one: decoding a string is a native call that costs more than the comparison.
 */
export function internAscii(buf: Uint8Array, start: number, n: number): string | null {
  let hash = n;
  const end = start + n;
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c > 0x7f) return null;
    hash = (Math.imul(hash, 31) + c) | 0;
  }
  const slot = (hash ^ (hash >>> 10)) & (SLOTS - 1);
  const known = slotBytes[slot];
  if (known !== undefined && known.length === n) {
    let same = true;
    for (let j = 0; j < n; j++) {
      if (known[j] !== buf[start + j]) {
        same = false;
        break;
      }
    }
    if (same) return slotTexts[slot]!;
  }
  const text = Buffer.from(buf.buffer, buf.byteOffset + start, n).toString("latin1");
  slotBytes[slot] = buf.slice(start, end);
  slotTexts[slot] = text;
  return text;
}
