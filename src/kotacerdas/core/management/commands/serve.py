"""``kotacerdas serve``: the web server (gunicorn) and the background worker
in one command.

By default a small supervisor (kotacerdas.core.supervisor) runs the web and
``kotacerdas worker`` side by side, so that imports and reminders work on the
first try; Ctrl+C stops both. ``--no-worker`` runs the web alone, for a
production machine where the worker is a service of its own
(docs/operations.md).

Static files are served by WhiteNoise (see settings), so no separate web
server is needed on one machine; behind a reverse proxy the same command is
used with ``--bind``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from gunicorn.app.base import BaseApplication
from gunicorn.workers.base import Worker
from gunicorn.workers.gthread import ThreadWorker

from kotacerdas.core.extensions import notes_collect
from kotacerdas.core.storage import private_umask
from kotacerdas.core.supervisor import Supervisor, command


class QuickExitThreadWorker(ThreadWorker):
    """gunicorn's ``gthread`` worker with a quick shutdown (SIGINT, SIGQUIT)
    that cannot hang.

    gunicorn's own handler calls ``ThreadPoolExecutor.shutdown()`` from the
    signal handler, which takes a lock that the interrupted main thread may be
    holding in ``submit()``: the worker then deadlocks until the master kills
    it after ``graceful_timeout`` (seen with Ctrl+C, which signals master and
    workers at once; python/cpython#121649). Raising ``SystemExit`` instead
    unwinds ``submit()`` and releases the lock; the pool's threads are joined at
    interpreter exit.
    Graceful shutdown (SIGTERM) is unchanged.
    """

    def handle_quit(self, sig: int, frame: Any) -> None:
        Worker.handle_quit(self, sig, frame)


class KotaCerdasApplication(BaseApplication):
    """Gunicorn configured in code, loading Django's WSGI application (the one
    ``kotacerdas.wsgi`` exposes to other servers) in each worker."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)
        if "control_socket_disable" in self.cfg.settings:
            # gunicorn >= 25.1 opens a control socket at one fixed path per
            # user ($HOME/.gunicorn/gunicorn.ctl); two servers would share it.
            self.cfg.set("control_socket_disable", True)

    def load(self) -> Any:
        from django.core.wsgi import get_wsgi_application

        from kotacerdas.core.warmup import warm_up

        application = get_wsgi_application()
        warm_up()  # settings.KOTACERDAS_WARM_UP, before a person's first request
        return application


def url_for_bind(bind: str) -> str:
    """The address a person types for a gunicorn bind value."""
    if bind.startswith(("unix:", "fd://")):
        return bind
    host, _, port = bind.rpartition(":")
    if not host:  # a bare port
        host, port = "127.0.0.1", bind
    if host in {"0.0.0.0", "[::]"}:  # noqa: S104 - display only
        host = "127.0.0.1"
    return f"http://{host}:{port}/"


class Command(BaseCommand):
    help = "Jalankan server web. / Run the web server."

    def add_arguments(self, parser: CommandParser) -> None:
        # The defaults come from the settings (KOTACERDAS_BIND, ...: docs/operations.md).
        parser.add_argument(
            "--bind",
            default=settings.KOTACERDAS_BIND,
            help=(
                f"Alamat HOST:PORT atau unix:PATH (bawaan {settings.KOTACERDAS_BIND}, "
                "dari KOTACERDAS_BIND). / Address to listen on."
            ),
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=settings.KOTACERDAS_WORKERS,
            help=(
                f"Jumlah proses (bawaan {settings.KOTACERDAS_WORKERS}, dari KOTACERDAS_WORKERS). "
                "/ Worker processes."
            ),
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=settings.KOTACERDAS_THREADS,
            help=(
                f"Thread per proses (bawaan {settings.KOTACERDAS_THREADS}, dari "
                "KOTACERDAS_THREADS). / Threads per worker."
            ),
        )
        parser.add_argument(
            "--timeout",
            type=int,
            default=settings.KOTACERDAS_TIMEOUT,
            help=(
                f"Batas detik per permintaan (bawaan {settings.KOTACERDAS_TIMEOUT}, dari "
                "KOTACERDAS_TIMEOUT). / Seconds before a stuck worker is restarted."
            ),
        )

        parser.add_argument(
            "--no-worker",
            action="store_true",
            help=(
                "Jalankan server web saja, tanpa pekerja latar (produksi: pekerja sebagai "
                "layanan sendiri). / Run the web server only, without the background worker."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_worker"]:
            self._supervise(**options)
            return
        with private_umask():  # files and folders created: 0600 / 0700
            self._handle(**options)

    def _supervise(self, **options: Any) -> None:
        if options["workers"] < 1 or options["threads"] < 1:
            raise CommandError("--workers dan --threads minimal 1. / must be at least 1.")
        web = command(
            "serve",
            "--no-worker",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
            "--timeout",
            str(options["timeout"]),
        )
        worker = command("worker", "--supervised")

        def say(line: str) -> None:
            self.stderr.write(line)
            self.stderr.flush()

        code = Supervisor(web, worker, say).run()
        if code:
            raise SystemExit(code)

    def _handle(self, **options: Any) -> None:
        workers: int = options["workers"]
        threads: int = options["threads"]
        bind: str = options["bind"]
        if workers < 1 or threads < 1:
            raise CommandError("--workers dan --threads minimal 1. / must be at least 1.")

        url = url_for_bind(bind)
        notes = notes_collect("core.serve")
        # Workers are forked from this process: they must not share its connection.
        connections.close_all()
        write = self.stdout.write
        style = self.style

        def when_ready(server: Any) -> None:
            write(style.SUCCESS(f"KotaCerdas berjalan di / is running at {url}"))
            for line in notes:
                write(line)
            write("Tekan Ctrl+C untuk berhenti. / Press Ctrl+C to stop.")
            self.stdout.flush()

        KotaCerdasApplication(
            {
                "bind": [bind],
                "workers": workers,
                "threads": threads,
                "worker_class": QuickExitThreadWorker if threads > 1 else "sync",
                "timeout": options["timeout"],
                "graceful_timeout": 30,
                "keepalive": 5,
                "accesslog": "-",
                "errorlog": "-",
                # UTC, text or JSON, NIK/phone/tokens redacted (docs/security.md).
                "logger_class": "kotacerdas.core.gunicorn_logging.GunicornLogger",
                "loglevel": settings.KOTACERDAS_LOG_LEVEL.lower(),
                "proc_name": "kotacerdas",
                "when_ready": when_ready,
            }
        ).run()
