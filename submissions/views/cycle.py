"""Preparing a plan version for agreement and putting it forward (submissions/readiness.py).

Both need EDIT_PLAN on the plan (so not once it is agreed); the services check the rest.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from plans import permissions
from submissions import readiness


def _run(request, pk, call, success: str):
    plan = permissions.get_plan(request.user, pk, permissions.EDIT_PLAN)
    try:
        call(plan)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect("plans:plan_detail", pk=plan.pk)


@require_POST
@login_required
def plan_prepare(request, pk):
    return _run(
        request,
        pk,
        lambda plan: readiness.plan_prepare(plan=plan, user=request.user),
        "Prepared: what this version holds is snapshotted. Put it forward for agreement when "
        "it is ready; any change before the decision means preparing it again.",
    )


@require_POST
@login_required
def plan_put_forward(request, pk):
    return _run(
        request,
        pk,
        lambda plan: readiness.plan_put_forward(plan=plan, user=request.user),
        "Put forward for the Health and Wellbeing Board’s decision.",
    )
