"""Sends ``tls.add(x, y)`` over the app's TLS broker and prints ``AsyncResult.get()`` (read over the TLS backend) as JSON.

Usage: ``python -m tls_project.call X Y [TIMEOUT]``
"""

import json
import sys

from tls_project.celery import app

x, y = int(sys.argv[1]), int(sys.argv[2])
timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 30
result = app.send_task("tls.add", args=(x, y))
print(json.dumps({"id": result.id, "value": result.get(timeout=timeout)}))
