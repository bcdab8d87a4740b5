#!/usr/bin/env python
"""Pretty-print recorded vectors with their bodies decoded (debugging aid; does not modify files).

    python conformance/recorder/show_vector.py conformance/vectors/5.7.0/redis/simple-call.json [...]

For each captured message: Redis envelopes are parsed, base64 bodies decoded, compression undone
(zlib / bz2 / lzma per the ``compression`` header) and the payload parsed per content type
(json, msgpack, yaml if the libraries are importable). Decoded bodies are shown as plain JSON
(bytes as ``<bytes hex>``); kombu ``__type__`` wrappers are left as they are on the wire.
"""

from __future__ import annotations

import base64
import bz2
import json
import lzma
import sys
import zlib

DECOMPRESS = {
    "application/x-gzip": zlib.decompress,
    "application/x-bz2": bz2.decompress,
    "application/x-lzma": lzma.decompress,
}


def _plain(value):
    if isinstance(value, bytes):
        return f"<bytes {value.hex()}>"
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return repr(value)


def decode_payload(raw: bytes, content_type: str | None, compression: str | None):
    if compression:
        raw = DECOMPRESS[compression](raw)
    if content_type in (None, "application/json"):
        return json.loads(raw)
    if content_type == "application/x-msgpack":
        import msgpack
        return _plain(msgpack.unpackb(raw, raw=False))
    if content_type == "application/x-yaml":
        import yaml
        return _plain(yaml.safe_load(raw))
    return f"<{content_type}: {raw!r}>"


def decode_message(msg: dict) -> dict:
    if msg["transport"] == "amqp":
        props = msg["properties"]
        headers = props.get("headers") or {}
        body = decode_payload(base64.b64decode(msg["body"]), props.get("content_type"),
                              headers.get("compression"))
        return {"delivery_info": msg["delivery_info"], "properties": props, "decoded_body": body}
    out = {"command": msg["command"], "key": msg["key"]}
    if msg["command"] in ("LPUSH", "PUBLISH") and msg["raw"].startswith("{"):
        env = json.loads(msg["raw"])
        if isinstance(env, dict) and "body" in env and "properties" in env:
            raw = env["body"]
            raw = base64.b64decode(raw) if env["properties"].get("body_encoding") == "base64" else raw.encode()
            headers = env.get("headers") or {}
            out["envelope"] = {k: v for k, v in env.items() if k != "body"}
            out["decoded_body"] = decode_payload(raw, env.get("content-type"), headers.get("compression"))
            return out
    try:
        out["decoded"] = json.loads(msg["raw"])
    except ValueError:
        out["raw"] = msg["raw"]
    for k, v in msg.items():
        if k not in ("transport", "command", "key", "raw"):
            out[k] = v
    return out


def main(paths):
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            vector = json.load(fh)
        head = {k: v for k, v in vector.items() if k != "messages"}
        print(f"=== {path}")
        print(json.dumps(head, indent=2, ensure_ascii=False))
        for i, msg in enumerate(vector["messages"]):
            print(f"--- message {i}")
            print(json.dumps(decode_message(msg), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
