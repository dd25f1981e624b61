"""Server-side SVG charts (pygal): the same chart for the page and, later, the PDF.

No script and no network: pygal's interactive JavaScript (fetched from a CDN by default)
is switched off, and the SVG is embedded in the page as markup.
"""

from __future__ import annotations

import copy
import re

import pygal
from django.utils.safestring import mark_safe
from pygal.style import Style

from metrics.selectors import MetricSummary

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


# pygal writes its configuration in an inline <script> even with no JavaScript files;
# the chart does not need it, and the content security policy forbids inline script.
_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)


def _number(value) -> float | None:
    return None if value is None else float(value)


def metric_chart(summary: MetricSummary) -> str:
    """Targets and actuals over time, with the SPC mean and process limits when there are
    enough actuals; an SVG string safe to embed."""
    points = {}
    for target in summary.targets:
        points.setdefault((target.end, target.period_label), {})["target"] = target.value
    for row in summary.actuals:
        points.setdefault((row.actual.end, row.actual.period_label), {})["actual"] = (
            row.actual.value
        )
    keys = sorted(points)
    chart = pygal.Line(
        style=_STYLE,
        width=800,
        height=360,
        js=[],
        disable_xml_declaration=True,
        explicit_size=False,
        show_dots=True,
        dots_size=4,
        allow_interruptions=True,
        x_label_rotation=30 if len(keys) > 6 else 0,
        legend_at_bottom=True,
        title=f"{summary.metric.short_name}: targets and actuals",
        y_title=summary.metric.get_unit_display(),
        print_values=False,
        no_data_text="No targets or actuals yet",
    )
    chart.x_labels = [label for _, label in keys]
    chart.add(
        "Target",
        [_number(points[k].get("target")) for k in keys],
        stroke_style={"dasharray": "6,4"},
    )
    chart.add("Actual", [_number(points[k].get("actual")) for k in keys])
    spc = summary.spc
    if spc is not None:
        actual_keys = {(r.actual.end, r.actual.period_label) for r in summary.actuals}
        for name, level in (
            ("Mean", spc.mean),
            ("Upper process limit", spc.upper_limit),
            ("Lower process limit", spc.lower_limit),
        ):
            chart.add(
                name,
                [float(level) if k in actual_keys else None for k in keys],
                show_dots=False,
                stroke_style={"width": 1, "dasharray": "2,3"},
            )
    svg = _SCRIPT.sub("", chart.render(is_unicode=True))
    # pygal builds the SVG as an element tree, so every label it writes is escaped.
    return mark_safe(svg)  # nosec B308 B703


_STATUS_STYLE = copy.copy(_STYLE)
_STATUS_STYLE.colors = ("#007f3b", "#d5281b", "#aeb7bd")  # met, not met, no data


def status_counts_chart(labels: list[str], met: list[int], not_met: list[int], no_data: list[int]):
    """How many areas met each metric's target, did not, or have no figure to judge: a
    stacked bar per metric; an SVG string safe to embed (the counts table is its text)."""
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
    chart.x_labels = labels
    chart.add("Met", met)
    chart.add("Not met", not_met)
    chart.add("No data", no_data)
    svg = _SCRIPT.sub("", chart.render(is_unicode=True))
    return mark_safe(svg)  # nosec B308 B703
