"""Charts drawn on the server as inline SVG over plain data, each with the same numbers as a
table for screen readers and for print: no JavaScript.

    {% bar_chart title rows %}            rows: [(label, value, url or ""), …]
    {% stacked_bar_chart title categories series %}
                                          categories: ["2021", …]; series: [(label, [values])]
    {% donut_chart title slices %}        slices: [(label, value), …]
    {% line_chart title categories series %}

Every chart draws in a viewBox at width 100%, so it shrinks to a 360 px screen; numbers are
written the Vietnamese way (core.numbers)."""

import itertools
import math

from django import template

from core.numbers import format_number, share_percent

register = template.Library()

#: Colours that keep apart in print and for colour-blind readers (Okabe–Ito).
PALETTE = ["#0b7a3e", "#e69f00", "#0072b2", "#cc79a7", "#56b4e9", "#d55e00", "#009e73", "#666"]
_ids = itertools.count(1)


def _n(value) -> str:
    """A coordinate for SVG: a dot for the decimals whatever the language (12.5, never 12,5)."""
    return f"{float(value):.1f}".removesuffix(".0")


def _chart_id() -> str:
    return f"chart-{next(_ids)}"


def _scale_max(values) -> float:
    """A round top for the value axis: 92 → 100, 7 → 10, 0 → 1."""
    top = max([float(v or 0) for v in values] + [0])
    if top <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(top))
    for step in (1, 2, 2.5, 5, 10):
        if top <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _ticks(top: float, count: int = 4) -> list[float]:
    return [top * i / count for i in range(count + 1)]


@register.inclusion_tag("dashboards/charts/bar.html")
def bar_chart(title, rows, unit=""):
    """Horizontal bars, one per row, labelled on the left, the value at the bar's end."""
    rows = [(label, value or 0, url) for label, value, url in rows]
    top = _scale_max(value for _l, value, _u in rows)
    label_width, bar_space, row_height = 150, 230, 26
    bars = []
    for index, (label, value, url) in enumerate(rows):
        width = bar_space * float(value) / top
        bars.append(
            {
                "label": label,
                "short": _shorten(str(label), 24),
                "value": format_number(value),
                "url": url,
                "rect_y": _n(index * row_height + 4),
                "text_y": _n(index * row_height + 16),
                "width": _n(width),
                "value_x": _n(label_width + width + 4),
            }
        )
    return {
        "id": _chart_id(),
        "title": title,
        "unit": unit,
        "bars": bars,
        "linked": any(bar["url"] for bar in bars),
        "label_width": _n(label_width),
        "label_x": _n(label_width - 6),
        "height": _n(max(len(rows) * row_height, row_height)),
        "width": _n(label_width + bar_space + 50),
    }


@register.inclusion_tag("dashboards/charts/stacked.html")
def stacked_bar_chart(title, categories, series):
    """Vertical stacked bars: one bar per category, one colour per series, totals on top."""
    categories = [str(c) for c in categories]
    totals = [sum(values[i] or 0 for _label, values in series) for i in range(len(categories))]
    top = _scale_max(totals)
    left, plot_height, base = 36, 180, 200
    slot = max(420 / max(len(categories), 1), 40)
    bar = min(slot * 0.6, 60)
    columns = []
    for index, category in enumerate(categories):
        x = left + index * slot + (slot - bar) / 2
        y = base
        parts = []
        for position, (label, values) in enumerate(series):
            value = values[index] or 0
            height = plot_height * float(value) / top
            y -= height
            parts.append(
                {
                    "label": label,
                    "value": format_number(value),
                    "y": _n(y),
                    "height": _n(height),
                    "colour": PALETTE[position % len(PALETTE)],
                    "text_y": _n(y + height / 2 + 4),
                    "show": height >= 14,
                    "visible": height > 0,
                }
            )
        columns.append(
            {
                "category": category,
                "x": _n(x),
                "centre": _n(x + bar / 2),
                "parts": parts,
                "total": format_number(totals[index]),
                "total_y": _n(y - 4),
            }
        )
    return {
        "id": _chart_id(),
        "title": title,
        "columns": columns,
        "bar": _n(bar),
        "series": [
            {"label": label, "colour": PALETTE[i % len(PALETTE)], "values": values}
            for i, (label, values) in enumerate(series)
        ],
        "rows": [
            (c, [format_number(values[i] or 0) for _l, values in series], format_number(totals[i]))
            for i, c in enumerate(categories)
        ],
        "gridlines": _gridlines(top, left, left + slot * len(categories), base, plot_height),
        "width": _n(left + slot * len(categories) + 8),
        "legend": _legend([label for label, _v in series], base + 30),
        "height": _n(base + 30 + _legend_height([label for label, _v in series])),
        "axis_y": _n(base + 16),
    }


@register.inclusion_tag("dashboards/charts/donut.html")
def donut_chart(title, slices):
    """A ring of shares with the total in the middle and a legend with the shares."""
    slices = [(label, value or 0) for label, value in slices]
    total = sum(value for _label, value in slices)
    radius, stroke = 60, 28
    circumference = 2 * math.pi * radius
    offset = 0.0
    arcs = []
    for index, (label, value) in enumerate(slices):
        length = circumference * float(value) / float(total) if total else 0
        arcs.append(
            {
                "label": label,
                "value": value,
                "share": share_percent(value, total),
                "colour": PALETTE[index % len(PALETTE)],
                "dash": f"{length:.2f} {circumference - length:.2f}",
                "offset": f"{-offset:.2f}",
            }
        )
        offset += length
    return {
        "id": _chart_id(),
        "title": title,
        "arcs": arcs,
        "total": total,
        "radius": radius,
        "stroke": stroke,
    }


@register.inclusion_tag("dashboards/charts/line.html")
def line_chart(title, categories, series):
    """Lines over years: one point per category, one line per series, values at the points."""
    categories = [str(c) for c in categories]
    top = _scale_max(v for _label, values in series for v in values)
    left, plot_height, base, width = 36, 170, 190, 440
    step = (width - left - 20) / max(len(categories) - 1, 1)
    lines = []
    for index, (label, values) in enumerate(series):
        points = []
        for position, value in enumerate(values):
            x = left + 10 + position * step
            y = base - plot_height * float(value or 0) / top
            points.append({"x": _n(x), "y": _n(y), "value": format_number(value)})
        lines.append(
            {
                "label": label,
                "colour": PALETTE[index % len(PALETTE)],
                "points": points,
                "path": " ".join(f"{p['x']},{p['y']}" for p in points),
            }
        )
    return {
        "id": _chart_id(),
        "title": title,
        "lines": lines,
        "axis": [{"label": c, "x": _n(left + 10 + i * step)} for i, c in enumerate(categories)],
        "rows": [
            (c, [format_number(values[i]) for _l, values in series])
            for i, c in enumerate(categories)
        ],
        "series": [line["label"] for line in lines],
        "gridlines": _gridlines(top, left, width - 6, base, plot_height),
        "legend": _legend([line["label"] for line in lines], base + 36),
        "width": _n(width),
        "height": _n(base + 36 + _legend_height([line["label"] for line in lines])),
        "axis_y": _n(base + 18),
    }


def _gridlines(top, left, right, base, plot_height) -> list[dict]:
    return [
        {
            "y": _n(base - plot_height * tick / top),
            "label": format_number(tick, 1 if top < 4 else 0, trim=True),
            "left": _n(left),
            "label_x": _n(left - 4),
            "right": _n(right),
        }
        for tick in _ticks(top)
    ]


def _legend_columns(labels) -> int:
    """Two legend entries a line when they are short, else one."""
    return 2 if max((len(str(label)) for label in labels), default=0) <= 22 else 1


def _legend_height(labels) -> int:
    return -(-len(labels) // _legend_columns(labels)) * 18


def _legend(labels, y) -> list[dict]:
    """Legend entries laid out left to right, wrapping after one or two entries."""
    columns = _legend_columns(labels)
    items = []
    for index, label in enumerate(labels):
        x = 8 + (index % columns) * 210
        top = y + (index // columns) * 18
        items.append(
            {
                "label": label,
                "colour": PALETTE[index % len(PALETTE)],
                "x": _n(x),
                "y": _n(top),
                "box_y": _n(top - 10),
                "text_x": _n(x + 16),
            }
        )
    return items


def _shorten(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
