import { formatPythonFloat } from "../json/python-json-stringify.js";
import { PyDate, PyDecimal, PyFloat, PyTime, PyUuid } from "../json/python-values.js";

/** Wraps an array so `safeRepr` prints it as a Python tuple: `(1, 2)`, `(1,)`, `()`. */
export class PyTuple {
  constructor(readonly items: readonly unknown[]) {}
}

export interface SafeReprOptions {
  /** Celery's `argsrepr_maxsize` / `kwargsrepr_maxsize`: 1024. */
  readonly maxlen?: number;
  /** Containers nested this deep print as `[...]`. Celery's default is 3 (`task_repr_maxlevels`). */
  readonly maxlevels?: number;
  /**
   * Truncation rules. Celery 5.7 closes the container whose last item used up the budget without `, ...` and
   * never cuts a `[...]` marker; 5.2–5.6 always append `, ...`. Default "celery5.7".
   */
  readonly style?: "celery5.7" | "celery5.6";
}

type Literal = { readonly kind: "literal"; readonly value: string; readonly truncatable: boolean; readonly direction: -1 | 0 | 1 };
type Token =
  | Literal
  | { readonly kind: "key"; readonly value: string }
  | { readonly kind: "text"; readonly value: string }
  | { readonly kind: "quoted"; readonly value: string }
  | { readonly kind: "bytes"; readonly value: Uint8Array }
  | { readonly kind: "value"; readonly value: unknown };

const lit = (value: string, truncatable: boolean, direction: -1 | 0 | 1): Literal => ({ kind: "literal", value, truncatable, direction });
const KV_SEP = lit(": ", true, 0);
const LIST_SEP = lit(", ", true, 0);

/**
 * Celery's `saferepr` (celery/utils/saferepr.py), the function that fills the `argsrepr`/`kwargsrepr` headers and
 * the event `args`/`kwargs`/`result` fields: Python repr with a streaming length budget, strings in single quotes
 * with only `'` escaped, nesting beyond `maxlevels` as `[...]`, and dangling closing brackets kept on truncation.
 */
export function safeRepr(value: unknown, options: SafeReprOptions = {}): string {
  let maxlen = options.maxlen;
  // A task's most common result: no token list for it. `truncate` leaves "None" whole only below a budget of 5.
  if ((value === null || value === undefined) && (maxlen === undefined || maxlen > 4)) return "None";
  const maxlevels = options.maxlevels ?? 3;
  const modern = (options.style ?? "celery5.7") === "celery5.7";
  const out: string[] = [];
  // Work list of pending tokens, depth-first: expanding a container splices its tokens in front.
  const pending: Token[] = [{ kind: "value", value }];
  let level = 0;
  while (pending.length > 0) {
    const token = pending.shift()!;
    if (token.kind === "value") {
      const expanded = expand(token.value, level, maxlevels, modern);
      if (Array.isArray(expanded)) {
        pending.unshift(...expanded);
        continue;
      }
      pending.unshift(expanded);
      continue;
    }
    if (maxlen !== undefined && maxlen <= 0) {
      if (modern && token.kind === "literal" && token.direction < 0) {
        // The value that used the budget up was the last of its container: just close it.
        level += token.direction;
        out.push(token.value);
        continue;
      }
      out.push(", ...");
      // 5.7 puts the token that hit the limit back; before 5.7 it was dropped (a closing bracket could go missing).
      if (modern) pending.unshift(token);
      let depth = 0;
      for (const rest of pending) {
        if (rest.kind !== "literal" || rest.truncatable) continue;
        if (!modern) {
          out.push(rest.value);
          continue;
        }
        // Containers opened after the limit are not shown, so their closing brackets are skipped too.
        depth = Math.max(depth + rest.direction, -1);
        if (depth < 0) {
          depth = 0;
          out.push(rest.value);
        }
      }
      return out.join("");
    }
    let text: string;
    switch (token.kind) {
      case "literal":
        level += token.direction;
        text = token.value;
        break;
      case "key":
        text = safeRepr(token.value, { maxlen, maxlevels, style: options.style });
        break;
      case "quoted":
        text = `'${truncate(token.value, maxlen).replace(/'/g, "\\'")}'`;
        break;
      case "bytes":
        text = formatBytes(token.value, maxlen);
        break;
      case "text":
        text = truncate(token.value, maxlen);
        break;
    }
    out.push(text);
    if (maxlen !== undefined) maxlen -= text.length;
  }
  return out.join("");
}

/** Returns the tokens of a container (brackets included), or the single token of a scalar. */
function expand(value: unknown, level: number, maxlevels: number, modern: boolean): Token | Token[] {
  let start: string;
  let end: string;
  let children: Token[];
  if (value instanceof PyTuple) {
    start = "(";
    end = value.items.length === 1 ? ",)" : ")";
    children = separated(value.items.map((v): Token => ({ kind: "value", value: v })));
  } else if (Array.isArray(value)) {
    start = "[";
    end = "]";
    children = separated(value.map((v): Token => ({ kind: "value", value: v })));
  } else if (isPlainObject(value)) {
    start = "{";
    end = "}";
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    children = [];
    entries.forEach(([k, v], i) => {
      children.push({ kind: "key", value: k }, KV_SEP, { kind: "value", value: v });
      if (i < entries.length - 1) children.push(LIST_SEP);
    });
  } else {
    return scalarToken(value);
  }
  if (maxlevels && level >= maxlevels) {
    return modern ? lit(`${start}...${end}`, false, 0) : { kind: "text", value: `${start}...${end}` };
  }
  return [lit(start, false, 1), ...children, lit(end, false, -1)];
}

function separated(items: Token[]): Token[] {
  const out: Token[] = [];
  items.forEach((t, i) => {
    out.push(t);
    if (i < items.length - 1) out.push(LIST_SEP);
  });
  return out;
}

function scalarToken(value: unknown): Token {
  if (typeof value === "string") return { kind: "quoted", value };
  if (value instanceof Uint8Array) return { kind: "bytes", value };
  return { kind: "text", value: pythonScalarRepr(value) };
}

/** `str()`/`repr()` of a scalar as Python prints it. */
export function pythonScalarRepr(value: unknown): string {
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") {
    if (Number.isInteger(value)) return Object.is(value, -0) ? "0" : BigInt(value).toString();
    return pythonFloatStr(value);
  }
  if (value instanceof PyFloat) return pythonFloatStr(value.value);
  if (value instanceof PyDecimal) return `Decimal('${value.value}')`;
  if (value instanceof PyUuid) return `UUID('${value.toString()}')`;
  if (value instanceof PyDate) {
    const [y, m, d] = value.iso.split("-").map(Number);
    return `datetime.date(${y}, ${m}, ${d})`;
  }
  if (value instanceof PyTime) return pythonTimeRepr(value.iso);
  if (value instanceof Date) return pythonDatetimeRepr(value);
  if (typeof value === "function") return `<function ${value.name === "" ? "<anonymous>" : value.name}>`; // not its source text
  return String(value);
}

function pythonFloatStr(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (value === Infinity) return "inf";
  if (value === -Infinity) return "-inf";
  return formatPythonFloat(value);
}

function pythonDatetimeRepr(date: Date): string {
  const parts = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes()];
  const second = date.getUTCSeconds();
  const micro = date.getUTCMilliseconds() * 1000;
  if (micro !== 0) parts.push(second, micro);
  else if (second !== 0) parts.push(second);
  return `datetime.datetime(${parts.join(", ")}, tzinfo=datetime.timezone.utc)`;
}

function pythonTimeRepr(iso: string): string {
  const m = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?/.exec(iso);
  if (m === null) return `datetime.time.fromisoformat('${iso}')`;
  const parts = [Number(m[1]), Number(m[2])];
  const second = Number(m[3] ?? 0);
  const micro = Number((m[4] ?? "0").padEnd(6, "0"));
  if (micro !== 0) parts.push(second, micro);
  else if (second !== 0) parts.push(second);
  return `datetime.time(${parts.join(", ")})`;
}

function formatBytes(value: Uint8Array, maxlen: number | undefined): string {
  const chunk = maxlen !== undefined && maxlen > 0 && value.length > maxlen ? value.subarray(0, maxlen) : value;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(chunk);
  } catch {
    text = Buffer.from(chunk).toString("hex");
  }
  return `b'${text}${chunk === value ? "" : "..."}'`;
}

/** celery.utils.text.truncate: cut at maxlen, back to the last space, and add `...`. */
function truncate(text: string, maxlen: number | undefined): string {
  if (maxlen && text.length >= maxlen) {
    const head = text.slice(0, maxlen);
    const space = head.lastIndexOf(" ");
    return `${space === -1 ? head : head.slice(0, space)}...`;
  }
  return text;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
