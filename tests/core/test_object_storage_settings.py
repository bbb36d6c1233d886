"""The private files' storage chosen from the environment (issue 16): the
local folder by default, a bucket with ``KOTACERDAS_S3_BUCKET``; production
refuses a bucket without credentials or reached in clear text over the
network (settings.py, as it refuses the other unsafe production settings)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.core.test_settings import GOOD_SECRET, load_settings

S3_NAMES = (
    "KOTACERDAS_S3_BUCKET",
    "KOTACERDAS_S3_ENDPOINT_URL",
    "KOTACERDAS_S3_REGION",
    "KOTACERDAS_S3_ADDRESSING_STYLE",
    "KOTACERDAS_S3_PREFIX",
    "KOTACERDAS_S3_ACCESS_KEY_ID",
    "KOTACERDAS_S3_SECRET_ACCESS_KEY",
)


@pytest.fixture
def production(environ: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    environ.setenv("KOTACERDAS_ENV", "production")
    environ.setenv("SECRET_KEY", GOOD_SECRET)
    environ.setenv("ALLOWED_HOSTS", "smartcity.dumaikota.go.id")
    environ.setenv("KOTACERDAS_S3_BUCKET", "kotacerdas-dumai")
    return environ


def _credentials(environ: pytest.MonkeyPatch) -> None:
    environ.setenv("KOTACERDAS_S3_ACCESS_KEY_ID", "AKIAKOTACERDAS")
    environ.setenv("KOTACERDAS_S3_SECRET_ACCESS_KEY", "rahasia-sekali")


def test_it_keeps_private_files_in_the_local_folder_by_default(environ, tmp_path) -> None:
    values = load_settings()

    assert values["STORAGES"]["private"] == {"BACKEND": "kotacerdas.core.storage.PrivateStorage"}
    assert values["PRIVATE_FILES_DIR"] == tmp_path / "private"


def test_it_puts_private_files_in_the_bucket_the_environment_names(production) -> None:
    _credentials(production)
    production.setenv("KOTACERDAS_S3_ENDPOINT_URL", "https://s3.dumaikota.go.id")
    production.setenv("KOTACERDAS_S3_REGION", "id-riau-1")
    production.setenv("KOTACERDAS_S3_PREFIX", "/kotacerdas/")

    private = load_settings()["STORAGES"]["private"]

    assert private["BACKEND"] == "kotacerdas.core.objectstorage.PrivateS3Storage"
    assert private["OPTIONS"] == {
        "bucket_name": "kotacerdas-dumai",
        "endpoint_url": "https://s3.dumaikota.go.id",
        "region_name": "id-riau-1",
        "addressing_style": "path",
        "location": "kotacerdas",
        "signature_version": "s3v4",
        "access_key": "AKIAKOTACERDAS",
        "secret_key": "rahasia-sekali",
    }


def test_production_refuses_a_bucket_without_credentials(production) -> None:
    with pytest.raises(ImproperlyConfigured, match="KOTACERDAS_S3_ACCESS_KEY_ID"):
        load_settings()


@pytest.mark.parametrize(
    "endpoint",
    ["http://s3.dumaikota.go.id", "http://10.0.0.5:9000", "http://[2001:db8::1]:9000"],
)
def test_production_refuses_plain_http_to_another_machine(production, endpoint) -> None:
    _credentials(production)
    production.setenv("KOTACERDAS_S3_ENDPOINT_URL", endpoint)

    with pytest.raises(ImproperlyConfigured, match="https"):
        load_settings()


@pytest.mark.parametrize(
    "endpoint", ["http://127.0.0.1:9000", "http://localhost:9000", "http://[::1]:9000"]
)
def test_production_accepts_plain_http_to_this_machine(production, endpoint) -> None:
    _credentials(production)
    production.setenv("KOTACERDAS_S3_ENDPOINT_URL", endpoint)

    assert load_settings()["STORAGES"]["private"]["OPTIONS"]["endpoint_url"] == endpoint


def test_development_may_take_plain_http_and_the_default_credentials(environ) -> None:
    environ.setenv("KOTACERDAS_S3_BUCKET", "kotacerdas-dev")
    environ.setenv("KOTACERDAS_S3_ENDPOINT_URL", "http://s3.lab.local:9000")

    options = load_settings()["STORAGES"]["private"]["OPTIONS"]

    assert (options["access_key"], options["secret_key"]) == (None, None)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("KOTACERDAS_S3_ACCESS_KEY_ID", "AKIAKOTACERDAS", "go together"),
        ("KOTACERDAS_S3_SECRET_ACCESS_KEY", "rahasia", "go together"),
        ("KOTACERDAS_S3_ENDPOINT_URL", "s3.dumaikota.go.id", "must be a URL"),
        ("KOTACERDAS_S3_ENDPOINT_URL", "ftp://s3.dumaikota.go.id", "must be a URL"),
        ("KOTACERDAS_S3_ADDRESSING_STYLE", "sideways", "path, virtual or auto"),
    ],
)
def test_it_refuses_a_bucket_configuration_that_would_fail_later(
    environ, name, value, message
) -> None:
    environ.setenv("KOTACERDAS_S3_BUCKET", "kotacerdas-dev")
    environ.setenv(name, value)

    with pytest.raises(ImproperlyConfigured, match=message):
        load_settings()


def test_the_variables_are_the_ones_settings_reads() -> None:
    from tests.core.test_settings import _settings_reads

    assert set(S3_NAMES) <= set(_settings_reads())
