"""Page-number pagination shared by the list endpoints: ``?page=1&page_size=50``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, TypeVar

from ninja import Schema
from pydantic import Field

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_PAGE = 2000
# Ids above this are refused (422) before any query: no database overflows.
MAX_ID = 2**53
# Text parameters: no NUL (PostgreSQL refuses it in text).
NO_NUL = r"^[^\x00]*$"
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
RegionCode = Annotated[
    str,
    Field(pattern=r"^[0-9]{2}(\.[0-9]{2})*$", max_length=13, description="Kode wilayah Kemendagri"),
]
T = TypeVar("T")


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Nomor halaman, mulai dari 1")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Jumlah item per halaman"
    )


def page_of_list(items: Sequence[T], query: PageQuery) -> dict[str, Any]:
    """One page of an already loaded list (the public lists are small: a
    masterplan holds tens to a few hundred programmes and plans)."""
    start = (query.page - 1) * query.page_size
    chunk = list(items[start : start + query.page_size])
    return {
        "page": query.page,
        "page_size": query.page_size,
        "count": len(items),
        "has_next": start + query.page_size < len(items),
        "items": chunk,
    }
