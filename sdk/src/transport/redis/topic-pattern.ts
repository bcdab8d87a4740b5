/**
 * kombu's `TopicExchange.key_to_pattern` (K:kombu/transport/virtual/exchange.py): the Python regex stored in a topic
 * binding member. `escape_regex(key, '.#*')` backslash-escapes every character that is not alphanumeric (NUL becomes
 * `\000`), then each dot-separated word `*` / `#` becomes a wildcard, words are joined with `\.`, and the result is
 * anchored. kombu 5.7 writes `*` as `[^\.]+`; kombu <= 5.6 wrote `.*?[^\.]`.
 */
export function keyToPattern(routingKey: string, flavor: "kombu5.7" | "kombu5.3" = "kombu5.7"): string {
  let escaped = "";
  for (const ch of routingKey) {
    if (ch === "." || ch === "#" || ch === "*" || /^[\p{L}\p{N}]$/u.test(ch)) escaped += ch;
    else escaped += ch === "\0" ? "\\000" : `\\${ch}`;
  }
  const star = flavor === "kombu5.7" ? "[^\\.]+" : ".*?[^\\.]";
  const words = escaped.split(".").map((word) => (word === "*" ? star : word === "#" ? ".*?" : word));
  return `^${words.join("\\.")}$`;
}

/**
 * Compiles a pattern kombu stored (any `key_to_pattern` flavor) into a JS RegExp with Python `re.match` semantics:
 * `.` does not match `\n`, a final `$` also matches before one trailing `\n`, `\000` is NUL, and `\<punctuation>` is
 * that character. Returns `null` for a pattern outside that dialect (such a binding then matches nothing).
 */
export function compileTopicPattern(pattern: string): RegExp | null {
  let out = "";
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === "\\") {
      const next = pattern[i + 1];
      if (next === undefined) return null;
      if (pattern.startsWith("000", i + 1)) {
        out += "\\x00";
        i += 3;
        continue;
      }
      if (/[A-Za-z0-9]/.test(next)) return null;
      out += /[\x21-\x7e]/.test(next) ? `\\${next}` : next;
      i++;
      continue;
    }
    if (inClass) {
      out += ch;
      if (ch === "]") inClass = false;
      continue;
    }
    if (ch === "[") {
      inClass = true;
      out += ch;
      if (pattern[i + 1] === "^") {
        out += "^";
        i++;
      }
      continue;
    }
    if (ch === ".") out += "[^\\n]";
    else if (ch === "$" && i === pattern.length - 1) out += "(?=\\n?$)";
    else out += ch;
  }
  if (inClass) return null;
  try {
    return new RegExp(out);
  } catch {
    return null;
  }
}
