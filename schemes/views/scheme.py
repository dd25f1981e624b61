from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_http_methods

from plans import permissions
from plans.exports import SafeTableExport, sample_note
from plans.forms import refusal_on_form
from plans.freshness import Reused, address_parts, reused
from plans.history import entries_for
from plans.inputs import configure_table, whole_number
from plans.services import EditConflict
from schemes import selectors, services
from schemes.filters import SchemeFilter
from schemes.forms import BudgetFormSet, SchemeForm, budget_initial
from schemes.models import Scheme, SchemeBudget
from schemes.tables import SchemeTable


def _scheme(plan, scheme_pk) -> Scheme:
    scheme = (
        Scheme.objects.filter(plan=plan, pk=scheme_pk)
        .select_related("theme", "scheme_type", "sub_type", "area_of_spend")
        .prefetch_related(
            "metrics", Prefetch("budgets", queryset=SchemeBudget.objects.order_by("year"))
        )
        .first()
    )
    if scheme is None:
        raise Http404("No such scheme in this plan.")
    return scheme


def _scheme_table(request, plan, can_edit: bool) -> tuple[SchemeFilter, SchemeTable]:
    filterset = SchemeFilter(
        request.GET or None,
        queryset=selectors.scheme_list(plan=plan, with_budgets=False),
        plan=plan,
    )
    schemes = filterset.qs
    table = SchemeTable(
        schemes,
        plan=plan,
        totals=selectors.scheme_totals(plan=plan, schemes=schemes),
        can_edit=can_edit,
    )
    configure_table(request, table, per_page=50)
    return filterset, table


def _scheme_table_html(request, plan, can_edit: bool) -> str:
    filterset, table = _scheme_table(request, plan, can_edit)
    return render_to_string(
        "schemes/_scheme_list_table.html",
        {"plan": plan, "table": table, "filter": filterset},
        request=request,
    )


@login_required
def scheme_list(request, pk):
    """The filter form and the table are the same for everyone who may see the plan: the
    whole table and each of its sorts and pages are computed once for the data as it is
    and reused until the plan, its area or reference data change (plans/freshness.py);
    a filtered table is computed for each request."""
    plan = permissions.get_plan(request.user, pk, permissions.VIEW)
    can_edit = permissions.can(request.user, permissions.EDIT_SCHEMES, plan)
    export_format = request.GET.get("_export")
    if SafeTableExport.is_valid_format(export_format):
        exporter = SafeTableExport(
            export_format, _scheme_table(request, plan, can_edit)[1], sample_note=sample_note(plan)
        )
        return exporter.response(f"schemes-{plan.area.name.lower()}-{plan.pk}.{export_format}")
    parts = address_parts(request.GET, TABLE_PARAMETERS)
    if parts is None:
        page = Reused(_scheme_table_html(request, plan, can_edit))
    else:
        page = reused(
            "schemes",
            (plan.pk, parts),
            lambda: _scheme_table_html(request, plan, can_edit),
            plans=[plan.pk],
            areas=[plan.area_id],
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "schemes/scheme_list.html",
        {
            "plan": plan,
            "body": page.html,
            "refreshing": page.refreshing,
            "query": query.urlencode(),
            "can_edit": can_edit,
        },
    )


# What a table reads from the address besides its filters.
TABLE_PARAMETERS = ("sort", "page")


@login_required
def scheme_detail(request, pk, scheme_pk):
    plan = permissions.get_plan(request.user, pk, permissions.VIEW)
    scheme = _scheme(plan, scheme_pk)
    return render(
        request,
        "schemes/scheme_detail.html",
        {
            "plan": plan,
            "scheme": scheme,
            "can_edit": permissions.can(request.user, permissions.EDIT_SCHEMES, plan),
        },
    )


def _save(request, plan, scheme, form, formset):
    """Run the service; map its refusal back onto the form so nothing typed is lost."""
    data = form.cleaned_data
    fields = {
        "theme": data["theme"],
        "name": data["name"],
        "status": data["status"],
        "protection": data["protection"] or "",
        "metrics": list(data["metrics"]),
        "user": request.user,
        **{name: data[name] for name in SchemeForm.PART2_FIELDS},
        **{name: data[name] for name in SchemeForm.FUNDING_FIELDS},
    }
    try:
        if scheme is None:
            return services.scheme_create(plan=plan, budgets=formset.budgets(), **fields)
        stored = {b.year: b.amount for b in scheme.budgets.all()}
        return services.scheme_update(
            scheme=scheme,
            expected_version=data["lock_version"],
            budgets=formset.budgets(list(stored)),
            expected_budgets=formset.shown(stored),
            **fields,
        )
    except ValidationError as error:  # EditConflict and BudgetConflict among them
        refusal_on_form(form, error)
    return None


@require_http_methods(["GET", "POST"])
@login_required
def scheme_edit(request, pk, scheme_pk=None):
    plan = permissions.get_plan(request.user, pk, permissions.EDIT_SCHEMES)
    scheme = _scheme(plan, scheme_pk) if scheme_pk else None
    form = SchemeForm(request.POST or None, plan=plan, scheme=scheme)
    formset = BudgetFormSet(
        request.POST or None, plan=plan, prefix="budgets", initial=budget_initial(plan, scheme)
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        saved = _save(request, plan, scheme, form, formset)
        if saved is not None:
            messages.success(request, f"Scheme “{saved.name}” saved.")
            return redirect("schemes:scheme_list", pk=plan.pk)
    errors = [form] if form.errors else []
    errors += [f for f in formset.forms if f.errors]
    return render(
        request,
        "schemes/scheme_form.html",
        {
            "plan": plan,
            "scheme": scheme,
            "form": form,
            "formset": formset,
            "forms_with_errors": errors,
            "formset_errors": formset.non_form_errors(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def scheme_delete(request, pk, scheme_pk):
    plan = permissions.get_plan(request.user, pk, permissions.EDIT_SCHEMES)
    scheme = _scheme(plan, scheme_pk)
    error = None
    if request.method == "POST":
        version = whole_number(request.POST.get("lock_version"))
        try:
            services.scheme_delete(scheme=scheme, expected_version=version, user=request.user)
        except EditConflict as conflict:
            error = conflict.messages[0]
        else:
            messages.success(request, f"Scheme “{scheme.name}” deleted.")
            return redirect("schemes:scheme_list", pk=plan.pk)
    return render(
        request,
        "schemes/scheme_confirm_delete.html",
        {"plan": plan, "scheme": scheme, "error": error},
    )


def _budget_label(row) -> str:
    return f"Budget {row.instance.financial_year}"


@login_required
def scheme_history(request, pk, scheme_pk=None):
    """Changes to one scheme and its budgets, or to every scheme of the plan (deleted ones too)."""
    plan = permissions.get_plan(request.user, pk, permissions.VIEW)
    scheme_rows = Scheme.history.filter(plan_id=plan.pk)
    record_name = "all schemes"
    if scheme_pk is not None:
        scheme_rows = scheme_rows.filter(id=scheme_pk)
        latest = scheme_rows.order_by("-history_date").first()
        if latest is None:
            raise Http404("No such scheme in this plan.")
        record_name = latest.name
    names = dict(scheme_rows.order_by("history_date").values_list("id", "name"))
    entries = entries_for(scheme_rows, describe=lambda row: f"Scheme “{row.name}”") + entries_for(
        SchemeBudget.history.filter(scheme_id__in=list(names)),
        describe=lambda row: f"{_budget_label(row)} of “{names.get(row.scheme_id, '?')}”",
    )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return render(
        request,
        "plans/history.html",
        {"plan": plan, "entries": entries, "record_name": record_name},
    )


@login_required
def sub_type_options(request, pk):
    """The sub types of one scheme type, as <option>s for the scheme form's select (htmx)."""
    plan = permissions.get_plan(request.user, pk, permissions.EDIT_SCHEMES)
    catalogue = selectors.scheme_catalogue(plan=plan)
    options = catalogue.sub_types.filter(
        scheme_type_id=whole_number(request.GET.get("scheme_type"))
    )
    return render(request, "schemes/_sub_type_options.html", {"options": options})
