"""The Integration Executive's quarterly dashboard, and quarterly returns: list, detail
(snapshot, status, approval trail, job progress), preparing, narrative, ready, submit,
correction, and the differences between two versions.

Reading needs VIEW on the plan. Changing a return needs EDIT_PLAN in the plan's area and
submitting it RECORD_DECISIONS there: checked in the area rather than on the plan, because
returns are reported after a plan has been submitted (and frozen).
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from plans import permissions
from plans.forms import NhsForm, refusal_on_form
from plans.freshness import reused
from plans.inputs import whole_number
from plans.periods import FinancialYear, Quarter
from submissions import selectors, services
from submissions.documents.board_pack import board_packs_of
from submissions.documents.requests import document_request
from submissions.models import Document, Job, QuarterlyReturn


def _period(plan, data) -> tuple[int, int]:
    """The year and quarter asked for (`year=2016/17&quarter=4`), else the current one if
    the plan covers it, else the last quarter of the plan."""
    try:
        year = FinancialYear.parse(data.get("year", "")).start_year
        quarter = whole_number(data.get("quarter"))
        if plan.covers(year) and Quarter.valid_number(quarter):
            return year, quarter
    except ValueError:
        pass
    today = Quarter.containing(datetime.date.today())
    if plan.covers(today.year.start_year):
        return today.year.start_year, today.number
    return plan.last_year, 4


class StartForm(NhsForm):
    year = forms.CharField(
        label="Financial year",
        widget=forms.TextInput(attrs={"class": "nhsuk-input nhsuk-input--width-5"}),
    )
    quarter = forms.TypedChoiceField(
        label="Quarter",
        coerce=int,
        choices=[(n, f"Q{n}") for n in (1, 2, 3, 4)],
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )

    def __init__(self, *args, plan, year_end=False, **kwargs):
        self.plan = plan
        super().__init__(*args, **kwargs)
        if year_end:  # the plan's framework declares a year-end template
            self.fields["quarter"].choices = [
                (n, "Q4 (the year-end return)" if n == 4 else f"Q{n}") for n in (1, 2, 3, 4)
            ]

    def clean_year(self):
        try:
            year = FinancialYear.parse(self.cleaned_data["year"])
        except ValueError as error:
            raise ValidationError(str(error)) from None
        if not self.plan.covers(year.start_year):
            raise ValidationError(f"Choose a year of the plan ({self.plan.years_label}).")
        return year.start_year


class NarrativeForm(NhsForm):
    highlights = forms.CharField(
        label="Highlights and successes",
        required=False,
        widget=forms.Textarea(attrs={"class": "nhsuk-textarea", "rows": 14}),
    )
    challenges = forms.CharField(
        label="Challenges",
        required=False,
        widget=forms.Textarea(attrs={"class": "nhsuk-textarea", "rows": 10}),
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput)


def _can_change(user, plan) -> bool:
    return permissions.can_in_area(user, permissions.EDIT_PLAN, plan.area_id)


def _dashboard_body(plan, year: int, quarter: int, today: datetime.date) -> str:
    return render_to_string(
        "submissions/_dashboard_body.html",
        {
            "plan": plan,
            "data": selectors.dashboard(plan=plan, year=year, quarter=quarter, today=today),
            "due": selectors.returns_due(today=today, plan=plan),
            "quarters": [q for y in plan.years for q in y.quarters],
            "current": (year, quarter),
            "returns": list(selectors.returns_of(plan=plan).filter(year=year, quarter=quarter)),
        },
    )


@login_required
def dashboard(request, pk):
    """The same for everyone who may see the plan, so computed once for the data as it is
    (and the day: overdue and due dates move with it) and reused until the plan, its area or
    reference data change."""
    plan = permissions.get_plan(request.user, pk, permissions.VIEW)
    year, quarter = _period(plan, request.GET)
    today = datetime.date.today()
    page = reused(
        "dashboard",
        (plan.pk, year, quarter, today.isoformat()),
        lambda: _dashboard_body(plan, year, quarter, today),
        plans=[plan.pk],
        areas=[plan.area_id],
    )
    period = FinancialYear(year).quarter(quarter)
    # The board pack's panel depends on who asks and on the documents made: not reused.
    panel = render_to_string(
        "submissions/_board_pack.html",
        {
            "plan": plan,
            "period": period,
            "packs": list(board_packs_of(plan, year=year, quarter=quarter)[:5]),
            "can_render": permissions.can_in_area(
                request.user, permissions.RENDER_DOCUMENTS, plan.area_id
            ),
        },
        request=request,
    )
    body = page.html
    body = body.replace(BOARD_PACK_SLOT, panel) if BOARD_PACK_SLOT in body else body + panel
    # Both are templates' output, escaped as they were rendered.
    body = mark_safe(body)  # nosec B308 B703
    return render(
        request,
        "submissions/dashboard.html",
        {"plan": plan, "period": period, "body": body, "refreshing": page.refreshing},
    )


# Where the dashboard's body (reused for everyone) takes the board pack's panel.
BOARD_PACK_SLOT = "<!-- board pack -->"


@require_POST
@login_required
def dashboard_board_pack(request, pk):
    """The quarter's dashboard as a board pack (PDF): the one already made if nothing it
    shows has changed (downloaded at once), else a job whose page shows its progress.
    Started by the roles that render documents (permissions.RENDER_DOCUMENTS)."""
    plan = permissions.get_plan(request.user, pk, permissions.VIEW)
    year, quarter = _period(plan, request.POST)
    period = FinancialYear(year).quarter(quarter)
    query = urlencode({"year": period.year.label, "quarter": quarter})
    back = redirect(f"{reverse('submissions:dashboard', args=[plan.pk])}?{query}")
    try:
        made = document_request(
            kind=Document.Kind.BOARD_PACK_PDF,
            obj=plan,
            user=request.user,
            params={
                "year": year,
                "quarter": quarter,
                "today": datetime.date.today().isoformat(),
            },
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return back
    if isinstance(made, Job):
        return redirect("submissions:job_detail", pk=made.pk)
    return redirect("submissions:document_download", pk=made.pk)


@login_required
@require_http_methods(["GET", "POST"])
def return_list(request, pk):
    plan = permissions.get_plan(request.user, pk, permissions.VIEW)
    can_change = _can_change(request.user, plan)
    year_end = selectors.year_end_declared(plan)
    form = StartForm(
        request.POST or None,
        plan=plan,
        year_end=year_end,
        initial={"year": FinancialYear(plan.first_year).label},
    )
    if request.method == "POST":
        permissions.check_in_area(request.user, permissions.EDIT_PLAN, plan.area_id)
        if form.is_valid():
            try:
                ret, job = services.return_start(
                    plan=plan,
                    year=form.cleaned_data["year"],
                    quarter=form.cleaned_data["quarter"],
                    user=request.user,
                )
            except ValidationError as error:
                refusal_on_form(form, error)
            else:
                messages.success(request, f"Preparing the {ret.period_label} return.")
                return redirect("submissions:return_detail", pk=ret.pk)
    return render(
        request,
        "submissions/return_list.html",
        {
            "plan": plan,
            "returns": [
                (ret, selectors.return_kind_label(ret, _listed_year_end(ret, year_end)))
                for ret in selectors.returns_of(plan=plan)
            ],
            "year_end": year_end,
            "deadlines": [
                {**row, "label": f"Year-end return {row['period'].year.label} (quarter 4)"}
                if year_end and isinstance(row["period"], Quarter) and row["period"].number == 4
                else row
                for row in selectors.return_deadlines(plan=plan)
            ],
            "form": form,
            "can_change": can_change,
            "forms_with_errors": [form] if form.errors else [],
        },
    )


def _listed_year_end(ret: QuarterlyReturn, declared: bool) -> bool:
    """selectors.is_year_end, for a list that has asked once whether the plan's framework
    declares a year-end template."""
    if ret.quarter != 4:
        return False
    return ret.holds_year_end if ret.snapshot else declared


@login_required
def return_detail(request, pk):
    ret = selectors.return_for(user=request.user, pk=pk)
    can_change = _can_change(request.user, ret.plan)
    job = selectors.latest_job_for(ret)
    year_end = selectors.is_year_end(ret)
    return render(
        request,
        "submissions/return_detail.html",
        {
            "plan": ret.plan,
            "ret": ret,
            "year_end": year_end,
            "return_label": selectors.return_kind_label(ret, year_end),
            "due_on": selectors.return_due_on(ret.period, ret.plan.framework),
            "data": selectors.with_metric_units(ret.snapshot),
            "job": job,
            "can_retry": job is not None and permissions.can_retry_job(request.user, job),
            "can_change": can_change,
            "can_render": permissions.can_in_area(
                request.user, permissions.RENDER_DOCUMENTS, ret.plan.area_id
            ),
            "narrative_form": NarrativeForm(
                initial={
                    "highlights": ret.highlights,
                    "challenges": ret.challenges,
                    "lock_version": ret.lock_version,
                }
            ),
            "newer": QuarterlyReturn.objects.filter(supersedes=ret).first(),
            "narrative_changed": bool(ret.snapshot)
            and ret.snapshot.get("narrative")
            != {"highlights": ret.highlights, "challenges": ret.challenges},
        },
    )


def _change(request, pk, action=permissions.EDIT_PLAN) -> QuarterlyReturn:
    ret = selectors.return_for(user=request.user, pk=pk)
    permissions.check_in_area(request.user, action, ret.plan.area_id)
    return ret


def _run(request, ret, call, success: str):
    try:
        call()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect("submissions:return_detail", pk=ret.pk)


@require_POST
@login_required
def return_prepare(request, pk):
    ret = _change(request, pk)
    return _run(
        request,
        ret,
        lambda: services.return_prepare_start(ret=ret, user=request.user),
        "Preparing the return: its figures are being computed.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def return_narrative(request, pk):
    ret = _change(request, pk)
    form = NarrativeForm(
        request.POST or None,
        initial={
            "highlights": ret.highlights,
            "challenges": ret.challenges,
            "lock_version": ret.lock_version,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.return_narrative_update(
                ret=ret,
                highlights=form.cleaned_data["highlights"],
                challenges=form.cleaned_data["challenges"],
                expected_version=form.cleaned_data["lock_version"],
                user=request.user,
            )
        except ValidationError as error:  # EditConflict among them
            refusal_on_form(form, error)
        else:
            messages.success(request, "Saved. Prepare the return again to include the new text.")
            return redirect("submissions:return_detail", pk=ret.pk)
    return render(
        request,
        "submissions/return_narrative.html",
        {
            "plan": ret.plan,
            "ret": ret,
            "form": form,
            "forms_with_errors": [form] if form.errors else [],
        },
    )


@require_POST
@login_required
def return_ready(request, pk):
    ret = _change(request, pk)
    return _run(
        request,
        ret,
        lambda: services.return_mark_ready(ret=ret, user=request.user),
        "The return is ready for the Integration Executive's review.",
    )


@require_POST
@login_required
def return_submit(request, pk):
    ret = _change(request, pk, permissions.RECORD_DECISIONS)
    return _run(
        request,
        ret,
        lambda: services.return_submit(ret=ret, user=request.user),
        "Recorded as submitted to NHS England.",
    )


@require_POST
@login_required
def return_new_version(request, pk):
    ret = _change(request, pk)
    try:
        new = services.return_new_version(ret=ret, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("submissions:return_detail", pk=ret.pk)
    messages.success(request, f"Version {new.version} made. Prepare it to compute its figures.")
    return redirect("submissions:return_detail", pk=new.pk)


@login_required
def return_diff(request, pk):
    """What differs between this version and the one it corrects (or `?against=<id>`)."""
    ret = selectors.return_for(user=request.user, pk=pk)
    against = whole_number(request.GET.get("against"), low=1)
    if against is not None:
        other = get_object_or_404(QuarterlyReturn, pk=against, plan=ret.plan)
    else:
        other = ret.supersedes
    rows = services.snapshot_diff(other.snapshot if other else None, ret.snapshot)
    return render(
        request,
        "submissions/return_diff.html",
        {"plan": ret.plan, "ret": ret, "other": other, "rows": rows},
    )


class ApprovalForm(NhsForm):
    """Which approving decision of a meeting of the area's boards approved the return."""

    decision = forms.ModelChoiceField(
        label="Approving decision",
        queryset=None,
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )

    def __init__(self, *args, area_id, **kwargs):
        from governance.models import Decision

        super().__init__(*args, **kwargs)
        field = self.fields["decision"]
        field.queryset = (
            Decision.objects.filter(
                item__meeting__area_id=area_id, kind__in=Decision.APPROVING_KINDS
            )
            .select_related("item__meeting__board")
            .order_by("-item__meeting__date", "item__number", "order")
        )
        field.label_from_instance = lambda d: (
            f"{d.item.meeting.board.name}, {d.item.meeting.date:%-d %B %Y}, item "
            f"{d.item.number} ({d.letter}): {d.text[:80]}"
        )


@login_required
@require_http_methods(["GET", "POST"])
def return_approve(request, pk):
    """Record that a decision of an Integration Executive meeting approved this return (the
    decision itself is recorded on the meeting's page in governance)."""
    from governance.services import approval_record

    ret = _change(request, pk, permissions.RECORD_DECISIONS)
    form = ApprovalForm(request.POST or None, area_id=ret.plan.area_id)
    if request.method == "POST" and form.is_valid():
        try:
            approval_record(decision=form.cleaned_data["decision"], obj=ret, user=request.user)
        except ValidationError as error:
            refusal_on_form(form, error)
        else:
            messages.success(request, "Approval recorded: this version is now locked.")
            return redirect("submissions:return_detail", pk=ret.pk)
    return render(
        request,
        "submissions/return_approve.html",
        {
            "plan": ret.plan,
            "ret": ret,
            "form": form,
            "forms_with_errors": [form] if form.errors else [],
        },
    )
