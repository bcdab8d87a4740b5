"""celery-proto's Celery peer: a real Celery worker, beat and HTTP producer for `proto conformance run`.

Run as ``python -m celery_proto_peer worker|beat|producer|healthcheck`` (or ``entrypoint.sh <role>``).
Everything is configured from the environment: see ``app.py`` and the container README.
"""
