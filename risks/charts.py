"""Geometry and colours of the heat map's server-side SVG (drawn by a template)."""

from __future__ import annotations

from dataclasses import dataclass

from risks.calculations import LEVEL_LABELS, HeatCell, HeatMap, RatingMap
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


@dataclass(frozen=True)
class DrawnRange:
    """Risks written as a range ("M/H?"): one dashed box over the cells the range spans."""

    likelihood: str  # as written
    rating: str
    count: int
    x: int
    y: int
    width: int
    height: int
    label_x: int
    label_y: int


@dataclass(frozen=True)
class DrawnRatings:
    ratings: RatingMap
    grid: DrawnMap
    ranges: list[DrawnRange]


def draw_ratings(ratings: RatingMap) -> DrawnRatings:
    """A register's ratings against likelihood on its three levels, drawn like the heat map
    (rating up, likelihood across); each range as a dashed box spanning its levels."""
    heat = HeatMap("lmh", ratings.size, ratings.rows, ratings.placed, ratings.not_placed)
    grid = draw(heat)
    grouped: dict[tuple, int] = {}
    for risk in ratings.ranges:
        key = (risk.likelihood, risk.rating, risk.likelihood_written, risk.rating_written)
        grouped[key] = grouped.get(key, 0) + 1
    ranges = []
    for (likelihood, rating, likelihood_text, rating_text), count in grouped.items():
        x = LEFT + (likelihood[0] - 1) * CELL + 6
        y = TOP + (ratings.size - rating[1]) * CELL + 6
        width = (likelihood[1] - likelihood[0] + 1) * CELL - 12
        height = (rating[1] - rating[0] + 1) * CELL - 12
        ranges.append(
            DrawnRange(
                likelihood_text,
                rating_text,
                count,
                x,
                y,
                width,
                height,
                x + width // 2,
                y + height - 6,
            )
        )
    return DrawnRatings(ratings, grid, ranges)
