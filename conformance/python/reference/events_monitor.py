"""Watches Celery events with Celery's own EventReceiver and events State (what `celery events`, Flower and custom
monitors build on) and prints what State makes of one worker, as JSON lines.

Usage: events_monitor.py <worker hostname> <comma-separated task ids> <probe hostname> [timeout seconds]
(broker from the conformance app's environment, CONFORMANCE_BROKER_URL).

Prints "READY" on the first event from the probe hostname (on Redis the subscription starts lazily, after the
receiver's wake-up `heartbeat` broadcast, so only a received event proves it listens), then
{"phase": "alive", ...} when every listed task reached a ready state and the worker has sent at least two heartbeats,
then {"phase": "offline", ...} after the worker's worker-offline event, and exits (or {"phase": "timeout"}).
"""
import json
import sys
import threading

from celery.events.state import State
from celery.states import READY_STATES

from conformance_app import app

hostname = sys.argv[1]
expected = [t for t in sys.argv[2].split(",") if t]
probe = sys.argv[3]
timeout = float(sys.argv[4]) if len(sys.argv) > 4 else 30.0

state = State()
types = []
phase = ["waiting"]
ready = [False]


def snapshot(name):
    worker = state.workers.get(hostname)
    out = {
        "phase": name,
        "types": types,
        "worker": None if worker is None else {
            "alive": worker.alive,
            "heartbeats": len(worker.heartbeats),
            "freq": worker.freq,
            "pid": worker.pid,
            "active": worker.active,
            "processed": worker.processed,
            "loadavg": list(worker.loadavg) if worker.loadavg is not None else None,
            "sw_ident": worker.sw_ident,
            "sw_ver": worker.sw_ver,
            "sw_sys": worker.sw_sys,
            "status": worker.status_string,
        },
        "tasks": {
            uuid: {
                "state": task.state,
                "name": task.name,
                "args": task.args,
                "result": task.result,
                "exception": task.exception,
                "runtime": task.runtime,
                "worker": task.worker.hostname if task.worker else None,
                "received": task.received is not None,
                "started": task.started is not None,
            }
            for uuid, task in state.tasks.items()
        },
    }
    print(json.dumps(out), flush=True)


def on_event(event):
    if event.get("hostname") == probe and not ready[0]:
        ready[0] = True
        print("READY", flush=True)
    if event.get("hostname") != hostname:
        return
    types.append(event["type"])
    state.event(event)
    worker = state.workers.get(hostname)
    if phase[0] == "waiting":
        done = all(t in state.tasks and state.tasks[t].state in READY_STATES for t in expected)
        beating = "worker-online" in types and "worker-heartbeat" in types[types.index("worker-online"):]
        if done and beating and worker is not None and worker.alive:
            phase[0] = "alive"
            snapshot("alive")
    if event["type"] == "worker-offline" and phase[0] == "alive":
        phase[0] = "offline"
        snapshot("offline")
        receiver.should_stop = True


with app.connection_for_read() as connection:
    receiver = app.events.Receiver(connection, handlers={"*": on_event})

    def give_up():
        if phase[0] != "offline":
            snapshot("timeout")
        receiver.should_stop = True

    timer = threading.Timer(timeout, give_up)
    timer.daemon = True
    timer.start()
    receiver.capture(limit=None, timeout=None, wakeup=True)
    timer.cancel()
