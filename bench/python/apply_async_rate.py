"""Enqueues N tasks with Python Celery's apply_async and prints the rate as JSON (Python's producer row of bench/run.sh).

Usage: python apply_async_rate.py <broker_url> <queue> <count>
Publishes conformance.add(i, i) with default options (json, no result backend) and publisher confirms as kombu
does by default on py-amqp (confirm_publish is off by default in Celery; set BENCH_CONFIRM=1 to enable).
"""
import json
import os
import sys
import time

from celery import Celery


def main():
    broker, queue, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    app = Celery("bench", broker=broker, set_as_current=False)
    app.conf.task_default_queue = queue
    if os.environ.get("BENCH_CONFIRM") == "1":
        app.conf.broker_transport_options = {"confirm_publish": True}
    with app.producer_or_acquire() as producer:
        app.send_task("conformance.add", (0, 0), producer=producer)  # warm-up: connect and declare
        start = time.perf_counter()
        for i in range(count):
            app.send_task("conformance.add", (i, i), producer=producer)
        elapsed = time.perf_counter() - start
    print(json.dumps({"count": count, "seconds": elapsed, "rate": count / elapsed}))


if __name__ == "__main__":
    main()
