"""Storing rendered documents, and starting the jobs that render them."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import slugify

from plans.models import Plan
from submissions.jobs import job_start
from submissions.models import Document, Job

# Which job renders which kind of document.
JOB_KINDS = {
    Document.Kind.PART1_PDF: "render-part1",
    Document.Kind.PART2_XLSX: "render-part2",
}
EXTENSIONS = {
    Document.Kind.PART1_PDF: "pdf",
    Document.Kind.PART2_XLSX: "xlsx",
    Document.Kind.RETURN_PDF: "pdf",
    Document.Kind.RETURN_XLSX: "xlsx",
    Document.Kind.ASSURANCE_LETTER: "pdf",
}


@transaction.atomic
def document_store(
    *,
    plan: Plan,
    kind: str,
    content: bytes,
    source_version: str,
    job: Job | None = None,
    user=None,
    quarterly_return=None,
) -> Document:
    """Keep a rendered file with its SHA-256 checksum, size and the version it came from.

    `quarterly_return` is set for a return's documents (their `source_version` is the
    return version, "2016/17 Q4 v1"). Idempotent per job: a job that runs again replaces
    nothing and returns its document.
    """
    if job is not None:
        existing = Document.objects.filter(job=job, kind=kind).first()
        if existing is not None:
            return existing
    if quarterly_return is not None:
        name = f"{slugify(plan.title)}-{slugify(source_version)}-{kind}.{EXTENSIONS[kind]}"
    else:
        name = f"{slugify(plan.title)}-{plan.version_date:%Y-%m-%d}-{kind}.{EXTENSIONS[kind]}"
    document = Document(
        plan=plan,
        quarterly_return=quarterly_return,
        kind=kind,
        source_version=source_version,
        checksum=hashlib.sha256(content).hexdigest(),
        size=len(content),
        job=job,
        created_by=user,
    )
    document.file.save(name, ContentFile(content), save=False)
    document.full_clean()
    document.save()
    return document


def document_render_start(*, plan: Plan, kind: str, user=None) -> Job:
    """Queue the job that renders `kind` (part1-pdf or part2-xlsx) of the plan version."""
    if kind not in JOB_KINDS:
        raise ValueError(f"No document of kind {kind!r} is rendered from a plan.")
    return job_start(kind=JOB_KINDS[kind], area=plan.area, plan=plan, user=user)
