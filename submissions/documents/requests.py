"""Asking for a document: who may, how often, and reusing the stored document when nothing
it is made from has changed; and the render jobs' use of the same rule.

A document's fingerprint is the SHA-256 of its kind and its source: the HTML a PDF is laid
out from (Part 1, the minutes, the board pack of a quarter), the workbook's sheets (Part 2),
the frozen snapshot and version (a return's report and workbook). Asking again for a
document whose fingerprint is stored gives that document, and asking while one is being
made gives that job: a flood of identical requests makes one job and one file. Only the
roles that prepare the papers (permissions.RENDER_DOCUMENTS) ask, at most RENDER_LIMIT new
renders each in RENDER_WINDOW.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import zipfile

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from plans import permissions
from plans.models import Plan
from plans.services import locked
from submissions.documents.services import JOB_KINDS, document_store
from submissions.jobs import job_start
from submissions.models import Document, Job, QuarterlyReturn

# Every job that renders a document, by the kind it renders.
RENDER_JOBS = {
    **JOB_KINDS,
    Document.Kind.RETURN_PDF: "render-return-pdf",
    Document.Kind.RETURN_XLSX: "render-return-xlsx",
    Document.Kind.YEAR_END_XLSX: "render-year-end-xlsx",
    Document.Kind.YEAR_END_PDF: "render-year-end-pdf",
    Document.Kind.MINUTES_PDF: "render-minutes",
    Document.Kind.BOARD_PACK_PDF: "render-board-pack",
}
# New renders one person may start in a window (reused documents and jobs do not count).
RENDER_LIMIT = 10
RENDER_WINDOW = datetime.timedelta(minutes=10)


class RenderLimit(ValidationError):
    """Too many renders started by one person just now."""


# Sources and fingerprints ----------------------------------------------------------------


def workbook_source(content: bytes) -> str:
    """What a workbook holds, without the times openpyxl writes into it: its parts but the
    document properties, in order."""
    digest = hashlib.sha256()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in sorted(archive.namelist()):
            if not name.startswith("docProps/"):
                digest.update(name.encode() + b"\0" + archive.read(name))
    return digest.hexdigest()


def _part1_source(plan: Plan) -> str:
    from submissions.documents.part1 import part1_html

    return part1_html(plan)


def _part2_source(plan: Plan) -> str:
    from submissions.documents.part2 import part2_workbook

    return workbook_source(part2_workbook(plan))


def _return_source(ret: QuarterlyReturn) -> str:
    from submissions.documents.returns import return_source_version
    from submissions.services import canonical_json

    if not ret.snapshot:
        raise ValidationError("Prepare the return first: there are no figures to print yet.")
    return return_source_version(ret) + "\0" + canonical_json(ret.snapshot)


def _year_end_source(ret: QuarterlyReturn) -> str:
    if ret.snapshot and not ret.holds_year_end:
        raise ValidationError(
            "Only a year-end return has a year-end document: a quarter 4 return of a framework "
            "with a year-end template, prepared."
        )
    return _return_source(ret)


def _minutes_source(meeting) -> str:
    from governance.selectors import minutes_html

    return minutes_html(meeting)


def _board_pack_source(plan: Plan, *, year: int, quarter: int, today: str) -> str:
    from submissions.documents.board_pack import board_pack_html

    return board_pack_html(plan, year=year, quarter=quarter, today=today)


SOURCES = {
    Document.Kind.PART1_PDF: _part1_source,
    Document.Kind.PART2_XLSX: _part2_source,
    Document.Kind.RETURN_PDF: _return_source,
    Document.Kind.RETURN_XLSX: _return_source,
    Document.Kind.YEAR_END_XLSX: _year_end_source,
    Document.Kind.YEAR_END_PDF: _year_end_source,
    Document.Kind.MINUTES_PDF: _minutes_source,
    Document.Kind.BOARD_PACK_PDF: _board_pack_source,
}


def document_fingerprint(*, kind: str, source: str) -> str:
    """SHA-256 of a document's kind and its source (see the module note)."""
    return hashlib.sha256(f"{kind}\0{source}".encode()).hexdigest()


def _owner_filter(obj) -> dict:
    """The Document fields that tie a document to what it is of."""
    if isinstance(obj, Plan):
        return {"plan": obj, "quarterly_return": None}
    if isinstance(obj, QuarterlyReturn):
        return {"quarterly_return": obj}
    return {"meeting": obj}


def _job_params(obj) -> dict:
    if isinstance(obj, QuarterlyReturn):
        return {"return_id": obj.pk}
    if isinstance(obj, Plan):
        return {}
    return {"meeting_id": obj.pk}


def documents_of(obj, kind: str):
    """The stored documents of `kind` of `obj` (a plan, a return, a meeting), newest first."""
    return (
        Document.objects.filter(kind=kind, **_owner_filter(obj))
        .select_related("created_by")
        .order_by("-created_at", "-pk")
    )


def document_reusable(*, kind: str, obj, fingerprint: str) -> Document | None:
    """The stored document of `kind` of `obj` made from the same source, if any."""
    return documents_of(obj, kind).filter(fingerprint=fingerprint).first()


def document_request(*, kind: str, obj, user, params: dict | None = None) -> Document | Job:
    """Ask for a document of `kind` of `obj` (a plan version, a quarterly return, a
    meeting): the stored one if nothing it is made from has changed, else the job already
    making it, else a new job (refused beyond RENDER_LIMIT in RENDER_WINDOW). `params` say
    which of the plan's documents of the kind (the board pack's quarter and day), and go to
    the job.

    Refused (PermissionDenied) for a role that does not prepare the papers; a return not
    yet prepared is refused (ValidationError)."""
    area_id = obj.plan.area_id if isinstance(obj, QuarterlyReturn) else obj.area_id
    if not permissions.can_in_area(user, permissions.RENDER_DOCUMENTS, area_id):
        raise PermissionDenied("Documents are made by the area's programme officers.")
    params = params or {}
    fingerprint = document_fingerprint(kind=kind, source=SOURCES[kind](obj, **params))
    with transaction.atomic():
        # Identical requests at once wait here, then find the first one's job.
        locked(type(obj), obj.pk)
        stored = document_reusable(kind=kind, obj=obj, fingerprint=fingerprint)
        if stored is not None:
            return stored
        making = (
            Job.objects.filter(
                kind=RENDER_JOBS[kind],
                params__fingerprint=fingerprint,
                state__in=(Job.State.PENDING, Job.State.RUNNING),
                **_job_owner(obj),
            )
            .order_by("-created_at")
            .first()
        )
        if making is not None and not making.stalled:
            return making
        since = timezone.now() - RENDER_WINDOW
        started = Job.objects.filter(
            created_by=user, kind__in=list(RENDER_JOBS.values()), created_at__gte=since
        ).count()
        if started >= RENDER_LIMIT:
            minutes = int(RENDER_WINDOW.total_seconds() // 60)
            raise RenderLimit(
                f"You have started {started} documents in the last {minutes} minutes, the "
                f"most one person may. The documents already made are listed below; try "
                "again in a few minutes.",
                code="limit",
            )
        plan = obj if isinstance(obj, Plan) else getattr(obj, "plan", None)
        area = obj.plan.area if isinstance(obj, QuarterlyReturn) else obj.area
        return job_start(
            kind=RENDER_JOBS[kind],
            area=area,
            plan=plan,
            params={**_job_params(obj), **params, "fingerprint": fingerprint},
            user=user,
        )


def _job_owner(obj) -> dict:
    if isinstance(obj, Plan):
        return {"plan": obj}
    if isinstance(obj, QuarterlyReturn):
        return {"params__return_id": obj.pk}
    return {"params__meeting_id": obj.pk}


def document_render(
    *, job: Job, kind: str, obj, render, source_version: str, params: dict | None = None
) -> Document:
    """The job's work: the stored document of the same source, or `render()` stored now
    with its fingerprint (computed again here, from what is rendered)."""
    fingerprint = document_fingerprint(kind=kind, source=SOURCES[kind](obj, **(params or {})))
    stored = document_reusable(kind=kind, obj=obj, fingerprint=fingerprint)
    if stored is not None:
        return stored
    plan = obj if isinstance(obj, Plan) else getattr(obj, "plan", None)
    return document_store(
        plan=plan,
        kind=kind,
        content=render(obj),
        source_version=source_version,
        job=job,
        user=job.created_by,
        quarterly_return=obj if isinstance(obj, QuarterlyReturn) else None,
        meeting=None if isinstance(obj, Plan | QuarterlyReturn) else obj,
        fingerprint=fingerprint,
    )
