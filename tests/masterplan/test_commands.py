"""The ``figures`` and ``demo`` commands, run for real: through ``call_command``
against the demo (loaded once for this module), and once through the
``kotacerdas`` console script in a subprocess on a fresh data directory."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from kotacerdas.demo.loader import DEMO_PASSWORD
from kotacerdas.demo.management.commands import demo as demo_command
from kotacerdas.masterplan import services
from kotacerdas.masterplan.models import Programme
from kotacerdas.regions.models import Region

pytestmark = pytest.mark.django_db

PILLAR_CODES = ["governance", "branding", "economy", "living", "society", "environment"]


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def assert_dumai_figures(data: dict[str, Any]) -> None:
    """The shape and values of ``kotacerdas figures --region 14.72 --json``."""
    assert data["region"] == "14.72"
    assert data["action_plans"] == {"total": 103, "in_implementation": 63, "percent": "61.17"}
    assert data["programmes"] == {"total": 51, "running": 43, "percent": "84.31"}
    assert data["quick_wins"]["total"] == 6
    assert len(data["quick_wins"]["items"]) == 6
    assert [p["code"] for p in data["pillars"]] == PILLAR_CODES
    for pillar in data["pillars"]:
        assert set(pillar["action_plans"]) == {"total", "in_implementation", "percent"}
        assert set(pillar["programmes"]) == {"total", "running", "percent"}
    assert sum(p["action_plans"]["total"] for p in data["pillars"]) == 103
    assert sum(p["programmes"]["running"] for p in data["pillars"]) == 43


# --- figures -------------------------------------------------------------------------------------


def test_it_prints_the_figures_of_a_region_as_json(dumai):
    data = json.loads(run("figures", "--region", "14.72", "--json"))

    assert_dumai_figures(data)
    assert data["masterplan"]["legal_basis"] == "Peraturan Wali Kota Dumai Nomor 30 Tahun 2023"
    assert data["pillars"][0]["action_plans"]["percent"] == "66.67"


def test_it_prints_the_figures_as_an_indonesian_table(dumai):
    output = run("figures", "--region", " 14.72 ")

    assert "Masterplan Smart City Kota Dumai 2022–2032 — Kota Dumai (14.72)" in output
    assert "Peraturan Wali Kota Dumai Nomor 30 Tahun 2023" in output
    assert "Capaian masterplan" in output
    overall = next(line for line in output.splitlines() if "Keseluruhan" in line)
    assert "61,17%" in overall
    assert "84,31%" in overall
    assert "103" in overall
    for pillar in ("Smart Governance", "Smart Environment"):
        assert pillar in output
    assert "Quick win: 6" in output
    assert "2024 · Smart Economy · DIGILOKA" in output
    assert "61.17" not in output


def test_it_refuses_an_unknown_region_in_indonesian(db):
    with pytest.raises(CommandError, match=r"Wilayah 99\.99 belum terdaftar di KotaCerdas"):
        run("figures", "--region", "99.99")


def test_it_refuses_a_region_without_a_masterplan(db):
    Region.objects.create(code="14.71", name="Kota Pekanbaru")

    with pytest.raises(CommandError, match="Kota Pekanbaru belum memiliki masterplan"):
        run("figures", "--region", "14.71", "--json")


def test_it_requires_a_region(db):
    with pytest.raises(CommandError, match="--region"):
        run("figures", "--json")


# --- demo ----------------------------------------------------------------------------------------


def test_it_refuses_to_load_the_demo_in_production(db, settings, monkeypatch):
    settings.PRODUCTION = True
    loads: list[object] = []
    monkeypatch.setattr(demo_command, "demo_load", lambda **kwargs: loads.append(kwargs))

    with pytest.raises(CommandError, match="mode produksi"):
        run("demo")

    assert loads == []


def test_it_reports_that_a_loaded_demo_is_complete(dumai):
    output = run("demo")

    assert "Demo Kota Dumai sudah lengkap; tidak ada yang diubah." in output
    assert f"Akun demo (kata sandi: {DEMO_PASSWORD}):" in output
    assert "opd.diskopukm" in output
    assert "Editor perangkat daerah — Diskop UKM" in output


def test_it_reports_what_a_reset_restored(dumai):
    programme = Programme.objects.get(code="ECO-01")
    services.programme_update(actor=None, programme=programme, name="DIGILOKA (diubah)")

    output = run("demo", "--reset")

    assert "Demo Kota Dumai dimuat: 1 programme dikembalikan." in output
    assert Programme.objects.get(pk=programme.pk).name.startswith("DIGILOKA —")


def test_it_loads_quietly(dumai):
    assert run("demo", "--quiet") == ""


# --- The console script, end to end --------------------------------------------------------------


@pytest.mark.drill
@pytest.mark.one_database  # its own SQLite file: DATABASE_URL is removed
def test_it_runs_the_kotacerdas_console_script_end_to_end(tmp_path):
    """migrate, demo, figures and serve through the installed ``kotacerdas``
    script on a fresh SQLite database in a temporary data directory, as
    ``make run`` does (slow: one test)."""
    script = Path(sys.executable).with_name("kotacerdas")
    assert script.exists()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "KOTACERDAS_ENV", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    }
    env["KOTACERDAS_DATA_DIR"] = str(tmp_path)

    def kotacerdas(*args: str) -> str:
        result = subprocess.run(  # noqa: S603 - the project's own script, fixed arguments
            [str(script), *args], env=env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    kotacerdas("migrate", "--no-input", "--verbosity", "0")
    loaded = kotacerdas("demo")
    output = kotacerdas("figures", "--region", "14.72", "--json")

    assert "Demo Kota Dumai dimuat:" in loaded
    assert "103 action_plan baru" in loaded
    assert_dumai_figures(json.loads(output))
    assert (tmp_path / "kotacerdas.sqlite3").exists()

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(  # noqa: S603 - the project's own script, fixed arguments
        [str(script), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        banner = ""
        assert server.stdout is not None
        while "Ctrl+C" not in banner:
            line = server.stdout.readline()
            assert line, f"serve stopped before it was ready: {banner}"
            banner += line
        assert f"http://127.0.0.1:{port}/" in banner
        assert "admin" in banner and "dumai-cerdas-2024" in banner
        base = f"http://127.0.0.1:{port}"
        with urllib.request.urlopen(f"{base}/masuk/", timeout=10) as page:  # noqa: S310
            assert page.status == 200
            assert "Content-Security-Policy" in page.headers
        with urllib.request.urlopen(f"{base}/static/kotacerdas/app.css", timeout=10) as css:  # noqa: S310
            assert css.status == 200 and b"--brand" in css.read()
        # serve runs the background worker too (issue 21): /healthz sees its beat.
        deadline = time.monotonic() + 60
        while True:
            with urllib.request.urlopen(f"{base}/healthz/", timeout=10) as health:  # noqa: S310
                if json.loads(health.read())["worker"] == "alive":
                    break
            assert time.monotonic() < deadline, "serve started no worker"
            time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=60)
    assert server.returncode == 0
    # SIGTERM stopped the web and the worker too: no process of this data dir is left.
    marker = f"KOTACERDAS_DATA_DIR={tmp_path}".encode()
    left = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if marker in environ.read_bytes().split(b"\0"):
                left.append(environ.parent.name)
        except OSError:
            continue
    assert left == [], f"orphans: {left}"
