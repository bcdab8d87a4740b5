"""The Python half of the demo: enqueue to the TypeScript worker with plain Celery and wait with AsyncResult.get()."""
import datetime
import sys

from celery import Celery

app = Celery("demo", broker=sys.argv[1], backend=sys.argv[2])
app.conf.task_default_queue = sys.argv[3]

print("python: demo.add(40, 2) ->", app.send_task("demo.add", (40, 2)).get(timeout=30))
print("python: demo.days_until(date) ->", app.send_task("demo.days_until", (datetime.datetime(2025, 3, 1, tzinfo=datetime.timezone.utc),)).get(timeout=30))
try:
    app.send_task("demo.fail", ("raised in TypeScript",)).get(timeout=30)
except ValueError as exc:
    print(f"python: demo.fail raised {type(exc).__module__}.{type(exc).__name__}: {exc}")
