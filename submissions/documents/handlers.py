"""Job handlers that render a plan's submission documents, a return's and a meeting's
minutes (registered by kind in submissions/handlers.py). Each reuses the stored document
made from the same source (`document_render`), so running one twice makes one file."""

from __future__ import annotations

from django.urls import reverse

from submissions.documents.part1 import source_version
from submissions.documents.requests import document_render
from submissions.jobs import JobFailed
from submissions.models import Document, Job


def kind_in_text(document: Document) -> str:
    """A document's kind within a sentence: "board pack (PDF)", "plan (Part 1) as PDF"
    (only the first letter lowered; PDF and Part 1 keep their capitals)."""
    name = document.get_kind_display()
    return name[:1].lower() + name[1:]


def _result(document: Document) -> dict:
    return {
        "document": document.pk,
        "url": reverse("submissions:document_download", args=[document.pk]),
        "label": f"Download {kind_in_text(document)}",
    }


def _plan_of(job: Job):
    if job.plan is None:
        raise JobFailed("This job has no plan to render.")
    return job.plan


def render_part1(job: Job, progress) -> dict:
    from submissions.documents.part1 import part1_pdf

    plan = _plan_of(job)
    progress(10, "Reading the plan and laying out the pages")
    document = document_render(
        job=job,
        kind=Document.Kind.PART1_PDF,
        obj=plan,
        render=part1_pdf,
        source_version=source_version(plan),
    )
    return _result(document)


def render_part2(job: Job, progress) -> dict:
    from submissions.documents.part2 import part2_workbook

    plan = _plan_of(job)
    progress(20, "Building the workbook")
    document = document_render(
        job=job,
        kind=Document.Kind.PART2_XLSX,
        obj=plan,
        render=part2_workbook,
        source_version=source_version(plan),
    )
    return _result(document)


def _return_of(job: Job):
    from submissions.models import QuarterlyReturn

    ret = (
        QuarterlyReturn.objects.select_related("plan__area")
        .filter(pk=job.params.get("return_id"), plan_id=job.plan_id)
        .first()
    )
    if ret is None:
        raise JobFailed("The return to render no longer exists.")
    if not ret.snapshot:
        raise JobFailed("Prepare the return first: there are no figures to print yet.")
    return ret


def _render_return(job: Job, progress, kind: str, render, what: str) -> dict:
    """Render a return's document from its frozen snapshot; the same return version and
    snapshot reuse the document already made."""
    from submissions.documents.returns import return_source_version

    ret = _return_of(job)
    progress(20, f"Building the {what} from the {ret.period_label} snapshot")
    document = document_render(
        job=job, kind=kind, obj=ret, render=render, source_version=return_source_version(ret)
    )
    return _result(document)


def render_return_pdf(job: Job, progress) -> dict:
    from submissions.documents.returns import return_pdf

    return _render_return(job, progress, Document.Kind.RETURN_PDF, return_pdf, "report")


def render_return_xlsx(job: Job, progress) -> dict:
    from submissions.documents.returns import return_workbook

    return _render_return(job, progress, Document.Kind.RETURN_XLSX, return_workbook, "workbook")


def render_year_end_xlsx(job: Job, progress) -> dict:
    from submissions.documents.returns import year_end_workbook

    return _render_return(
        job, progress, Document.Kind.YEAR_END_XLSX, year_end_workbook, "year-end workbook"
    )


def render_year_end_pdf(job: Job, progress) -> dict:
    from submissions.documents.returns import year_end_pdf

    return _render_return(job, progress, Document.Kind.YEAR_END_PDF, year_end_pdf, "year-end PDF")


def render_minutes(job: Job, progress) -> dict:
    """A meeting's minutes as PDF (formerly laid out inside the page's request)."""
    from governance.pdf import html_to_pdf
    from governance.selectors import meeting_page_queryset, minutes_html

    meeting = (
        meeting_page_queryset().filter(pk=job.params.get("meeting_id"), area_id=job.area_id).first()
    )
    if meeting is None:
        raise JobFailed("The meeting whose minutes were asked for no longer exists.")
    progress(20, "Laying out the minutes")
    document = document_render(
        job=job,
        kind=Document.Kind.MINUTES_PDF,
        obj=meeting,
        render=lambda m: html_to_pdf(minutes_html(m), tagged=True),
        source_version=f"{meeting.board.name}, {meeting.date:%-d %B %Y}",
    )
    return _result(document)


def render_board_pack(job: Job, progress) -> dict:
    """The quarter's dashboard as a board pack (PDF), of the figures on the day it was asked
    for (the job's `today`)."""
    from submissions.documents.board_pack import board_pack_pdf, period_label

    plan = _plan_of(job)
    try:
        params = {
            "year": int(job.params["year"]),
            "quarter": int(job.params["quarter"]),
            "today": str(job.params["today"]),
        }
    except (KeyError, TypeError, ValueError) as error:
        raise JobFailed("This job does not say which quarter's board pack to make.") from error
    label = period_label(params["year"], params["quarter"])
    progress(20, f"Laying out the {label} dashboard for A4")
    document = document_render(
        job=job,
        kind=Document.Kind.BOARD_PACK_PDF,
        obj=plan,
        render=lambda p: board_pack_pdf(p, **params),
        source_version=label,
        params=params,
    )
    return _result(document)
