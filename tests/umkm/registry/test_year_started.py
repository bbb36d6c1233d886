"""The year a business started is one rule, 1900 up to this year
(:func:`kotacerdas.umkm.identifiers.check_year_started`), at every entry
point: the survey import, the model (every service), the officers' form and
the public self-registration form."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kotacerdas.umkm import identifiers
from kotacerdas.umkm.models import Business
from kotacerdas.umkm.registry import services
from kotacerdas.umkm.registry.forms import BusinessForm, RegistrationForm

THIS_YEAR = timezone.localdate().year
YEARS = [
    (1899, False),
    (1900, True),
    (1995, True),
    (THIS_YEAR, True),
    (THIS_YEAR + 1, False),
    (2100, False),  # the officers' forms used to let this through to the model
]
MESSAGE = str(identifiers.REASONS["year_range"])


@pytest.mark.parametrize(("year", "accepted"), YEARS)
def test_the_import_applies_it(year: int, accepted: bool) -> None:
    if accepted:
        assert identifiers.clean_year(str(year), THIS_YEAR) == year
    else:
        with pytest.raises(identifiers.Invalid) as caught:
            identifiers.clean_year(str(year), THIS_YEAR)
        assert caught.value.code == "year_range"


@pytest.mark.parametrize(("year", "accepted"), YEARS)
def test_the_model_applies_it(world, officer, year: int, accepted: bool) -> None:
    data = {"name": "Toko Berkah", "kelurahan_code": "14.72.01.1003", "year_started": year}
    if accepted:
        business = services.business_create(actor=officer, region=world.region, data=data)
        assert business.year_started == year
    else:
        with pytest.raises(ValidationError) as caught:
            services.business_create(actor=officer, region=world.region, data=data)
        assert caught.value.message_dict["year_started"] == [MESSAGE]
        assert not Business.objects.exists()


@pytest.mark.parametrize(("year", "accepted"), YEARS)
@pytest.mark.parametrize("form_class", [BusinessForm, RegistrationForm])
def test_the_forms_apply_it(world, form_class, year: int, accepted: bool) -> None:
    form = form_class({"year_started": str(year)}, region=world.region)
    form.is_valid()
    assert ("year_started" not in form.errors) is accepted
    if not accepted:
        assert form.errors["year_started"] == [MESSAGE]
