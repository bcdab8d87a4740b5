/**
 * JSON replacer: NaN, ±Infinity and bigints, which JSON cannot carry, as the peer producer's `$py` tags
 * (`{"$py": "float", "value": "nan"}`, `{"$py": "int", "value": "18446744073709551616"}`), so that Celery's producer
 * sends Python's float and int.
 */
export function toPyNumberTags(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return { $py: "int", value: value.toString() };
  if (typeof value === "number" && !Number.isFinite(value)) return { $py: "float", value: Number.isNaN(value) ? "nan" : value > 0 ? "inf" : "-inf" };
  return value;
}

/** JSON reviver: the peer's `$py` float and int tags back as NaN, ±Infinity and bigint; other tags stay as written. */
export function fromPyNumberTags(_key: string, value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const tag = value as Record<string, unknown>;
  if (Object.keys(tag).length !== 2 || typeof tag["value"] !== "string") return value;
  if (tag["$py"] === "int" && /^-?\d+$/.test(tag["value"])) return BigInt(tag["value"]);
  if (tag["$py"] === "float" && ["nan", "inf", "-inf"].includes(tag["value"]))
    return tag["value"] === "nan" ? Number.NaN : tag["value"] === "inf" ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  return value;
}
