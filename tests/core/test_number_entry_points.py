"""Every entry point where a person types an amount or a count gives the same
answer for the same text: the form fields (progress report, programme,
registry), the workbook cells (masterplan template, progress workbook), the
survey import and the API body. Amounts are generated, written in the
notations people use (tests/core/notations.py) and fed to each of them.

Fields that keep sen (budgets, programme costs) store the amount exactly;
the registry keeps whole Rupiah and rounds the sen half-up
(kotacerdas.core.numbers)."""

from __future__ import annotations

import csv
import itertools
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kotacerdas.core.formatting import round_half_up
from kotacerdas.core.forms import AmountField, CountField, PercentField
from kotacerdas.core.sheets import cells
from kotacerdas.core.sheets.problems import Problems
from kotacerdas.masterplan.forms import ProgrammeForm
from kotacerdas.monitoring.forms import ReportForm
from kotacerdas.monitoring.models import ProgressReport
from kotacerdas.monitoring.workbook.reading import MESSAGES, parse_values
from kotacerdas.umkm import identifiers
from kotacerdas.umkm.imports.engine import run_import
from kotacerdas.umkm.models import Business
from kotacerdas.umkm.registry.forms import BusinessForm, RegistrationForm, RupiahField
from tests.api.helpers import Api, token_for
from tests.core.notations import amounts, counts, render_amount, render_count
from tests.monitoring_fixtures import period

# One world and signed-in personas for the whole module (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("shared_world")

FAST = settings(max_examples=300, deadline=None, database=None)
# Examples that go through the database (the API, the import) are fewer.
SLOW = settings(
    max_examples=8,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_names = itertools.count()


def _form_amount(written: object) -> Decimal | None:
    """The progress report's and the programme's amount field."""
    field = AmountField(max_digits=18, decimal_places=2, required=False)
    return field.clean(written)  # type: ignore[no-any-return]


def _workbook_amounts(written: object) -> tuple[Decimal, Decimal]:
    """A masterplan template cell, and a progress workbook row's budget."""
    problems = Problems(MESSAGES)
    row = parse_values(
        2,
        {"status": "berjalan", "progres_fisik": 0, "pagu": written, "realisasi": 0}
        | {"keluaran": "", "uraian": ""},
        problems,
    )
    assert not problems.items, problems.items
    return cells.money(written, max_digits=18, places=2), row["budget_ceiling"]  # type: ignore[arg-type]


def _registry_form_amount(written: object) -> Decimal | None:
    return RupiahField().clean("" if written is None else str(written))  # type: ignore[no-any-return]


def test_the_forms_use_the_shared_number_fields() -> None:
    report = ReportForm()
    assert isinstance(report.fields["budget_ceiling"], AmountField)
    assert isinstance(report.fields["budget_realisation"], AmountField)
    assert isinstance(report.fields["physical_progress"], PercentField)
    for form in (BusinessForm, RegistrationForm):
        assert isinstance(form.base_fields["workers"], CountField)
        assert isinstance(form.base_fields["capital"], RupiahField)
    assert isinstance(ProgrammeForm.base_fields["estimated_cost"], AmountField)


@FAST
@given(data=st.data(), amount=amounts())
def test_an_amount_is_the_same_in_every_form_and_workbook(data, amount: Decimal) -> None:  # type: ignore[no-untyped-def]
    written = data.draw(render_amount(amount))
    whole = round_half_up(amount, 0)

    assert _form_amount(written) == amount
    assert _workbook_amounts(written) == (amount, amount)
    assert identifiers.clean_amount(written) == whole
    assert _registry_form_amount(written) == whole


@FAST
@given(data=st.data(), count=counts())
def test_a_count_is_the_same_in_the_form_and_the_import(data, count: int) -> None:  # type: ignore[no-untyped-def]
    written = data.draw(render_count(count))

    assert CountField(required=False).clean(written) == count
    assert identifiers.clean_int(written) == count


@pytest.mark.parametrize(
    "written", ["tiga", "sejuta", "5 dolar", "1.50.000", "1,5E+06", "Rp 1.500.000,505"]
)
def test_text_that_is_not_an_amount_is_refused_everywhere(written: str) -> None:
    with pytest.raises(ValidationError):
        _form_amount(written)
    with pytest.raises(cells.CellError):
        cells.money(written, max_digits=18, places=2)
    if written != "Rp 1.500.000,505":  # the registry rounds sen instead
        with pytest.raises(identifiers.Invalid):
            identifiers.clean_amount(written)
        with pytest.raises(ValidationError):
            _registry_form_amount(written)


@pytest.mark.parametrize("written", ["-5", "Rp -1.500.000", "−2 jt"])
def test_a_negative_amount_is_refused_everywhere(world, written: str) -> None:  # type: ignore[no-untyped-def]
    form = ReportForm(
        data={"status": "berjalan", "physical_progress": "0", "budget_ceiling": written}
        | {"budget_realisation": "0", "output_achieved": "", "narrative": ""},
        instance=ProgressReport(),
    )
    assert not form.is_valid() and "budget_ceiling" in form.errors
    with pytest.raises(cells.CellError, match="negative"):
        cells.money(written, max_digits=18, places=2)
    with pytest.raises(identifiers.Invalid, match="amount_negative"):
        identifiers.clean_amount(written)


@pytest.mark.parametrize("written", ["-3", "3,5", "seratus orang", "dua puluh lima", "3 jt"])
def test_a_count_that_is_not_whole_is_refused_everywhere(written: str) -> None:
    with pytest.raises(ValidationError):
        CountField(min_value=0).clean(written)
    with pytest.raises(identifiers.Invalid):
        identifiers.clean_int(written)


@pytest.mark.parametrize("written", ["2-3", "2 - 3 orang", "2 s.d. 3", "2 s/d 3 org", "2 sampai 3"])
def test_a_range_is_refused_as_a_range_everywhere(written: str) -> None:
    """No entry point picks a bound for the writer; each says it is a range."""
    with pytest.raises(ValidationError) as form_error:
        CountField(min_value=0).clean(written)
    assert form_error.value.code == "range"
    with pytest.raises(identifiers.Invalid, match="integer_range"):
        identifiers.clean_int(written)
    with pytest.raises(identifiers.Invalid, match="amount_range"):
        identifiers.clean_amount(written.replace("orang", "").replace("org", "") + " juta")


# --- Through the database: the report page, the survey import, the API ----------------------


@pytest.mark.parametrize(
    ("written", "stored"),
    [("250.000.000", 250_000_000), ("Rp 1.500.000,-", 1_500_000), ("1,5 juta", 1_500_000)],
)
def test_the_report_page_stores_what_was_typed(world, personas, written, stored) -> None:  # type: ignore[no-untyped-def]
    p = period(world)
    url = reverse("monitoring:report_edit", args=[p.pk, world.plan_a.pk])
    personas["editor_a"].post(
        url,
        {
            "status": "berjalan",
            "physical_progress": "35,5",
            "budget_ceiling": written,
            "budget_realisation": "0",
            "output_achieved": "",
            "narrative": "",
        },
    )
    report = ProgressReport.objects.get(period=p, action_plan=world.plan_a)
    assert (report.budget_ceiling, report.physical_progress) == (stored, Decimal("35.5"))


def _pairs() -> st.SearchStrategy[list[tuple[Decimal, object, int, object]]]:
    pair = st.tuples(amounts(), counts()).flatmap(
        lambda ac: st.tuples(
            st.just(ac[0]), render_amount(ac[0]), st.just(ac[1]), render_count(ac[1])
        )
    )
    return st.lists(pair, min_size=1, max_size=4)


@SLOW
@given(pairs=_pairs())
def test_the_survey_import_and_the_api_store_what_the_form_reads(  # type: ignore[no-untyped-def]
    world, officer, tmp_path: Path, pairs
) -> None:
    api = Api(token_for(officer))
    path = tmp_path / f"survei-{next(_names)}.csv"
    names: list[str] = []
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Nama Usaha", "Kelurahan", "Modal Usaha", "Jml TK"])
        for _amount, amount_text, _count, count_text in pairs:
            names.append(f"Usaha Uji {next(_names)}")
            writer.writerow([names[-1], "Purnama", amount_text, count_text])

    result = run_import(actor=None, region=world.region, path=path, filename=path.name)

    assert result.imported == len(pairs), result
    for name, (amount, amount_text, count, count_text) in zip(names, pairs, strict=True):
        imported = Business.objects.get(name=name)
        assert (imported.capital, imported.workers) == (round_half_up(amount, 0), count)
        created = api.post(
            f"/regions/{world.region.code}/businesses",
            {
                "name": f"Lewat API {next(_names)}",
                "kelurahan_code": "14.72.01.1003",
                "capital": str(amount_text),
                "workers": count_text if isinstance(count_text, str | int) else str(count_text),
            },
        )
        assert created.status_code == 201, created.content
        stored = Business.objects.get(pk=created.json()["id"])
        assert (stored.capital, stored.workers) == (imported.capital, imported.workers)


@pytest.mark.parametrize(("written", "stored"), [("tiga orang", 3), ("Dua Belas", 12)])
def test_count_words_are_stored_by_the_api_and_the_import(  # type: ignore[no-untyped-def]
    world, officer, tmp_path: Path, written: str, stored: int
) -> None:
    path = tmp_path / "survei.csv"
    path.write_text(
        f"Nama Usaha;Kelurahan;Jml TK\nUsaha Kata;Purnama;{written}\n", encoding="utf-8"
    )
    result = run_import(actor=None, region=world.region, path=path, filename=path.name)
    assert (result.imported, result.warnings) == (1, 0)
    assert Business.objects.get(name="Usaha Kata").workers == stored
    created = Api(token_for(officer)).post(
        f"/regions/{world.region.code}/businesses",
        {"name": "Lewat API", "kelurahan_code": "14.72.01.1003", "workers": written},
    )
    assert created.status_code == 201, created.content
    assert Business.objects.get(pk=created.json()["id"]).workers == stored


def test_a_range_is_refused_by_the_api_and_kept_as_a_warning_by_the_import(  # type: ignore[no-untyped-def]
    world, officer, tmp_path: Path
) -> None:
    path = tmp_path / "survei.csv"
    path.write_text(
        "Nama Usaha;Kelurahan;Jml TK\nUsaha Rentang;Purnama;2 s.d. 3\n", encoding="utf-8"
    )
    result = run_import(actor=None, region=world.region, path=path, filename=path.name)
    assert (result.imported, result.warnings) == (1, 1)
    assert Business.objects.get(name="Usaha Rentang").workers is None
    refused = Api(token_for(officer)).post(
        f"/regions/{world.region.code}/businesses",
        {"name": "Lewat API", "kelurahan_code": "14.72.01.1003", "workers": "2-3"},
    )
    assert refused.status_code in (400, 422), refused.content
    assert "rentang" in refused.content.decode()
    assert not Business.objects.filter(name="Lewat API").exists()
