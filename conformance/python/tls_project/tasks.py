"""The one task both workers run: it says who ran it, so a test knows which side did."""

from celery import shared_task


@shared_task(name="tls.add")
def add(x, y):
    return {"sum": x + y, "by": "python"}
