"""The one REST API of KotaCerdas, versioned under /api/v1/ (namespace
``api``): public reads, progress reporting, the UMKM registry. Docs at
/api/docs/ (Swagger UI served from our own static files)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language, override
from django.views.decorators.http import require_safe
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from kotacerdas.api import auth, errors, national, public, registry, reporting
from kotacerdas.api.parser import JsonOrFormParser
from kotacerdas.api.throttling import AnonThrottle, UserThrottle

DESCRIPTION = """
API KotaCerdas: data publik masterplan Smart City (tanpa login) dan tindakan
sesuai peran pengguna (dengan token API atau sesi login).

- Autentikasi: header `Authorization: Bearer <token>`; token dibuat di
  halaman *Token API* (/akun/token-api/). Token *baca* tidak dapat menulis.
- Galat: selalu `{"detail", "detail_en", "errors": [{"field", "message", "code"}]}`.
- Batas laju: 429 dengan header `Retry-After`.
- Dokumentasi lengkap: docs/api.md.
"""


class _SchemaOnceAPI(NinjaAPI):
    """Builds the OpenAPI schema once per process and language: it follows
    from the code alone, and building it walks every operation and pydantic
    model (about a second on the demo machine), which /api/docs/ waited for
    on every visit (issue 21, point 13)."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        key = (path_prefix, get_language())
        cached = self._schemas.get(key)
        if cached is None:
            cached = super().get_openapi_schema(path_prefix=path_prefix)
            self._schemas[key] = cached
        return cached

    @property
    def _schemas(self) -> dict[tuple[str, str | None], OpenAPISchema]:
        found: dict[tuple[str, str | None], OpenAPISchema] | None = self.__dict__.get("_built")
        if found is None:
            found = self.__dict__["_built"] = {}
        return found


api = _SchemaOnceAPI(
    title="KotaCerdas API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    docs_url=None,  # the docs page is /api/docs/ (kotacerdas.api.views.docs)
    auth=auth.REQUIRED,
    throttle=[AnonThrottle(), UserThrottle()],
    parser=JsonOrFormParser(),
    docs_decorator=require_safe,  # the schema is read-only: POST to it is 405
)
errors.install(api)
api.add_router("/", public.router)
api.add_router("/", reporting.router)
api.add_router("/", registry.router)
api.add_router("/", national.router)

__all__ = ["api", "warm_up"]


def warm_up() -> None:
    """Build the schema in the default language before the first visit to
    /api/docs/ waits for it (settings.KOTACERDAS_WARM_UP)."""
    with override(settings.LANGUAGE_CODE):
        api.get_openapi_schema(path_prefix=reverse("api:api-root"))
