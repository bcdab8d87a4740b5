/** Texts shorter than this go to `JSON.parse` unscanned: even fully nested, V8 parses them in well under a millisecond. */
const SCAN_FROM_LENGTH = 64 * 1024;

/**
 * Whether the JSON `text` opens more than `limit` arrays or objects inside each other (strings skipped), for texts
 * of at least 64 KB. `JSON.parse` on millions of nested brackets (a zlib bomb inflates 32 KB into 32 MB of `[`) takes
 * seconds and a transient heap of about 80 bytes per level before it fails, where the exact reader refuses the same
 * text at `limit`. Linear in the number of brackets and quotes: long strings (pads, base64 bodies) are skipped with
 * `indexOf`.
 */
export function nestsDeeperThan(text: string, limit: number): boolean {
  if (text.length < SCAN_FROM_LENGTH) return false;
  const structure = /["[\]{}]/g;
  let depth = 0;
  for (let match = structure.exec(text); match !== null; match = structure.exec(text)) {
    const char = text.charCodeAt(match.index);
    if (char === 0x22) {
      const end = closingQuote(text, match.index);
      if (end === -1) return false; // an unterminated string: JSON.parse fails on it at once
      structure.lastIndex = end + 1;
    } else if (char === 0x5b || char === 0x7b) {
      if (++depth > limit) return true;
    } else depth--;
  }
  return false;
}

/** The index of the quote that closes the string opened at `open`, or -1. */
function closingQuote(text: string, open: number): number {
  let at = text.indexOf('"', open + 1);
  while (at !== -1) {
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return at;
    at = text.indexOf('"', at + 1);
  }
  return -1;
}
