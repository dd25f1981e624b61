"""Job handlers that render a plan's submission documents (registered by kind)."""

from __future__ import annotations

from django.urls import reverse

from submissions.documents.part1 import part1_html, source_version
from submissions.documents.services import document_store
from submissions.jobs import JobFailed, handler
from submissions.models import Document, Job


def _result(document: Document) -> dict:
    return {
        "document": document.pk,
        "url": reverse("submissions:document_download", args=[document.pk]),
        "label": f"Download {document.get_kind_display().lower()}",
    }


@handler("render-part1")
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


@handler("render-part2")
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
