"""Job handlers that render a plan's submission documents and a return's (registered by
kind in submissions/handlers.py)."""

from __future__ import annotations

from django.urls import reverse

from submissions.documents.part1 import part1_html, source_version
from submissions.documents.services import document_store
from submissions.jobs import JobFailed
from submissions.models import Document, Job


def _result(document: Document) -> dict:
    return {
        "document": document.pk,
        "url": reverse("submissions:document_download", args=[document.pk]),
        "label": f"Download {document.get_kind_display().lower()}",
    }


def render_part1(job: Job, progress) -> dict:
    from governance.pdf import html_to_pdf

    plan = job.plan
    if plan is None:
        raise JobFailed("This job has no plan to render.")
    progress(10, "Reading the plan")
    html = part1_html(plan)
    progress(40, "Laying out the pages")
    content = html_to_pdf(html, tagged=True)
    progress(90, "Storing the PDF")
    document = document_store(
        plan=plan,
        kind=Document.Kind.PART1_PDF,
        content=content,
        source_version=source_version(plan),
        job=job,
        user=job.created_by,
    )
    return _result(document)


def render_part2(job: Job, progress) -> dict:
    from submissions.documents.part2 import part2_workbook

    plan = job.plan
    if plan is None:
        raise JobFailed("This job has no plan to render.")
    progress(20, "Building the workbook")
    content = part2_workbook(plan)
    progress(90, "Storing the workbook")
    document = document_store(
        plan=plan,
        kind=Document.Kind.PART2_XLSX,
        content=content,
        source_version=source_version(plan),
        job=job,
        user=job.created_by,
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
    from submissions.documents.returns import return_document_current, return_source_version

    ret = _return_of(job)
    existing = return_document_current(ret, kind)
    if existing is not None:
        progress(90, "Already rendered from these figures")
        return _result(existing)
    progress(20, f"Building the {what} from the {ret.period_label} snapshot")
    content = render(ret)
    progress(90, f"Storing the {what}")
    document = document_store(
        plan=ret.plan,
        quarterly_return=ret,
        kind=kind,
        content=content,
        source_version=return_source_version(ret),
        job=job,
        user=job.created_by,
    )
    return _result(document)


def render_return_pdf(job: Job, progress) -> dict:
    from submissions.documents.returns import return_pdf

    return _render_return(job, progress, Document.Kind.RETURN_PDF, return_pdf, "report")


def render_return_xlsx(job: Job, progress) -> dict:
    from submissions.documents.returns import return_workbook

    return _render_return(job, progress, Document.Kind.RETURN_XLSX, return_workbook, "workbook")
