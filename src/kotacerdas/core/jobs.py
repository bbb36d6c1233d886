"""What the pages of background jobs (imports, exports) share: how long a
queued job may wait before the page says no worker runs, when a running job
with no sign of life is taken for dead, and how a moment is written.

Registry imports (:mod:`kotacerdas.umkm.imports.progress`) and exports
(:mod:`kotacerdas.umkm.pdp`) both use these.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.core.formatting import date_id
from kotacerdas.core.heartbeat import worker_alive
from kotacerdas.regions import timezones

# A running job that has shown no progress for this long is taken for dead
# (the worker was killed, the machine restarted).
STALL_AFTER = dt.timedelta(minutes=10)
# A queued job that has waited this long while no worker beats says so plainly.
NO_WORKER_AFTER = dt.timedelta(seconds=30)


def no_worker(queued_since: dt.datetime, *, now: dt.datetime | None = None) -> bool:
    """True when a job queued at ``queued_since`` has waited past
    :data:`NO_WORKER_AFTER` and no worker beat lately (core.heartbeat)."""
    now = now or timezone.now()
    return now - queued_since > NO_WORKER_AFTER and not worker_alive()


def stalled(last_sign: dt.datetime | None, *, now: dt.datetime | None = None) -> bool:
    """True when a running job's last sign of life is older than :data:`STALL_AFTER`."""
    now = now or timezone.now()
    return last_sign is not None and now - last_sign > STALL_AFTER


def moment_text(moment: dt.datetime) -> str:
    """``18 November 2024 pukul 10.15 WIB`` in the active (region's) zone."""
    local = timezone.localtime(moment)
    return _("%(date)s pukul %(time)s") % {
        "date": date_id(local.date()),
        "time": f"{local:%H.%M} {timezones.abbreviation(timezone.get_current_timezone_name())}",
    }
