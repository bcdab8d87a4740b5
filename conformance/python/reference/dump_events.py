"""Prints the lines Celery's own `celery events --dump` formatter (celery.events.dumper.Dumper.on_event) writes for
the given events, so the TypeScript dumper can be compared line for line (no broker needed).

Usage: dump_events.py '<JSON list of event bodies>'
"""
import json
import sys

from celery.events.dumper import Dumper

dumper = Dumper(out=sys.stdout)
for event in json.loads(sys.argv[1]):
    dumper.on_event(dict(event))
