from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods

from plans import permissions
from plans.exports import SafeTableExport, sample_note
from plans.forms import refusal_on_form
from plans.freshness import Reused, address_parts, reused
from plans.history import entries_for
from plans.inputs import configure_table
from plans.money import format_pounds
from plans.periods import FinancialYear
from risks import charts, selectors, services
from risks.filters import RiskFilter
from risks.forms import (
    FundForm,
    RegisterForm,
    ReleaseForm,
    ReviewForm,
    RiskForm,
    ScenarioForm,
    scale_hint,
)
from risks.models import (
    Fund,
    FundRelease,
    Risk,
    RiskRegister,
    RiskReview,
    RiskSharingScenario,
    RiskWorkshopOutput,
)
from risks.scales import Scale
from risks.tables import RiskTable


def _register_or_404(plan):
    register = selectors.register_for(plan=plan)
    if register is None:
        raise Http404("This plan has no risk register yet.")
    return register


# Register ---------------------------------------------------------------------------------


def _risk_table(request, plan, today) -> tuple[RiskFilter, RiskTable]:
    risk_register = selectors.register_for(plan=plan)  # with its categories, to filter by
    filterset = RiskFilter(
        request.GET or None,
        queryset=selectors.risk_list(plan=plan),
        register=risk_register,
        today=today,
    )
    table = RiskTable(filterset.qs, plan=plan, today=today)
    configure_table(request, table, per_page=100)
    return filterset, table


def _risk_table_html(request, plan, today) -> str:
    filterset, table = _risk_table(request, plan, today)
    return render_to_string(
        "risks/_register_table.html",
        {"plan": plan, "table": table, "filter": filterset},
        request=request,
    )


# What the table reads from the address besides its filters.
TABLE_PARAMETERS = ("sort", "page")


@login_required
def register(request, pk):
    """The filter form and the table are the same for everyone who may see the plan on a
    given day (reviews fall due with the date): the whole register and each of its sorts
    and pages are computed once for the data as it is and reused until the plan, its area
    or reference data change (plans/freshness.py); a filtered table is computed for each
    request."""
    plan = permissions.get_plan(
        request.user, pk, permissions.VIEW, queryset=selectors.plans_with_register_head()
    )
    can_edit = permissions.can(request.user, permissions.EDIT_RISKS, plan)
    risk_register = selectors.register_head(plan=plan)
    if risk_register is None:
        return render(
            request,
            "risks/register.html",
            {"plan": plan, "register": None, "can_edit": can_edit},
        )
    today = timezone.localdate()
    export_format = request.GET.get("_export")
    if SafeTableExport.is_valid_format(export_format):
        table = _risk_table(request, plan, today)[1]
        exporter = SafeTableExport(export_format, table, sample_note=sample_note(plan))
        return exporter.response(f"risks-{plan.area.name.lower()}-{plan.pk}.{export_format}")
    parts = address_parts(request.GET, TABLE_PARAMETERS)
    if parts is None:
        page = Reused(_risk_table_html(request, plan, today))
    else:
        page = reused(
            "risks",
            (plan.pk, today.isoformat(), parts),
            lambda: _risk_table_html(request, plan, today),
            plans=[plan.pk],
            areas=[plan.area_id],
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "risks/register.html",
        {
            "plan": plan,
            "register": risk_register,
            "body": page.html,
            "refreshing": page.refreshing,
            "query": query.urlencode(),
            "can_edit": can_edit,
            "scale_hint": scale_hint(risk_register.scale),
        },
    )


def _history_page(request, plan, entries, record_name):
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return render(
        request,
        "plans/history.html",
        {"plan": plan, "entries": entries, "record_name": record_name},
    )


@login_required
def risk_history(request, pk):
    """Changes to the plan's register, risks, reviews and scenarios, deleted ones too."""
    plan = permissions.get_plan(request.user, pk, permissions.VIEW)
    registers = RiskRegister.history.filter(plan_id=plan.pk)
    register_ids = set(registers.values_list("id", flat=True))
    risk_rows = Risk.history.filter(register_id__in=register_ids)
    names = {
        risk_id: (description.splitlines() or ["Risk"])[0][:120]
        for risk_id, description in risk_rows.order_by("history_date").values_list(
            "id", "description"
        )
    }
    entries = (
        entries_for(registers, describe=lambda row: "Risk register")
        + entries_for(risk_rows, describe=lambda row: f"Risk “{names.get(row.id, '?')}”")
        + entries_for(
            RiskReview.history.filter(risk_id__in=list(names)),
            describe=lambda row: (
                f"Review of “{names.get(row.risk_id, '?')}” on "
                + date_format(row.reviewed_on, "j F Y")
            ),
        )
        + entries_for(
            RiskSharingScenario.history.filter(plan_id=plan.pk),
            describe=lambda row: f"Scenario {row.letter}) {row.title[:80]}",
        )
    )
    return _history_page(request, plan, entries, "risk register")


@require_http_methods(["GET", "POST"])
@login_required
def register_edit(request, pk):
    """Start the plan's register (5×5 by default) or change its scale and add categories."""
    plan = permissions.get_plan(request.user, pk, permissions.EDIT_RISKS)
    risk_register = selectors.register_for(plan=plan)
    form = RegisterForm(request.POST or None, register=risk_register)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if risk_register is None:
                services.register_create(
                    plan=plan,
                    scale=data["scale"],
                    categories=data["new_categories"],
                    user=request.user,
                )
            else:
                updated = services.register_update(
                    register=risk_register,
                    scale=data["scale"],
                    expected_version=data["lock_version"],
                    user=request.user,
                )
                for name in data["new_categories"]:
                    services.category_create(register=updated, name=name, user=request.user)
        except ValidationError as error:
            refusal_on_form(form, error)
        else:
            messages.success(request, "Risk register saved.")
            return redirect("risks:register", pk=plan.pk)
    return render(
        request,
        "risks/register_form.html",
        {
            "plan": plan,
            "register": risk_register,
            "form": form,
            "forms_with_errors": [form] if form.errors else [],
        },
    )


@login_required
def heat_map(request, pk):
    plan = permissions.get_plan(request.user, pk, permissions.VIEW)
    risk_register = _register_or_404(plan)
    before, after = selectors.heat_maps(register=risk_register)
    context = {"plan": plan, "register": risk_register, "maps": [], "ratings": []}
    no_impact = before.placed == after.placed == 0 and before.not_placed > 0
    if no_impact and risk_register.scale == Scale.LMH:
        # The register gives a likelihood and a rating, but no impact: show what it holds
        # (each rating against likelihood) rather than an empty likelihood × impact map.
        rated_before, rated_after = selectors.rating_maps(register=risk_register)
        context["ratings"] = [
            ("before", "Before mitigation", charts.draw_ratings(rated_before)),
            ("after", "After mitigation", charts.draw_ratings(rated_after)),
        ]
    else:
        context["maps"] = [
            ("before", "Before mitigation", charts.draw(before)),
            ("after", "After mitigation", charts.draw(after)),
        ]
    return render(request, "risks/heat_map.html", context)


# Risks ------------------------------------------------------------------------------------


@login_required
def risk_detail(request, pk, risk_pk):
    plan = permissions.get_plan(request.user, pk, permissions.VIEW)
    risk = selectors.risk_detail(plan=plan, pk=risk_pk)
    return render(
        request,
        "risks/risk_detail.html",
        {
            "plan": plan,
            "risk": risk,
            "overdue": risk.is_overdue(timezone.localdate()),
            "can_edit": permissions.can(request.user, permissions.EDIT_RISKS, plan),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def risk_edit(request, pk, risk_pk=None):
    plan = permissions.get_plan(request.user, pk, permissions.EDIT_RISKS)
    risk_register = selectors.register_for(plan=plan)
    if risk_register is None:
        return redirect("risks:register_edit", pk=plan.pk)
    risk = selectors.risk_detail(plan=plan, pk=risk_pk) if risk_pk else None
    form = RiskForm(request.POST or None, register=risk_register, risk=risk)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "lock_version"}
        try:
            if risk is None:
                saved = services.risk_create(register=risk_register, user=request.user, **fields)
            else:
                saved = services.risk_update(
                    risk=risk,
                    expected_version=form.cleaned_data["lock_version"],
                    user=request.user,
                    **fields,
                )
        except ValidationError as error:
            refusal_on_form(form, error)
        else:
            messages.success(request, "Risk saved.")
            return redirect("risks:risk_detail", pk=plan.pk, risk_pk=saved.pk)
    return render(
        request,
        "risks/risk_form.html",
        {
            "plan": plan,
            "risk": risk,
            "form": form,
            "scale_hint": scale_hint(risk_register.scale),
            "forms_with_errors": [form] if form.errors else [],
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def risk_review(request, pk, risk_pk):
    plan = permissions.get_plan(request.user, pk, permissions.EDIT_RISKS)
    risk = selectors.risk_detail(plan=plan, pk=risk_pk)
    initial = {
        "reviewed_on": timezone.localdate(),
        "reviewer": request.user.get_full_name() or request.user.username,
        "likelihood": risk.likelihood_after,
        "impact": risk.impact_after,
        "rating": risk.rating_after,
        "lock_version": risk.lock_version,
    }
    form = ReviewForm(request.POST or None, scale=risk.register.scale, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.risk_review(
                risk=risk,
                expected_version=data["lock_version"],
                reviewed_on=data["reviewed_on"],
                reviewer=data["reviewer"],
                likelihood=data["likelihood"],
                impact=data["impact"],
                rating=data["rating"],
                note=data["note"],
                next_review=data["next_review"],
                user=request.user,
            )
        except ValidationError as error:
            refusal_on_form(form, error)
        else:
            messages.success(request, "Review recorded.")
            return redirect("risks:risk_detail", pk=plan.pk, risk_pk=risk.pk)
    return render(
        request,
        "risks/review_form.html",
        {
            "plan": plan,
            "risk": risk,
            "form": form,
            "scale_hint": scale_hint(risk.register.scale),
            "forms_with_errors": [form] if form.errors else [],
        },
    )


# Risk-sharing scenarios -------------------------------------------------------------------


@login_required
def scenario_list(request, pk):
    plan = permissions.get_plan(request.user, pk, permissions.VIEW)
    return render(
        request,
        "risks/scenario_list.html",
        {
            "plan": plan,
            "scenarios": RiskSharingScenario.objects.filter(plan=plan).order_by("letter"),
            "workshop_outputs": RiskWorkshopOutput.objects.filter(plan=plan).order_by(
                "held_on", "workshop", "order", "pk"
            ),
            "can_edit": permissions.can(request.user, permissions.EDIT_RISKS, plan),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def scenario_edit(request, pk, scenario_pk=None):
    plan = permissions.get_plan(request.user, pk, permissions.EDIT_RISKS)
    scenario = None
    initial = None
    if scenario_pk is not None:
        scenario = RiskSharingScenario.objects.filter(plan=plan, pk=scenario_pk).first()
        if scenario is None:
            raise Http404("No such scenario in this plan.")
        initial = {name: getattr(scenario, name) for name in ScenarioForm.base_fields}
    form = ScenarioForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "lock_version"}
        try:
            if scenario is None:
                services.scenario_create(plan=plan, user=request.user, **fields)
            else:
                services.scenario_update(
                    scenario=scenario,
                    expected_version=form.cleaned_data["lock_version"],
                    user=request.user,
                    **fields,
                )
        except ValidationError as error:
            refusal_on_form(form, error)
        else:
            messages.success(request, "Scenario saved.")
            return redirect("risks:scenario_list", pk=plan.pk)
    return render(
        request,
        "risks/scenario_form.html",
        {
            "plan": plan,
            "scenario": scenario,
            "form": form,
            "forms_with_errors": [form] if form.errors else [],
        },
    )


# Funds ------------------------------------------------------------------------------------


@login_required
def fund_list(request, pk):
    plan = permissions.get_plan(request.user, pk, permissions.VIEW)
    funds = list(selectors.fund_list(plan=plan))
    return render(
        request,
        "risks/fund_list.html",
        {
            "plan": plan,
            "funds": [(fund, selectors.fund_balance(fund)) for fund in funds],
            "can_edit": permissions.can(request.user, permissions.EDIT_FUNDS, plan),
        },
    )


@login_required
def fund_history(request, pk):
    """Changes to the plan's funds and their releases, deleted ones too."""
    plan = permissions.get_plan(request.user, pk, permissions.VIEW)
    fund_rows = Fund.history.filter(plan_id=plan.pk)
    names = {
        fund_id: f"{name} {FinancialYear(year)}"
        for fund_id, name, year in fund_rows.order_by("history_date").values_list(
            "id", "name", "year"
        )
    }
    entries = entries_for(
        fund_rows, describe=lambda row: f"Fund “{names.get(row.id, row.name)}”"
    ) + entries_for(
        FundRelease.history.filter(fund_id__in=list(names)),
        describe=lambda row: (
            f"Release of {format_pounds(row.amount)} from “{names.get(row.fund_id, '?')}”"
        ),
    )
    return _history_page(request, plan, entries, "funds")


@require_http_methods(["GET", "POST"])
@login_required
def fund_create(request, pk):
    plan = permissions.get_plan(request.user, pk, permissions.EDIT_FUNDS)
    form = FundForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.fund_create(plan=plan, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            refusal_on_form(form, error)
        else:
            messages.success(request, "Fund saved.")
            return redirect("risks:fund_list", pk=plan.pk)
    return render(
        request,
        "risks/fund_form.html",
        {"plan": plan, "form": form, "forms_with_errors": [form] if form.errors else []},
    )


@require_http_methods(["GET", "POST"])
@login_required
def fund_release(request, pk, fund_pk):
    plan = permissions.get_plan(request.user, pk, permissions.EDIT_FUNDS)
    fund = selectors.fund_detail(plan=plan, pk=fund_pk)
    form = ReleaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.fund_release(fund=fund, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            refusal_on_form(form, error)
        else:
            messages.success(request, f"Release from “{fund.name}” recorded.")
            return redirect("risks:fund_list", pk=plan.pk)
    return render(
        request,
        "risks/release_form.html",
        {
            "plan": plan,
            "fund": fund,
            "balance": selectors.fund_balance(fund),
            "form": form,
            "forms_with_errors": [form] if form.errors else [],
        },
    )
