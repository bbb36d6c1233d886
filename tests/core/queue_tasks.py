"""Tasks the two-worker test enqueues (importable by the worker processes)."""

from __future__ import annotations

import os
import time

from django_tasks import task


@task()
def take_a_while(number: int) -> dict[str, int]:
    """Long enough that the other worker polls while this one runs."""
    time.sleep(0.1)
    return {"number": number, "pid": os.getpid()}
