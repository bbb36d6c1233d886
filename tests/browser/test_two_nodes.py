"""Two web nodes and a worker that share nothing on disk (issue 16, "several
nodes"): three `kotacerdas` processes, each with a data folder of its own,
behind the same PostgreSQL (the test database), a real Redis and a real
S3-protocol server started by the test. One browser session goes back and
forth between the nodes: signed in on node A, the survey is uploaded on node
B, its columns are read on node A (from the bucket), the worker imports it,
and both nodes show the result and serve its rejection report. No private
file is left in any node's folder. (Each process's log is kept beside the
test's folders: node-a.log, node-b.log, worker.log.) The replica that serves
the portal has its own drill: tests/core/test_replica_drill.py.

Marker ``drill`` (real processes, many seconds): CI's PostgreSQL drill step.
A SQLite-only run skips it (several nodes need PostgreSQL)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.urls import reverse
from playwright.sync_api import Browser, expect

from kotacerdas.core.models import Membership, Role
from kotacerdas.umkm.models import Business
from tests.browser.second_factor import pass_second_factor
from tests.conftest import (
    S3_TEST_KEY_ID,
    S3_TEST_REGION,
    S3_TEST_SECRET,
    s3_bucket_create,
    s3_keys,
)
from tests.factories import PASSWORD, RegionFactory, make_user
from tests.permissions.rows_umkm_import import SURVEY_CSV
from tests.servers import free_port, redis_server

pytestmark = [
    pytest.mark.drill,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="several nodes share a PostgreSQL database (DATABASE_URL=postgres://...)",
    ),
]

READY_SECONDS = 120
# The same on every node: sessions and signed values must verify anywhere.
SECRET = "two-nodes-" + "k" * 48


@dataclass
class Nodes:
    a: str
    b: str
    folders: list[Path]
    bucket: str
    s3: str


def _database_url() -> str:
    s = connection.settings_dict
    user = s["USER"] or "postgres"
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    return f"postgres://{user}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _wait_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while True:
        try:
            with urllib.request.urlopen(f"{url}/healthz/", timeout=5):  # noqa: S310 - loopback
                return
        except OSError:
            assert process.poll() is None, f"the node at {url} stopped before it was ready"
            assert time.monotonic() < deadline, f"the node at {url} did not answer"
            time.sleep(0.3)


@pytest.fixture
def nodes(transactional_db: None, s3_server: str, tmp_path: Path) -> Iterator[Nodes]:
    script = Path(sys.executable).with_name("kotacerdas")
    bucket = s3_bucket_create(s3_server)
    processes: list[subprocess.Popen[bytes]] = []
    folders = [tmp_path / name for name in ("node-a", "node-b", "worker")]
    with redis_server(tmp_path / "redis") as cache_url:
        shared = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("KOTACERDAS_", "DJANGO_")) and k != "DATABASE_URL"
        }
        shared.update(
            DATABASE_URL=_database_url(),
            SECRET_KEY=SECRET,
            KOTACERDAS_CACHE_URL=cache_url,
            KOTACERDAS_S3_BUCKET=bucket,
            KOTACERDAS_S3_ENDPOINT_URL=s3_server,
            KOTACERDAS_S3_REGION=S3_TEST_REGION,
            KOTACERDAS_S3_ACCESS_KEY_ID=S3_TEST_KEY_ID,
            KOTACERDAS_S3_SECRET_ACCESS_KEY=S3_TEST_SECRET,
        )
        urls = []
        try:
            for folder in folders[:2]:
                port = free_port()
                env = {**shared, "KOTACERDAS_DATA_DIR": str(folder)}
                command = ["serve", "--no-worker", "--bind", f"127.0.0.1:{port}"]
                processes.append(
                    subprocess.Popen(  # noqa: S603 - the project's own script, fixed arguments
                        [str(script), *command, "--workers", "1", "--threads", "2"],
                        env=env,
                        stdout=subprocess.DEVNULL,
                        stderr=(tmp_path / f"{folder.name}.log").open("wb"),
                    )
                )
                urls.append(f"http://127.0.0.1:{port}")
            processes.append(
                subprocess.Popen(  # noqa: S603 - the project's own script, fixed arguments
                    [str(script), "worker", "--interval", "0.5"],
                    env={**shared, "KOTACERDAS_DATA_DIR": str(folders[2])},
                    stdout=subprocess.DEVNULL,
                    stderr=(tmp_path / "worker.log").open("wb"),
                )
            )
            for url, process in zip(urls, processes, strict=False):
                _wait_ready(url, process)
            yield Nodes(a=urls[0], b=urls[1], folders=folders, bucket=bucket, s3=s3_server)
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def _private_files(folder: Path) -> list[str]:
    private = folder / "private"
    return sorted(str(p.relative_to(folder)) for p in private.rglob("*") if p.is_file())


def test_a_session_moves_between_two_nodes_that_share_nothing_on_disk(
    browser: Browser, nodes: Nodes, tmp_path: Path
) -> None:
    region = RegionFactory()
    user = make_user("rina")
    # The nodes run the real settings: a hash they know (the suite's is MD5).
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    user.save(update_fields=["password"])
    Membership.objects.create(user=user, region=region, role=Role.REGISTRY_OFFICER)
    survey = tmp_path / "survei-dumai.csv"
    survey.write_bytes(SURVEY_CSV)
    page = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(20_000)

    # Signed in on node A (password, then the second factor).
    page.goto(nodes.a + reverse("login"))
    page.fill("input[name=username]", "rina")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].btn-primary")
    pass_second_factor(page, "rina")

    # The survey is uploaded on node B: the same session, the file in the bucket.
    page.goto(nodes.b + reverse("umkm:import_list", args=[region.code]))
    page.get_by_role("link", name="Unggah berkas survei").click()
    page.set_input_files("input[type=file]", str(survey))
    page.get_by_role("button", name="Unggah dan periksa kolom").click()
    expect(page.locator("h1")).to_have_text("Kolom mana mengisi data apa?")
    mapping = page.url.replace(nodes.b, nodes.a)

    # Its columns are read again on node A, which never had the file on disk.
    page.goto(mapping)
    expect(page.locator("h1")).to_have_text("Kolom mana mengisi data apa?")
    expect(page.get_by_test_id("header-row")).to_have_text("baris 3")
    page.get_by_role("button", name="Simpan pemetaan dan mulai impor").click()

    # The worker, a third process, imports it; both nodes show the result.
    job_page = page.url
    expect(page.get_by_test_id("import-state")).to_have_text("Selesai", timeout=60_000)
    expect(page.get_by_test_id("count-imported")).to_have_text("2")
    for node in (nodes.a, nodes.b):
        page.goto(job_page.replace(nodes.a, node).replace(nodes.b, node))
        expect(page.get_by_test_id("import-state")).to_have_text("Selesai")
        expect(page.get_by_test_id("count-imported")).to_have_text("2")
        # The worker's rejection report, served by each node from the bucket.
        with page.expect_download() as download:
            page.get_by_test_id("report-link").click()
        assert Path(download.value.path()).read_bytes()[:2] == b"PK"  # an .xlsx

    assert Business.objects.filter(region=region).count() == 2
    # Everything private went to the bucket; no node kept a copy.
    keys = s3_keys(nodes.s3, nodes.bucket)
    assert len(keys) >= 2, keys  # the survey and the report at least
    for folder in nodes.folders:
        assert _private_files(folder) == [], folder
