"""Where one signed-in request's CPU goes: each middleware, each context
processor, the view, and every query (issue 15).

    python bench/request_profile.py [--iterations 200] [--data-dir DIR] [PATH ...]

Sets up the demo like bench/page_profile.py (or reuses ``--data-dir``) and
signs the demo admin in with Django's test client, past the second factor.
For each path (default: the dashboard) it then, in this process:

1. times ``--iterations`` warm requests with a probe between every two
   middleware: the CPU a middleware spends on its own (on the way in and on
   the way out, its inner layers not counted) is the time between the probes
   around it; "view" is everything inside the last middleware (URL
   resolution, decorators, the view, the template and its context
   processors);
2. times each context processor and the response's rendering with the same
   clock (wrapped in place for this run only);
3. lists every query of one warm request (``CaptureQueriesContext``), and
   whether the session row was written.

CPU is ``time.thread_time()`` (Django, the templates and SQLite, which runs
in-process): a figure that does not depend on what else the machine does.
The test client's own work (building the request, reading the response) is
outside every probe and shown as "client". No timings are asserted anywhere.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from page_profile import REGION, demo_environment

# Every probe appends (name, "in"/"out", CPU seconds) here.
MARKS: list[tuple[int, str, float]] = []


def probe(index: int) -> Callable[[Callable[[Any], Any]], Callable[[Any], Any]]:
    def factory(get_response: Callable[[Any], Any]) -> Callable[[Any], Any]:
        def middleware(request: Any) -> Any:
            MARKS.append((index, "in", time.thread_time()))
            response = get_response(request)
            MARKS.append((index, "out", time.thread_time()))
            return response

        return middleware

    return factory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", default=[f"/wilayah/{REGION}/"])
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--data-dir", type=Path, help="a folder with the demo already set up")
    args = parser.parse_args()

    demo_environment(args.data_dir)

    import django
    from django.conf import settings

    django.setup()
    names = list(settings.MIDDLEWARE)
    # A probe before every middleware and one inside the last (around the view).
    this = sys.modules[__name__]
    for index in range(len(names) + 1):
        setattr(this, f"probe_{index}", probe(index))
    settings.MIDDLEWARE = [
        item
        for index, name in enumerate(names)
        for item in (f"request_profile.probe_{index}", name)
    ] + [f"request_profile.probe_{len(names)}"]
    sys.modules.setdefault("request_profile", this)

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.template import engines
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from signin import verified_client

    setup_test_environment()
    client = verified_client(get_user_model().objects.get(username="admin"))

    # The context processors, timed in place.
    processor_cpu: dict[str, list[float]] = defaultdict(list)
    engine = engines["django"].engine  # type: ignore[attr-defined]
    wrapped = []
    for processor in engine.template_context_processors:
        label = f"{processor.__module__}.{processor.__name__}"

        def timed(request: Any, _p: Any = processor, _label: str = label) -> Any:
            start = time.thread_time()
            try:
                return _p(request)
            finally:
                processor_cpu[_label].append(time.thread_time() - start)

        wrapped.append(timed)
    engine.__dict__["template_context_processors"] = tuple(wrapped)

    for path in args.paths:
        response = client.get(path)
        assert response.status_code == 200, f"{path}: HTTP {response.status_code}"
        client.get(path)  # warm: every cached part built
        processor_cpu.clear()
        own: dict[int, list[float]] = defaultdict(list)
        totals: list[float] = []
        client_cpu: list[float] = []
        for _ in range(args.iterations):
            MARKS.clear()
            start = time.thread_time()
            client.get(path)
            total = time.thread_time() - start
            totals.append(total)
            at = {(index, way): t for index, way, t in MARKS}
            last = len(names)
            client_cpu.append(total - (at[0, "out"] - at[0, "in"]))
            for index in range(last):
                # In: from this middleware's probe to the next one; out: back.
                inner = at.get((index + 1, "in"))
                if inner is None:  # it answered without calling the next layer
                    own[index].append(at[index, "out"] - at[index, "in"])
                    continue
                own[index].append(
                    (inner - at[index, "in"]) + (at[index, "out"] - at[index + 1, "out"])
                )
            own[last].append(at[last, "out"] - at[last, "in"])

        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        p50 = statistics.median(totals) * 1000
        print(f"\n{path}: {args.iterations} warm requests, CPU p50 {p50:.2f} ms per request")
        print(f"{'part':58} {'CPU ms p50':>10} {'share':>6}")
        rows = [("test client (outside the middleware)", client_cpu)]
        rows += [(names[index], own[index]) for index in range(len(names))]
        rows.append(("view (URL, decorators, view, template)", own[len(names)]))
        for label, values in rows:
            value = statistics.median(values) * 1000
            print(f"{label:58} {value:10.3f} {value / p50:6.1%}")
        for label, values in processor_cpu.items():
            calls = len(values) / args.iterations
            value = statistics.median(values) * 1000 * calls
            print(f"  context processor {label:38} {value:10.3f} ({calls:g} call(s))")
        writes = [q for q in queries.captured_queries if q["sql"].lstrip().startswith("UPDATE")]
        print(f"queries: {len(queries)} (session writes: {len(writes)})")
        for query in queries.captured_queries:
            print(f"  {query['sql'][:150]}")


if __name__ == "__main__":
    main()
