"""The plan's workbook (in 2014, Part 2 of NHS England's planning template: metrics and
finance), as its framework declares it: the layout is the framework pack's
(fixtures/frameworks/*.yaml, `templates[].layout`), rendered by the template engine
(submissions/documents/engine.py).

The names below are those the 2014 workbook's sheets are read back by
(submissions/documents/part2_import.py and part2_schemes.py); the pack's layout declares
the same headers (submissions/tests/test_template_engine.py checks it).
"""

from __future__ import annotations

from plans.models import Plan
from submissions.documents.engine import HEADER_ROW, MONEY_FORMAT
from submissions.documents.template_registry import COMMISSIONER_LABELS, NOT_BROKEN_DOWN

__all__ = ["HEADER_ROW", "MONEY_FORMAT", "COMMISSIONER_LABELS", "NOT_BROKEN_DOWN"]

SHEET_EXPENDITURE = "Expenditure Plan"
COL_ID, COL_NAME, COL_DESCRIPTION, COL_THEME = (
    "Scheme ID",
    "Scheme name",
    "Brief description",
    "Theme",
)
COL_TYPE, COL_SUB_TYPE, COL_AREA = "Scheme type", "Sub type", "Area of spend"
COL_COMMISSIONER, COL_NHS, COL_LA = "Commissioner", "% NHS (if joint)", "% LA (if joint)"
COL_PROVIDER, COL_SOURCE, COL_STATUS = "Provider", "Source of funding", "New or existing"


def _year_header(year) -> str:
    return f"{year.label} (£)"


def expenditure_headers(plan: Plan) -> list[str]:
    return [
        COL_ID,
        COL_NAME,
        COL_DESCRIPTION,
        COL_THEME,
        COL_TYPE,
        COL_SUB_TYPE,
        COL_AREA,
        COL_COMMISSIONER,
        COL_NHS,
        COL_LA,
        COL_PROVIDER,
        COL_SOURCE,
        *[_year_header(y) for y in plan.years],
        COL_STATUS,
    ]


def part2_workbook(plan: Plan) -> bytes:
    """The plan's workbook (.xlsx bytes), as its framework's planning template declares it."""
    from submissions.documents.render import plan_document

    return plan_document(plan, "xlsx")
