"""OpenTelemetry reference flow for conformance/tests/tracing-python.test.ts.

A Celery app instrumented with opentelemetry-instrumentation-celery whose spans are written, one JSON line each, to
$OTEL_FLOW_OUT (a span exporter that appends; SimpleSpanProcessor). Tasks: otel.add (its callback is given by the
producer) and otel.cb.

  producer:  python otel_flow.py produce <queue of add> <queue of cb>   → prints the id of otel.add
  worker:    celery -A otel_flow worker --pool=solo -Q <queues>        (instrumented in worker_process_init, which
             the solo pool sends; prefork children would keep their spans to themselves)
"""

import json
import os
import sys

from celery import Celery, signals
from opentelemetry import trace
from opentelemetry.instrumentation.celery import CeleryInstrumentor
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult

app = Celery("otel_flow", broker=os.environ["OTEL_FLOW_BROKER"])
app.conf.broker_connection_retry_on_startup = True


@app.task(name="otel.add")
def add(a, b):
    return a + b


@app.task(name="otel.cb")
def cb(value):
    return value


class FileSpanExporter(SpanExporter):
    def export(self, spans):
        with open(os.environ["OTEL_FLOW_OUT"], "a", encoding="utf-8") as out:
            for s in spans:
                out.write(json.dumps(span_dict(s)) + "\n")
        return SpanExportResult.SUCCESS

    def shutdown(self):
        pass


def span_dict(s):
    return {
        "name": s.name,
        "kind": s.kind.name,
        "traceId": format(s.context.trace_id, "032x"),
        "spanId": format(s.context.span_id, "016x"),
        "parentId": None if s.parent is None else format(s.parent.span_id, "016x"),
        "links": [format(link.context.span_id, "016x") for link in s.links],
        "attributes": {k: (list(v) if isinstance(v, tuple) else v) for k, v in s.attributes.items()},
        "status": s.status.status_code.name,
        "events": [e.name for e in s.events],
    }


def instrument():
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(FileSpanExporter()))
    trace.set_tracer_provider(provider)
    CeleryInstrumentor().instrument(tracer_provider=provider)


@signals.worker_process_init.connect(weak=False)
def _init_worker(*args, **kwargs):
    instrument()


if __name__ == "__main__" and sys.argv[1] == "produce":
    instrument()
    add_queue, cb_queue = sys.argv[2], sys.argv[3]
    result = add.apply_async((2, 3), queue=add_queue, link=cb.s().set(queue=cb_queue))
    print(result.id, flush=True)
