"""The region's own clock: which of Indonesia's three time zones a region
keeps, derived from its Kemendagri province code (DOMAIN.md §9).

Timestamps are stored in UTC (``USE_TZ``); a region's pages, exports, PDFs
and e-mails show them in the region's zone: WIB (UTC+7), WITA (UTC+8) or
WIT (UTC+9). A region may override the derived zone (``Region.time_zone``).
"""

from __future__ import annotations

import zoneinfo
from typing import Final

WIB: Final = "Asia/Jakarta"
WITA: Final = "Asia/Makassar"
WIT: Final = "Asia/Jayapura"

# The abbreviation Indonesians read after a time ("00.30 WIB").
ABBREVIATIONS: Final[dict[str, str]] = {WIB: "WIB", WITA: "WITA", WIT: "WIT"}

# Province codes (Kemendagri, first two digits) outside WIB; every other
# known province — Sumatra 11–19 and 21, Java 31–36, Kalimantan Barat 61 and
# Tengah 62 — keeps WIB.
_WITA_PROVINCES: Final = frozenset(
    {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
)
_WIT_PROVINCES: Final = frozenset({"81", "82"})


def zone_for_code(code: str) -> str:
    """The IANA name of the zone of a region (or province) code: every Papua
    province (9x) and Maluku keep WIT, Bali–Nusa Tenggara, South/East/North
    Kalimantan and Sulawesi keep WITA, the rest WIB."""
    province = code[:2]
    if province in _WIT_PROVINCES or province.startswith("9"):
        return WIT
    if province in _WITA_PROVINCES:
        return WITA
    return WIB


def abbreviation(zone: str) -> str:
    """ "WIB", "WITA" or "WIT"; the IANA name itself for any other zone."""
    return ABBREVIATIONS.get(zone, zone)


def tzinfo(zone: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(zone)
