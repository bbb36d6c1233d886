"""Request bodies: JSON, as the schema documents. A form-encoded body is
read too (a plain HTML form, ``curl -d``), with the same validation."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from ninja.parser import Parser

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class JsonOrFormParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        if request.content_type in FORM_TYPES:
            return {key: request.POST.get(key) for key in request.POST}
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise ValueError("the body must be a JSON object")
        # Lone surrogates ("\\ud800") are valid JSON but no database stores them.
        json.dumps(data, ensure_ascii=False).encode("utf-8")
        return data
