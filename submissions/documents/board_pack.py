"""The Integration Executive's quarterly dashboard as a board pack: a PDF laid out for A4
with the page's summary band, its small charts and its tables, for a meeting.

Made from the same figures as the live dashboard (`selectors.dashboard`) on the day it is
asked for (`today`, an ISO date, kept in the job's parameters: figures of a quarter still
running are judged on that day). Rendered by the "render-board-pack" job and stored as a
Document of the plan, its `source_version` the quarter ("2016/17 Q4").
"""

from __future__ import annotations

import datetime

from django.template.loader import render_to_string

from plans.models import Plan
from plans.periods import FinancialYear
from submissions import selectors
from submissions.models import Document


def period_label(year: int, quarter: int) -> str:
    """The quarter a board pack is of, as its documents' `source_version` says it."""
    return FinancialYear(year).quarter(quarter).label


def board_packs_of(plan: Plan, *, year: int, quarter: int):
    """The stored board packs of the plan's quarter, newest first."""
    return Document.objects.filter(
        plan=plan,
        kind=Document.Kind.BOARD_PACK_PDF,
        source_version=period_label(year, quarter),
    ).order_by("-created_at", "-pk")


def board_pack_context(plan: Plan, *, year: int, quarter: int, today: str) -> dict:
    day = datetime.date.fromisoformat(today)
    data = selectors.dashboard(plan=plan, year=year, quarter=quarter, today=day)
    charted = [metric for metric in data["metrics"] if metric.get("series")]
    return {
        "data": data,
        # The small charts two to a row of the page, as the dashboard shows them.
        "chart_rows": [charted[i : i + 2] for i in range(0, len(charted), 2)],
        "made_on": day,
        "version": plan.version_label,
    }


def board_pack_html(plan: Plan, *, year: int, quarter: int, today: str) -> str:
    return render_to_string(
        "submissions/documents/board_pack.html",
        board_pack_context(plan, year=year, quarter=quarter, today=today),
    )


def board_pack_pdf(plan: Plan, *, year: int, quarter: int, today: str) -> bytes:
    """The board pack as tagged PDF bytes (title, language, bookmarks, page footer)."""
    from governance.pdf import html_to_pdf

    return html_to_pdf(board_pack_html(plan, year=year, quarter=quarter, today=today), tagged=True)
