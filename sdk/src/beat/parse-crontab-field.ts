import { CeleryProtoError } from "../errors/celery-proto-error.js";

/** A crontab field as a schedule file gives it: a pattern string, one integer, or a list of integers. */
export type CrontabFieldSpec = string | number | readonly number[];

const WEEKDAYS: Readonly<Record<string, number>> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const MONTHS: Readonly<Record<string, number>> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

const RANGE_STEPS = /^(\w+?)-(\w+)\/(\w+)?/u;
const RANGE = /^(\w+?)-(\w+)/u;
const STAR_STEPS = /^\*\/(\w+)?/u;

/**
 * Expands one crontab field to the sorted set of values it matches, exactly as Celery's `crontab_parser` and
 * `crontab._expand_cronspec` do: comma-separated parts, each `*`, `*\/n`, `a`, `a-b` or `a-b/n`; a range whose end is
 * below its start wraps around (`fri-mon`); names are tried as months first, then weekdays, by their first three
 * letters, in every field (as Celery does). `field` names the option in errors; `max`/`min` as Celery's parser
 * (values `min .. min+max-1`).
 */
export function parseCrontabField(spec: CrontabFieldSpec, field: string, max: number, min = 0): readonly number[] {
  let values: number[];
  if (typeof spec === "number") {
    if (!Number.isInteger(spec)) throw invalid(field, `must be an integer, got ${spec}`);
    values = [spec];
  } else if (typeof spec === "string") {
    const acc = new Set<number>();
    for (const part of spec.split(",")) {
      if (part === "") throw invalid(field, `empty part in ${JSON.stringify(spec)}`);
      for (const v of parsePart(part, field, max, min)) acc.add(v);
    }
    values = [...acc];
  } else if (Array.isArray(spec)) {
    for (const v of spec) if (!Number.isInteger(v)) throw invalid(field, `list items must be integers, got ${JSON.stringify(v)}`);
    values = [...new Set(spec)];
  } else {
    throw invalid(field, `must be a string, an integer or a list of integers, got ${JSON.stringify(spec)}`);
  }
  for (const v of values) {
    if (v >= max + min || v < min) throw invalid(field, `valid range is ${min}-${max - 1 + min}, '${v}' was found`);
  }
  return values.sort((a, b) => a - b);
}

function parsePart(part: string, field: string, max: number, min: number): number[] {
  let m = RANGE_STEPS.exec(part);
  if (m !== null) {
    if (m[3] === undefined) throw invalid(field, `empty step in ${JSON.stringify(part)}`);
    return everyNth(expandRange(m[1]!, m[2]!, field, max, min), toStep(m[3], field));
  }
  m = RANGE.exec(part);
  if (m !== null) return expandRange(m[1]!, m[2]!, field, max, min);
  m = STAR_STEPS.exec(part);
  if (m !== null) {
    if (m[1] === undefined) throw invalid(field, `empty step in ${JSON.stringify(part)}`);
    return everyNth(star(max, min), toStep(m[1], field));
  }
  if (part === "*") return star(max, min);
  return [expandNumber(part, field, max, min)];
}

function star(max: number, min: number): number[] {
  return Array.from({ length: max }, (_, i) => i + min);
}

function expandRange(fromText: string, toText: string, field: string, max: number, min: number): number[] {
  const from = expandNumber(fromText, field, max, min);
  const to = expandNumber(toText, field, max, min);
  const out: number[] = [];
  if (to < from) {
    for (let v = from; v < min + max; v++) out.push(v);
    for (let v = min; v <= to; v++) out.push(v);
  } else {
    for (let v = from; v <= to; v++) out.push(v);
  }
  return out;
}

function everyNth(values: number[], step: number): number[] {
  return values.filter((_, i) => i % step === 0);
}

function toStep(text: string, field: string): number {
  const n = toInt(text);
  if (n === undefined || n <= 0) throw invalid(field, `step must be a positive integer, got ${JSON.stringify(text)}`);
  return n;
}

function toInt(text: string): number | undefined {
  return /^\s*\+?\d+(_\d+)*\s*$/u.test(text) ? Number(text.replace(/[\s_+]/gu, "")) : undefined;
}

function expandNumber(text: string, field: string, max: number, min: number): number {
  if (text.startsWith("-")) throw invalid(field, "negative numbers are not supported");
  let i = toInt(text);
  if (i === undefined) {
    const abbreviation = text.slice(0, 3).toLowerCase();
    i = MONTHS[abbreviation] ?? WEEKDAYS[abbreviation];
    if (i === undefined) throw invalid(field, `invalid literal ${JSON.stringify(text)}`);
  }
  const maxVal = min + max - 1;
  if (i > maxVal) throw invalid(field, `invalid end range: ${i} > ${maxVal}`);
  if (i < min) throw invalid(field, `invalid beginning range: ${i} < ${min}`);
  return i;
}

function invalid(field: string, reason: string): CeleryProtoError {
  return new CeleryProtoError("InvalidOption", `crontab ${field}: ${reason}`);
}
