"""Recording a decision on one object from its page or the home page: a board's decision at
a meeting (approving it, or ratifying its approval under delegation), or the named officer's
approval under delegation. The rules are governance/approvals.py's; these pages offer only
the meetings and items that could meet them, and show a refusal on the form.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from governance import approvals, forms, selectors, services
from governance.approvables import APPROVABLES, approvable_of
from governance.models import Decision
from plans import permissions
from plans.forms import refusal_on_form


def _object(request, label: str, pk: int):
    """The approvable object named by the URL, if the user may see its area (404/403)."""
    if label not in APPROVABLES:
        raise Http404("Nothing of that kind is decided here.")
    app_label, model = label.split(".")
    model_class = ContentType.objects.get_by_natural_key(app_label, model).model_class()
    obj = model_class._base_manager.filter(pk=pk).first()
    if obj is None:
        raise Http404("Not found.")
    permissions.check_in_area(request.user, permissions.VIEW, approvals.area_of(obj))
    return obj


def _back(obj) -> str:
    return approvable_of(obj).url(obj)


def _page(request, obj, form, *, heading: str, intro: str, button: str, mode: str):
    return render(
        request,
        "governance/decide.html",
        {
            "obj": obj,
            "noun": approvable_of(obj).noun,
            "form": form,
            "heading": heading,
            "intro": intro,
            "button": button,
            "mode": mode,
            "back": _back(obj),
            "forms_with_errors": [form] if form.errors else [],
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def decide(request, label, pk):
    """A board member (or the area's officer, as clerk) records the board's decision
    approving `obj`, or ratifying its approval under delegation, at a meeting held."""
    obj = _object(request, label, pk)
    today = timezone.localdate()
    ratify = approvals.awaiting_ratification(obj) is not None
    boards = [
        board
        for board in selectors.deciding_boards(obj=obj, ratify=ratify, today=today)
        if permissions.can_decide(request.user, board)
    ]
    if not boards:
        raise permissions.PermissionDenied(
            "Decisions on this are recorded by members of the board that decides it and by "
            "the area's officers."
        )
    places = selectors.decision_places(obj=obj, boards=boards, today=today, ratify=ratify)
    noun = approvable_of(obj).noun
    text = (
        f"That the approval of the {obj} under delegation be ratified."
        if ratify
        else f"That the {obj} be approved."
    )
    form = forms.DecideForm(request.POST or None, places=places, initial={"text": text})
    if request.method == "POST" and form.is_valid():
        meeting, item = form.cleaned_data["where"]
        permissions.check_decide(request.user, meeting.board)
        try:
            decision = services.decision_at_meeting(
                obj=obj,
                meeting=meeting,
                item=item,
                kind=Decision.Kind.RATIFY if ratify else _approving_kind(obj),
                text=form.cleaned_data["text"],
                user=request.user,
            )
        except ValidationError as error:
            refusal_on_form(form, error)
        else:
            what = "ratified" if ratify else "approved"
            messages.success(
                request,
                f"Recorded: the {meeting.board.name} {what} the {noun} at its meeting of "
                f"{meeting.date:%-d %B %Y} (item {decision.item.number}, resolution "
                f"({decision.letter})).",
            )
            return redirect(_back(obj))
    heading = (
        f"Record the ratification of the {noun}" if ratify else f"Record the decision on the {noun}"
    )
    intro = (
        "It was approved under delegation; the board that delegated ratifies it at a later meeting."
        if ratify
        else "Choose the meeting that decided it and the agenda item that put it to the "
        "meeting. Only meetings of a board whose terms of reference give it the power, held "
        "on or after the day it was put forward, are listed."
    )
    if not places:
        intro += " No meeting that could decide it has been held yet."
    return _page(
        request, obj, form, heading=heading, intro=intro, button="Record decision", mode="board"
    )


def _approving_kind(obj) -> str:
    if approvable_of(obj).label == "risks.fundrelease":
        return Decision.Kind.RELEASE_FUNDS
    return Decision.Kind.APPROVE


@require_http_methods(["GET", "POST"])
@login_required
def approve_under_delegation(request, label, pk):
    """The officer a board's terms of reference name approves `obj` under delegation."""
    obj = _object(request, label, pk)
    today = timezone.localdate()
    powers = approvals.delegated_powers(officer=request.user, obj=obj, on=today)
    if not powers:
        raise permissions.PermissionDenied(
            "Only the officer named in a board's terms of reference approves this under delegation."
        )
    board = powers[0].terms.board
    form = forms.DelegatedApprovalForm(
        request.POST or None, initial={"text": f"That the {obj} be approved."}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.approval_under_delegation(
                obj=obj,
                officer=request.user,
                text=form.cleaned_data["text"],
                reason=form.cleaned_data["reason"],
                on=today,
            )
        except ValidationError as error:
            refusal_on_form(form, error)
        else:
            messages.success(
                request,
                f"Approved under delegation on {today:%-d %B %Y}: it awaits ratification by "
                f"the {board.name} at its next meeting.",
            )
            return redirect(_back(obj))
    noun = approvable_of(obj).noun
    return _page(
        request,
        obj,
        form,
        heading=f"Approve the {noun} under delegation",
        intro=(
            f"The {board.name}’s terms of reference name you ({powers[0].delegate_post}) to "
            f"approve this when it cannot wait for the board. {powers[0].conditions} Your "
            f"approval stands at once, marked “awaiting ratification by the {board.name}”, "
            "until the board ratifies it at a later meeting."
        ),
        button="Approve under delegation",
        mode="delegate",
    )
