"""Server-rendered SVG charts: the one chart kernel of the product.

A chart is computed here as plain geometry (numbers already turned into SVG
coordinates and every value already written in Indonesian notation by
:mod:`kotacerdas.core.formatting`), and drawn by one template,
``includes/chart.html``, through ``{% chart c %}`` (core/templatetags/kc.py).
Nothing is drawn in the browser and nothing comes from a CDN.

Rules the template keeps, so every chart is the same:

- no ``style`` attribute and no script (the CSP forbids both): series take
  their colour from the classes ``chart-s1`` … ``chart-s8`` in
  ``static/kotacerdas/charts.css``; SVG presentation attributes carry the
  geometry only;
- ``role="img"`` with a ``<title>`` and a ``<desc>`` that says every value in
  words, and, for full charts, the same numbers in a table beside it: a chart
  never shows a number that is not also written out as text;
- labels are escaped by the template engine like any other text.

A value may be missing (``None``): the line breaks there and the table shows
an em dash, instead of drawing a zero that was never measured.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from kotacerdas.core import formatting

# Series colours available in charts.css (chart-s1 … chart-s8).
PALETTE_SIZE = 8
HUNDRED = Decimal(100)

Formatter = Callable[[Decimal | None], str]


def _num(value: Decimal | float | int) -> str:
    """A coordinate for an SVG attribute: plain, dot decimal, two places at
    most (never localised)."""
    text = format(Decimal(value).quantize(Decimal("0.01")), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent_tick(value: Decimal) -> str:
    """An axis tick of a percentage scale: ``50%`` (no decimals)."""
    return f"{formatting.decimal_id(value, 0)}%"


@dataclass(frozen=True)
class Series:
    """One line (or one set of bars): a label and a value per category."""

    label: str
    values: Sequence[Decimal | None]


@dataclass(frozen=True)
class Tick:
    position: str  # SVG coordinate along the axis
    text: str
    # How a category label sits on its point: the first and last of a line
    # chart lean inwards so they never run off the drawing.
    anchor: str = "middle"


@dataclass(frozen=True)
class Mark:
    """One plotted value: where it is drawn and how it is written."""

    x: str
    y: str
    category: str
    value: Decimal
    text: str
    # Whether the value is written beside the mark (all when few categories,
    # else the last one only, so labels never overlap).
    labelled: bool
    label_y: str


@dataclass(frozen=True)
class Bar:
    x: str
    y: str
    width: str
    height: str
    category: str
    value: Decimal
    text: str
    label_x: str
    label_y: str


@dataclass(frozen=True)
class PlottedSeries:
    index: int  # 1-based; the CSS class is chart-s{index}
    label: str
    segments: tuple[str, ...]  # polyline ``points`` of each unbroken run
    marks: tuple[Mark, ...]
    bars: tuple[Bar, ...]
    texts: tuple[str, ...]  # every value in category order, "—" when missing

    @property
    def css(self) -> str:
        return f"chart-s{self.index}"


@dataclass(frozen=True)
class Chart:
    kind: str  # "line" or "bar"
    chart_id: str
    title: str
    description: str  # every value in words, for <desc>
    width: int
    height: int
    compact: bool  # a sparkline: no axes, no table
    plot_left: str
    plot_right: str
    plot_top: str
    plot_bottom: str
    categories: tuple[str, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    series: tuple[PlottedSeries, ...]
    # The heading of the data table's first column (what a category is).
    category_label: str = ""

    @property
    def tick_x(self) -> str:
        """Where the value axis' labels end (right-aligned)."""
        return _num(Decimal(self.plot_left) - 6)

    @property
    def tick_y(self) -> str:
        """The baseline of the category axis' labels."""
        return _num(Decimal(self.plot_bottom) + 18)

    @property
    def empty(self) -> bool:
        return not any(s.marks or s.bars for s in self.series)

    @property
    def rows(self) -> list[tuple[str, list[str]]]:
        """The data table: a row per category, a cell per series."""
        return [
            (category, [s.texts[i] for s in self.series])
            for i, category in enumerate(self.categories)
        ]


def _description(categories: Sequence[str], series: Sequence[PlottedSeries]) -> str:
    parts = []
    for s in series:
        values = "; ".join(f"{c}: {t}" for c, t in zip(categories, s.texts, strict=True))
        parts.append(f"{s.label} — {values}" if values else s.label)
    return ". ".join(parts) if parts else _("Tidak ada data.")


def _checked(categories: Sequence[str], series: Sequence[Series]) -> None:
    for s in series:
        if len(s.values) != len(categories):
            raise ValueError(
                f"Series {s.label!r} has {len(s.values)} values for {len(categories)} categories."
            )


def _y_ticks(
    y_max: Decimal, tick: Callable[[Decimal], str], top: int, bottom: int
) -> tuple[Tick, ...]:
    steps = 4
    return tuple(
        Tick(_num(bottom - (bottom - top) * Decimal(i) / steps), tick(y_max * i / steps))
        for i in range(steps + 1)
    )


def _anchor(i: int, n: int) -> str:
    if n > 1 and i == 0:
        return "start"
    if n > 1 and i == n - 1:
        return "end"
    return "middle"


def line_chart(
    *,
    chart_id: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    y_max: Decimal = HUNDRED,
    value_text: Formatter = formatting.percent_id,
    tick_text: Callable[[Decimal], str] = percent_tick,
    compact: bool = False,
    category_label: str = "",
    width: int | None = None,
    height: int | None = None,
) -> Chart:
    """A line per series over ``categories`` (left to right), on a scale from
    0 to ``y_max`` (a value above it is drawn at the top, still written as
    it is). ``compact`` draws a sparkline for a table cell."""
    _checked(categories, series)
    width = width or (120 if compact else 640)
    height = height or (32 if compact else 260)
    left, right = (3, width - 3) if compact else (48, width - 24)
    top, bottom = (3, height - 3) if compact else (16, height - 44)
    n = len(categories)
    step = Decimal(right - left) / (n - 1) if n > 1 else Decimal(0)

    def x_of(i: int) -> Decimal:
        return Decimal(left) + step * i if n > 1 else Decimal(left + right) / 2

    def y_of(value: Decimal) -> Decimal:
        share = min(max(value, Decimal(0)), y_max) / y_max if y_max else Decimal(0)
        return Decimal(bottom) - (bottom - top) * share

    label_all = n <= 6
    plotted = []
    for index, s in enumerate(series, start=1):
        segments: list[str] = []
        run: list[str] = []
        marks: list[Mark] = []
        last = max((i for i, v in enumerate(s.values) if v is not None), default=-1)
        for i, value in enumerate(s.values):
            if value is None:
                if run:
                    segments.append(" ".join(run))
                run = []
                continue
            x, y = _num(x_of(i)), _num(y_of(value))
            run.append(f"{x},{y}")
            marks.append(
                Mark(
                    x,
                    y,
                    categories[i],
                    value,
                    value_text(value),
                    label_all or i == last,
                    _num(y_of(value) - 8),
                )
            )
        if run:
            segments.append(" ".join(run))
        plotted.append(
            PlottedSeries(
                index=(index - 1) % PALETTE_SIZE + 1,
                label=s.label,
                # A single point has no line; its mark shows it.
                segments=tuple(seg for seg in segments if " " in seg),
                marks=tuple(marks),
                bars=(),
                texts=tuple(value_text(v) if v is not None else "—" for v in s.values),
            )
        )
    every = 1 if n <= 8 else 2 if n <= 16 else 3
    return Chart(
        kind="line",
        chart_id=chart_id,
        title=title,
        description=_description(categories, plotted),
        width=width,
        height=height,
        compact=compact,
        plot_left=_num(left),
        plot_right=_num(right),
        plot_top=_num(top),
        plot_bottom=_num(bottom),
        categories=tuple(categories),
        x_ticks=()
        if compact
        else tuple(
            Tick(_num(x_of(i)), c, _anchor(i, n))
            for i, c in enumerate(categories)
            if i % every == 0 or i == n - 1
        ),
        y_ticks=() if compact else _y_ticks(y_max, tick_text, top, bottom),
        series=tuple(plotted),
        category_label=category_label,
    )


def bar_chart(
    *,
    chart_id: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    y_max: Decimal = HUNDRED,
    value_text: Formatter = formatting.percent_id,
    tick_text: Callable[[Decimal], str] = percent_tick,
    category_label: str = "",
    width: int = 640,
    height: int = 260,
) -> Chart:
    """Vertical bars grouped by category, a bar per series."""
    _checked(categories, series)
    left, right, top, bottom = 48, width - 24, 16, height - 44
    n = max(len(categories), 1)
    group = Decimal(right - left) / n
    inner = group * Decimal("0.8")
    bar_width = inner / max(len(series), 1)
    plotted = []
    for index, s in enumerate(series):
        bars = []
        for i, value in enumerate(s.values):
            if value is None:
                continue
            share = min(max(value, Decimal(0)), y_max) / y_max if y_max else Decimal(0)
            h = (bottom - top) * share
            x = left + group * i + group * Decimal("0.1") + bar_width * index
            bars.append(
                Bar(
                    _num(x),
                    _num(bottom - h),
                    _num(bar_width),
                    _num(h),
                    categories[i],
                    value,
                    value_text(value),
                    _num(x + bar_width / 2),
                    _num(bottom - h - 4),
                )
            )
        plotted.append(
            PlottedSeries(
                index=index % PALETTE_SIZE + 1,
                label=s.label,
                segments=(),
                marks=(),
                bars=tuple(bars),
                texts=tuple(value_text(v) if v is not None else "—" for v in s.values),
            )
        )
    return Chart(
        kind="bar",
        chart_id=chart_id,
        title=title,
        description=_description(categories, plotted),
        width=width,
        height=height,
        compact=False,
        plot_left=_num(left),
        plot_right=_num(right),
        plot_top=_num(top),
        plot_bottom=_num(bottom),
        categories=tuple(categories),
        x_ticks=tuple(
            Tick(_num(left + group * i + group / 2), c) for i, c in enumerate(categories)
        ),
        y_ticks=_y_ticks(y_max, tick_text, top, bottom),
        series=tuple(plotted),
        category_label=category_label,
    )
