/** A JSON value as parsed: integers beyond ±2^53 stay exact as bigint. */
export type ParsedJson = null | boolean | number | bigint | string | ParsedJson[] | { [key: string]: ParsedJson };
