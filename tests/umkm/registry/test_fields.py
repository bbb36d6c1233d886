"""The fields of a business are named once, by what they are
(kotacerdas.umkm.registry.models); every other list of them is built from
those names, so a new field is classified once and every list follows."""

from __future__ import annotations

from kotacerdas.umkm.duplicates.selectors import FILL_FIELDS
from kotacerdas.umkm.pdp.services import ANONYMISED_FIELDS, PERSONAL_COLUMNS, PUBLIC_COLUMNS
from kotacerdas.umkm.registry.models import (
    DERIVED_FIELDS,
    ENTERED_FIELDS,
    LOCATION_FIELDS,
    PERSONAL_FIELDS,
    STANDING_FIELDS,
    Business,
)
from kotacerdas.umkm.registry.services import AUDIT_FIELDS

# The record's own bookkeeping: where it came from, when, what became of it.
RECORD_FIELDS = {
    "id",
    "region",
    "closed_at",
    "consent_at",
    "import_job",
    "source_row",
    "fingerprint",
    "merged_into",
    "anonymised_at",
    "created_at",
    "updated_at",
    "registered_year",  # created_at's year on the region's clock, for the statistics
}


def test_every_field_of_a_business_is_named_once_by_what_it_is() -> None:
    groups = [ENTERED_FIELDS, DERIVED_FIELDS, STANDING_FIELDS, tuple(RECORD_FIELDS)]
    named = [name for group in groups for name in group]
    assert len(named) == len(set(named))
    assert set(named) == {field.name for field in Business._meta.concrete_fields}


def test_personal_data_and_location_are_entered_fields() -> None:
    assert set(PERSONAL_FIELDS) <= set(ENTERED_FIELDS)
    assert set(LOCATION_FIELDS) <= set(ENTERED_FIELDS)


def test_the_export_without_personal_data_has_none_of_it() -> None:
    assert not set(PUBLIC_COLUMNS) & {*PERSONAL_FIELDS, *LOCATION_FIELDS, "consent_at"}
    assert set(PERSONAL_COLUMNS) == {*PUBLIC_COLUMNS, *ANONYMISED_FIELDS, "consent_at"}


def test_the_audit_trail_sees_every_entered_field_and_a_merge_fills_no_own_field() -> None:
    assert set(ENTERED_FIELDS) <= set(AUDIT_FIELDS)
    assert not {"name", "kelurahan_code"} & set(FILL_FIELDS)
