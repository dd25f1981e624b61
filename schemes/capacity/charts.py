"""The capacity and demand chart: each month's demand and capacity over every service
type, as bars (people). Server-side SVG (pygal), the table of the same totals its text
alternative."""

from __future__ import annotations

import pygal

from metrics.charts import STYLE, svg_markup
from schemes.capacity.selectors import CapacityMonth


def capacity_chart(totals: list[CapacityMonth], *, title: str) -> str:
    """An SVG string safe to embed; empty when nothing is entered."""
    if not any(t.demand is not None or t.capacity is not None for t in totals):
        return ""
    chart = pygal.Bar(
        style=STYLE,
        width=800,
        height=320,
        js=[],
        disable_xml_declaration=True,
        explicit_size=False,
        legend_at_bottom=True,
        title=title,
        y_title="People",
        x_label_rotation=30,
        print_values=False,
        value_formatter=lambda value: f"{value:,.0f}",
    )
    chart.x_labels = [f"{t.month:%b %Y}" for t in totals]
    chart.add("Demand", [t.demand for t in totals])
    chart.add("Capacity", [t.capacity for t in totals])
    return svg_markup(chart)
