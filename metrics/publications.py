"""National publications imported for every area at once: OHID Fingertips' indicator data
and NHS England / NHS Digital monthly statistics, each in the layout it is published in.

A file is read by the one spreadsheet reader and its limits (plans/spreadsheets.py: size,
rows, columns) and compared with what the plans hold, as every import is
(plans/imports.py: a preview of rows to add and change, a fingerprint of it, all or
nothing). What is particular to a national file:

- its rows are matched to areas by the ONS code of the area (`Area Code`, `PRIMARY_LEVEL`)
  and to metrics by the identifier the publisher gives them (`NationalIndicator`, set
  from the framework packs);
- a figure goes to the area's latest plan covering the financial year its period ends in
  (`Plan.objects.latest_covering`), if that plan asks for the metric;
- rows it cannot hold are not errors: the preview lists them (areas and indicators not
  matched, periods no plan holds, figures not published), counted and the first of each
  named, so that a whole national file can be imported for the areas here;
- a figure already held with another value is revised: the earlier value and where it
  came from are kept (`ActualRevision`), never silently replaced.

Fingertips' CSV (its header, as the Fingertips data service writes it): Indicator ID,
Indicator Name, Parent Code, Parent Name, Area Code, Area Name, Area Type, Sex, Age,
Category Type, Category, Time period, Value, Lower CI 95.0 limit, Upper CI 95.0 limit,
Lower CI 99.8 limit, Upper CI 99.8 limit, Count, Denominator, Value note, Recent Trend,
Compared to England value or percentiles, Compared to … (region or percentiles), Time
period Sortable, New data, Compared to goal, and in later files Time period range. Its time
periods are written "2023/24" (a financial year), "2023/24 Q1" (a quarter of it), "Jan 2024"
(a month), "2023" (a calendar year) or "2021 - 23", "2021/22 - 23/24" (several years): plans
hold months, quarters and financial years, so the last three are listed as not held. An
area appears once per parent area it is listed under; the same figure twice is one figure.
Only the headline rows are read: Sex "Persons" and no Category Type (breakdowns by
deprivation decile and the like are listed as not held).

NHS England / NHS Digital monthly statistics CSV: REPORTING_PERIOD_START,
REPORTING_PERIOD_END, STATUS (Provisional, Final, …), BREAKDOWN, PRIMARY_LEVEL (the area's
code), PRIMARY_LEVEL_DESCRIPTION, SECONDARY_LEVEL, SECONDARY_LEVEL_DESCRIPTION, METRIC (or
MEASURE_ID), METRIC_VALUE (or MEASURE_VALUE); dates as 2024-04-01 or 01/04/2024. Rows with a
secondary level other than NONE are breakdowns, not held.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from frameworks.periods import month_end, parse_period
from metrics import periods
from metrics.models import Actual, Layout, MetricDefinition, NationalIndicator
from plans.imports import ADD, CHANGE, Change, Preview, Row, compare, row_for
from plans.models import Area, Plan
from plans.spreadsheets import PROBLEMS_LISTED, CellError, SpreadsheetError, read_csv

EXTENSIONS = ("csv",)
VALUE, STAGE = "Value", "Provisional or final"
_STAGE = dict(Actual.Stage.choices)

FINGERTIPS_REQUIRED = ("Indicator ID", "Area Code", "Sex", "Category Type", "Time period", "Value")
NHS_REQUIRED = ("REPORTING_PERIOD_START", "REPORTING_PERIOD_END", "PRIMARY_LEVEL")
NHS_METRIC = ("METRIC", "MEASURE_ID")
NHS_VALUE = ("METRIC_VALUE", "MEASURE_VALUE")

_ABBREVIATED = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTHS = {name: number for number, name in enumerate(_ABBREVIATED, start=1)}
_CALENDAR = re.compile(r"^\d{4}( Q\d)?$")  # 2023, 2023 Q1: calendar, not financial
_MONTH = re.compile(r"^([A-Z][a-z]{2}) (\d{4})$")


class PeriodNotHeld(ValueError):
    """A period written correctly that plans do not hold (a calendar year, several years)."""


@dataclass(frozen=True)
class Published:
    """One figure of the file, as read: where it is in the file, what it is for."""

    row: int
    indicator: str
    area_code: str
    area_name: str
    granularity: str
    start: datetime.date
    end: datetime.date
    value: Decimal
    places: int
    stage: str

    @property
    def key(self):
        return (self.indicator, self.area_code, self.granularity, self.start, self.end)


@dataclass
class Reading:
    """What a file holds: its figures, the rows it cannot hold (with why) and its errors."""

    figures: list[Published] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    indicator_names: dict[str, str] = field(default_factory=dict)
    not_held: Counter = field(default_factory=Counter)  # why → rows
    not_held_rows: dict[str, list[int]] = field(default_factory=dict)  # why → first rows

    def skip(self, row: int, why: str) -> None:
        self.not_held[why] += 1
        rows = self.not_held_rows.setdefault(why, [])
        if len(rows) < 5:
            rows.append(row)


@dataclass(frozen=True)
class Write:
    """A figure to add (ADD) or revise (CHANGE), for metrics.services.publication_import."""

    action: str
    plan: Plan
    metric: MetricDefinition
    published: Published
    actual: Actual | None = None


@dataclass
class PublicationPreview(Preview):
    """A preview (plans.imports) with what a national file holds that no plan here does."""

    unmatched_areas: dict[str, tuple[str, int]] = field(default_factory=dict)  # code → name, rows
    unmatched_indicators: dict[str, tuple[str, int]] = field(default_factory=dict)
    not_held: list[tuple[str, int, list[int]]] = field(default_factory=list)  # why, rows, first
    plans: list[int] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)  # what applying it writes, in order

    @property
    def revised(self) -> list[Row]:
        return self.changed

    @property
    def unmatched_rows(self) -> int:
        return sum(n for _, n in self.unmatched_areas.values()) + sum(
            n for _, n in self.unmatched_indicators.values()
        )

    @property
    def not_held_rows(self) -> int:
        return sum(n for _, n, _ in self.not_held)

    def listed(self, rows: list[Row]) -> tuple[list[Row], int]:
        """The first rows to show, and how many more there are."""
        return rows[:PROBLEMS_LISTED], max(0, len(rows) - PROBLEMS_LISTED)


# Reading the layouts -------------------------------------------------------------------------


def _decimal(text: str) -> tuple[Decimal, int]:
    value = Decimal(text.replace(",", ""))
    if not value.is_finite() or abs(value) >= Decimal(10) ** 10:
        raise InvalidOperation
    return value, max(0, -int(value.as_tuple().exponent))


def fingertips_period(text: str) -> tuple[str, datetime.date, datetime.date]:
    """A Fingertips time period as (granularity, start, end): "2023/24", "2023/24 Q1",
    "Jan 2024". Raises PeriodNotHeld for a calendar year, a calendar quarter or several
    years, ValueError for anything else."""
    text = " ".join(text.split())
    if (match := _MONTH.match(text)) and match[1] in _MONTHS:
        start = datetime.date(int(match[2]), _MONTHS[match[1]], 1)
        return periods.Granularity.MONTH, start, month_end(start)
    if _CALENDAR.match(text) or " - " in text:
        raise PeriodNotHeld(text)
    try:
        year, quarter = parse_period(text)
    except ValueError:
        raise ValueError(
            f"“{text}” is not a time period as Fingertips writes one "
            "(2023/24, 2023/24 Q1, Jan 2024)."
        ) from None
    if quarter is None:
        return periods.Granularity.YEAR, year.start, year.end
    chosen = year.quarter(quarter)
    return periods.Granularity.QUARTER, chosen.start, chosen.end


def _date(text: str) -> datetime.date:
    text = text.strip()[:10]
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"“{text}” is not a date (2024-04-01 or 01/04/2024).")


def nhs_period(start_text: str, end_text: str) -> tuple[str, datetime.date, datetime.date]:
    """A reporting period given by its first and last days, as the month, quarter or
    financial year it is; PeriodNotHeld for any other span."""
    start, end = _date(start_text), _date(end_text)
    for granularity in (periods.Granularity.MONTH, periods.Granularity.QUARTER):
        try:
            periods.check(granularity, start, end)
        except ValueError:
            continue
        return granularity, start, end
    try:
        periods.check(periods.Granularity.YEAR, start, end)
    except ValueError:
        raise PeriodNotHeld(f"{start_text} to {end_text}") from None
    return periods.Granularity.YEAR, start, end


def _text(record: dict, column: str) -> str:
    value = record.get(column)
    return "" if value is None else str(value).strip()


def _header_errors(headers: list[str], required) -> list[CellError]:
    missing = [c for c in required if c not in headers]
    return [
        CellError(1, column, "This column is missing: the file is not in the layout chosen.")
        for column in missing
    ]


def read_fingertips(content: bytes) -> Reading:
    sheet = read_csv(content)
    reading = Reading(errors=_header_errors(sheet.headers, FINGERTIPS_REQUIRED))
    if reading.errors:
        return reading
    for row, record in sheet.records:
        indicator = _text(record, "Indicator ID")
        reading.indicator_names.setdefault(indicator, _text(record, "Indicator Name"))
        if _text(record, "Sex") not in ("Persons", "") or _text(record, "Category Type"):
            reading.skip(row, "A breakdown by sex or category (only the headline rows are read)")
            continue
        published = _figure(
            reading,
            row,
            indicator=indicator,
            area_code=_text(record, "Area Code"),
            area_name=_text(record, "Area Name"),
            value_text=_text(record, "Value"),
            value_column="Value",
            note=_text(record, "Value note"),
            period=lambda record=record: fingertips_period(_text(record, "Time period")),
            period_column="Time period",
            stage=Actual.Stage.FINAL,
        )
        if published is not None:
            reading.figures.append(published)
    return reading


def read_nhs_monthly(content: bytes) -> Reading:
    sheet = read_csv(content)
    headers = sheet.headers
    metric_column = next((c for c in NHS_METRIC if c in headers), NHS_METRIC[0])
    value_column = next((c for c in NHS_VALUE if c in headers), NHS_VALUE[0])
    required = (*NHS_REQUIRED, metric_column, value_column)
    reading = Reading(errors=_header_errors(headers, required))
    if reading.errors:
        return reading
    for row, record in sheet.records:
        secondary = _text(record, "SECONDARY_LEVEL")
        if secondary and secondary.upper() != "NONE":
            reading.skip(row, "A breakdown below the area (SECONDARY_LEVEL), not held")
            continue
        status = _text(record, "STATUS").lower()
        published = _figure(
            reading,
            row,
            indicator=_text(record, metric_column),
            area_code=_text(record, "PRIMARY_LEVEL"),
            area_name=_text(record, "PRIMARY_LEVEL_DESCRIPTION"),
            value_text=_text(record, value_column),
            value_column=value_column,
            note="",
            period=lambda record=record: nhs_period(
                _text(record, "REPORTING_PERIOD_START"), _text(record, "REPORTING_PERIOD_END")
            ),
            period_column="REPORTING_PERIOD_START",
            stage=Actual.Stage.PROVISIONAL
            if status.startswith("provisional")
            else Actual.Stage.FINAL,
        )
        if published is not None:
            reading.figures.append(published)
    return reading


def _figure(
    reading: Reading,
    row: int,
    *,
    indicator,
    area_code,
    area_name,
    value_text,
    value_column,
    note,
    period: Callable,
    period_column,
    stage,
) -> Published | None:
    if not indicator or not area_code:
        column = "the indicator" if not indicator else "the area code"
        reading.errors.append(CellError(row, period_column, f"The row has no {column}."))
        return None
    try:
        granularity, start, end = period()
    except PeriodNotHeld as span:
        reading.skip(
            row,
            f"A calendar or multi-year period ({span}): plans hold months, "
            "quarters and financial years",
        )
        return None
    except ValueError as error:
        reading.errors.append(CellError(row, period_column, str(error)))
        return None
    if not value_text or value_text in ("-", "*", "x", ":"):
        why = "No figure published" + (f" ({note})" if note else "")
        reading.skip(row, why)
        return None
    try:
        value, places = _decimal(value_text)
    except (InvalidOperation, ValueError):
        reading.errors.append(CellError(row, value_column, f"“{value_text}” is not a number."))
        return None
    return Published(
        row, indicator, area_code, area_name, granularity, start, end, value, places, stage
    )


READERS: dict[str, Callable[[bytes], Reading]] = {
    Layout.FINGERTIPS: read_fingertips,
    Layout.NHS_MONTHLY: read_nhs_monthly,
}


def read(content: bytes, layout: str) -> Reading:
    """The file's figures in `layout`; the same figure listed twice (an area under two
    parents) is one, two different figures for one area and period an error."""
    reading = READERS[layout](content)
    seen: dict[tuple, Published] = {}
    for published in reading.figures:
        earlier = seen.get(published.key)
        if earlier is None:
            seen[published.key] = published
        elif earlier.value != published.value:
            reading.errors.append(
                CellError(
                    published.row,
                    "Value",
                    f"Row {earlier.row} gives {earlier.value} for the same area, indicator and "
                    f"period; this row gives {published.value}.",
                )
            )
    reading.figures = list(seen.values())
    return reading


# Comparing with the plans --------------------------------------------------------------------


def _number(value: Decimal) -> str:
    return f"{value:,f}"


def preview(content: bytes, layout: str, *, lock: bool = False) -> PublicationPreview:
    """What importing the file would do to every area's plans: the rows it shows, and the
    `writes` metrics.services.publication_import makes of them. With `lock`, the plans it
    touches are locked first (in the caller's transaction), so that the comparison and the
    writes see one state."""
    reading = read(content, layout)
    result = PublicationPreview()
    if reading.errors:
        result.errors = reading.errors
        return result
    figures = reading.figures
    indicators = {
        n.indicator_id: n.metric
        for n in NationalIndicator.objects.filter(layout=layout).select_related("metric")
    }
    areas = {a.code: a for a in Area.objects.filter(code__in={f.area_code for f in figures})}
    years = {periods.financial_year_of(f.end).start_year for f in figures}
    plans: dict[tuple[int, int], Plan] = {}
    for year in sorted(years):
        chosen = Plan.objects.latest_covering(year).filter(area__in=areas.values())
        for plan in chosen.select_related("area"):
            plans[(plan.area_id, year)] = plan
    if lock and plans:
        list(
            Plan.objects.select_for_update()
            .filter(pk__in=sorted({p.pk for p in plans.values()}))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    metrics = {m.pk: m for m in indicators.values()}
    asks = {
        (plan.pk, metric.pk): metric.applies_to(plan)
        for plan in plans.values()
        for metric in _with_frameworks(metrics.values())
    }
    existing = {
        (a.plan_id, a.metric_id, a.granularity, a.start, a.end): a
        for a in Actual.objects.filter(
            plan__in={p.pk for p in plans.values()}, metric__in=metrics
        ).select_related("publication")
    }
    unmatched_areas: Counter = Counter()
    unmatched_indicators: Counter = Counter()
    names: dict[str, str] = {}
    not_held = Reading()
    for published in figures:
        metric = indicators.get(published.indicator)
        area = areas.get(published.area_code)
        if metric is None:
            unmatched_indicators[published.indicator] += 1
            continue
        if area is None:
            unmatched_areas[published.area_code] += 1
            names.setdefault(published.area_code, published.area_name)
            continue
        financial_year = periods.financial_year_of(published.end)
        plan = plans.get((area.pk, financial_year.start_year))
        if plan is None:
            not_held.skip(published.row, f"{area.name}: no plan covers {financial_year.label}")
            continue
        if not asks[(plan.pk, metric.pk)]:
            not_held.skip(published.row, f"{area.name}: “{plan.title}” does not ask for {metric}")
            continue
        label = (
            f"{area.name}: {metric.short_name or metric.name}, "
            f"{periods.label(published.granularity, published.start, published.end)}"
        )
        actual = existing.get(
            (plan.pk, metric.pk, published.granularity, published.start, published.end)
        )
        if actual is None:
            values = [(VALUE, _number(published.value)), (STAGE, _STAGE[published.stage])]
            result.rows.append(Row(ADD, label, published.row, values=values))
            result.writes.append(Write(ADD, plan, metric, published))
            continue
        changes: list[Change] = []
        compare(changes, VALUE, actual.value, published.value, _number)
        if actual.value == published.value:  # 606.4 and 606.40 are one figure
            changes = []
        compare(changes, STAGE, actual.stage, published.stage, _STAGE.get)

        result.rows.append(row_for(label=label, row=published.row, changes=changes, apply=None))
        if changes:
            result.writes.append(Write(CHANGE, plan, metric, published, actual))
    result.unmatched_areas = {
        code: (names.get(code, ""), n) for code, n in sorted(unmatched_areas.items())
    }
    result.unmatched_indicators = {
        indicator: (reading.indicator_names.get(indicator, ""), n)
        for indicator, n in sorted(unmatched_indicators.items())
    }
    merged: dict[str, list] = defaultdict(lambda: [0, []])
    for source in (reading, not_held):
        for why, n in source.not_held.items():
            merged[why][0] += n
            merged[why][1] = (merged[why][1] + source.not_held_rows[why])[:5]
    result.not_held = [(why, n, rows) for why, (n, rows) in sorted(merged.items())]
    result.plans = sorted({p.pk for p in plans.values()})
    return result


def _with_frameworks(metrics):
    from django.db.models import prefetch_related_objects

    metrics = list(metrics)
    prefetch_related_objects(metrics, "frameworks")
    return metrics


# The kept file -------------------------------------------------------------------------------


def token_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _path(token: str) -> str:
    return f"publications/{token}.csv"


def keep(content: bytes) -> str:
    """Keep an uploaded file (by the SHA-256 of its bytes) for the job that applies it:
    in MEDIA_ROOT, which the web processes and the workers share."""
    token = token_of(content)
    if not default_storage.exists(_path(token)):
        default_storage.save(_path(token), ContentFile(content))
    return token


def kept(token: str) -> bytes:
    """The file kept under `token`; SpreadsheetError if it is no longer there."""
    if not re.fullmatch(r"[0-9a-f]{64}", token or "") or not default_storage.exists(_path(token)):
        raise SpreadsheetError("The uploaded file is no longer kept; upload it again.")
    with default_storage.open(_path(token), "rb") as stream:
        content = stream.read()
    if token_of(content) != token:
        raise SpreadsheetError("The kept file is not the one previewed; upload it again.")
    return content


def forget(token: str) -> None:
    if re.fullmatch(r"[0-9a-f]{64}", token or ""):
        default_storage.delete(_path(token))
