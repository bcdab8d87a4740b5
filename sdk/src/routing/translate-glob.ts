/**
 * Python's `fnmatch.translate` (3.11) as a JavaScript regular expression with the same full-match semantics: `*` any
 * run (newlines too, `(?s:...)`), `?` one character, `[...]` a class (`!` negates, `]` first is literal, reversed
 * ranges dropped, `[]` never matches, an unclosed `[` is literal), everything else literal.
 */
export function translateGlob(pattern: string): RegExp {
  const out: string[] = [];
  const n = pattern.length;
  let i = 0;
  while (i < n) {
    const c = pattern[i]!;
    i += 1;
    if (c === "*") {
      if (out.at(-1) !== "[\\s\\S]*") out.push("[\\s\\S]*");
    } else if (c === "?") out.push("[\\s\\S]");
    else if (c === "[") {
      let j = i;
      if (j < n && pattern[j] === "!") j += 1;
      if (j < n && pattern[j] === "]") j += 1;
      while (j < n && pattern[j] !== "]") j += 1;
      if (j >= n) out.push("\\[");
      else {
        let stuff: string;
        if (!pattern.slice(i, j).includes("-")) stuff = pattern.slice(i, j).replace(/\\/g, "\\\\");
        else {
          const chunks: string[] = [];
          let k = pattern[i] === "!" ? i + 2 : i + 1;
          for (;;) {
            k = pattern.indexOf("-", k);
            if (k < 0 || k >= j) break;
            chunks.push(pattern.slice(i, k));
            i = k + 1;
            k += 3;
          }
          const chunk = pattern.slice(i, j);
          if (chunk !== "") chunks.push(chunk);
          else chunks[chunks.length - 1] += "-";
          for (let m = chunks.length - 1; m > 0; m--) {
            const prev = chunks[m - 1]!;
            if (prev.slice(-1) > chunks[m]![0]!) {
              chunks[m - 1] = prev.slice(0, -1) + chunks[m]!.slice(1);
              chunks.splice(m, 1);
            }
          }
          stuff = chunks.map((s) => s.replace(/\\/g, "\\\\").replace(/-/g, "\\-")).join("-");
        }
        stuff = stuff.replace(/([&~|])/g, "\\$1");
        i = j + 1;
        if (stuff === "") out.push("(?!)");
        else if (stuff === "!") out.push("[\\s\\S]");
        else {
          if (stuff[0] === "!") stuff = `^${stuff.slice(1)}`;
          else if (stuff[0] === "^" || stuff[0] === "[") stuff = `\\${stuff}`;
          // `]` can only lead the class; JavaScript reads `[]` and `[^]` differently from Python, so escape it.
          out.push(`[${stuff.replace(/\]/g, "\\]")}]`);
        }
      }
    } else out.push(c.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&"));
  }
  return new RegExp(`^(?:${out.join("")})$`);
}
