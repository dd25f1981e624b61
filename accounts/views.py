"""A user's own account: their password and their API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts import selectors, services
from accounts.forms import NhsPasswordChangeForm, TokenForm
from plans.forms import refusal_on_form
from plans.inputs import text


def _account_page(request, form, *, new_token: str = "", status: int = 200):
    context = {
        "tokens": selectors.tokens_of(request.user),
        "form": form,
        "forms_with_errors": [form] if form.errors else [],
        "new_token": new_token,
        "lifetime_days": services.token_lifetime().days,
        "tokens_per_user": services.TOKENS_PER_USER,
    }
    return render(request, "accounts/account.html", context, status=status)


@login_required
@require_GET
def account(request):
    return _account_page(request, TokenForm())


@login_required
@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            token, key = services.token_create(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            refusal_on_form(form, error, field="name")
        else:
            # Shown on this answer only (never stored, never cached): the page says so.
            return _account_page(request, TokenForm(), new_token=key)
    return _account_page(request, form, status=400)


@login_required
@require_POST
def token_revoke(request):
    key = text(request.POST.get("token", ""), longest=1000) or ""
    if services.token_revoke(user=request.user, token_key=key[:25]):
        messages.success(request, "Token revoked: it no longer works.")
    else:
        messages.error(request, "That token was already revoked or has expired.")
    return redirect("accounts:account")


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = NhsPasswordChangeForm
    success_url = reverse_lazy("accounts:password_change_done")
    template_name = "accounts/password_change_form.html"


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"
