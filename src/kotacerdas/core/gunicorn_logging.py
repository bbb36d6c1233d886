"""gunicorn's logger with KotaCerdas's log lines (``kotacerdas serve`` names it
as ``logger_class``).

gunicorn writes its error log (stderr) and access log (stdout) through its
own handlers; an access line holds the query string, where a NIK or a token
can travel. This keeps gunicorn's handlers and streams and gives them the
formatter of ``KOTACERDAS_LOG_FORMAT`` (UTC, text or JSON) and the filters
that redact personal data and secrets (core/logging.py).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from gunicorn.glogging import Logger

from kotacerdas.core.logging import (
    JSONFormatter,
    RedactPersonalData,
    RequestIdFilter,
    UTCFormatter,
)

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class GunicornLogger(Logger):
    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if not getattr(handler, "_gunicorn", False):  # only gunicorn's own
                    continue
                if settings.KOTACERDAS_LOG_FORMAT == "json":
                    handler.setFormatter(JSONFormatter())
                else:
                    handler.setFormatter(UTCFormatter(TEXT_FORMAT))
                if not any(isinstance(f, RedactPersonalData) for f in handler.filters):
                    handler.addFilter(RequestIdFilter())
                    handler.addFilter(RedactPersonalData())
