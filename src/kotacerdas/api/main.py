"""The one REST API of KotaCerdas, versioned under /api/v1/ (namespace
``api``): public reads, progress reporting, the UMKM registry. Docs at
/api/docs/ (Swagger UI served from our own static files)."""

from __future__ import annotations

from django.views.decorators.http import require_safe
from ninja import NinjaAPI

from kotacerdas.api import auth, errors, public, registry, reporting
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

api = NinjaAPI(
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

__all__ = ["api"]
