from __future__ import annotations

import shutil
import sys
from pathlib import Path

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from kotacerdas.core.heartbeat import worker_alive

# /healthz fails when the database's disk has less room than this left.
HEALTHZ_MIN_FREE_BYTES = 32 * 1024 * 1024


def _database_problem() -> str | None:
    """Why the database cannot serve requests now, or None: it must answer a
    query on a real table (an empty file SQLite created in place of a moved
    database has none) and, on SQLite, have room to grow."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM django_migrations")
            if not cursor.fetchone()[0]:
                return "empty"
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA page_count")
                (pages,) = cursor.fetchone()
                cursor.execute("PRAGMA max_page_count")
                (most,) = cursor.fetchone()
                if pages >= most:
                    return "full"
    except DatabaseError:
        return "unavailable"
    if connection.vendor == "sqlite":
        folder = Path(str(connection.settings_dict["NAME"])).parent
        try:
            if shutil.disk_usage(folder).free < HEALTHZ_MIN_FREE_BYTES:
                return "full"
        except OSError:
            return "unavailable"
    return None


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers on a real table and has room to write,
    503 otherwise (for load balancers and monitoring). ``worker`` says whether
    a background worker beat lately ("alive") or not ("down"); it never
    changes the status: the web serves without a worker."""
    worker = "alive" if worker_alive() else "down"
    problem = _database_problem()
    if problem is not None:
        response = JsonResponse(
            {"status": "error", "database": problem, "worker": worker}, status=503
        )
        response["Retry-After"] = "30"
        return response
    return JsonResponse({"status": "ok", "worker": worker})


# 9 KB, about a signed-in page's size without its data: the floor's body.
FLOOR_BODY = ("<p>" + "x" * 96 + "</p>\n") * 90


@require_safe
def bench_floor(request: HttpRequest) -> HttpResponse:
    """The benchmark's floor (bench/throughput.py): the middleware stack and
    9 KB, no database, no template. Routed only with KOTACERDAS_BENCH_FLOOR."""
    return HttpResponse(FLOOR_BODY)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without the request: context processors may need the database,
    # and the database may be what failed. Django calls this handler while it
    # handles the exception: a database that is gone, locked or full is a
    # temporary outage (503, try again), not a bug (500).
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(loader.get_template("500.html").render(), status=500)
