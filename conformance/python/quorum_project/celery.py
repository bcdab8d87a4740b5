"""The app: ``celery -A quorum_project.celery worker`` (no -Q: the default queue)."""

from celery import Celery

app = Celery("quorum_project", include=["quorum_project.tasks"])
app.config_from_object("quorum_project.celeryconfig")
