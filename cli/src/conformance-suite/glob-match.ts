/** Whether `name` matches `pattern`: `*` any run of characters except `/`, `**` any run including `/`, `?` one character. */
export function globMatch(pattern: string, name: string): boolean {
  return globToRegExp(pattern).test(name);
}

function globToRegExp(pattern: string): RegExp {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === "*") {
      if (pattern[i + 1] === "*") {
        out += ".*";
        i++;
      } else out += "[^/]*";
    } else if (ch === "?") out += "[^/]";
    else out += ch.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${out}$`);
}
