"""Server-side SVG charts (pygal): the same chart for the page and, later, the PDF.

No script and no network: pygal's interactive JavaScript (fetched from a CDN by default)
is switched off, and the SVG is embedded in the page as markup.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import re
from typing import Any

import pygal
from django.utils.safestring import mark_safe
from pygal.style import Style

from metrics import spc
from metrics.selectors import MetricSummary, spc_series
from plans import presentation

_STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#212b32",
    foreground_strong="#212b32",
    foreground_subtle="#4c6272",
    colors=("#005eb8", "#d5281b", "#768692", "#768692", "#768692"),
    font_family="Arial, sans-serif",
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=13,
    title_font_size=15,
)


STYLE = _STYLE  # the charts' look, for the other apps' charts

# pygal writes its configuration in an inline <script> even with no JavaScript files;
# the chart does not need it, and the content security policy forbids inline script.
_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)


# pygal writes each point's tooltip position (<desc class="x ">665.35384…</desc>) and each
# axis guide's raw position (<title>0.0833…</title>) for its script; with no script they are
# noise that a screen reader or a copy of the text picks up.
_TOOLTIP_POSITION = re.compile(
    r'<desc class="[xy] [^"]*">[^<]*</desc>|<title>-?[0-9.]+(?:e-?[0-9]+)?</title>'
)

_DASHED = {"width": 1, "dasharray": "4,3"}


def _number(value) -> float | None:
    return None if value is None else float(value)


def _as_shown(value, unit: str | None) -> dict | None:
    """A point drawn from its number, labelled as the tables write it (a figure kept as its
    source writes it, 606.4, is not given the unit's two decimals by the chart's float)."""
    if value is None:
        return None
    text = presentation.metric_text(value, unit)
    return {"value": float(value), "formatter": lambda _number, text=text: text}


# Making Data Count's colours for special-cause points: blue improving, orange concerning,
# purple where neither direction is better.
_SPECIAL = (
    (spc.IMPROVING, "Special cause: improving", "#41b6e6"),
    (spc.CONCERNING, "Special cause: concerning", "#ed8b00"),
    (spc.NEITHER, "Special cause", "#7c2855"),
)
SPECIAL_CAUSES = _SPECIAL  # for the other apps' charts of the same points
# Target, actual, mean (solid), upper and lower process limits (dashed).
_LINE_COLOURS = ("#005eb8", "#425563", "#768692", "#768692", "#768692")
REBASE_MARK = "▲"


def metric_chart(summary: MetricSummary) -> str:
    """Targets and actuals over time. With enough actuals, the SPC mean and process limits
    of each period of limits (MDC draws them as one continuous line; the first point of a
    period whose limits were recalculated is marked ▲ on the axis), and the special-cause
    points in MDC's colours. An SVG string safe to embed."""
    points: dict = {}
    for target in summary.targets:
        points.setdefault((target.end, target.period_label), {})["target"] = target.value
    for row in summary.actuals:
        points.setdefault((row.actual.end, row.actual.period_label), {})["actual"] = (
            row.actual.value
        )
    keys = sorted(points)
    unit = summary.metric.unit
    series: list[tuple[str, list, dict[str, Any]]] = [
        ("Target", [_as_shown(points[k].get("target"), unit) for k in keys], _TARGET)
    ]
    series.append(("Actual", [_as_shown(points[k].get("actual"), unit) for k in keys], {}))
    spc_keys = [(r.actual.end, r.actual.period_label) for r in spc_series(summary.actuals)]
    rebase_keys = {spc_keys[index] for index, _ in summary.rebases}
    chart_spc = summary.spc.chart if summary.spc is not None else None
    if chart_spc is not None and any(s.has_limits for s in chart_spc.segments):
        series += _limit_lines(chart_spc, keys, spc_keys)
        readings = {
            spc_keys[i]: spc.point_variation(point, direction=summary.metric.direction)
            for i, point in enumerate(chart_spc.points)
        }
        for reading, name, _colour in _SPECIAL:
            values = [
                _number(points[k].get("actual")) if readings.get(k) == reading else None
                for k in keys
            ]
            if any(v is not None for v in values):
                series.append((name, values, {"stroke": False, "dots_size": 6, "colour": _colour}))
    style = copy.copy(_STYLE)
    style.colors = tuple(
        options.pop("colour", None) or _LINE_COLOURS[i] for i, (_, _, options) in enumerate(series)
    )
    chart = pygal.Line(
        style=style,
        width=800,
        height=360,
        js=[],
        disable_xml_declaration=True,
        explicit_size=False,
        show_dots=True,
        dots_size=4,
        # Targets and actuals fall on different periods (a year's target among months):
        # each line runs on over the periods it has no value for.
        allow_interruptions=False,
        x_label_rotation=30 if len(keys) > 6 else 0,
        legend_at_bottom=True,
        truncate_legend=-1,
        title=f"{summary.metric.short_name}: targets and actuals",
        y_title=summary.metric.get_unit_display(),
        print_values=False,
        no_data_text="No targets or actuals yet",
        value_formatter=lambda value: presentation.metric_text(value, summary.metric.unit),
    )
    chart.x_labels = [
        f"{REBASE_MARK} {label}" if (end, label) in rebase_keys else label for end, label in keys
    ]
    for name, values, options in series:
        chart.add(name, values, **options)
    return svg_markup(chart, summary.metric.code)


# pygal names each chart `chart-<random uuid>` and each series `activate-serie-N`, the same
# N in every chart: two charts on a page or in a PDF defined the same anchors (WeasyPrint:
# "Anchor defined twice"; a page: duplicate ids), and the random name changed the markup,
# and so the fingerprint of a document made from it, at every rendering.
_CHART_ID = re.compile(r'id="chart-([0-9a-f-]{36})"')
_SERIE_ID = re.compile(r'id="activate-serie-(\d+)"')


def _unique_ids(svg: str, name: str) -> str:
    """The chart's ids made its own: named from `name` and what it draws (so the same chart
    gets the same ids, another chart others), every series' id under the chart's."""
    found = _CHART_ID.search(svg)
    if found is None:
        return svg
    drawn = svg.replace(found.group(1), "")
    chart_id = "chart-" + hashlib.sha256(f"{name}\0{drawn}".encode()).hexdigest()[:16]
    svg = svg.replace(f"chart-{found.group(1)}", chart_id)
    return _SERIE_ID.sub(lambda m: f'id="{chart_id}-serie-{m.group(1)}"', svg)


def svg_markup(chart, name: str = "") -> str:
    """A pygal chart as SVG markup to embed in a page or a PDF: no script, no tooltip
    positions, ids of its own (`name` tells apart two charts that draw the same, such as
    two metrics' with the same figures); safe, as pygal builds the SVG as an element tree
    and escapes every label."""
    svg = _TOOLTIP_POSITION.sub("", _SCRIPT.sub("", chart.render(is_unicode=True)))
    return mark_safe(_unique_ids(svg, name))  # nosec B308 B703


_TARGET = {"stroke_style": {"dasharray": "6,4"}}
_LEVELS = (
    ("Mean", "mean", {"show_dots": False, "stroke_style": {"width": 1.5}}),
    ("Upper process limit", "upper_limit", {"show_dots": False, "stroke_style": _DASHED}),
    ("Lower process limit", "lower_limit", {"show_dots": False, "stroke_style": _DASHED}),
)


def _limit_lines(chart_spc: spc.Spc, keys: list, spc_keys: list) -> list:
    """The mean and limits at every key from the first to the last point of each period
    that has limits (targets' periods in between too, so the lines do not break)."""
    spans = [
        (spc_keys[s.first], spc_keys[s.first + s.count - 1], s)
        for s in chart_spc.segments
        if s.has_limits
    ]
    lines = []
    for name, attribute, options in _LEVELS:
        values = []
        for key in keys:
            level = next((getattr(s, attribute) for a, b, s in spans if a <= key <= b), None)
            values.append(_number(level))
        lines.append((name, values, dict(options)))
    return lines


_STATUS_STYLE = copy.copy(_STYLE)
_STATUS_STYLE.colors = ("#007f3b", "#d5281b", "#aeb7bd")  # met, not met, no data


def status_counts_chart(labels: list[str], met: list[int], not_met: list[int], no_data: list[int]):
    """How many areas met each metric's target, did not, or have no figure to judge: a
    stacked bar per metric; an SVG string safe to embed (the counts table is its text).
    The same counts draw the same chart: kept per process for the latest few (drawing it
    was a sixth of the national view's time, and its counts change far less often)."""
    return _status_counts_chart(tuple(labels), tuple(met), tuple(not_met), tuple(no_data))


@functools.lru_cache(maxsize=32)
def _status_counts_chart(labels: tuple, met: tuple, not_met: tuple, no_data: tuple):
    chart = pygal.HorizontalStackedBar(
        style=_STATUS_STYLE,
        width=800,
        height=120 + 48 * len(labels),
        js=[],
        disable_xml_declaration=True,
        explicit_size=False,
        legend_at_bottom=True,
        title="Areas meeting each metric's target",
        x_title="Areas",
        print_values=False,
        no_data_text="No metrics for this year",
    )
    chart.x_labels = list(labels)
    # Areas are counted whole: the axis marks whole numbers only, not pygal's 0.0833….
    most = max((a + b + c for a, b, c in zip(met, not_met, no_data, strict=True)), default=0)
    step = max(1, -(-most // 10))
    chart.y_labels = list(range(0, most + step, step))
    chart.add("Met", list(met))
    chart.add("Not met", list(not_met))
    chart.add("No data", list(no_data))
    return svg_markup(chart)
