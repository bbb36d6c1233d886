"""The evaluation index (DOMAIN.md §3): Σ weight/100 × dimension score,
exact from unrounded scores, rounded half-up to two decimals once; and
``kotacerdas evaluation index``, run for real. No database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from kotacerdas.core.formatting import round_half_up
from kotacerdas.evaluation.instruments.selectors import (
    DEFAULT_WEIGHTS,
    DIMENSION_CODES,
    DIMENSIONS,
    evaluation_index,
    parse_number,
)

# Kota Jambi, Evaluasi Smart City 2024: published dimension scores.
JAMBI_2024 = {
    "baseline": Decimal("3.84"),
    "output": Decimal("3.18"),
    "outcome": Decimal("3.53"),
    "impact": Decimal("3.63"),
    "quick_win": Decimal("3.35"),
}
ALTERNATIVE_WEIGHTS = {
    "baseline": Decimal(10),
    "output": Decimal(20),
    "outcome": Decimal(30),
    "impact": Decimal(30),
    "quick_win": Decimal(10),
}
JAMBI_ARGS = [
    "baseline=3.84",
    "output=3.18",
    "outcome=3.53",
    "impact=3.63",
    "quick_win=3.35",
]


def codes(error: ValidationError) -> list[str | None]:
    return [e.code for e in error.error_list]


def weights(*percents: int | str) -> dict[str, Decimal]:
    return {code: Decimal(p) for code, p in zip(DIMENSION_CODES, percents, strict=True)}


# --- The rule ------------------------------------------------------------------------------------


def test_it_has_five_dimensions_in_order_with_the_default_weights():
    assert DIMENSION_CODES == ("baseline", "output", "outcome", "impact", "quick_win")
    assert [str(d.label) for d in DIMENSIONS] == [
        "Baseline",
        "Output",
        "Outcome",
        "Impact (Dampak)",
        "Quick Win",
    ]
    assert dict(DEFAULT_WEIGHTS) == weights(10, 20, 30, 20, 20)
    assert sum(DEFAULT_WEIGHTS.values()) == 100


def test_it_computes_the_jambi_2024_index_exactly_and_shows_it_half_up():
    result = evaluation_index(scores=JAMBI_2024)

    assert result.value == Fraction("3.475")
    assert result.exact == Decimal("3.475")
    assert str(result.exact) == "3.475"
    assert not result.exact_is_rounded
    assert str(result.rounded) == "3.48"  # a tie: banker's rounding would give 3.47


def test_it_lists_each_dimensions_contribution_exactly():
    result = evaluation_index(scores=JAMBI_2024)

    assert [(c.code, c.weight, c.score, c.value) for c in result.contributions] == [
        ("baseline", 10, Fraction("3.84"), Fraction("0.384")),
        ("output", 20, Fraction("3.18"), Fraction("0.636")),
        ("outcome", 30, Fraction("3.53"), Fraction("1.059")),
        ("impact", 20, Fraction("3.63"), Fraction("0.726")),
        ("quick_win", 20, Fraction("3.35"), Fraction("0.67")),
    ]


def test_it_computes_the_alternative_published_weights_exactly():
    result = evaluation_index(scores=JAMBI_2024, weights=ALTERNATIVE_WEIGHTS)

    assert str(result.exact) == "3.503"
    assert str(result.rounded) == "3.50"
    assert not result.exact_is_rounded


def test_it_explains_every_number_in_indonesian():
    lines = evaluation_index(scores=JAMBI_2024).explain()

    assert lines[1:] == (
        "Baseline: 0,1 × 3,84 = 0,384",
        "Output: 0,2 × 3,18 = 0,636",
        "Outcome: 0,3 × 3,53 = 1,059",
        "Impact (Dampak): 0,2 × 3,63 = 0,726",
        "Quick Win: 0,2 × 3,35 = 0,67",
        "Jumlah: 0,384 + 0,636 + 1,059 + 0,726 + 0,67 = 3,475",
        "Dibulatkan setengah ke atas ke 2 desimal, sekali di akhir: 3,475 → 3,48",
    )
    assert "tidak dibulatkan" in lines[0]


def test_it_computes_from_unrounded_scores_not_from_the_published_ones():
    # Unrounded scores that are published as Jambi's 3,84 / 3,18 / 3,53 / 3,63 / 3,35.
    unrounded = {
        "baseline": Decimal("3.8351"),
        "output": Decimal("3.1751"),
        "outcome": Decimal("3.5251"),
        "impact": Decimal("3.6251"),
        "quick_win": Decimal("3.3451"),
    }
    published = {code: round_half_up(score) for code, score in unrounded.items()}
    assert published == JAMBI_2024

    result = evaluation_index(scores=unrounded)

    assert str(result.exact) == "3.4701"
    assert str(result.rounded) == "3.47"
    # Rounding the dimension scores first would have moved the second decimal.
    assert str(evaluation_index(scores=published).rounded) == "3.48"


def test_it_keeps_a_mean_of_item_scores_exact_and_marks_where_it_is_written_rounded():
    scores = {**JAMBI_2024, "baseline": Fraction(10, 3)}  # mean of 3, 3 and 4

    result = evaluation_index(scores=scores)

    assert result.value == Fraction(1, 10) * Fraction(10, 3) + Fraction("3.091")
    assert result.exact_is_rounded
    assert str(result.exact) == "3.4243333333"
    assert str(result.rounded) == "3.42"
    assert "Baseline: 0,1 × 3,3333333333… = 0,3333333333…" in result.explain()
    assert result.as_dict()["exact_is_rounded"] is True


def test_it_accepts_weights_with_decimals_and_a_zero_weight():
    result = evaluation_index(
        scores=JAMBI_2024, weights=weights("33.33", "33.33", "33.34", "0", "0")
    )

    assert result.value == (
        Fraction("0.3333") * Fraction("3.84")
        + Fraction("0.3333") * Fraction("3.18")
        + Fraction("0.3334") * Fraction("3.53")
    )
    assert str(result.exact) == "3.516668"


@pytest.mark.parametrize("score", [Decimal(0), Decimal(4), 4, Decimal("4.00")])
def test_it_accepts_scores_at_both_ends_of_the_scale(score):
    result = evaluation_index(scores=dict.fromkeys(DIMENSION_CODES, score))

    assert result.value == score


def test_it_uses_the_configured_scale():
    scores = dict.fromkeys(DIMENSION_CODES, Decimal("4.5"))

    assert str(evaluation_index(scores=scores, scale_max=Decimal(5)).rounded) == "4.50"
    with pytest.raises(ValidationError) as raised:
        evaluation_index(scores=scores)
    assert codes(raised.value) == ["score_out_of_range"] * 5


# --- Refusals ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("percents", "message"),
    [
        ((10, 20, 30, 20, 10), "Jumlah bobot harus tepat 100%, bukan 90%. / "),
        ((10, 20, 30, 30, 20), "Jumlah bobot harus tepat 100%, bukan 110%. / "),
        (("10", "20", "30", "20", "20.5"), "bukan 100,5%. / Weights must sum to exactly 100%"),
        (("10", "20", "30", "20", "19.99"), "not 99.99%."),
    ],
)
def test_it_refuses_weights_that_do_not_sum_to_100_and_names_the_sum(percents, message):
    with pytest.raises(ValidationError) as raised:
        evaluation_index(scores=JAMBI_2024, weights=weights(*percents))

    assert codes(raised.value) == ["weights_sum"]
    assert message in raised.value.messages[0]


def test_it_refuses_a_negative_weight_even_when_the_sum_is_100():
    with pytest.raises(ValidationError) as raised:
        evaluation_index(scores=JAMBI_2024, weights=weights(-10, 40, 30, 20, 20))

    assert codes(raised.value) == ["negative_weight"]
    assert raised.value.messages == [
        "Bobot baseline tidak boleh negatif (-10). / The baseline weight cannot be negative (-10)."
    ]


def test_it_refuses_unknown_and_missing_dimensions():
    scores = {**JAMBI_2024, "dampak": Decimal("3.63")}
    del scores["impact"]

    with pytest.raises(ValidationError) as raised:
        evaluation_index(scores=scores)

    assert raised.value.messages == [
        "Nilai untuk dimensi yang tidak dikenal: dampak "
        "(yang dikenal: baseline, output, outcome, impact, quick_win). / "
        "Score for an unknown dimension: dampak "
        "(known: baseline, output, outcome, impact, quick_win).",
        "Nilai dimensi belum diisi: impact. / Missing score for: impact.",
    ]


def test_it_refuses_missing_weights_without_a_misleading_sum():
    with pytest.raises(ValidationError) as raised:
        evaluation_index(scores=JAMBI_2024, weights={"baseline": Decimal(100)})

    assert codes(raised.value) == ["missing_dimension"]
    assert (
        "Bobot dimensi belum diisi: output, outcome, impact, quick_win."
        in (raised.value.messages[0])
    )


@pytest.mark.parametrize(
    ("score", "shown"),
    [(Decimal("-0.01"), "-0,01"), (Decimal("4.01"), "4,01"), (5, "5")],
)
def test_it_refuses_scores_outside_the_scale(score, shown):
    with pytest.raises(ValidationError) as raised:
        evaluation_index(scores={**JAMBI_2024, "outcome": score})

    assert codes(raised.value) == ["score_out_of_range"]
    assert raised.value.messages[0].startswith(
        f"Nilai outcome harus antara 0 dan 4, bukan {shown}. / "
    )


@pytest.mark.parametrize("value", [3.84, "3.84", None, True, Decimal("NaN"), Decimal("Infinity")])
def test_it_refuses_anything_but_exact_numbers(value):
    with pytest.raises(ValidationError) as raised:
        evaluation_index(scores={**JAMBI_2024, "output": value})

    assert codes(raised.value) == ["not_a_number"]
    assert "Nilai output harus berupa angka desimal" in raised.value.messages[0]


def test_it_reports_every_problem_at_once():
    with pytest.raises(ValidationError) as raised:
        evaluation_index(
            scores={**JAMBI_2024, "baseline": Decimal(9), "output": 2.5},
            weights=weights(10, 20, 30, 20, 10),
        )

    assert codes(raised.value) == ["score_out_of_range", "not_a_number", "weights_sum"]
    assert all(" / " in message for message in raised.value.messages)


def test_it_refuses_a_scale_that_is_not_positive():
    with pytest.raises(ValidationError) as raised:
        evaluation_index(scores=JAMBI_2024, scale_max=Decimal(0))

    assert codes(raised.value) == ["invalid_scale"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("3.84", "3.84"), ("3,84", "3.84"), (" 4 ", "4"), ("0,5", "0.5"), ("-1", "-1")],
)
def test_it_reads_numbers_with_a_dot_or_an_indonesian_comma(text, expected):
    assert parse_number(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["abc", "", "1e3", "NaN", "Infinity", "1.000,5", "3,8,4", ".5"])
def test_it_refuses_text_that_is_not_a_plain_number(text):
    with pytest.raises(ValidationError) as raised:
        parse_number(text)

    assert codes(raised.value) == ["not_a_number"]


# --- Property ------------------------------------------------------------------------------------

# Five integer weights summing to 100: the gaps between four cut points in 0..100.
integer_weights = st.lists(st.integers(0, 100), min_size=4, max_size=4).map(
    lambda cuts: [b - a for a, b in zip([0, *sorted(cuts)], [*sorted(cuts), 100], strict=True)]
)
two_decimal_scores = st.lists(
    st.integers(0, 400).map(lambda n: Decimal(n).scaleb(-2)), min_size=5, max_size=5
)


@settings(deadline=None, database=None, max_examples=300)
@given(percents=integer_weights, scores=two_decimal_scores)
def test_it_rounds_once_from_the_exact_weighted_sum(percents, scores):
    result = evaluation_index(
        scores=dict(zip(DIMENSION_CODES, scores, strict=True)),
        weights=weights(*percents),
    )

    exact = sum(
        (Fraction(p, 100) * Fraction(s) for p, s in zip(percents, scores, strict=True)),
        Fraction(0),
    )
    assert result.value == exact
    assert Fraction(result.exact) == exact
    assert not result.exact_is_rounded
    assert result.rounded == round_half_up(exact)
    assert 0 <= result.value <= 4


# --- The command ---------------------------------------------------------------------------------


def run(*args: str) -> str:
    out = StringIO()
    call_command("evaluation", "index", *args, stdout=out)
    return out.getvalue()


def test_it_prints_the_jambi_index_as_json():
    data = json.loads(run("--scores", *JAMBI_ARGS, "--json"))

    assert data == {
        "index": "3.48",
        "exact": "3.475",
        "exact_is_rounded": False,
        "scale_max": "4",
        "weights": {
            "baseline": "10",
            "output": "20",
            "outcome": "30",
            "impact": "20",
            "quick_win": "20",
        },
        "scores": {
            "baseline": "3.84",
            "output": "3.18",
            "outcome": "3.53",
            "impact": "3.63",
            "quick_win": "3.35",
        },
        "contributions": {
            "baseline": "0.384",
            "output": "0.636",
            "outcome": "1.059",
            "impact": "0.726",
            "quick_win": "0.67",
        },
    }


def test_it_takes_the_weights_and_indonesian_decimal_commas():
    weights_args = ["baseline=10", "output=20", "outcome=30", "impact=30", "quick_win=10"]
    scores_args = [arg.replace(".", ",") for arg in JAMBI_ARGS]

    data = json.loads(run("--scores", *scores_args, "--weights", *weights_args, "--json"))

    assert (data["index"], data["exact"]) == ("3.50", "3.503")
    assert data["weights"]["impact"] == "30"


def test_it_prints_an_indonesian_table_and_the_explanation():
    output = run("--scores", *JAMBI_ARGS)

    assert "Indeks evaluasi" in output
    index_row = next(line for line in output.splitlines() if "│ Indeks" in line)
    assert "3,48" in index_row
    assert "3,475" in next(line for line in output.splitlines() if "Jumlah (tepat)" in line)
    assert "Baseline: 0,1 × 3,84 = 0,384" in output
    assert "3,475 → 3,48" in output
    assert "3.48" not in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--weights", "baseline=10", "output=20", "outcome=30", "impact=20", "quick_win=10"],
            "Jumlah bobot harus tepat 100%, bukan 90%. / Weights must sum to exactly 100%, "
            "not 90%.",
        ),
        (["--weights", "baseline=100"], "Bobot dimensi belum diisi: output, outcome"),
        (
            ["--weights", "baseline:10", "output=20", "outcome=30", "impact=20", "quick_win=20"],
            "'baseline:10' bukan pasangan dimensi=nilai, mis. baseline=3,84. / ",
        ),
    ],
)
def test_it_refuses_bad_weights_with_a_clear_message(args, message):
    with pytest.raises(CommandError) as raised:
        run("--scores", *JAMBI_ARGS, *args)

    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        (
            [*JAMBI_ARGS, "dampak=3.63"],
            "Nilai untuk dimensi yang tidak dikenal: dampak",
        ),
        (JAMBI_ARGS[:-1], "Nilai dimensi belum diisi: quick_win. / Missing score for: quick_win."),
        (
            ["baseline=abc", *JAMBI_ARGS[1:]],
            "baseline: 'abc' bukan angka; tulis mis. 3,84 atau 3.84. / "
            "'abc' is not a number; write e.g. 3.84.",
        ),
        (["baseline 3.84", *JAMBI_ARGS[1:]], "'baseline 3.84' bukan pasangan dimensi=nilai"),
        (["=3.84", *JAMBI_ARGS[1:]], "'=3.84' bukan pasangan dimensi=nilai"),
        ([*JAMBI_ARGS, "baseline=3"], "Dimensi baseline disebut dua kali."),
        (["baseline=4,5", *JAMBI_ARGS[1:]], "Nilai baseline harus antara 0 dan 4, bukan 4,5."),
    ],
)
def test_it_refuses_bad_scores_with_a_clear_message(scores, message):
    with pytest.raises(CommandError) as raised:
        run("--scores", *scores)

    assert message in str(raised.value)


def test_it_exits_non_zero_without_a_traceback_on_bad_input(tmp_path):
    """Through the installed ``kotacerdas`` script, as an operator runs it."""
    script = Path(sys.executable).with_name("kotacerdas")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "KOTACERDAS_ENV", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    }
    env["KOTACERDAS_DATA_DIR"] = str(tmp_path)
    weights_args = ["baseline=10", "output=20", "outcome=30", "impact=20", "quick_win=10"]

    result = subprocess.run(  # noqa: S603 - the project's own script, fixed arguments
        [str(script), "evaluation", "index", "--scores", *JAMBI_ARGS, "--weights", *weights_args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 1
    assert result.stdout == ""
    assert "Jumlah bobot harus tepat 100%, bukan 90%." in result.stderr
    assert "Traceback" not in result.stderr
