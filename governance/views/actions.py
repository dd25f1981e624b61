"""A board's actions: those the user owns across their boards, one added at a meeting, one
marked done."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from governance import forms, selectors, services
from governance.models import Action
from governance.views.meetings import _form_page, _meeting, _today
from plans import permissions
from plans.inputs import text


@login_required
def my_actions(request):
    today = _today()
    actions = selectors.actions_for(user=request.user, owner=request.user).filter(
        status=Action.Status.OPEN
    )
    return render(
        request,
        "governance/my_actions.html",
        {"actions": actions, "today": today},
    )


@require_http_methods(["GET", "POST"])
@login_required
def action_add(request, pk):
    meeting = _meeting(request, pk, permissions.EDIT_GOVERNANCE)
    form = forms.ActionForm(request.POST or None, meeting=meeting)

    def save(data):
        services.action_add(board=meeting.board, meeting=meeting, user=request.user, **data)
        return "Action added."

    return _form_page(
        request,
        form,
        meeting=meeting,
        heading="Add an action",
        button="Add action",
        on_valid=save,
    )


@require_POST
@login_required
def action_complete(request, pk):
    action = permissions.get_in_area(
        request.user, Action.objects.all(), pk, permissions.EDIT_GOVERNANCE
    )
    try:
        services.action_complete(action=action, on=_today(), user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Action marked done.")
    target = text(request.POST.get("next", ""), longest=500) or ""
    if re.fullmatch(r"/governance/[\w/-]*", target):  # back to the page it was done on
        return redirect(target)
    return redirect("governance:board_detail", pk=action.board_id)
