import os from "node:os";
import pkg from "../../../package.json" with { type: "json" };

/** The `sw_*` fields of worker events (Celery's `SOFTWARE_INFO`, C:celery/worker/state.py), identifying this implementation. */
export interface SoftwareInfo {
  /** Celery sends "py-celery"; we send "celery-proto". */
  readonly sw_ident: string;
  /** This package's version. */
  readonly sw_ver: string;
  /** Python's `platform.system()`: "Linux", "Darwin", "Windows", ... */
  readonly sw_sys: string;
}

export const SOFTWARE_INFO: SoftwareInfo = Object.freeze({
  sw_ident: "celery-proto",
  sw_ver: pkg.version,
  sw_sys: pythonPlatformSystem(),
});

/** Python's `platform.system()`: uname's sysname (what `os.type()` returns), except "Windows" for Windows_NT. */
export function pythonPlatformSystem(type: string = os.type()): string {
  return type === "Windows_NT" ? "Windows" : type;
}
