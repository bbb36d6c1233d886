"""Production's static files collect (issue 14, point 1).

In production the static storage is WhiteNoise's manifest storage, whose
post-processing fails on any file a CSS or JS file references but the
project does not ship (Leaflet's ``sourceMappingURL=leaflet.js.map`` once
made ``collectstatic`` fail and every page answer 500). The full start
(gunicorn, pages fetched) is the CI step "production start"
(scripts/production_start.py); this is its quick half for ``make test``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

PRODUCTION_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"
SHIPPED = Path(settings.STATICFILES_DIRS[0])


@pytest.fixture
def production_static(tmp_path: Path):
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": PRODUCTION_STORAGE}}
    # Django's setting_changed receivers rebuild staticfiles_storage on entry and exit.
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        yield tmp_path


def test_it_collects_every_static_file_with_the_production_storage(production_static):
    call_command("collectstatic", interactive=False, verbosity=0)

    manifest = json.loads((production_static / "staticfiles.json").read_text())["paths"]
    for name in ("vendor/leaflet/leaflet.js", "vendor/htmx/htmx.min.js", "kotacerdas/app.css"):
        assert (production_static / manifest[name]).is_file()
        assert (production_static / f"{manifest[name]}.gz").is_file()
    # Source maps are collected and hashed, not compressed (settings.py: half
    # of collectstatic's CPU went to brotli on them).
    source_map = manifest["ninja/redoc.standalone.js.map"]
    assert (production_static / source_map).is_file()
    assert not list(production_static.rglob("*.map.gz")) + list(production_static.rglob("*.map.br"))


def test_no_shipped_file_points_at_a_file_that_is_not_shipped():
    """The rule behind the test above, named file by file: every
    ``sourceMappingURL`` and every relative ``url(...)`` of the project's own
    static files resolves to a file in the repository."""
    missing = []
    for path in SHIPPED.rglob("*"):
        if path.suffix not in {".js", ".css"}:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        targets = re.findall(r"sourceMappingURL=([^\s*]+)", text)
        targets += [
            url
            for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", text)
            if not url.startswith(("data:", "http:", "https:", "#", "/"))
        ]
        for target in targets:
            if not (path.parent / target.split("?")[0].split("#")[0]).is_file():
                missing.append(f"{path.relative_to(SHIPPED)} -> {target}")
    assert missing == []
