"""A quarterly return's documents: the report for the board (PDF, in the shape of the June
2017 Health and Wellbeing Board report) and NHS England's quarterly workbook (.xlsx); a
year-end return's also its framework's year-end workbook and PDF.

Both are made from the return's frozen `snapshot` only, never from live data: what was
approved is what is printed, whatever has changed in the plan since. The job handlers
("render-return-pdf", "render-return-xlsx") store them as Documents of the return.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string

from submissions.documents.template_registry import return_version
from submissions.models import Document, QuarterlyReturn
from submissions.selectors import with_metric_units

JOB_KINDS = {
    Document.Kind.RETURN_PDF: "render-return-pdf",
    Document.Kind.RETURN_XLSX: "render-return-xlsx",
    Document.Kind.YEAR_END_XLSX: "render-year-end-xlsx",
    Document.Kind.YEAR_END_PDF: "render-year-end-pdf",
}


def return_source_version(ret: QuarterlyReturn) -> str:
    """The return version a document comes from, as people say it: "2016/17 Q3 v1",
    "2016/17 year-end v1"."""
    return return_version(ret)


def _snapshot(ret: QuarterlyReturn) -> dict:
    if not ret.snapshot:
        raise ValidationError("Prepare the return first: there are no figures to print yet.")
    return ret.snapshot


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value))


# The report for the board (PDF) ----------------------------------------------------------


def return_context(ret: QuarterlyReturn) -> dict:
    """What the report prints: the snapshot, and the version label. Nothing else is read."""
    data = with_metric_units(_snapshot(ret))
    return {"data": data, "version": return_source_version(ret), "label": ret.label()}


def return_html(ret: QuarterlyReturn) -> str:
    return render_to_string("submissions/documents/return_report.html", return_context(ret))


def return_pdf(ret: QuarterlyReturn) -> bytes:
    """The board report as tagged PDF bytes (title, language, bookmarks, page footer)."""
    from governance.pdf import html_to_pdf

    return html_to_pdf(return_html(ret), tagged=True)


# The quarterly workbook (.xlsx) ----------------------------------------------------------


def return_workbook(ret: QuarterlyReturn) -> bytes:
    """The plan's framework's quarterly return workbook, every figure read from the
    return's snapshot (its layout is declared in the framework pack)."""
    from submissions.documents.render import render_return_document

    _snapshot(ret)
    return render_return_document(ret)


# A year-end return's documents (its framework's year-end template) ------------------------


def year_end_workbook(ret: QuarterlyReturn) -> bytes:
    """The framework's year-end workbook of a year-end return, from its snapshot."""
    from submissions.documents.render import render_year_end_document

    _snapshot(ret)
    return render_year_end_document(ret, "xlsx")


def year_end_pdf(ret: QuarterlyReturn) -> bytes:
    """The framework's year-end return as a PDF, from its snapshot."""
    from submissions.documents.render import render_year_end_document

    _snapshot(ret)
    return render_year_end_document(ret, "pdf")
