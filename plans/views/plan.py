from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from plans import narrative, permissions, selectors, services
from plans.forms import PlanDetailsForm, SectionForm, plan_year_forms, refusal_on_form
from plans.history import entries_for
from plans.models import NarrativeSection, Plan, PlanYear, SignOff
from plans.narrative import render as render_narrative


@login_required
def plan_list(request):
    plans = selectors.plans_for(user=request.user)
    can_start_plan = any(
        permissions.can_in_area(request.user, permissions.EDIT_PLAN, area_id)
        for area_id in permissions.area_ids_of(request.user)
    )
    return render(
        request, "plans/plan_list.html", {"plans": plans, "can_start_plan": can_start_plan}
    )


@login_required
def plan_detail(request, pk):
    plan = selectors.plan_detail(
        user=request.user, pk=pk, action=permissions.VIEW, with_sections=False, content=False
    )
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "can_edit_plan": permissions.can(request.user, permissions.EDIT_PLAN, plan),
            "can_edit_schemes": permissions.can(request.user, permissions.EDIT_SCHEMES, plan),
            "section_75": selectors.section_75_status(plan, today=timezone.localdate()),
            "stated_figures": selectors.stated_figures(plan),
        },
    )


@login_required
def section_list(request, pk):
    plan = selectors.plan_detail(user=request.user, pk=pk, action=permissions.VIEW)
    sections = list(plan.sections.all())
    return render(
        request,
        "plans/section_list.html",
        {
            "plan": plan,
            "sections": sections,
            "can_edit_plan": permissions.can(request.user, permissions.EDIT_PLAN, plan),
        },
    )


def _section(plan, key) -> NarrativeSection:
    section = next((s for s in plan.sections.all() if s.key == key), None)
    if section is None:
        raise Http404("No such section.")
    return section


@login_required
def section_edit(request, pk, key):
    plan = selectors.plan_detail(user=request.user, pk=pk, action=permissions.EDIT_PLAN)
    section = _section(plan, key)
    form = SectionForm(request.POST or None, section=section)
    previewed = request.method == "POST" and "preview" in request.POST
    if previewed and form.is_valid():
        pass  # shown below, not saved
    elif request.method == "POST" and form.is_valid():
        try:
            services.section_update(
                section=section,
                body=form.cleaned_data["body"],
                expected_version=form.cleaned_data["lock_version"],
                user=request.user,
            )
        except services.EditConflict as conflict:
            refusal_on_form(form, conflict)
        else:
            messages.success(request, f"“{section.title}” saved.")
            return redirect("plans:section_list", pk=plan.pk)
    return render(
        request,
        "plans/section_form.html",
        {
            "plan": plan,
            "section": section,
            "form": form,
            "forms_with_errors": [form] if form.errors else [],
            "previewed": previewed,
            "preview": render_narrative(
                form.cleaned_data["body"] if previewed and form.is_valid() else section.body
            ),
        },
    )


@login_required
@require_POST
def narrative_preview(request, pk):
    """The narrative as it will show, for the text posted (as the officer types)."""
    permissions.get_plan(request.user, pk, permissions.EDIT_PLAN)
    body = request.POST.get("body", "")[: narrative.LIMIT]
    return render(request, "plans/_narrative_preview.html", {"preview": render_narrative(body)})


@login_required
@require_POST
def narrative_from_html(request, pk):
    """Markdown for HTML pasted into the narrative box (from Word or a web page)."""
    permissions.get_plan(request.user, pk, permissions.EDIT_PLAN)
    return JsonResponse({"markdown": narrative.markdown_from_html(request.POST.get("html", ""))})


@login_required
def plan_history(request, pk):
    plan = selectors.plan_detail(user=request.user, pk=pk, action=permissions.VIEW, content=False)
    entries = (
        entries_for(Plan.history.filter(id=plan.pk), describe=lambda row: "Plan details")
        + entries_for(
            PlanYear.history.filter(plan_id=plan.pk),
            describe=lambda row: f"Pooled budget {row.instance.financial_year}",
        )
        + entries_for(
            NarrativeSection.history.filter(plan_id=plan.pk),
            describe=lambda row: f"Section: {row.title}",
        )
        + entries_for(
            SignOff.history.filter(plan_id=plan.pk), describe=lambda row: f"Sign-off: {row.name}"
        )
    )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return render(
        request, "plans/history.html", {"plan": plan, "entries": entries, "subject": "Plan"}
    )


_DETAILS = ("title", "boundary_differences", "dates_agreed", "dates_submitted")


@login_required
def plan_edit(request, pk):
    """Plan details and the pooled budget of each year, saved together or not at all."""
    plan = selectors.plan_detail(user=request.user, pk=pk, action=permissions.EDIT_PLAN)
    initial = {name: getattr(plan, name) for name in _DETAILS}
    form = PlanDetailsForm(
        request.POST or None, initial={**initial, "lock_version": plan.lock_version}
    )
    year_forms = plan_year_forms(plan, request.POST or None)
    if request.method == "POST" and form.is_valid() and all(f.is_valid() for _, f in year_forms):
        try:
            services.plan_details_save(
                plan=plan,
                expected_version=form.cleaned_data["lock_version"],
                details={name: form.cleaned_data[name] for name in _DETAILS},
                years={year.start_year: f.cleaned_data for year, f in year_forms},
                user=request.user,
            )
        except services.EditConflict as conflict:
            refusal_on_form(form, conflict)
        else:
            messages.success(request, "Plan details and pooled budget saved.")
            return redirect("plans:plan_detail", pk=plan.pk)
    errors = [form] if form.errors else []
    errors += [f for _, f in year_forms if f.errors]
    return render(
        request,
        "plans/plan_form.html",
        {"plan": plan, "form": form, "year_forms": year_forms, "forms_with_errors": errors},
    )
