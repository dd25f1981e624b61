"""The national conditions' status and narrative for one quarter of a plan, and the plan's
own answers (given on its planning template: condition_plan_edit) beside them.

Needs EDIT_PLAN in the plan's area: the status is reported each quarter after the plan
has been submitted, so it is checked in the area rather than against the frozen plan.
"""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from plans import permissions, selectors, services
from plans.forms import NhsForm, date_field, refusal_on_form
from plans.models import ConditionStatus, NationalCondition
from plans.periods import FinancialYear, Quarter


class ConditionStatusForm(NhsForm):
    status = forms.ChoiceField(
        label="Status",
        choices=[("", "Not reported"), *ConditionStatus.Status.choices],
        required=False,
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )
    expected_date = date_field(
        "Expected to be met by",
        required=False,
        example="30 September 2017",
        hint="For a condition in progress.",
    )
    narrative = forms.CharField(
        label="Narrative",
        required=False,
        widget=forms.Textarea(attrs={"class": "nhsuk-textarea", "rows": 3}),
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, condition: NationalCondition, **kwargs):
        super().__init__(*args, **kwargs)
        self.condition = condition
        answers = ConditionStatus.ANSWERS[NationalCondition.ResponseType(condition.response_type)]
        if self.initial.get("status") == ConditionStatus.Status.STATED:  # held from the plan
            answers = (*answers, ConditionStatus.Status.STATED)
        status = cast(forms.ChoiceField, self.fields["status"])
        status.choices = [
            ("", "Not answered"),
            *[(a, ConditionStatus.Status(a).label) for a in answers],
        ]
        if self.assurance:
            status.label = "Assurance statement: is the condition met?"
            status.help_text = "Answer yes or no, and say how in the narrative."
            self.fields["narrative"].label = "Narrative (how the plan meets it, or why not yet)"
            del self.fields["expected_date"]
        else:
            status.label = "Status"

    @property
    def assurance(self) -> bool:
        return self.condition.response_type == NationalCondition.ResponseType.ASSURANCE

    def clean(self):
        data = super().clean()
        if data.get("status") == ConditionStatus.Status.IN_PROGRESS and not data.get(
            "expected_date"
        ):
            self.add_error("expected_date", "Enter the date the condition is expected to be met.")
        if self.assurance and data.get("status") and not (data.get("narrative") or "").strip():
            self.add_error("narrative", "Say how the plan meets it, or why it does not yet.")
        return data


@login_required
@require_http_methods(["GET", "POST"])
def condition_edit(request, pk, year, quarter):
    plan = permissions.get_plan(request.user, pk, permissions.RECORD_CONDITIONS)
    if not plan.covers(year) or not Quarter.valid_number(quarter):
        raise Http404("No such quarter in this plan.")
    period = FinancialYear(year).quarter(quarter)
    return _conditions_form(
        request,
        plan,
        conditions=NationalCondition.objects.applying_to(year),
        year=year,
        quarter=quarter,
        heading=f"National conditions, {period.label}",
    )


@login_required
@require_http_methods(["GET", "POST"])
def condition_plan_edit(request, pk):
    """The plan's own answers to the conditions its framework asks the planning template
    to answer (assurance statements): part of the plan, so written by those who write it and
    frozen with it once agreed."""
    plan = permissions.get_plan(request.user, pk, permissions.EDIT_PLAN)
    return _conditions_form(
        request,
        plan,
        conditions=selectors.conditions_answered_in_plan(plan),
        year=plan.first_year,
        quarter=None,
        heading="National conditions as the plan answers them",
    )


def _conditions_form(request, plan, *, conditions, year: int, quarter: int | None, heading: str):
    conditions = list(conditions.order_by("order", "code"))
    existing = {
        s.condition_id: s
        for s in ConditionStatus.objects.filter(plan=plan, year=year, quarter=quarter)
    }
    forms_by_condition = []
    for condition in conditions:
        current = existing.get(condition.pk)
        initial = (
            {
                "status": current.status,
                "expected_date": current.expected_date,
                "narrative": current.narrative,
                "lock_version": current.lock_version,
            }
            if current
            else {}
        )
        form = ConditionStatusForm(
            request.POST or None, prefix=f"c{condition.pk}", initial=initial, condition=condition
        )
        forms_by_condition.append((condition, form))
    if request.method == "POST" and all(form.is_valid() for _, form in forms_by_condition):
        try:
            services.condition_statuses_set(
                plan=plan,
                year=year,
                quarter=quarter,
                statuses=[
                    {
                        "condition": condition,
                        "status": form.cleaned_data["status"],
                        "expected_date": form.cleaned_data.get("expected_date"),
                        "narrative": form.cleaned_data["narrative"],
                        "expected_version": form.cleaned_data["lock_version"],
                    }
                    for condition, form in forms_by_condition
                    if form.cleaned_data["status"]
                ],
                user=request.user,
            )
        except ValidationError as error:
            refusal_on_form(forms_by_condition[0][1], error)
        else:
            messages.success(request, "National conditions saved.")
            return redirect(request.path)
    return render(
        request,
        "plans/condition_form.html",
        {
            "plan": plan,
            "heading": heading,
            "in_the_plan": quarter is None,
            "rows": forms_by_condition,
            "answered_as_assurance": any(form.assurance for _, form in forms_by_condition),
            "forms_with_errors": [form for _, form in forms_by_condition if form.errors],
        },
    )


@login_required
def condition_list(request, pk):
    """Each national condition's status in every quarter of the plan, with a link to report
    a quarter (for those who edit plans in the area)."""
    plan = permissions.get_plan(request.user, pk, permissions.VIEW)
    quarters = [q for y in plan.years for q in y.quarters]
    conditions = [
        c
        for c in NationalCondition.objects.filter(first_year__lte=plan.last_year).order_by(
            "order", "code"
        )
        if any(c.applies_to(y.start_year) for y in plan.years)
    ]
    statuses = {
        (s.condition_id, s.year, s.quarter): s for s in ConditionStatus.objects.filter(plan=plan)
    }
    # the plan's own answers (given on its planning template), beside the quarters' reports
    answers = {key[0]: s for key, s in statuses.items() if s.is_plan_answer}
    asked_in_plan = selectors.conditions_answered_in_plan(plan).exists()
    rows = [
        (
            condition,
            answers.get(condition.pk),
            [
                (q, statuses.get((condition.pk, q.year.start_year, q.number)))
                if condition.applies_to(q.year.start_year)
                else (q, None)
                for q in quarters
            ],
        )
        for condition in conditions
    ]
    return render(
        request,
        "plans/condition_list.html",
        {
            "plan": plan,
            "quarters": quarters,
            "rows": rows,
            "plan_answers": bool(answers) or asked_in_plan,
            "asked_in_plan": asked_in_plan,
            "can_edit": permissions.can(request.user, permissions.RECORD_CONDITIONS, plan),
            "can_answer_in_plan": asked_in_plan
            and permissions.can(request.user, permissions.EDIT_PLAN, plan),
        },
    )
