/**
 * Python scalar values that have no lossless JavaScript equivalent. The codec decodes kombu JSON
 * `__type__` wrappers into these (datetime becomes a plain `Date`) and encodes them back to the same wrapper.
 */

const PY_VALUE = Symbol.for("celery-proto.PyValue");

abstract class PyValue {
  constructor() {
    Object.defineProperty(this, PY_VALUE, { value: true });
  }
  abstract toString(): string;
  toJSON(): string {
    return this.toString();
  }
}

/** A number Python must read as `float` even when it is integral (`1.0`, not `1`). */
export class PyFloat extends PyValue {
  constructor(readonly value: number) {
    super();
  }
  override toString(): string {
    return String(this.value);
  }
}

/** `decimal.Decimal`, kept as its exact string form (`str(d)`). */
export class PyDecimal extends PyValue {
  constructor(readonly value: string) {
    super();
  }
  override toString(): string {
    return this.value;
  }
}

/** `uuid.UUID`, kept as the 32-hex-digit form kombu writes (`{"hex": ...}`). */
export class PyUuid extends PyValue {
  readonly hex: string;
  constructor(value: string) {
    super();
    this.hex = value.replace(/[-{}]/g, "").toLowerCase();
  }
  /** The canonical 8-4-4-4-12 form. */
  override toString(): string {
    const h = this.hex;
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}

/** `datetime.date`: a calendar date without time (`YYYY-MM-DD`). */
export class PyDate extends PyValue {
  constructor(readonly iso: string) {
    super();
  }
  override toString(): string {
    return this.iso;
  }
}

/** `datetime.time`: a time of day, as Python's `isoformat()` wrote it. */
export class PyTime extends PyValue {
  constructor(readonly iso: string) {
    super();
  }
  override toString(): string {
    return this.iso;
  }
}

/** Marks `value` so Python decodes it as a float: `pyFloat(1)` is written `1.0`. */
export function pyFloat(value: number): PyFloat {
  return new PyFloat(value);
}
