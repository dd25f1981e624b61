from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from metrics import charts, periods, selectors, services
from metrics.forms import (
    ActualForm,
    FigureForm,
    SpcRebaseForm,
    SpcRebaseWithdrawForm,
)
from metrics.models import Actual, Baseline, MetricDefinition, SpcRebase, TrajectoryPoint
from metrics.tables import ActualTable
from plans import permissions
from plans.forms import refusal_on_form
from plans.history import entries_for


def _metric(code) -> MetricDefinition:
    metric = MetricDefinition.objects.filter(code=code).first()
    if metric is None:
        raise Http404("No such metric.")
    return metric


@login_required
def metrics_overview(request, pk):
    plan = permissions.get_plan(request.user, pk, permissions.VIEW)
    overview = selectors.metrics_overview(plan=plan)
    return render(
        request,
        "metrics/overview.html",
        {
            "plan": plan,
            "overview": overview,
            "can_enter_actuals": permissions.can(request.user, permissions.ENTER_ACTUALS, plan),
        },
    )


def _figure_label(kind: str):
    """e.g. "Actual 2016/17 Q4 of Delayed transfers of care"; the metric comes joined."""
    return lambda row: (
        f"{kind} {periods.label(row.granularity, row.start, row.end)} of {row.metric}"
    )


@login_required
def metric_history(request, pk):
    """Changes to the plan's baselines, targets and actuals, deleted ones too."""
    plan = permissions.get_plan(request.user, pk, permissions.VIEW)
    entries = []
    for model, kind in ((Baseline, "Baseline"), (TrajectoryPoint, "Target"), (Actual, "Actual")):
        rows = model.history.filter(plan_id=plan.pk).select_related("metric")
        entries += entries_for(rows, describe=_figure_label(kind))
    rows = SpcRebase.history.filter(plan_id=plan.pk).select_related("metric")
    entries += entries_for(rows, describe=lambda row: f"SPC limits of {row.metric}")
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return render(
        request,
        "plans/history.html",
        {"plan": plan, "entries": entries, "record_name": "metrics"},
    )


@login_required
def metric_detail(request, pk, code):
    plan = permissions.get_plan(request.user, pk, permissions.VIEW)
    summary = selectors.metric_for_plan(plan=plan, code=code)
    if summary is None:
        raise Http404("No such metric in this plan.")
    can_enter = permissions.can(request.user, permissions.ENTER_ACTUALS, plan)
    return render(
        request,
        "metrics/metric_detail.html",
        {
            "plan": plan,
            "summary": summary,
            "metric": summary.metric,
            "table": ActualTable(
                summary.actuals, plan=plan, metric=summary.metric, can_edit=can_enter
            ),
            "published": selectors.published_figures(
                [row.actual for row in summary.actuals], plan=plan, metric=summary.metric
            ),
            "chart": charts.metric_chart(summary),
            "can_edit_metrics": permissions.can(request.user, permissions.EDIT_METRICS, plan),
            "can_enter_actuals": can_enter,
        },
    )


# A figure's period is one field of its form, two of the service.
_PERIOD_FIELDS = {"start": "period", "end": "period"}


def _run(form, call):
    """Run a service; map its refusal back onto the form so nothing typed is lost."""
    try:
        return call()
    except (PermissionDenied, ValidationError) as refusal:  # EditConflict among them
        refusal_on_form(form, refusal, aliases=_PERIOD_FIELDS)
    return None


def _form_page(request, plan, metric, form, *, template="metrics/figure_form.html", **context):
    """A form page of one metric; a form in error is listed for the error summary."""
    return render(
        request,
        template,
        {
            "plan": plan,
            "metric": metric,
            "form": form,
            "forms_with_errors": [form] if form.errors else [],
            **context,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def baseline_edit(request, pk, code):
    plan = permissions.get_plan(request.user, pk, permissions.EDIT_METRICS)
    metric = _metric(code)
    baseline = plan.metric_baselines.filter(metric=metric).first()
    form = FigureForm(request.POST or None, metric=metric, record=baseline)
    if request.method == "POST" and form.is_valid():
        saved = _run(
            form,
            lambda: services.baseline_set(
                plan=plan,
                metric=metric,
                expected_version=form.cleaned_data.get("lock_version"),
                user=request.user,
                **form.service_kwargs(),
            ),
        )
        if saved is not None:
            messages.success(request, f"Baseline of “{metric}” saved.")
            return redirect("metrics:metric_detail", pk=plan.pk, code=metric.code)
    return _form_page(request, plan, metric, form, title="Baseline", button="Save baseline")


@require_http_methods(["GET", "POST"])
@login_required
def target_edit(request, pk, code, target_pk=None):
    plan = permissions.get_plan(request.user, pk, permissions.EDIT_METRICS)
    metric = _metric(code)
    point = None
    if target_pk is not None:
        point = plan.metric_targets.filter(metric=metric, pk=target_pk).first()
        if point is None:
            raise Http404("No such target.")
    form = FigureForm(request.POST or None, metric=metric, record=point)
    if request.method == "POST" and form.is_valid():
        if point is None:
            call = lambda: services.target_create(  # noqa: E731
                plan=plan, metric=metric, user=request.user, **form.service_kwargs()
            )
        else:
            call = lambda: services.target_update(  # noqa: E731
                point=point,
                expected_version=form.cleaned_data.get("lock_version"),
                user=request.user,
                **form.service_kwargs(),
            )
        if _run(form, call) is not None:
            messages.success(request, f"Target of “{metric}” saved.")
            return redirect("metrics:metric_detail", pk=plan.pk, code=metric.code)
    title = "Change a target" if point else "Add a target"
    return _form_page(request, plan, metric, form, title=title, button="Save target")


@require_http_methods(["GET", "POST"])
@login_required
def actual_edit(request, pk, code, actual_pk=None):
    plan = permissions.get_plan(request.user, pk, permissions.ENTER_ACTUALS)
    metric = _metric(code)
    actual = None
    if actual_pk is not None:
        actual = plan.metric_actuals.filter(metric=metric, pk=actual_pk).first()
        if actual is None:
            raise Http404("No such actual.")
    form = ActualForm(request.POST or None, metric=metric, record=actual)
    if request.method == "POST" and form.is_valid():
        if actual is None:
            call = lambda: services.actual_create(  # noqa: E731
                plan=plan, metric=metric, user=request.user, **form.service_kwargs()
            )
        else:
            call = lambda: services.actual_update(  # noqa: E731
                actual=actual,
                expected_version=form.cleaned_data.get("lock_version"),
                user=request.user,
                **form.service_kwargs(),
            )
        if _run(form, call) is not None:
            messages.success(request, f"Actual of “{metric}” saved.")
            return redirect("metrics:metric_detail", pk=plan.pk, code=metric.code)
    title = "Change an actual" if actual else "Add an actual"
    return _form_page(request, plan, metric, form, title=title, button="Save actual")


@require_http_methods(["GET", "POST"])
@login_required
def spc_rebase_create(request, pk, code):
    """Choose the point from which the SPC limits are recalculated, and say why."""
    plan = permissions.get_plan(request.user, pk, permissions.ENTER_ACTUALS)
    summary = selectors.metric_for_plan(plan=plan, code=code)
    if summary is None:
        raise Http404("No such metric in this plan.")
    series = selectors.spc_series(summary.actuals)
    taken = {index for index, _ in summary.rebases}
    choices = [
        (row.actual.pk, row.actual.period_label)
        for index, row in enumerate(series)
        if index and index not in taken
    ]
    form = SpcRebaseForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        actual = next(r.actual for r in series if r.actual.pk == form.cleaned_data["actual"])
        call = lambda: services.spc_rebase_create(  # noqa: E731
            actual=actual, reason=form.cleaned_data["reason"], user=request.user
        )
        if _run(form, call) is not None:
            messages.success(request, f"Limits recalculated from {actual.period_label}.")
            return redirect("metrics:metric_detail", pk=plan.pk, code=code)
    return _form_page(
        request,
        plan,
        summary.metric,
        form,
        template="metrics/spc_rebase_form.html",
        summary=summary,
    )


@require_http_methods(["GET", "POST"])
@login_required
def spc_rebase_delete(request, pk, code, rebase_pk):
    """Withdraw a recalculation of the limits, saying why."""
    plan = permissions.get_plan(request.user, pk, permissions.ENTER_ACTUALS)
    rebase = plan.spc_rebases.filter(metric__code=code, pk=rebase_pk).first()
    summary = selectors.metric_for_plan(plan=plan, code=code)
    if rebase is None or summary is None:
        raise Http404("No such recalculation of the limits.")
    form = SpcRebaseWithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        call = lambda: services.spc_rebase_delete(  # noqa: E731
            rebase=rebase, reason=form.cleaned_data["reason"], user=request.user
        )
        if _run(form, call) is not None:
            messages.success(request, f"Limits run on over {rebase.period_label} again.")
            return redirect("metrics:metric_detail", pk=plan.pk, code=code)
    return _form_page(
        request,
        plan,
        summary.metric,
        form,
        template="metrics/spc_rebase_delete.html",
        summary=summary,
        rebase=rebase,
    )
