"""Python's round trip: sequential conformance.add(1, 1) calls, each awaited to its result (``.get()``), after 20
warm-up calls (the first waits for the worker to come up); prints {"latenciesMs": [...]} as JSON.

Usage: python round_trip.py <broker_url> <backend_url> <queue> <calls>
"""
import json
import sys
import time

from celery import Celery

WARM_UP = 20


def main():
    broker, backend, queue, calls = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    app = Celery("bench", broker=broker, backend=backend, set_as_current=False)
    app.conf.task_default_queue = queue
    latencies = []
    for i in range(WARM_UP + calls):
        start = time.perf_counter()
        app.send_task("conformance.add", (1, 1)).get(timeout=60)
        if i >= WARM_UP:
            latencies.append((time.perf_counter() - start) * 1000)
    print(json.dumps({"latenciesMs": latencies}))


if __name__ == "__main__":
    main()
