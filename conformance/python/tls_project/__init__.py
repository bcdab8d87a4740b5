"""A Celery app talking to its broker and Redis result backend over TLS (conformance/tests/tls-brokers.test.ts).

``celery -A tls_project.celery worker``; ``python -m tls_project.call`` sends one task and waits for its result.
Configuration from the environment: TLS_BROKER_URL, TLS_RESULT_BACKEND, TLS_QUEUE, and TLS_BROKER_USE_SSL /
TLS_BACKEND_USE_SSL (JSON dicts of ssl options; ``cert_reqs`` given as a name is turned into ``ssl.CERT_*``, as a
Python project writes it).
"""
