"""Publishes one message with app.send_task (a task this process does not register: the path beat and clients
take for remote tasks) to a Redis list and prints nothing. Usage: send_task_message.py <redis_url> <queue>"""
import sys

from celery import Celery

app = Celery("sender", broker=sys.argv[1], set_as_current=False)
app.send_task("remote.tasks.add", args=(2, 3), kwargs={"x": 1}, queue=sys.argv[2])
