"""A Celery project configured the old way (uppercase settings in ``celeryconfig.py``), routing its tasks over four
queues of one direct exchange — modelled on the routing example of a widely read write-up. Used by
``proto import-python --config-out`` (conformance/tests/import-python-config.test.ts) and the routing end-to-end test.

Environment:

=================== ======================================================================================
``RP_BROKER_URL``   ``BROKER_URL`` (default ``redis://127.0.0.1:6391/5``)
``RP_RESULT_BACKEND`` ``CELERY_RESULT_BACKEND`` (default ``redis://127.0.0.1:6391/5``)
``RP_QUEUE_PREFIX`` prefixes every queue, exchange and routing key name (default ``''``), so that a test owns
                    its queues — the exchange and routing keys too, or two prefixes' queues bound to one direct
                    exchange by the same key would each get a copy of every message.
=================== ======================================================================================
"""
