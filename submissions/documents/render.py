"""A document of a plan or a return by its template's kind (as the documents API names it)."""

from __future__ import annotations

from plans.models import Plan
from submissions.models import QuarterlyReturn


def render_plan_document(plan: Plan, kind: str) -> bytes:
    from submissions.documents.part1 import part1_pdf
    from submissions.documents.part2 import part2_workbook

    return {"part1-pdf": part1_pdf, "part2-xlsx": part2_workbook}[kind](plan)


def render_return_document(ret: QuarterlyReturn, kind: str) -> bytes:
    from submissions.documents.returns import return_workbook

    return return_workbook(ret)
