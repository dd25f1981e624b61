"""The plan's themes: add, rename, reorder, and remove when no scheme belongs to them.

One page and one form post; the button pressed says what to do (`action`), and the theme
it concerns comes from the plan's own themes, never from a raw id elsewhere.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from plans import permissions
from plans.forms import NhsForm, refusal_on_form
from schemes import services


class ThemeForm(NhsForm):
    name = forms.CharField(
        label="Theme name",
        max_length=200,
        widget=forms.TextInput(attrs={"class": "nhsuk-input nhsuk-input--width-30"}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def theme_list(request, pk):
    plan = permissions.get_plan(request.user, pk, permissions.EDIT_SCHEMES)
    themes = list(plan.themes.annotate(scheme_count=Count("schemes")).order_by("order", "name"))
    add_form = ThemeForm(prefix="new")
    rename_forms = {t.pk: ThemeForm(prefix=f"t{t.pk}", initial={"name": t.name}) for t in themes}
    if request.method == "POST":
        action = request.POST.get("action", "")
        theme = next((t for t in themes if str(t.pk) == request.POST.get("theme")), None)
        try:
            if action == "add":
                add_form = ThemeForm(request.POST, prefix="new")
                if add_form.is_valid():
                    created = services.theme_create(
                        plan=plan, name=add_form.cleaned_data["name"], user=request.user
                    )
                    messages.success(request, f"Theme “{created.name}” added.")
                    return redirect("schemes:theme_list", pk=plan.pk)
            elif theme is None:
                messages.error(request, "That theme is no longer in this plan.")
                return redirect("schemes:theme_list", pk=plan.pk)
            elif action == "rename":
                form = ThemeForm(request.POST, prefix=f"t{theme.pk}")
                rename_forms[theme.pk] = form
                if form.is_valid():
                    services.theme_rename(
                        theme=theme, name=form.cleaned_data["name"], user=request.user
                    )
                    messages.success(request, f"Theme renamed “{form.cleaned_data['name']}”.")
                    return redirect("schemes:theme_list", pk=plan.pk)
            elif action in ("up", "down"):
                services.theme_move(
                    theme=theme, offset=-1 if action == "up" else 1, user=request.user
                )
                return redirect("schemes:theme_list", pk=plan.pk)
            elif action == "remove":
                services.theme_delete(theme=theme, user=request.user)
                messages.success(request, f"Theme “{theme.name}” removed.")
                return redirect("schemes:theme_list", pk=plan.pk)
        except ValidationError as error:
            target = add_form if action == "add" else rename_forms.get(getattr(theme, "pk", None))
            if target is not None and target.is_bound:
                refusal_on_form(target, error, field="name")
            else:
                messages.error(request, " ".join(error.messages))
                return redirect("schemes:theme_list", pk=plan.pk)
    rows = [(theme, rename_forms[theme.pk]) for theme in themes]
    with_errors = [f for f in [add_form, *rename_forms.values()] if f.is_bound and f.errors]
    return render(
        request,
        "schemes/theme_list.html",
        {"plan": plan, "rows": rows, "add_form": add_form, "forms_with_errors": with_errors},
    )
