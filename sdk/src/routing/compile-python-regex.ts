import { CeleryProtoError } from "../errors/celery-proto-error.js";

/**
 * A Python `re` pattern (a `task_routes` key `"re:<pattern>"`, Celery's compiled-regex key) as a JavaScript regular
 * expression with Python's `re.match` semantics: anchored at the start only (sticky), `$` also before a final newline,
 * `\Z`/`\A`, named groups `(?P<n>...)`/`(?P=n)`, and leading global flags `(?i)`, `(?s)`, `(?m)`, `(?a)`, `(?u)`.
 * Python-only syntax beyond that (`(?x)`, possessive quantifiers, atomic groups, conditionals) is refused with
 * `InvalidOption`. Use `matchesAtStart` to test a name.
 */
export function compilePythonRegex(pattern: string): RegExp {
  let flags = "y";
  let body = pattern;
  for (;;) {
    const lead = /^\(\?([aiLmsux]+)\)/.exec(body);
    if (lead === null) break;
    for (const f of lead[1]!) {
      if (f === "i" || f === "s" || f === "m") flags += flags.includes(f) ? "" : f;
      else if (f === "x" || f === "L") throw unsupported(pattern, `the (?${f}) flag`);
    }
    body = body.slice(lead[0].length);
  }
  const multiline = flags.includes("m");
  let out = "";
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === "\\") {
      const next = body[i + 1];
      if (next === undefined) throw unsupported(pattern, "a trailing backslash");
      i += 1;
      if (!inClass && next === "Z") out += "(?![\\s\\S])";
      else if (!inClass && next === "A") out += "(?<![\\s\\S])";
      else out += `\\${next}`;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      out += c;
      continue;
    }
    if (c === "[") {
      inClass = true;
      out += c;
      // A `]` right after `[` or `[^` is literal in Python.
      if (body[i + 1] === "^") out += body[++i];
      if (body[i + 1] === "]") {
        out += "\\]";
        i += 1;
      }
      continue;
    }
    if (c === "$") out += multiline ? "$" : "(?=\\n?(?![\\s\\S]))";
    else if (c === "(" && body.startsWith("(?P<", i)) {
      out += "(?<";
      i += 3;
    } else if (c === "(" && body.startsWith("(?P=", i)) {
      const end = body.indexOf(")", i);
      out += `\\k<${body.slice(i + 4, end)}>`;
      i = end;
    } else if (c === "(" && (body.startsWith("(?>", i) || body.startsWith("(?(", i))) throw unsupported(pattern, "atomic groups and conditionals");
    else out += c;
  }
  try {
    return new RegExp(out, flags);
  } catch (e) {
    throw unsupported(pattern, (e as Error).message);
  }
}

/** Python's `regex.match(name)`: a match that starts at the beginning (it need not reach the end). */
export function matchesAtStart(regex: RegExp, name: string): boolean {
  regex.lastIndex = 0;
  return regex.test(name);
}

function unsupported(pattern: string, what: string): CeleryProtoError {
  return new CeleryProtoError("InvalidOption", `task_routes: the regular expression ${JSON.stringify(pattern)} cannot be used here (${what})`);
}
