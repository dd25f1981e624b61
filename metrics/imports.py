"""The actuals import (plans/imports.py): an actual is matched by metric and period; a new
one is added, a known one changes only where the file says something different."""

from __future__ import annotations

from metrics import services
from metrics.models import Actual
from metrics.resources import NUMERATOR, POPULATION, SOURCE, STAGE, VALUE, validate
from plans import permissions
from plans.imports import ADD, Change, Importer, Preview, Row, Target, compare, row_for
from plans.spreadsheets import read_content

_STAGE = dict(Actual.Stage.choices)


def _number(value) -> str:
    return f"{value.normalize():,f}"


class ActualImport(Importer):
    frozen_allowed = True
    key = "actuals"
    title = "Import actuals"
    noun = "actuals"
    action = permissions.ENTER_ACTUALS
    page = "metrics:metrics_overview"
    help_template = "metrics/_import_help.html"

    def preview(self, target: Target, content: bytes, extension: str) -> Preview:
        plan = target.plan
        existing = {
            (a.metric.code, a.granularity, a.start, a.end): a
            for a in Actual.objects.filter(plan=plan).select_related("metric")
        }
        rows, errors = validate(plan, read_content(content, extension), existing=set(existing))
        if errors:
            return Preview(errors=errors)
        preview = Preview()
        for row in rows:
            actual = existing.get((row.metric.code, row.granularity, row.start, row.end))
            label = f"“{row.metric}”, {row.start:%d %B %Y} to {row.end:%d %B %Y}"
            typed = {VALUE: row.value, NUMERATOR: row.numerator, POPULATION: row.denominator}
            period = {"granularity": row.granularity, "start": row.start, "end": row.end}
            if actual is None:
                values = [(c, _number(v)) for c, v in typed.items() if v is not None]
                values += [(STAGE, _STAGE[row.stage or Actual.Stage.PROVISIONAL])]
                values += [(SOURCE, row.source)] if row.source else []

                def add(user, row=row, period=period):
                    return services.actual_create(
                        plan=plan,
                        metric=row.metric,
                        value=row.value,
                        numerator=row.numerator,
                        denominator=row.denominator,
                        stage=row.stage or Actual.Stage.PROVISIONAL,
                        source=row.source or "",
                        user=user,
                        **period,
                    )

                preview.rows.append(Row(ADD, label, row.row, values=values, apply=add))
                continue
            changes: list[Change] = []
            stored = {
                VALUE: actual.value,
                NUMERATOR: actual.numerator,
                POPULATION: actual.denominator,
            }
            figures = {c: v for c, v in typed.items() if v is not None}
            for column, value in figures.items():
                compare(changes, column, stored[column], value, _number)
            if not changes:  # the figures stay as they are, however they were entered
                figures = {VALUE: actual.value}
                if actual.entered_as == Actual.EnteredAs.COUNTS:
                    figures = {NUMERATOR: actual.numerator, POPULATION: actual.denominator}
            stage = row.stage or actual.stage
            source = actual.source if row.source is None else row.source
            compare(changes, STAGE, actual.stage, stage, _STAGE.get)
            compare(changes, SOURCE, actual.source, source)

            def change(user, actual=actual, figures=figures, stage=stage, source=source):
                return services.actual_update(
                    actual=actual,
                    expected_version=actual.lock_version,
                    value=figures.get(VALUE),
                    numerator=figures.get(NUMERATOR),
                    denominator=figures.get(POPULATION),
                    stage=stage,
                    source=source,
                    note=actual.note,
                    user=user,
                    **{"granularity": actual.granularity, "start": actual.start, "end": actual.end},
                )

            preview.rows.append(row_for(label=label, row=row.row, changes=changes, apply=change))
        return preview
