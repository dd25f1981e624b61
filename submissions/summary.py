"""The summary band at the top of a quarter's dashboard and return, and its money chart.

Read from the quarter's figures (`selectors.dashboard`, or a return's snapshot of them),
so the live dashboard and a frozen return say the same; nothing is computed here that the
figures below the band do not show.
"""

from __future__ import annotations

import copy
import functools
from decimal import Decimal

import pygal

from metrics.charts import SPECIAL_CAUSES, STYLE, svg_markup
from plans import presentation

_JUDGED = ("met", "not_met")
_ATTENTION_BANDS = ("high", "extreme")


def _status(metric: dict) -> str | None:
    """A metric's judgement this quarter: the quarter's figure, else the year to date's."""
    for key in ("quarter", "year_to_date"):
        figure = metric.get(key)
        if figure and figure.get("status") in _JUDGED:
            return figure["status"]
    return None


def _amount(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def summary(data: dict) -> dict:
    """Metrics on track, money against plan, conditions, and the risks and actions that need
    attention, each as a headline and the count behind it."""
    statuses = [_status(m) for m in data.get("metrics", [])]
    judged = [s for s in statuses if s]
    finance = data.get("finance", {})
    variance = _amount(finance.get("variance"))
    if variance is None:
        money = "No forecast yet"
    elif variance > 0:
        money = f"{presentation.money_text(variance)} under plan"
    elif variance < 0:
        money = f"{presentation.money_text(-variance)} over plan"
    else:
        money = "On plan"
    conditions = data.get("conditions", [])
    risks = data.get("risks", {})
    attention = [r for r in risks.get("top", []) if r.get("residual_band") in _ATTENTION_BANDS]
    actions = data.get("actions", [])
    return {
        "metrics": {
            "on_track": statuses.count("met"),
            "judged": len(judged),
            "total": len(statuses),
        },
        "money": {"headline": money, "variance": variance},
        "conditions": {
            "met": sum(1 for c in conditions if c.get("status") == "met"),
            "in_progress": sum(1 for c in conditions if c.get("status") == "in_progress"),
            "not_met": sum(1 for c in conditions if c.get("status") == "not_met"),
            "not_reported": sum(1 for c in conditions if not c.get("status")),
            "total": len(conditions),
        },
        "risks": {
            "high": len(attention),
            "overdue": len(risks.get("overdue", [])),
        },
        "actions": {
            "overdue": sum(1 for a in actions if a.get("overdue")),
            "due": len(actions),
        },
    }


_MONEY_KEYS = ("plan", "forecast", "actual_to_date")


def _tick_label(amount: Decimal) -> str:
    """An axis mark: whole millions as "£15m" (the axis is short), else in full."""
    if amount and amount % 1_000_000 == 0:
        return f"£{amount / 1_000_000:,.0f}m"
    return presentation.money_text(amount)


def _ticks(most: Decimal) -> list[dict]:
    """At most six round amounts from £0 past `most` for the value axis (a step of 1, 2 or
    5 times a power of ten), each written so that it fits (pygal's own dozen marks were cut
    to "£…")."""
    if most <= 0:
        return [{"label": "£0", "value": 0.0}]
    step = Decimal(1)
    while most / step > 5:
        for factor in (2, Decimal("2.5"), 2):
            step *= factor
            if most / step <= 5:
                break
    ticks = [Decimal(0)]
    while ticks[-1] < most:
        ticks.append(ticks[-1] + step)
    return [{"label": _tick_label(t), "value": float(t)} for t in ticks]


def money_chart(data: dict) -> str:
    """Plan, forecast outturn and actual spend to date of each theme, as bars (pounds): an
    SVG string safe to embed, the table "By theme and scheme" its text alternative. The
    same figures draw the same chart: kept per process (`_kept_chart`)."""
    themes = data.get("finance", {}).get("themes", [])
    return _kept_chart(
        _money_chart,
        tuple((theme["name"], *(theme.get(k) for k in _MONEY_KEYS)) for theme in themes),
    )


def _money_chart(themes: tuple) -> str:
    chart = pygal.HorizontalBar(
        style=STYLE,
        width=800,
        height=140 + 70 * max(len(themes), 1),
        js=[],
        disable_xml_declaration=True,
        explicit_size=False,
        legend_at_bottom=True,
        title="Money by theme: plan, forecast and actual to date",
        x_title="Pounds",
        print_values=False,
        no_data_text="No themes",
        value_formatter=lambda value: presentation.money_text(Decimal(str(value))),
    )
    chart.x_labels = [name for name, *_ in themes]
    amounts = [_amount(value) for _, *values in themes for value in values]
    chart.y_labels = _ticks(max((a for a in amounts if a is not None), default=Decimal(0)))
    for index, label in enumerate(("Plan", "Forecast", "Actual to date"), start=1):
        values = [_amount(theme[index]) for theme in themes]
        chart.add(label, [None if v is None else float(v) for v in values])
    return svg_markup(chart, "money")


# Charts drawn before, by what they draw: a dashboard computed again after a change draws
# the same charts for the figures that did not change, and drawing them was half of its
# time. Bounded per process (the latest drawn kept).
_KEPT_CHARTS = 512


def _kept_chart(draw, *key) -> str:
    try:
        return _kept(draw, *key)
    except TypeError:  # a figure of a kind that is no key: drawn every time
        return draw(*key)


@functools.lru_cache(maxsize=_KEPT_CHARTS)
def _kept(draw, *key) -> str:
    return draw(*key)


def signal_legend(metric: dict) -> list[dict]:
    """The kinds of special-cause point the metric's small chart marks, in the chart's
    order: each with its name, its colour's name and how many points it marks."""
    marked = [p.get("signal") for p in metric.get("series") or [] if p.get("signal")]
    return [
        {"name": name, "colour": COLOUR_NAMES[colour], "count": marked.count(reading)}
        for reading, name, colour in SPECIAL_CAUSES
        if reading in marked
    ]


# The special-cause colours as a legend in words says them.
COLOUR_NAMES = {"#41b6e6": "light blue", "#ed8b00": "orange", "#7c2855": "plum"}
_LINES = ("#005eb8", "#d5281b")  # target, actual


def metric_chart(metric: dict) -> str:
    """A small chart of a metric's actuals against its trajectory (the quarter's figures'
    `series`), its special-cause points marked in Making Data Count's colours (the metric
    page's SPC): an SVG string safe to embed; the table of the same series, each point's
    signal named, is its text alternative. Empty when there is nothing to draw. The same
    points draw the same chart: kept per process (`_kept_chart`)."""
    series = metric.get("series") or []
    if not series:
        return ""
    points = tuple(
        (point["period"], point.get("target"), point.get("actual"), point.get("signal"))
        for point in series
    )
    return _kept_chart(_metric_chart, metric.get("unit"), metric.get("code") or "", points)


def _metric_chart(unit, code: str, series: tuple) -> str:
    lines = [
        (label, [_amount(point[index]) for point in series], {})
        for label, index in (("Target", 1), ("Actual", 2))
    ]
    colours = list(_LINES)
    for reading, name, colour in SPECIAL_CAUSES:
        values = [_amount(point[2]) if point[3] == reading else None for point in series]
        if any(v is not None for v in values):
            lines.append((name, values, {"stroke": False, "dots_size": 5}))
            colours.append(colour)
    style = copy.copy(STYLE)
    style.colors = tuple(colours)
    chart = pygal.Line(
        style=style,
        width=420,
        height=240,
        js=[],
        disable_xml_declaration=True,
        explicit_size=False,
        show_dots=True,
        dots_size=3,
        allow_interruptions=False,
        y_labels_major_count=5,
        show_minor_y_labels=False,
        legend_at_bottom=True,
        truncate_label=12,
        x_label_rotation=20 if len(series) > 4 else 0,
        print_values=False,
        value_formatter=lambda value: presentation.metric_text(value, unit),
    )
    chart.x_labels = [point[0] for point in series]
    for label, values, options in lines:
        chart.add(label, [None if v is None else float(v) for v in values], **options)
    return svg_markup(chart, code)
