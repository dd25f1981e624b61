"""Setting up a board in the browser: the board, its terms of reference with what they let
it approve (and delegate), and its members with their accounts, so that a new area runs the
approval cycle without the administration site. For the area's officers and administrators
(EDIT_GOVERNANCE); the services check the rest."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from governance import forms, services
from governance.views.meetings import _board, _form_page
from plans import permissions
from plans.forms import refusal_on_form
from plans.models import Area


@require_http_methods(["GET", "POST"])
@login_required
def board_create(request):
    area_ids = [
        area_id
        for area_id in permissions.area_ids_of(request.user)
        if permissions.can_in_area(request.user, permissions.EDIT_GOVERNANCE, area_id)
    ]
    if request.user.is_superuser:
        areas = Area.objects.all()
    else:
        if not area_ids:
            raise PermissionDenied("Boards are set up by the area's officers and administrators.")
        areas = Area.objects.filter(pk__in=area_ids)
    form = forms.BoardForm(request.POST or None, areas=areas.order_by("name"))
    if request.method == "POST" and form.is_valid():
        try:
            board = services.board_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            refusal_on_form(form, error)
        else:
            messages.success(
                request, f"{board.name} set up. Record its terms of reference and its members."
            )
            return redirect("governance:board_detail", pk=board.pk)
    return render(
        request,
        "governance/form.html",
        {
            "form": form,
            "heading": "Set up a board",
            "button": "Set up the board",
            "forms_with_errors": [form] if form.errors else [],
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def terms_add(request, pk):
    board = _board(request, pk, permissions.EDIT_GOVERNANCE)
    form = forms.TermsForm(request.POST or None, board=board)

    def save(data):
        terms = services.terms_of_reference_record(board=board, user=request.user, **data)
        return f"Terms of reference {terms.version} recorded."

    return _form_page(
        request,
        form,
        board=board,
        heading="Record terms of reference",
        button="Record terms of reference",
        on_valid=save,
    )


@require_http_methods(["GET", "POST"])
@login_required
def member_add(request, pk):
    board = _board(request, pk, permissions.EDIT_GOVERNANCE)
    form = forms.MemberForm(request.POST or None, board=board)

    def save(data):
        member = services.member_add(board=board, user=request.user, **data)
        return f"{member.name} added to the {board.name}."

    return _form_page(
        request, form, board=board, heading="Add a member", button="Add member", on_valid=save
    )
