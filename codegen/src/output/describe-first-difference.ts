const CONTEXT_BEFORE = 20;
const SNIPPET_LENGTH = 60;

/**
 * A one-line hint at where two versions of a file part: the first differing line and column,
 * with a short excerpt of both versions from just before that column, e.g.
 * `line 12, column 3: committed "foo?: string;" / generated "foo: string;"`.
 */
export function describeFirstDifference(committed: string, generated: string): string {
  const committedLines = splitLines(committed);
  const generatedLines = splitLines(generated);
  const length = Math.max(committedLines.length, generatedLines.length);
  for (let index = 0; index < length; index++) {
    const before = committedLines[index];
    const after = generatedLines[index];
    if (before !== after) {
      const column = firstDifferentColumn(before ?? "", after ?? "");
      const from = Math.max(0, column - CONTEXT_BEFORE);
      return `line ${index + 1}, column ${column + 1}: committed ${excerpt(before, from)} / generated ${excerpt(after, from)}`;
    }
  }
  return committed === generated ? "identical" : "differs only in the final newline";
}

/** Lines without the empty string `split` leaves after a final newline. */
function splitLines(text: string): string[] {
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") {
    lines.pop();
  }
  return lines;
}

function firstDifferentColumn(a: string, b: string): number {
  let column = 0;
  while (column < a.length && column < b.length && a[column] === b[column]) {
    column++;
  }
  return column;
}

function excerpt(line: string | undefined, from: number): string {
  if (line === undefined) {
    return "<end of file>";
  }
  const slice = line.slice(from, from + SNIPPET_LENGTH);
  return `${from > 0 ? "…" : ""}${JSON.stringify(slice)}${from + SNIPPET_LENGTH < line.length ? "…" : ""}`;
}
