"""Celery's "Using Quorum Queues" recipe (docs/getting-started/backends-and-brokers/rabbitmq.rst), with the broker,
backend and queue name from the environment: QP_BROKER_URL, QP_RESULT_BACKEND, QP_QUEUE."""

import os

broker_url = os.environ["QP_BROKER_URL"]
result_backend = os.environ["QP_RESULT_BACKEND"]

task_default_queue_type = "quorum"
task_default_exchange_type = "topic"
task_default_queue = os.environ.get("QP_QUEUE", "qp-tasks")
broker_transport_options = {"confirm_publish": True}

# The guide routes with {"*": {"routing_key": ...}}; a route without a queue makes Celery 5.7's send_task raise
# KeyError('exchange_type') for every countdown or ETA task on quorum queues, so the route names the queue.
task_routes = {
    "*": {
        "queue": task_default_queue,
    },
}
