"""One error shape for every API failure:

    {"detail": "<Indonesian>", "detail_en": "<English>",
     "errors": [{"field": "...", "message": "...", "code": "..."}]}

``detail`` says what went wrong in general, in both languages; ``errors``
names the fields (validation) or carries the service's own reasons, in the
request's language. No traceback ever reaches the client.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

logger = logging.getLogger(__name__)


class ErrorItem(Schema):
    field: str | None = None
    message: str
    code: str = ""


class Error(Schema):
    detail: str
    detail_en: str
    errors: list[ErrorItem] = []


class ApiRefusal(HttpError):
    """Raised by API code for a refusal with its own message."""

    def __init__(self, status_code: int, message: Promise | str, code: str = "") -> None:
        self.message_lazy = message
        self.code = code
        super().__init__(status_code, str(message))


GENERIC: dict[int, Promise] = {
    400: _("Permintaan tidak dapat dibaca. Periksa format JSON dan header Content-Type."),
    401: _("Perlu autentikasi: kirim header Authorization: Bearer <token> yang masih berlaku."),
    403: _("Anda tidak berhak melakukan ini."),
    404: _("Data tidak ditemukan, atau Anda tidak berhak melihatnya."),
    405: _("Metode HTTP ini tidak didukung di alamat ini."),
    409: _("Permintaan ditolak karena keadaan data saat ini."),
    413: _(
        "Isi permintaan terlalu besar. Kirim berkas sebagai multipart/form-data dalam "
        "batas ukurannya; badan JSON paling besar 2,5 MB."
    ),
    422: _("Data yang dikirim tidak valid; lihat daftar kesalahan per kolom."),
    429: _("Terlalu banyak permintaan. Coba lagi setelah waktu pada header Retry-After."),
    500: _("Terjadi kesalahan pada server. Kejadian ini sudah dicatat; coba lagi nanti."),
}


def _both(message: Promise | str) -> tuple[str, str]:
    with translation.override("id"):
        indonesian = str(message)
    with translation.override("en"):
        english = str(message)
    return indonesian, english


def error_body(
    status: int, message: Promise | str | None = None, errors: Iterable[dict[str, Any]] = ()
) -> dict[str, Any]:
    detail, detail_en = _both(message if message is not None else GENERIC[status])
    return {"detail": detail, "detail_en": detail_en, "errors": list(errors)}


def _respond(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    message: Promise | str | None = None,
    errors: Iterable[dict[str, Any]] = (),
) -> HttpResponse:
    return api.create_response(request, error_body(status, message, errors), status=status)


def _field_name(loc: Iterable[Any]) -> str | None:
    # pydantic locations look like ("body", "payload", "status") or ("query", "page").
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "file", "header")]
    if parts and parts[0] in ("payload", "data", "filters") and len(parts) > 1:
        parts = parts[1:]
    return ".".join(parts) or None


def _django_items(error: DjangoValidationError) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for item in errors:
                for message in item.messages:
                    items.append(
                        {
                            "field": None if field == "__all__" else field,
                            "message": message,
                            "code": item.code or "",
                        }
                    )
    else:
        for item in error.error_list:
            for message in item.messages:
                items.append({"field": None, "message": message, "code": item.code or ""})
    return items


def install(api: NinjaAPI) -> None:
    """Replace ninja's default handlers by ours (same shape everywhere)."""

    def validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        items = [
            {
                "field": _field_name(e.get("loc", ())),
                "message": str(e.get("msg", "")),
                "code": str(e.get("type", "")),
            }
            for e in exc.errors
        ]
        return _respond(api, request, 422, errors=items)

    def service_refusal(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        # Errors per field (or of the record as a whole, from full_clean) are
        # bad input: 422. A plain refusal is about the state of the data ("the
        # period is closed", "already submitted"): 409.
        items = _django_items(exc)
        status = 422 if hasattr(exc, "error_dict") else 409
        return _respond(api, request, status, errors=items)

    def authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        reason = getattr(exc, "message_lazy", None)
        items = [] if reason is None else [{"field": None, "message": str(reason), "code": "token"}]
        response = _respond(api, request, 401, errors=items)
        response["WWW-Authenticate"] = 'Bearer realm="kotacerdas"'
        return response

    def refusal(request: HttpRequest, exc: ApiRefusal) -> HttpResponse:
        items = [{"field": None, "message": str(exc.message_lazy), "code": exc.code}]
        return _respond(api, request, exc.status_code, errors=items)

    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        return _respond(api, request, 429)

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        status = exc.status_code if exc.status_code in GENERIC else 400
        return _respond(api, request, status)

    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return _respond(api, request, 404)

    def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
        return _respond(api, request, 403)

    # What Django refuses while reading a request (issue 14: these answered
    # 500 with a traceback in the log, where the web answers 400/413).
    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return _respond(api, request, 413)

    def too_many(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        message = _(
            "Terlalu banyak parameter, kolom atau berkas dalam satu permintaan; "
            "kirim lebih sedikit."
        )
        return _respond(api, request, 400, message)

    def unreadable(request: HttpRequest, exc: Exception) -> HttpResponse:
        message = _(
            "Isi permintaan tidak dapat dibaca: multipart/form-data rusak atau terputus, "
            "atau header Content-Type tidak sesuai isinya."
        )
        return _respond(api, request, 400, message)

    def suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        logger.warning("API request refused on %s: %s", request.path, type(exc).__name__)
        return _respond(api, request, 400)

    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error on %s %s", request.method, request.path)
        return _respond(api, request, 500)

    handlers: list[tuple[type[Exception], Any]] = [
        (Exception, server_error),
        (Http404, not_found),
        (PermissionDenied, forbidden),
        (HttpError, http_error),
        (ApiRefusal, refusal),
        (AuthenticationError, authentication),
        (Throttled, throttled),
        (NinjaValidationError, validation),
        (DjangoValidationError, service_refusal),
        (SuspiciousOperation, suspicious),
        (RequestDataTooBig, too_big),
        (TooManyFieldsSent, too_many),
        (TooManyFilesSent, too_many),
        (MultiPartParserError, unreadable),
        (UnreadablePostError, unreadable),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)


def responses(*codes: int) -> dict[int, type[Error]]:
    """The error part of an operation's ``response=``: every status it may
    answer with, so the OpenAPI schema is honest about failures."""
    return {code: Error for code in sorted({400, 422, 429, 500, *codes})}
