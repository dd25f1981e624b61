"""Importers of the template engine that take their columns from the layout: a table's
column is found by the selector it holds, so the layout names the headers.

- `plan.condition_answers`: each national condition's answer and narrative (a sheet of
  `plan.conditions` rows), held as the plan's own answers (ConditionStatus with no
  quarter), never as a quarter's report: the quarters' statuses are reported on the
  conditions pages and in the returns, where the framework asks for them.
"""

from __future__ import annotations

from plans import services as plan_services
from plans.imports import Preview, clears, compare, row_for
from plans.models import ConditionStatus
from submissions.documents.part2_cells import SheetRows, text_of
from submissions.documents.template_registry import ROWS, Context

CHECKED = "The checker column is worked out again, never read."


def _headers_by_value(spec: dict) -> dict[str, str]:
    """{selector: header} of the sheet's first table."""
    for block in spec["blocks"]:
        if "table" in block:
            return {c["value"]: c["header"] for c in block["table"]["columns"]}
    return {}


def read_condition_answers(ctx: Context, spec: dict, content: bytes, preview: Preview) -> None:
    sheet = SheetRows(content, spec["name"], preview.errors)
    headers = _headers_by_value(spec)
    title = headers.get("plan_condition.title")
    answer = headers.get("plan_condition.answer")
    narrative = headers.get("plan_condition.narrative")
    if not (title and answer and sheet.require([title, answer])):
        return
    rows = {r["condition"].title.strip().lower(): r for r in ROWS["plan.conditions"](ctx)}
    plan = ctx.plan
    for number, record in sheet.records:
        name = text_of(record.get(title))
        row = rows.get(name.strip().lower())
        if row is None:
            sheet.bad(number, title, "This is not one of the national conditions of the plan.")
            continue
        condition, status = row["condition"], row["plan_answer"]
        answers = {
            str(ConditionStatus.Status(a).label).lower(): a
            for a in ConditionStatus.ANSWERS[condition.response_type]
        }
        given = text_of(record.get(answer))
        text = text_of(record.get(narrative)) if narrative else ""
        if not given and not text:
            continue  # a blank row keeps what the plan holds
        after_status = answers.get(given.lower()) if given else (status and status.status)
        if after_status is None:
            names = " or ".join(a.capitalize() for a in answers)
            sheet.bad(number, answer, f"Answer {names}.")
            continue
        after_text = (
            ("" if clears(text) else text) if text else (status.narrative if status else "")
        )
        if status is not None and status.expected_date and after_status == status.status:
            expected = status.expected_date
        else:
            expected = None
        if (
            condition.response_type == condition.ResponseType.ASSURANCE
            and not after_text.strip()
            and narrative
        ):
            sheet.bad(number, narrative, "Say how the plan meets it, or why it does not yet.")
            continue
        if after_status == ConditionStatus.Status.IN_PROGRESS and expected is None:
            sheet.bad(number, answer, "Give the date it is expected to be met on its page.")
            continue
        changes: list = []
        before_label = status.get_status_display() if status else ""
        after_label = str(ConditionStatus.Status(after_status).label)
        compare(changes, answer, before_label, after_label)
        if narrative:
            compare(changes, narrative, status.narrative if status else "", after_text)

        def apply(
            user,
            condition=condition,
            status=status,
            after_status=after_status,
            after_text=after_text,
            expected=expected,
        ):
            return plan_services.condition_status_set(
                plan=plan,
                condition=condition,
                year=plan.first_year,
                quarter=None,  # the plan's own answer
                status=after_status,
                expected_date=expected,
                narrative=after_text,
                expected_version=status.lock_version if status else None,
                user=user,
            )

        preview.rows.append(
            row_for(
                label=f"National condition: {condition.title}",
                row=number,
                changes=changes,
                apply=apply,
                sheet=spec["name"],
            )
        )
