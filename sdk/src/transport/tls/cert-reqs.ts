import { CeleryProtoError } from "../../errors/celery-proto-error.js";

/** Python's `ssl.VerifyMode` as a client uses it. */
export type CertReqs = "none" | "optional" | "required";

// ssl.CERT_NONE = 0, CERT_OPTIONAL = 1, CERT_REQUIRED = 2 (an imported Python configuration writes the enum's value).
const BY_VALUE: ReadonlyMap<unknown, CertReqs> = new Map<unknown, CertReqs>([
  [0, "none"],
  [1, "optional"],
  [2, "required"],
  ["CERT_NONE", "none"],
  ["CERT_OPTIONAL", "optional"],
  ["CERT_REQUIRED", "required"],
  ["none", "none"],
  ["optional", "optional"],
  ["required", "required"],
]);

/**
 * Reads `ssl_cert_reqs` / `cert_reqs` as kombu and Celery do (`kombu.utils.url.parse_ssl_cert_reqs`, the Redis result
 * backend's table): the constant or its name. Unlike kombu, an unknown value is refused rather than read as "no
 * verification". `where` names the setting in the error.
 */
export function parseCertReqs(value: unknown, where: string): CertReqs {
  const reqs = BY_VALUE.get(value);
  if (reqs === undefined) {
    throw new CeleryProtoError(
      "InvalidOption",
      `${where}: must be ssl.CERT_REQUIRED (2), CERT_OPTIONAL (1) or CERT_NONE (0), or their names (CERT_REQUIRED / required, ...), not ${JSON.stringify(value)}`,
    );
  }
  return reqs;
}
