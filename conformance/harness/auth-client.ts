// Message signing in the live tests: Celery's settings with the TEST-ONLY key and certificates of
// conformance/fixtures/security-test-only, and conformance/python/reference/auth_client.py, a real Celery client
// with `setup_security()` (in the venv of the Celery line under test).
import { spawn } from "node:child_process";
import path from "node:path";
import type { CelerySettings } from "../../sdk/src/config/celery-settings.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
export const SECURITY_FIXTURES = path.join(ROOT, "conformance/fixtures/security-test-only");

/** Celery's settings for signing, as a Python project would set them. */
export const AUTH_SETTINGS: CelerySettings = {
  task_serializer: "auth",
  accept_content: ["auth"],
  security_key: path.join(SECURITY_FIXTURES, "signer-key.pem"),
  security_certificate: path.join(SECURITY_FIXTURES, "signer-cert.pem"),
  security_cert_store: path.join(SECURITY_FIXTURES, "store"),
};

export interface AuthClientCommand {
  readonly queue: string;
  readonly timeout: number;
  /** `conformance.add` argument pairs sent signed (`task_serializer='auth'`); their results are awaited. */
  readonly signed: readonly (readonly number[])[];
  /** Pairs sent as plain json (not awaited). */
  readonly unsigned: readonly (readonly number[])[];
}

export interface AuthClientOutput {
  readonly signed: readonly { readonly id: string; readonly value: unknown }[];
  readonly unsigned: readonly string[];
}

/** Runs auth_client.py with `venv`'s Python against `brokerUrl` and `backendUrl`. */
export function runAuthClient(venv: string, brokerUrl: string, backendUrl: string, command: AuthClientCommand): Promise<AuthClientOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(ROOT, venv, "bin/python"), [path.join(ROOT, "conformance/python/reference/auth_client.py")], {
      cwd: ROOT,
      env: { ...process.env, PYTHONPATH: path.join(ROOT, "conformance/python"), CONFORMANCE_BROKER_URL: brokerUrl, CONFORMANCE_RESULT_BACKEND: backendUrl },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) reject(new Error(`auth_client.py (${venv}) exited ${code}:\n${err}`));
      else resolve(JSON.parse(out) as AuthClientOutput);
    });
    child.stdin.end(JSON.stringify(command));
  });
}
