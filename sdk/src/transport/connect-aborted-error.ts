import { CeleryProtoError } from "../errors/celery-proto-error.js";
import { maskBrokerUrl } from "./mask-broker-url.js";

/** The rejection of a connection given up because its caller aborted it (e.g. the worker was asked to stop). */
export function abortedError(url: string): CeleryProtoError {
  return new CeleryProtoError("TransportClosed", `connecting to ${maskBrokerUrl(url)} was aborted`);
}
