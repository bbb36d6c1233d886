"""The SVG chart kernel (core/charts.py) and its one template
(includes/chart.html)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from kotacerdas.core import charts

D = Decimal


def _render(c: charts.Chart) -> str:
    return Template("{% load kc %}{% chart c %}").render(Context({"c": c}))


def _two_series(**extra) -> charts.Chart:
    return charts.line_chart(
        chart_id="c1",
        title="Tren",
        categories=["TW I 2024", "TW II 2024", "TW III 2024"],
        series=[
            charts.Series("Rencana aksi", [D("0"), D("61.17"), D("100")]),
            charts.Series("Program", [D("12.5"), None, D("84.31")]),
        ],
        **extra,
    )


def test_it_writes_every_value_in_indonesian_notation():
    c = _two_series()
    assert [s.texts for s in c.series] == [
        ("0,00%", "61,17%", "100,00%"),
        ("12,50%", "—", "84,31%"),
    ]
    html = _render(c)
    assert re.findall(r'data-value="([^"]+)"', html) == [
        "0,00%",
        "61,17%",
        "100,00%",
        "12,50%",
        "84,31%",
    ]
    table = html.split('data-testid="chart-table"')[1]
    assert re.findall(r'<td class="num">([^<]+)</td>', table) == [
        "0,00%",
        "12,50%",
        "61,17%",
        "—",
        "100,00%",
        "84,31%",
    ]
    assert "Rencana aksi — TW I 2024: 0,00%; TW II 2024: 61,17%" in c.description


def test_it_places_values_on_the_scale():
    c = _two_series()
    first = c.series[0].marks
    # 0 % sits on the plot's bottom edge, 100 % on its top edge; x runs left to right.
    assert (first[0].y, first[2].y) == (c.plot_bottom, c.plot_top)
    assert (first[0].x, first[2].x) == (c.plot_left, c.plot_right)
    bottom, top = D(c.plot_bottom), D(c.plot_top)
    assert D(first[1].y) == (bottom - (bottom - top) * D("0.6117")).quantize(D("0.01"))
    assert [t.text for t in c.y_ticks] == ["0%", "25%", "50%", "75%", "100%"]
    # The end labels lean inwards so they stay inside the drawing.
    assert [t.anchor for t in c.x_ticks] == ["start", "middle", "end"]


def test_a_missing_value_breaks_the_line_instead_of_drawing_zero():
    c = _two_series()
    programme = c.series[1]
    assert len(programme.marks) == 2
    assert programme.segments == ()  # two single points: no line joins them
    assert len(c.series[0].segments) == 1


def test_it_escapes_labels():
    c = charts.line_chart(
        chart_id="c2",
        title='<script>alert("t")</script>',
        categories=["<b>TW</b>", "A & B"],
        series=[charts.Series("<img src=x>", [D("1"), D("2")])],
    )
    html = _render(c)
    assert "<script>" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;TW&lt;/b&gt;" in html and "A &amp; B" in html


def test_it_is_accessible_without_inline_style_or_script():
    html = _render(_two_series())
    assert 'role="img"' in html
    assert 'aria-labelledby="c1-title c1-desc"' in html
    assert '<title id="c1-title">Tren</title>' in html
    assert '<desc id="c1-desc">' in html
    assert "style=" not in html and "<script" not in html


def test_an_empty_chart_says_so():
    c = charts.line_chart(
        chart_id="c3",
        title="Tren",
        categories=["TW I"],
        series=[charts.Series("Rencana aksi", [None])],
    )
    assert c.empty
    html = _render(c)
    assert "<svg" not in html and "Belum ada angka" in html
    no_categories = charts.line_chart(chart_id="c4", title="T", categories=[], series=[])
    assert no_categories.empty


def test_a_series_must_have_a_value_per_category():
    with pytest.raises(ValueError, match="2 values for 3 categories"):
        charts.line_chart(
            chart_id="c5",
            title="T",
            categories=["a", "b", "c"],
            series=[charts.Series("s", [1, 2])],
        )


def test_a_sparkline_has_no_axes_nor_table():
    html = _render(_two_series(compact=True))
    assert "chart-compact" in html and "chart-table" not in html and "chart-tick" not in html
    assert 'role="img"' in html


def test_bars_are_as_high_as_their_values():
    c = charts.bar_chart(
        chart_id="c6",
        title="T",
        categories=["2023", "2024"],
        series=[charts.Series("A", [D("25"), D("100")])],
    )
    bars = c.series[0].bars
    full = D(c.plot_bottom) - D(c.plot_top)
    assert [D(b.height) for b in bars] == [full / 4, full]
    assert [b.text for b in bars] == ["25,00%", "100,00%"]


def test_the_empty_message_is_translated():
    with translation.override("en"):
        html = _render(charts.line_chart(chart_id="c7", title="T", categories=[], series=[]))
    assert "Belum ada angka" not in html
