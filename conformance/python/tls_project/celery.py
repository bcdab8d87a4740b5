"""The app: Celery's TLS settings, as a project writes them (``ssl.CERT_REQUIRED`` constants, file paths)."""

import json
import os
import ssl

from celery import Celery


def _ssl_options(variable):
    """The JSON dict in ``variable``, with ``cert_reqs`` / ``ssl_cert_reqs`` names turned into ``ssl.CERT_*``."""
    text = os.environ.get(variable)
    if not text:
        return None
    options = json.loads(text)
    for key in ("cert_reqs", "ssl_cert_reqs"):
        if isinstance(options.get(key), str):
            options[key] = getattr(ssl, options[key])
    return options


app = Celery("tls_project", include=["tls_project.tasks"])
app.conf.update(
    broker_url=os.environ["TLS_BROKER_URL"],
    result_backend=os.environ["TLS_RESULT_BACKEND"],
    task_default_queue=os.environ.get("TLS_QUEUE", "celery"),
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
)
if _ssl_options("TLS_BROKER_USE_SSL") is not None:
    app.conf.broker_use_ssl = _ssl_options("TLS_BROKER_USE_SSL")
if _ssl_options("TLS_BACKEND_USE_SSL") is not None:
    app.conf.redis_backend_use_ssl = _ssl_options("TLS_BACKEND_USE_SSL")
