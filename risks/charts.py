"""Geometry and colours of the heat map's server-side SVG (drawn by a template)."""

from __future__ import annotations

from dataclasses import dataclass

from risks.calculations import LEVEL_LABELS, HeatCell, HeatMap
from risks.models import Band, Scale

CELL = 64
LEFT = 48  # room for the impact axis
TOP = 8
BOTTOM = 48  # room for the likelihood axis
# NHS.UK palette; text colour chosen for contrast on each fill.
FILLS = {
    Band.LOW: ("#007f3b", "#ffffff"),
    Band.MODERATE: ("#ffeb3b", "#212b32"),
    Band.MEDIUM: ("#ffeb3b", "#212b32"),
    Band.HIGH: ("#ed8b00", "#212b32"),
    Band.EXTREME: ("#d5281b", "#ffffff"),
}


@dataclass(frozen=True)
class DrawnCell:
    cell: HeatCell
    x: int
    y: int
    fill: str
    text_fill: str
    label: str


@dataclass(frozen=True)
class DrawnMap:
    heat: HeatMap
    width: int
    height: int
    cells: list[DrawnCell]
    x_ticks: list[tuple[int, str]]
    y_ticks: list[tuple[int, str]]
    x_axis: tuple[int, int]
    y_axis: tuple[int, int]


def level_label(scale: str, level: int) -> str:
    return LEVEL_LABELS[level] if scale == Scale.LMH else str(level)


def draw(heat: HeatMap) -> DrawnMap:
    size = heat.size
    cells = []
    for row_index, row in enumerate(heat.rows):
        for column_index, cell in enumerate(row):
            fill, text_fill = FILLS[cell.band]
            cells.append(
                DrawnCell(
                    cell=cell,
                    x=LEFT + column_index * CELL,
                    y=TOP + row_index * CELL,
                    fill=fill,
                    text_fill=text_fill,
                    label=str(cell.count) if cell.count else "",
                )
            )
    grid = size * CELL
    x_ticks = [(LEFT + i * CELL + CELL // 2, level_label(heat.scale, i + 1)) for i in range(size)]
    y_ticks = [(TOP + i * CELL + CELL // 2, level_label(heat.scale, size - i)) for i in range(size)]
    return DrawnMap(
        heat=heat,
        width=LEFT + grid + 8,
        height=TOP + grid + BOTTOM,
        cells=cells,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        x_axis=(LEFT + grid // 2, TOP + grid + 40),
        y_axis=(14, TOP + grid // 2),
    )
