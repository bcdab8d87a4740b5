/**
 * Celery's message signing settings (C:celery/app/defaults.py, namespace `security`), by their setting names. Paths
 * name files the keys and certificates are read from; nothing is ever taken from a message.
 */
export interface SecuritySettings {
  /** `security_key`: a PEM RSA private key file. Needed to sign (a client, or a worker sending tasks). */
  readonly security_key?: string | null;
  /** `security_key_password`: the key file's passphrase, if it is encrypted. */
  readonly security_key_password?: string | Uint8Array | null;
  /** `security_certificate`: the PEM certificate of `security_key`; its issuer and serial name the signer. */
  readonly security_certificate?: string | null;
  /** `security_cert_store`: a directory of PEM certificates (every file in it), or one file: the trusted signers. */
  readonly security_cert_store?: string | null;
  /** `security_digest`: the hash of the RSA-PSS signature. Default `sha256`. */
  readonly security_digest?: string | null;
}

/** Celery's `DEFAULT_SECURITY_DIGEST`. */
export const DEFAULT_SECURITY_DIGEST = "sha256";
