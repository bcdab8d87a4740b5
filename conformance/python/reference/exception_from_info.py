"""Reads exception dicts (one JSON object per line on stdin) and prints how Celery's result backend turns each into
a Python exception (celery.backends.base.Backend.exception_to_python): the class, its module, its args, and
whether it is a subclass of the builtin the TS side mapped to."""
import builtins
import json
import sys

from celery import Celery

app = Celery("exceptions", backend="cache+memory://", set_as_current=False)
backend = app.backend

for line in sys.stdin:
    info = json.loads(line)
    exc = backend.exception_to_python(info)
    builtin = getattr(builtins, info.get("exc_type", ""), None)
    print(json.dumps({
        "class": type(exc).__name__,
        "module": type(exc).__module__,
        "args": [str(a) for a in exc.args],
        "is_builtin_subclass": isinstance(builtin, type) and isinstance(exc, builtin),
        "is_exception": isinstance(exc, Exception),
    }))
