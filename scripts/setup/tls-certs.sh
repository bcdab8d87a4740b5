#!/usr/bin/env bash
# Generates, once, the test PKI the TLS listeners use, under $CELERY_PROTO_TLS_DIR (idempotent: existing files are kept):
#   ca.pem/ca.key          the CA every broker and client trusts
#   server.pem/server.key  the brokers' certificate, for localhost and 127.0.0.1
#   client.pem/client.key  a client certificate of the same CA (mutual TLS)
#   other-ca.pem/.key      an unrelated CA ("wrong CA" tests), and other-client.pem/.key signed by it
# Usage: scripts/setup/tls-certs.sh   (sourced by brokers.sh; needs openssl)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=./env.sh
source "$here/env.sh"

generate_tls_certs() {
  local dir="$CELERY_PROTO_TLS_DIR"
  command -v openssl >/dev/null 2>&1 || { echo "[tls] openssl is needed to generate $dir" >&2; return 1; }
  if [ -f "$dir/other-client.pem" ]; then return 0; fi
  mkdir -p "$dir"
  local tmp
  tmp="$(mktemp -d "$dir/.gen.XXXXXX")"
  ca() { # name subject
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=$2" -keyout "$tmp/$1.key" -out "$tmp/$1.pem" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  }
  leaf() { # name issuer subject extensions
    openssl req -newkey rsa:2048 -nodes -subj "/CN=$3" -keyout "$tmp/$1.key" -out "$tmp/$1.csr" 2>/dev/null
    printf '%s\n' "$4" >"$tmp/$1.ext"
    openssl x509 -req -in "$tmp/$1.csr" -CA "$tmp/$2.pem" -CAkey "$tmp/$2.key" -CAcreateserial -days 3650 \
      -extfile "$tmp/$1.ext" -out "$tmp/$1.pem" 2>/dev/null
    rm -f "$tmp/$1.csr" "$tmp/$1.ext"
  }
  ca ca "celery-proto test CA"
  ca other-ca "unrelated test CA"
  leaf server ca localhost "subjectAltName=DNS:localhost,IP:127.0.0.1
extendedKeyUsage=serverAuth"
  leaf client ca celery-proto-client "extendedKeyUsage=clientAuth"
  leaf other-client other-ca unrelated-client "extendedKeyUsage=clientAuth"
  rm -f "$tmp"/*.srl
  chmod 600 "$tmp"/*.key
  # Files appear at once and complete: other-client.pem, checked above, last.
  for f in ca.key ca.pem other-ca.key other-ca.pem server.key server.pem client.key client.pem other-client.key other-client.pem; do
    mv "$tmp/$f" "$dir/$f"
  done
  rmdir "$tmp"
  echo "[tls] generated the test CA and certificates in $dir"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then generate_tls_certs; fi
