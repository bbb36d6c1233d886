"""SQLite connections are kept open between requests (issue 15); one whose
file was moved away or replaced (a restore) is closed before it is used
again, instead of reading and writing the old file unseen."""

from __future__ import annotations

import sqlite3

import pytest
from django.core.signals import request_started
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper

from kotacerdas.core.storage import sqlite_close_if_replaced

pytestmark = pytest.mark.django_db


def _kept_open(path) -> DatabaseWrapper:  # type: ignore[no-untyped-def]
    settings = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {},
        "TIME_ZONE": None,
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "AUTOCOMMIT": True,
        "ATOMIC_REQUESTS": False,
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "TEST": {},
    }
    wrapper = DatabaseWrapper(settings, alias="kept-open-probe")
    wrapper.ensure_connection()
    return wrapper


def test_a_connection_to_the_file_still_there_stays_open(tmp_path) -> None:
    wrapper = _kept_open(tmp_path / "db.sqlite3")
    sqlite_close_if_replaced(wrapper)
    assert wrapper.connection is not None
    wrapper.close()


@pytest.mark.parametrize("how", ["moved away", "replaced"])
def test_a_connection_whose_file_is_gone_or_replaced_is_closed(tmp_path, how) -> None:
    path = tmp_path / "db.sqlite3"
    wrapper = _kept_open(path)
    path.rename(tmp_path / "away.sqlite3")
    if how == "replaced":
        sqlite3.connect(path).close()  # a restored file at the same path
    sqlite_close_if_replaced(wrapper)
    assert wrapper.connection is None


def test_every_request_checks_the_connections_of_its_thread(tmp_path, monkeypatch) -> None:
    checked = []
    monkeypatch.setattr(
        "kotacerdas.core.storage.sqlite_close_if_replaced", lambda conn: checked.append(conn.alias)
    )
    connection.ensure_connection()
    request_started.send(sender=None)
    assert connection.alias in checked
