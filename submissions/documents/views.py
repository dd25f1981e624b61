"""Pages for a plan's submission documents, template checks, Part 2 import and versions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from frameworks.selectors import plan_deadlines
from plans import permissions
from plans.models import Plan
from submissions.documents.checklist import all_passed, plan_checks
from submissions.documents.crossing import framework_to_complete
from submissions.documents.forms import RollForwardForm
from submissions.documents.handlers import kind_in_text
from submissions.documents.requests import (
    RenderLimit,
    document_request,
    documents_of,
)
from submissions.documents.services import JOB_KINDS, plan_roll_forward
from submissions.documents.versions import plan_diff
from submissions.models import Document, Job


@login_required
def document_list(request, pk):
    """The plan's rendered documents, and the buttons that render new ones."""
    plan = permissions.get_plan(request.user, pk, permissions.VIEW)
    documents = Document.objects.filter(plan=plan, kind__in=list(JOB_KINDS)).select_related(
        "created_by"
    )
    return render(
        request,
        "submissions/documents/document_list.html",
        {
            "plan": plan,
            "documents": documents,
            "can_import": permissions.can(request.user, permissions.EDIT_SCHEMES, plan),
            "can_render": permissions.can_in_area(
                request.user, permissions.RENDER_DOCUMENTS, plan.area_id
            ),
        },
    )


def _requested(request, *, kind: str, obj, back):
    """Ask for the document; to its job's page, or back with the stored one named."""
    try:
        made = document_request(kind=kind, obj=obj, user=request.user)
    except RenderLimit as refusal:
        messages.error(request, " ".join(refusal.messages))
        return back
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return back
    if isinstance(made, Job):
        return redirect("submissions:job_detail", pk=made.pk)
    messages.info(
        request,
        f"Nothing has changed since the {kind_in_text(made)} of "
        f"{timezone.localtime(made.created_at):%-d %B %Y, %H:%M} was made: download that one "
        "from the list below.",
    )
    return back


@require_POST
@login_required
def document_render(request, pk):
    """Start rendering a document of the plan; the job page shows its progress."""
    plan = permissions.get_plan(request.user, pk, permissions.VIEW)
    kind = request.POST.get("kind", "")
    if kind not in JOB_KINDS:
        raise Http404("No such kind of document.")
    back = redirect("submissions:document_list", pk=plan.pk)
    return _requested(request, kind=kind, obj=plan, back=back)


RETURN_KINDS = (
    Document.Kind.RETURN_PDF,
    Document.Kind.RETURN_XLSX,
    Document.Kind.YEAR_END_XLSX,
    Document.Kind.YEAR_END_PDF,
)


@require_POST
@login_required
def return_document_render(request, pk):
    """Start rendering a quarterly return's report (PDF) or workbook from its snapshot."""
    from submissions.selectors import return_for

    ret = return_for(user=request.user, pk=pk)
    kind = request.POST.get("kind", "")
    if kind not in RETURN_KINDS:
        raise Http404("No such kind of document.")
    back = redirect("submissions:return_detail", pk=ret.pk)
    return _requested(request, kind=kind, obj=ret, back=back)


@require_http_methods(["GET", "POST"])
@login_required
def meeting_minutes(request, pk):
    """A meeting's minutes as PDF: the stored ones, and (POST) making one from the minutes
    as they stand, in a background job like every other document."""
    from governance.selectors import meeting_page_queryset

    meeting = permissions.get_in_area(request.user, meeting_page_queryset(), pk)
    back = redirect("submissions:meeting_minutes", pk=meeting.pk)
    if request.method == "POST":
        return _requested(request, kind=Document.Kind.MINUTES_PDF, obj=meeting, back=back)
    documents = documents_of(meeting, Document.Kind.MINUTES_PDF)
    return render(
        request,
        "submissions/documents/meeting_minutes.html",
        {
            "meeting": meeting,
            "board": meeting.board,
            "documents": documents,
            "can_render": permissions.can_in_area(
                request.user, permissions.RENDER_DOCUMENTS, meeting.area_id
            ),
        },
    )


def document_for(*, user, pk) -> Document:
    """A document by id, if the user may see its plan (404/403)."""
    document = Document.objects.select_related("plan", "meeting").filter(pk=pk).first()
    if document is None:
        raise Http404("No such document.")
    if document.plan is None:  # a meeting's minutes
        permissions.check_in_area(user, permissions.VIEW, document.meeting.area_id)
    else:
        permissions.check(user, permissions.VIEW, document.plan)
    return document


def document_file(document: Document) -> FileResponse:
    """The stored file of a document the user may see, as a download: the page's link and
    the API's `url` (`api-document-file`) both answer with it."""
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("The file is no longer stored.") from error
    filename = document.file.name.rsplit("/", 1)[-1]
    return FileResponse(handle, as_attachment=True, filename=filename)


@login_required
def document_download(request, pk):
    """The stored file, after the permission check (never a public media URL)."""
    return document_file(document_for(user=request.user, pk=pk))


@login_required
def checklist(request, pk):
    plan = permissions.get_plan(request.user, pk, permissions.VIEW)
    checks = plan_checks(plan=plan)
    return render(
        request,
        "submissions/documents/checklist.html",
        {
            "plan": plan,
            "checks": checks,
            "all_passed": all_passed(checks),
            "failed": sum(not c.ok for c in checks),
            "deadlines": plan_deadlines(plan.framework),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def version_list(request, pk):
    """The area's other versions to compare with, and rolling this one forward (neither for
    a version whose content is not among the sources: there is nothing to compare or copy)."""
    plan = permissions.get_plan(request.user, pk, permissions.VIEW, content=False)
    may_roll = permissions.can_start_version(request.user, plan)
    form = RollForwardForm(request.POST or None, initial={"version_kind": "final"})
    if request.method == "POST":
        if not may_roll:
            raise PermissionDenied
        if form.is_valid():
            new = plan_roll_forward(plan=plan, user=request.user, **form.cleaned_data)
            crossed = new.framework_id != plan.framework_id and new.framework_id is not None
            note = (
                f" It is under {new.framework}: its Versions page lists what is left."
                if crossed
                else ""
            )
            messages.success(request, f"New version made: {new}.{note}")
            return redirect("submissions:version_diff", pk=plan.pk, other=new.pk)
    others = Plan.objects.visible_to(request.user).filter(area=plan.area).exclude(pk=plan.pk)
    return render(
        request,
        "submissions/documents/version_list.html",
        {
            "plan": plan,
            "others": others,
            "form": form,
            "may_roll": may_roll,
            "to_complete": framework_to_complete(plan) if plan.content_held else [],
            "forms_with_errors": [form] if form.errors else [],
        },
    )


@login_required
def version_diff(request, pk, other):
    plan = permissions.get_plan(request.user, pk, permissions.VIEW)
    other_plan = permissions.get_plan(request.user, other, permissions.VIEW)
    if other_plan.area_id != plan.area_id:
        raise Http404("Compare versions of the same area's plan.")
    diff = plan_diff(old=plan, new=other_plan)
    return render(request, "submissions/documents/version_diff.html", {"plan": plan, "diff": diff})
