"""The app: ``celery -A routing_project.celery worker -Q default,insert_data,push,work``."""

from celery import Celery

app = Celery("routing_project", include=["routing_project.tasks"])
app.config_from_object("routing_project.celeryconfig")
