"""A web worker's warm-up (settings.KOTACERDAS_WARM_UP) runs each step once
and never stops the worker when a step fails."""

from __future__ import annotations

import logging

from kotacerdas.core.warmup import warm_up

RAN: list[str] = []


def step_ok() -> None:
    RAN.append("ok")


def step_broken() -> None:
    raise RuntimeError("boom")


def test_each_step_runs_and_a_failing_one_is_logged_and_skipped(settings, caplog) -> None:  # type: ignore[no-untyped-def]
    RAN.clear()
    settings.KOTACERDAS_WARM_UP = [
        "tests.core.test_warmup.step_broken",
        "tests.core.test_warmup.step_ok",
    ]
    with caplog.at_level(logging.ERROR, logger="kotacerdas.core.warmup"):
        done = warm_up()
    assert done == ["tests.core.test_warmup.step_ok"]
    assert RAN == ["ok"]
    assert "tests.core.test_warmup.step_broken" in caplog.text


def test_the_configured_steps_exist_and_run(db) -> None:  # type: ignore[no-untyped-def]
    from django.conf import settings

    assert warm_up() == list(settings.KOTACERDAS_WARM_UP)
