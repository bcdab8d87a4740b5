"""Evaluates beat schedule cases with this venv's ``celery.schedules`` and prints what Celery answers.

The TypeScript twin is conformance/tests/beat-schedule-differential.test.ts, which evaluates the same cases with
sdk/src/beat and compares. All cases come in one JSON list on stdin so the test runs one Python process.

Case: {"id", "kind": "crontab"|"interval"|"solar", "tz", "last_run_at", "now" (ISO-8601 with offset),
       crontab: "fields": {minute, hour, day_of_week, day_of_month, month_of_year}, "deadline": seconds|null;
       interval: "every" (seconds), "relative"; solar: "event", "lat", "lon"}
Output: JSON {id: {"remaining": seconds, "is_due": bool, "next": seconds} | {"error": "<ExcType>"}}.
"""
import json
import sys
from datetime import datetime

from celery import Celery
from celery.schedules import crontab, schedule, solar


def evaluate(case, apps):
    tz = case["tz"]
    deadline = case.get("deadline")
    key = (tz, deadline)
    if key not in apps:
        app = Celery("schedule-reference", broker="memory://", set_as_current=False)
        app.conf.timezone = tz
        app.conf.enable_utc = True
        app.conf.beat_cron_starting_deadline = deadline
        apps[key] = app
    app = apps[key]
    now = datetime.fromisoformat(case["now"]).astimezone(app.timezone)
    last_run_at = datetime.fromisoformat(case["last_run_at"]).astimezone(app.timezone)
    nowfun = lambda: now  # noqa: E731
    kind = case["kind"]
    if kind == "crontab":
        sched = crontab(**case["fields"], nowfun=nowfun, app=app)
    elif kind == "interval":
        sched = schedule(case["every"], relative=case.get("relative", False), nowfun=nowfun, app=app)
    else:
        sched = solar(case["event"], case["lat"], case["lon"], nowfun=nowfun, app=app)
    remaining = sched.remaining_estimate(last_run_at).total_seconds()
    due, nxt = sched.is_due(last_run_at)
    return {"remaining": remaining, "is_due": bool(due), "next": float(nxt)}


def main():
    cases = json.load(sys.stdin)
    apps = {}
    out = {}
    for case in cases:
        try:
            out[case["id"]] = evaluate(case, apps)
        except Exception as exc:  # noqa: BLE001 - the error type is the answer
            out[case["id"]] = {"error": type(exc).__name__, "message": str(exc)}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
