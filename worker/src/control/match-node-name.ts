import { PythonError } from "./python-error.js";

/**
 * kombu's `match(hostname, pattern, matcher)` (K:kombu/matcher.py): `glob` = `fnmatch.fnmatch(hostname, pattern)`
 * (a full, case-sensitive match on POSIX), `pcre` = `re.match(pattern, hostname)` (anchored at the start only).
 * Python-only regex syntax is translated (`(?P<n>`, `(?P=n)`, `\A`, `\Z`). Another matcher raises
 * `MatcherNotInstalled`, as kombu does.
 */
export function matchNodeName(hostname: string, pattern: string, matcher: string): boolean {
  if (matcher === "glob") return fnmatchToRegExp(pattern).test(hostname);
  if (matcher === "pcre") return pcreToRegExp(pattern).test(hostname);
  throw new PythonError("MatcherNotInstalled", `No matcher installed for ${matcher}`);
}

/** Python's `fnmatch.translate`: `*`, `?`, `[seq]`, `[!seq]`; everything else literal; whole string. */
export function fnmatchToRegExp(pattern: string): RegExp {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") out += ".*";
    else if (c === "?") out += ".";
    else if (c === "[") {
      let j = i + 1;
      if (pattern[j] === "!") j++;
      if (pattern[j] === "]") j++;
      while (j < pattern.length && pattern[j] !== "]") j++;
      if (j >= pattern.length) {
        out += "\\[";
        continue;
      }
      let body = pattern.slice(i + 1, j);
      const negate = body.startsWith("!");
      if (negate) body = body.slice(1);
      out += `[${negate ? "^" : body.startsWith("^") ? "\\" : ""}${body.replace(/\\/g, "\\\\").replace(/\]/g, "\\]").replace(/\[/g, "\\[")}]`;
      i = j;
    } else out += c.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
  }
  return new RegExp(`^(?:${out})$`, "s");
}

function pcreToRegExp(pattern: string): RegExp {
  const js = pattern
    .replace(/\(\?P<([A-Za-z_]\w*)>/g, "(?<$1>")
    .replace(/\(\?P=([A-Za-z_]\w*)\)/g, "\\k<$1>")
    .replace(/\\A/g, "^")
    .replace(/\\Z/g, "$(?![\\s\\S])");
  try {
    return new RegExp(`^(?:${js})`);
  } catch (e) {
    throw new PythonError("re.error", e instanceof Error ? e.message : String(e));
  }
}
