"""Prints Python's ``Signature.__json__()`` dicts of canonical signatures, for conformance/tests/canvas-dicts.test.ts.

Every case has a twin in that test built with the TypeScript API (``signature``, ``taskRef(...).s``, ``chain``,
``group``, ``chord``, ``chunks``, ``map``, ``starmap``, ``link``, ``linkError``, ``setOptions``...). Ids are fixed
(``.set(task_id=...)`` or given to ``freeze``), so the dicts are compared key for key, without renaming.

Output: JSON {case_id: {"dict": sig.__json__(), "from_dict": signature(dict).__json__()}} where ``from_dict`` is
what Celery's ``Signature.from_dict`` makes of the JSON form (what a worker sees).
"""
import json
import warnings

from celery import Celery
from celery.canvas import chain, chord, chunks, group, signature, xmap, xstarmap
from kombu.utils.json import dumps

warnings.simplefilter("ignore")
app = Celery("canvas-dicts", broker="memory://", backend="cache+memory://", set_as_current=True)

ID1 = "11111111-1111-4111-8111-111111111111"
ID2 = "22222222-2222-4222-8222-222222222222"
ID3 = "33333333-3333-4333-8333-333333333333"
ID4 = "44444444-4444-4444-8444-444444444444"
OID = "99999999-9999-4999-8999-999999999999"


def s(name, *args, **kwargs):
    return app.signature(f"conformance.{name}", args=args, kwargs=kwargs)


def si(name, *args):
    return s(name, *args).set(immutable=True)


def linked(sig, *callbacks, errbacks=()):
    for cb in callbacks:
        sig.link(cb)
    for eb in errbacks:
        sig.link_error(eb)
    return sig


def frozen(sig, **kwargs):
    sig.freeze(**kwargs)
    return sig


CASES = {
    "task": lambda: s("add", 2, 2),
    "task-kwargs": lambda: s("echo", 1, "two", k="v", n=None),
    "task-immutable": lambda: si("add", 2, 2),
    "task-options": lambda: s("add", 1).set(
        task_id=ID1, countdown=10, queue="math", priority=3, expires=60, time_limit=30, soft_time_limit=20,
        shadow="shadowed", headers={"x-h": 1}, routing_key="rk", exchange="ex", ignore_result=True, root_id=ID2,
        parent_id=ID3, group_id=ID4, group_index=2, reply_to=OID, retries=1,
    ),
    "task-stamps": lambda: s("add", 1, 1).set(stamped_headers=["tenant"], tenant="acme"),
    "task-link": lambda: linked(s("add", 1, 1), s("mul", 2), s("mul", 2), s("mul", 3), errbacks=[s("record_errback")]),
    "task-link-chain": lambda: linked(s("add", 1, 1), chain(s("mul", 2), s("mul", 3))),
    "task-frozen": lambda: frozen(s("add", 1, 2).set(reply_to=OID), _id=ID1, group_id=ID2, group_index=0, root_id=ID3, parent_id=ID4),
    "chain": lambda: chain(s("add", 1, 2), s("mul", 3), s("add", 1)),
    "chain-one": lambda: chain(s("add", 1, 2)),
    "chain-list": lambda: chain([s("add", 1, 2), s("mul", 3)]),
    "chain-nested": lambda: chain(s("add", 1, 2), chain(s("mul", 3), s("add", 4)), s("add", 5)),
    "chain-group-task": lambda: chain(s("add", 1, 1), group(s("mul", 2), s("mul", 3)), s("xsum")),
    "chain-starting-group": lambda: chain(group(s("add", 1, 1), s("add", 2, 2)), s("xsum"), s("mul", 10)),
    "chain-chord-task": lambda: chain(chord([s("add", 1, 1), s("add", 2, 2)], s("xsum")), s("mul", 10)),
    "chain-options": lambda: chain(s("add", 1, 2), s("mul", 3)).set(task_id=ID1, queue="q"),
    "chain-link-error": lambda: linked(chain(s("add", 1, 2), s("mul", 3)), errbacks=[s("record_errback")]),
    "group": lambda: group([s("add", i, i) for i in range(3)]),
    "group-args": lambda: group(s("add", 1, 1), s("add", 2, 2)),
    "group-nested": lambda: group(s("add", 1, 1), group(s("add", 2, 2), s("add", 3, 3))),
    "group-link": lambda: linked(group(s("add", 1, 1), s("add", 2, 2)), s("echo")),
    "group-link-error": lambda: linked(group(s("add", 1, 1), s("add", 2, 2)), errbacks=[s("record_errback")]),
    "group-immutable": lambda: group(s("add", 1), s("add", 2)).set(immutable=True),
    "chord": lambda: chord([s("add", i, i) for i in range(3)], s("xsum")),
    "chord-group-header": lambda: chord(group(s("add", 1, 1), s("add", 2, 2)), s("xsum")),
    "chord-link": lambda: linked(chord([s("add", 1, 1)], s("xsum")), s("echo"), errbacks=[s("record_errback")]),
    "chunks": lambda: chunks(s("add"), [(1, 1), (2, 2), (3, 3)], 2),
    "map": lambda: xmap(s("xsum"), [[1, 2], [3, 4]]),
    "starmap": lambda: xstarmap(s("add"), [(1, 2), (3, 4)]),
    "starmap-options": lambda: xstarmap(s("add"), [(1, 2)]).set(queue="q", task_id=ID1),
}


def plain(value):
    return json.loads(dumps(value))


def main():
    out = {}
    for case_id, make in CASES.items():
        d = plain(make())
        out[case_id] = {"dict": d, "from_dict": plain(signature(json.loads(json.dumps(d)), app=app))}
    json.dump(out, __import__("sys").stdout, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
