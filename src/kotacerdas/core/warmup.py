"""The work a web worker does once after loading the application and before
serving, so no person's first request waits for it (settings
``KOTACERDAS_WARM_UP``, dotted paths of functions taking no argument). A
step that fails is logged and skipped: a cold cache is slower, not broken."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def warm_up() -> list[str]:
    """Run each step; returns the dotted paths that ran."""
    done = []
    for path in settings.KOTACERDAS_WARM_UP:
        try:
            import_string(path)()
        except Exception:
            logger.exception("warm-up step %s failed", path)
        else:
            done.append(path)
    return done
