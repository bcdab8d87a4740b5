"""The peer's Celery app, configured only from the environment.

Precedence, lowest first:

1. the peer's own defaults: ``task_default_queue`` = the first of ``PEER_QUEUES``,
   ``accept_content`` = json plus msgpack / yaml when installed (so serializer cases run), and
   ``worker_send_task_events`` = True (the worker sends task events, as ``celery worker -E``, so the
   events cases run);
2. ``PEER_CONFIG``: path of the user's Celery settings, a ``.py`` module file or a ``.json`` object;
3. every environment variable ``CELERY_<NAME>`` whose lowercase ``<name>`` is a Celery setting
   (``CELERY_BROKER_URL``, ``CELERY_RESULT_BACKEND``, ``CELERY_TASK_DEFAULT_QUEUE_TYPE``...). The
   value is JSON-decoded when it parses as JSON (``1``, ``true``, ``{"visibility_timeout": 60}``),
   else taken as the string.
"""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path
from types import ModuleType
from typing import Any

from celery import Celery
from celery.app.defaults import DEFAULTS
from celery.utils.nodenames import default_nodename, host_format

__all__ = ["app", "create_app", "env_settings", "peer_queues", "peer_node_name", "resolved_node_name"]

DEFAULT_QUEUE = "celery-proto-peer"
DEFAULT_NODE_NAME = "peer@%h"


class PeerConfigError(RuntimeError):
    """A PEER_CONFIG file that cannot be loaded."""


def peer_queues() -> list[str]:
    """The queues the worker consumes: ``PEER_QUEUES``, comma-separated."""
    raw = os.environ.get("PEER_QUEUES", DEFAULT_QUEUE)
    queues = [q.strip() for q in raw.split(",") if q.strip()]
    return queues or [DEFAULT_QUEUE]


def peer_node_name() -> str:
    """The worker's node name as given (``%h`` not yet expanded)."""
    return os.environ.get("PEER_NODE_NAME") or DEFAULT_NODE_NAME


def resolved_node_name() -> str:
    """The node name as the worker reports it (``%h``, ``%n``, ``%d`` expanded like Celery does)."""
    return host_format(default_nodename(peer_node_name()))


def _decode(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value


def env_settings(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Celery settings given as ``CELERY_<NAME>`` environment variables."""
    environ = dict(os.environ) if environ is None else environ
    settings: dict[str, Any] = {}
    for key, value in environ.items():
        if not key.startswith("CELERY_"):
            continue
        name = key[len("CELERY_") :].lower()
        if name in DEFAULTS:
            settings[name] = _decode(value)
    return settings


def _load_config_file(path: str) -> ModuleType | dict[str, Any]:
    file = Path(path)
    if not file.is_file():
        raise PeerConfigError(f"PEER_CONFIG={path}: no such file")
    if file.suffix == ".json":
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise PeerConfigError(f"PEER_CONFIG={path}: not valid JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise PeerConfigError(f"PEER_CONFIG={path}: a JSON object of Celery settings is expected")
        return data
    if file.suffix == ".py":
        spec = importlib.util.spec_from_file_location("celery_proto_peer_user_config", file)
        if spec is None or spec.loader is None:
            raise PeerConfigError(f"PEER_CONFIG={path}: cannot be imported")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    raise PeerConfigError(f"PEER_CONFIG={path}: a .py or .json file is expected")


def _sets(source: ModuleType | dict[str, Any] | None, name: str) -> bool:
    if source is None:
        return False
    if isinstance(source, dict):
        return name in source
    return hasattr(source, name)


def _accept_content() -> list[str]:
    accept = ["json"]
    for serializer, module in (("msgpack", "msgpack"), ("yaml", "yaml")):
        if importlib.util.find_spec(module) is not None:
            accept.append(serializer)
    return accept


def create_app() -> Celery:
    """The peer's app from the current environment, with the built-in tasks registered."""
    app = Celery("celery_proto_peer", set_as_current=True)
    config_path = os.environ.get("PEER_CONFIG")
    source = _load_config_file(config_path) if config_path else None
    if source is not None:
        app.config_from_object(source)
    overrides: dict[str, Any] = {}
    peer_defaults = {
        "task_default_queue": peer_queues()[0],
        "accept_content": _accept_content(),
        # Task events on (``celery worker -E``): the events cases observe them.
        # CELERY_WORKER_SEND_TASK_EVENTS=false turns them off.
        "worker_send_task_events": True,
    }
    for name, value in peer_defaults.items():
        if not _sets(source, name):
            overrides[name] = value
    overrides.update(env_settings())
    # conf.update after config_from_object wins over the file: env beats file.
    app.conf.update(overrides)
    from .tasks import register_tasks

    register_tasks(app)
    return app


app = create_app()
