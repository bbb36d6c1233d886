"""Bar charts of the report as SVG, drawn on the server: the PDF and the
report page show the same picture, and nothing runs in the browser."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from kotacerdas.evaluation.instruments.selectors import score_shown

LABEL_WIDTH = 150
BAR_WIDTH = 300
VALUE_WIDTH = 50
ROW = 26
FONT = "DejaVu Sans, sans-serif"
CURRENT_FILL = "#0f5c6e"
PREVIOUS_FILL = "#b9c6cc"


@dataclass(frozen=True)
class Bar:
    label: str
    value: Fraction | None
    previous: Fraction | None = None


def _length(value: Fraction, scale_max: Fraction) -> str:
    share = min(max(value / scale_max, Fraction(0)), Fraction(1)) if scale_max else Fraction(0)
    return f"{float(share * BAR_WIDTH):.1f}"


def bar_chart(
    *,
    bars: Sequence[Bar],
    scale_max: Fraction,
    title: str,
    legend: tuple[str, str] | None = None,
) -> SafeString:
    """Horizontal bars from 0 to ``scale_max``, one per ``bars`` entry with
    its value written at the end (Indonesian notation, two decimals). When
    ``legend`` is given (current, previous), a thinner grey bar under each
    shows the previous value."""
    compare = legend is not None
    row = ROW + (10 if compare else 0)
    top = 24 if compare else 6
    height = top + row * len(bars) + 18
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="{FONT}" font-size="10">',
        f"<title>{escape(title)}</title>",
    ]
    if legend is not None:
        parts += [
            f'<rect x="{LABEL_WIDTH}" y="4" width="10" height="10" fill="{CURRENT_FILL}"/>',
            f'<text x="{LABEL_WIDTH + 14}" y="13">{escape(legend[0])}</text>',
            f'<rect x="{LABEL_WIDTH + 150}" y="4" width="10" height="10" fill="{PREVIOUS_FILL}"/>',
            f'<text x="{LABEL_WIDTH + 164}" y="13">{escape(legend[1])}</text>',
        ]
    for tick in range(5):
        x = LABEL_WIDTH + BAR_WIDTH * tick / 4
        parts.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + row * len(bars)}" '
            f'stroke="#dde3e6" stroke-width="0.5"/>'
        )
        tick_value = scale_max * tick / 4
        parts.append(
            f'<text x="{x:.1f}" y="{top + row * len(bars) + 12}" text-anchor="middle" '
            f'fill="#5b6770" font-size="8">{escape(score_shown(tick_value))}</text>'
        )
    for position, bar in enumerate(bars):
        y = top + row * position
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 15}" text-anchor="end">{escape(bar.label)}</text>'
        )
        if bar.value is not None:
            length = _length(bar.value, scale_max)
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + 5}" width="{length}" height="14" '
                f'fill="{CURRENT_FILL}"/>'
            )
            parts.append(
                f'<text x="{LABEL_WIDTH + float(length) + 4:.1f}" y="{y + 16}">'
                f"{escape(score_shown(bar.value))}</text>"
            )
        if compare and bar.previous is not None:
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + 21}" width="{_length(bar.previous, scale_max)}" '
                f'height="7" fill="{PREVIOUS_FILL}"/>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
