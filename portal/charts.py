"""Dashboard charts drawn on the server as SVG by leather: presentation attributes only (no
<style>, no script), so they sit inline under the portal's CSP, and a viewBox so they shrink to a
phone's width. The card's heading names the chart, so the picture draws no title of its own (it
names itself to screen readers). Every chart has a table beside it on the page for readers
without the picture."""

from __future__ import annotations

import re
from collections.abc import Sequence

import leather
import leather.theme
from markupsafe import Markup

# Drawn at about the width a 390 px phone gives a chart card, so 13-unit ticks show near 13 px.
WIDTH, HEIGHT = 340, 220
MOST_TICKS = 6  # month labels beyond this overlap at that width: every other one is written
FONT = "system-ui, -apple-system, 'PingFang SC', 'Noto Sans CJK SC', sans-serif"
COLOURS = ["#2f7d4f", "#d9822b", "#3b6ea8", "#a23b72", "#7a7a7a"]

for _name in ("title", "tick", "legend", "axis_title"):
    setattr(leather.theme, f"{_name}_font_family", FONT)
leather.theme.background_color = "#ffffff"
leather.theme.default_series_colors = COLOURS
leather.theme.tick_font_size = "13"
leather.theme.tick_font_char_width = (
    13  # leather sizes the label margin per character: CJK is square
)
LONGEST_LABEL = 6  # characters of a bar's label drawn (the table beside it has the whole name)

_SIZE = re.compile(r'^<svg width="(\d+)" height="(\d+)"')


def _responsive(svg: str, label: str) -> Markup:
    """Swap the fixed size for a viewBox; name the picture for screen readers."""
    match = _SIZE.match(svg)
    if match is None:  # leather changed its output: keep the chart rather than break the page
        return Markup(svg)  # noqa: S704 - leather escapes every text it writes
    width, height = match.groups()
    head = (
        f'<svg viewBox="0 0 {width} {height}" class="chart" role="img" '
        f'aria-label="{Markup.escape(label)}" preserveAspectRatio="xMidYMid meet"'
    )
    return Markup(head + svg[match.end() :])  # noqa: S704 - leather escapes every text it writes


def line_chart(title: str, points: Sequence[tuple[str, float]], percent: bool = False) -> Markup:
    """One series over labelled positions (months); the y axis in percent when asked."""
    labels = [label for label, _ in points] or ["—"]
    # Positions spread over 0–10: leather widens an axis to a round number, and 10 is one, so the
    # line spans the whole width whatever the number of months.
    unit = 10 / max(1, len(labels) - 1)
    series = [(n * unit, float(value)) for n, (_, value) in enumerate(points)] or [(0, 0.0)]
    chart = leather.Chart()
    chart.add_x_scale(0, 10)
    step = 1 if len(labels) <= MOST_TICKS else 2
    chart.add_x_axis(
        ticks=[n * unit for n in sorted(range(len(labels) - 1, -1, -step))],  # latest labelled
        tick_formatter=lambda value, *_: _label_at(labels, round(value / unit)),
    )
    top = max(value for _, value in series)
    chart.add_y_scale(0, 1.0 if percent else _nice_ceiling(top))
    if percent:
        chart.add_y_axis(
            ticks=[0, 0.25, 0.5, 0.75, 1.0],
            tick_formatter=lambda value, *_: f"{round(value * 100)}%",
        )
    chart.add_line(series, width=3)  # one series: leather draws no legend
    return _responsive(chart.to_svg(width=WIDTH, height=HEIGHT), title)


def bar_chart(title: str, points: Sequence[tuple[str, float]]) -> Markup:
    """Horizontal bars: long Chinese labels (group names) stay readable on a phone."""
    chart = leather.Chart()
    rows = [(float(value), _short(label)) for label, value in points] or [(0.0, "—")]
    chart.add_x_scale(0, _nice_ceiling(max(value for value, _ in rows)))
    chart.set_y_scale(leather.Ordinal([label for _, label in rows]))
    chart.add_bars(rows)
    return _responsive(chart.to_svg(width=WIDTH, height=max(HEIGHT, 40 + 28 * len(rows))), title)


def _label_at(labels: Sequence[str], index: int) -> str:
    return labels[index] if 0 <= index < len(labels) else ""


def _short(label: str) -> str:
    return label if len(label) <= LONGEST_LABEL else label[: LONGEST_LABEL - 1] + "…"


def _nice_ceiling(value: float) -> float:
    """A round top for an axis: 1, 2 or 5 times a power of ten, at least ``value``."""
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return float(step * magnitude)
    return float(10 * magnitude)
