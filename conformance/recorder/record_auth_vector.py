#!/usr/bin/env python
"""Record the golden vector of a message signed by REAL Celery's ``auth`` serializer.

Usage (from the repository root, with a Redis server to publish to):

    .venv/bin/python conformance/recorder/record_auth_vector.py --redis redis://127.0.0.1:6391/9 \
        --out conformance/vectors-auth

Celery 5.x (``app.setup_security``) signs with the test-only key and certificate of
``conformance/fixtures/security-test-only``; the message is captured raw (LRANGE of the ``celery`` list)
without any Celery consumer, then the list is deleted. The vector holds the kombu envelope as stored.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import celery
import cryptography
import kombu
import redis

ROOT = Path(__file__).resolve().parent.parent.parent
FIXTURES = ROOT / "conformance" / "fixtures" / "security-test-only"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--redis", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--digest", default="sha256")
    args = parser.parse_args()

    app = celery.Celery("auth_vector", broker=args.redis)
    app.conf.update(
        task_serializer="auth",
        accept_content=["auth"],
        security_key=str(FIXTURES / "signer-key.pem"),
        security_certificate=str(FIXTURES / "signer-cert.pem"),
        security_cert_store=str(FIXTURES / "store"),
        security_digest=args.digest,
    )
    # app.setup_security() has its own digest='sha256' default, which wins over the security_digest setting
    # (celery/app/base.py); pass it on so the vector is signed with the digest it is named after.
    app.setup_security(digest=args.digest)
    client = redis.Redis.from_url(args.redis)
    client.delete("celery")
    app.send_task(
        "conformance.add",
        args=(2, 3),
        kwargs={"note": "signed by Celery \u2713"},
        task_id="00000000-0000-4000-8000-00000000a17e",
    )
    raw = client.lrange("celery", 0, -1)
    client.delete("celery")
    if len(raw) != 1:
        print(f"expected one message on the 'celery' list, found {len(raw)}", file=sys.stderr)
        return 1
    vector = {
        "recorded_with": {
            "celery": celery.__version__,
            "kombu": kombu.__version__,
            "cryptography": cryptography.__version__,
            "python": sys.version.split()[0],
        },
        "settings": {
            "task_serializer": "auth",
            "accept_content": ["auth"],
            "security_key": "conformance/fixtures/security-test-only/signer-key.pem",
            "security_certificate": "conformance/fixtures/security-test-only/signer-cert.pem",
            "security_cert_store": "conformance/fixtures/security-test-only/store",
            "security_digest": args.digest,
        },
        "task": {"name": "conformance.add", "args": [2, 3], "kwargs": {"note": "signed by Celery \u2713"}},
        "envelope": raw[0].decode("utf-8"),
    }
    out = Path(args.out) / celery.__version__ / f"redis-signed-task-{args.digest}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(vector, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
