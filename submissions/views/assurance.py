"""The assurance of a submitted plan version (submissions/assurance.py): the assurer's
judgements and outcome, the area's closing of conditions, the approval letter.

Everyone who may see the plan reads the page; assurers (and administrators) record the
review and the outcome; the area's officers record conditions met.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from plans import permissions
from plans.forms import NhsForm, date_field, refusal_on_form
from submissions import assurance as services
from submissions.models import Assurance, AssuranceComment, AssuranceCondition, Document

CONDITION_ROWS = 5


def _date(label: str, **kwargs) -> forms.DateField:
    return date_field(label, example="31 July 2014", **kwargs)


class ReviewForm(NhsForm):
    """A judgement and a comment for each requirement, by position."""

    def __init__(self, *args, requirements, comments, **kwargs):
        super().__init__(*args, **kwargs)
        self.requirements = requirements
        for index, requirement in enumerate(requirements):
            saved = comments.get(requirement.key)
            self.fields[f"judgement-{index}"] = forms.ChoiceField(
                label=f"{requirement.label}: judgement",
                choices=[("", "Not judged yet"), *AssuranceComment.Judgement.choices],
                required=False,
                initial=saved.judgement if saved else "",
                widget=forms.Select(attrs={"class": "nhsuk-select"}),
            )
            self.fields[f"comment-{index}"] = forms.CharField(
                label=f"{requirement.label}: comment",
                required=False,
                initial=saved.comment if saved else "",
                widget=forms.Textarea(attrs={"class": "nhsuk-textarea", "rows": 3}),
            )

    def rows(self):
        return [
            (r, self[f"judgement-{i}"], self[f"comment-{i}"])
            for i, r in enumerate(self.requirements)
        ]

    def judgements(self) -> dict[str, tuple[str, str]]:
        return {
            r.key: (self.cleaned_data[f"judgement-{i}"], self.cleaned_data[f"comment-{i}"])
            for i, r in enumerate(self.requirements)
        }


class OutcomeForm(NhsForm):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=Assurance.Outcome.choices,
        widget=forms.RadioSelect(attrs={"class": "nhsuk-radios__input"}),
    )
    decided_on = _date("Date of the decision")
    summary = forms.CharField(
        label="Summary for the letter",
        required=False,
        widget=forms.Textarea(attrs={"class": "nhsuk-textarea", "rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, CONDITION_ROWS + 1):
            self.fields[f"condition-{n}"] = forms.CharField(
                label=f"Condition {n}",
                required=False,
                widget=forms.Textarea(attrs={"class": "nhsuk-textarea", "rows": 2}),
            )
            self.fields[f"due-{n}"] = _date(f"Condition {n}: to be met by", required=False)

    def conditions(self):
        return [
            (self.cleaned_data[f"condition-{n}"], self.cleaned_data[f"due-{n}"])
            for n in range(1, CONDITION_ROWS + 1)
        ]

    def condition_rows(self):
        return [(self[f"condition-{n}"], self[f"due-{n}"]) for n in range(1, CONDITION_ROWS + 1)]


class CloseForm(NhsForm):
    evidence = forms.CharField(
        label="How it was met",
        widget=forms.Textarea(attrs={"class": "nhsuk-textarea", "rows": 3}),
    )
    on = _date("Met on")


def _page(request, plan, *, review=None, outcome=None, close_forms=None, status=200):
    assurance = Assurance.objects.filter(plan=plan).select_related("assurer").first()
    comments = {c.requirement: c for c in assurance.comments.all()} if assurance else {}
    requirements = services.requirements(plan)
    can_assure = permissions.can_assure(request.user) and plan.status == plan.Status.SUBMITTED
    can_close = permissions.can_in_area(request.user, permissions.EDIT_PLAN, plan.area_id)
    decided = assurance is not None and assurance.is_decided
    if can_assure and not decided:
        review = review or ReviewForm(requirements=requirements, comments=comments)
        outcome = outcome or OutcomeForm(initial={"decided_on": timezone.localdate()})
    conditions = list(assurance.conditions.order_by("number")) if assurance else []
    close_forms = close_forms or {}
    rows = [
        (
            c,
            close_forms.get(c.pk)
            or (
                CloseForm(initial={"on": timezone.localdate()}) if can_close and c.is_open else None
            ),
        )
        for c in conditions
    ]
    letter = (
        Document.objects.filter(plan=plan, kind=Document.Kind.ASSURANCE_LETTER).first()
        if decided
        else None
    )
    forms_with_errors = [f for f in (review, outcome, *close_forms.values()) if f and f.errors]
    return render(
        request,
        "submissions/assurance.html",
        {
            "plan": plan,
            "assurance": assurance,
            "requirements": [(r, comments.get(r.key)) for r in requirements],
            "review": review if not decided else None,
            "outcome": outcome if not decided else None,
            "conditions": rows,
            "letter": letter,
            "today": timezone.localdate(),
            "forms_with_errors": forms_with_errors,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def assurance_page(request, pk):
    plan = permissions.get_plan(request.user, pk, permissions.VIEW)
    if request.method == "GET":
        return _page(request, plan)
    if not permissions.can_assure(request.user):
        raise permissions.PermissionDenied("Only assurers record an assurance.")
    assurance = Assurance.objects.filter(plan=plan).first()
    comments = {c.requirement: c for c in assurance.comments.all()} if assurance else {}
    review = ReviewForm(request.POST, requirements=services.requirements(plan), comments=comments)
    if review.is_valid():
        try:
            services.assurance_review_save(
                plan=plan, user=request.user, judgements=review.judgements()
            )
        except ValidationError as error:
            refusal_on_form(review, error)
        else:
            messages.success(request, "Your judgements and comments are saved.")
            return redirect("submissions:assurance", pk=plan.pk)
    return _page(request, plan, review=review)


@require_POST
@login_required
def assurance_outcome(request, pk):
    plan = permissions.get_plan(request.user, pk, permissions.VIEW)
    if not permissions.can_assure(request.user):
        raise permissions.PermissionDenied("Only assurers record an assurance.")
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            decided = services.assurance_decide(
                plan=plan,
                user=request.user,
                outcome=form.cleaned_data["outcome"],
                decided_on=form.cleaned_data["decided_on"],
                summary=form.cleaned_data["summary"],
                conditions=form.conditions(),
            )
        except ValidationError as error:
            refusal_on_form(form, error)
        else:
            messages.success(
                request,
                f"Outcome recorded: {decided.get_outcome_display().lower()}. The approval "
                "letter is with the plan's documents.",
            )
            return redirect("submissions:assurance", pk=plan.pk)
    return _page(request, plan, outcome=form)


@require_POST
@login_required
def condition_close(request, pk):
    condition = AssuranceCondition.objects.select_related("assurance__plan").filter(pk=pk).first()
    if condition is None:
        from django.http import Http404

        raise Http404("No such condition.")
    plan = condition.assurance.plan
    permissions.get_plan(request.user, plan.pk, permissions.VIEW)
    permissions.check_in_area(request.user, permissions.EDIT_PLAN, plan.area_id)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.assurance_condition_close(
                condition=condition,
                user=request.user,
                evidence=form.cleaned_data["evidence"],
                on=form.cleaned_data["on"],
            )
        except ValidationError as error:
            refusal_on_form(form, error)
        else:
            messages.success(request, f"Condition {condition.number} recorded as met.")
            return redirect("submissions:assurance", pk=plan.pk)
    return _page(request, plan, close_forms={condition.pk: form})
