"""A Celery 5.7 project on RabbitMQ quorum queues, configured as Celery's RabbitMQ guide recommends (quorum default
queue on a topic exchange, publisher confirms), so that ETA and countdown tasks travel by native delayed delivery.

``celery -A quorum_project.celery worker``; ``python -m quorum_project.produce`` publishes from Python.
"""
