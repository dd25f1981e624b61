"""Spreadsheets of actuals: every row is checked like the form before anything is saved;
one bad cell means nothing is imported, and each problem is reported by row and column.
An actual is matched by metric and period: a blank cell keeps what it holds, "none" clears
its source (plans/imports.py; the comparison is metrics/imports.py)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from metrics import periods
from metrics.models import Actual, MetricDefinition
from plans.imports import clears
from plans.models import Plan
from plans.spreadsheets import CellError, Sheet, header_errors

METRIC, KIND, PERIOD, VALUE, NUMERATOR, POPULATION, STAGE, SOURCE = (
    "Metric",
    "Kind of period",
    "Period",
    "Value",
    "Numerator",
    "Population",
    "Provisional or final",
    "Source",
)
COLUMNS = (METRIC, KIND, PERIOD, VALUE, NUMERATOR, POPULATION, STAGE, SOURCE)
REQUIRED = (METRIC, KIND, PERIOD)


@dataclass
class ActualRow:
    row: int
    metric: MetricDefinition
    granularity: str
    start: datetime.date
    end: datetime.date
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    stage: str | None  # None: as it is (provisional for a new actual)
    source: str | None  # None: as it is; "" cleared


def _text(value) -> str:
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else str(value).strip()


def _source(text: str) -> str | None:
    if not text:
        return None
    return "" if clears(text) else text[:250]


def _kinds() -> dict[str, str]:
    kinds = {label.lower(): value for value, label in periods.Granularity.choices}
    kinds.update({value: value for value in periods.Granularity.values})
    return kinds


def validate(plan: Plan, sheet: Sheet, *, existing=frozenset()) -> tuple[list, list[CellError]]:
    """Check every row; return the rows ready to compare and every problem found.

    `existing` are the plan's actuals' (metric code, kind of period, start, end): a row for
    one of them may leave its figures blank (kept as they are)."""
    headers = [_text(h) for h in (sheet.headers or [])]
    errors = header_errors(headers, required=REQUIRED, known=COLUMNS)
    if errors:
        return [], errors
    metrics = {m.code: m for m in MetricDefinition.objects.all()}
    kinds = _kinds()
    stages: dict[str, str | None] = {label.lower(): v for v, label in Actual.Stage.choices}
    stages[""] = None  # as the actual is (provisional for a new one)
    rows: list[ActualRow] = []
    seen: dict[tuple, int] = {}
    for index, record in sheet.records:
        values = {_text(k): _text(v) for k, v in record.items()}
        if not any(values.values()):
            continue
        row_errors: list[CellError] = []

        def bad(column, message, row_errors=row_errors, index=index):
            row_errors.append(CellError(index, column, message))

        metric = metrics.get(values.get(METRIC, ""))
        if metric is None:
            bad(METRIC, "Use the code of a metric, like permanent-admissions-65.")
        granularity = kinds.get(values.get(KIND, "").lower())
        start = end = None
        if granularity is None:
            bad(KIND, "Use Month, Quarter, Financial year, Financial year to date or By a date.")
        else:
            try:
                start, end = periods.parse(granularity, values.get(PERIOD, ""))
            except ValueError as error:
                bad(PERIOD, str(error))
        if (
            start is not None
            and end is not None
            and not plan.first_year <= periods.financial_year_of(end).start_year <= plan.last_year
        ):
            bad(PERIOD, f"This period is outside the plan ({plan.years_label}).")
        numbers: dict[str, Decimal | None] = {}
        for column in (VALUE, NUMERATOR, POPULATION):
            text = values.get(column, "").replace(",", "")
            if not text:
                numbers[column] = None
                continue
            try:
                number = Decimal(text)
            except InvalidOperation:
                bad(column, "Enter a number, like 606.4.")
                continue
            if number < 0 or not number.is_finite():
                bad(column, "Enter a number that is not negative.")
                continue
            numbers[column] = number
        value, numerator, population = (numbers.get(c) for c in (VALUE, NUMERATOR, POPULATION))
        known = metric is not None and (metric.code, granularity, start, end) in existing
        if value is not None and numerator is not None and population is not None:
            bad(VALUE, "Enter the value, or the numerator and population, not both.")
        elif value is None and numerator is None and known:
            pass  # the figures stay as they are
        elif value is None and numerator is None and VALUE not in {e.column for e in row_errors}:
            bad(VALUE, "Enter the value, or the numerator and population.")
        elif value is None and population is None and metric and metric.unit != "count":
            bad(POPULATION, "Enter the population to compute the value.")
        stage = stages.get(values.get(STAGE, "").lower(), "")
        if stage == "":
            bad(STAGE, "Use Provisional or Final.")
        if metric is not None and start is not None:
            key = (metric.code, granularity, start, end)
            if key in seen:
                bad(PERIOD, f"The same metric and period are on row {seen[key]}.")
            seen.setdefault(key, index)
        if row_errors:
            errors.extend(row_errors)
        else:
            # No problem on the row: each of these was found.
            if not (metric and granularity and start and end and stage):
                raise ValueError(f"Row {index} was read without a problem but is incomplete.")
            rows.append(
                ActualRow(
                    index,
                    metric,
                    granularity,
                    start,
                    end,
                    value,
                    numerator,
                    population,
                    stage,
                    _source(values.get(SOURCE, "")),
                )
            )
    return rows, errors
