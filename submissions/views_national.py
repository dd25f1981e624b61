"""The national view: every area's plan, budget, latest return and metric statuses for a
financial year, side by side, filtered by region. For assurers and administrators."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from metrics.charts import status_counts_chart
from plans import permissions
from plans.exports import SafeTableExport
from plans.forms import NhsForm
from plans.periods import FinancialYear
from submissions import national
from submissions.tables import AreaTable, MetricStatusTable


class NationalFilterForm(NhsForm):
    year = forms.TypedChoiceField(
        label="Financial year",
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )
    region = forms.ChoiceField(
        label="Region", required=False, widget=forms.Select(attrs={"class": "nhsuk-select"})
    )

    def __init__(self, *args, years, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y.start_year, y.label) for y in years]
        self.fields["region"].choices = [("", "All regions"), *((r, r) for r in regions)]


def _status_rows(rows, actuals) -> list[dict]:
    """The areas table's plans with each metric's status: one dict per area (a pivot of the
    judged actuals for display; the judging was done in the database)."""
    statuses = {(a.plan_id, a.metric_id): a.status for a in actuals}
    metric_ids = {metric_id for _, metric_id in statuses}
    return [
        {
            "area": row.area_name,
            "region": row.region,
            "plan": row.pk,
            **{f"metric_{m}": statuses[(row.pk, m)] for m in metric_ids if (row.pk, m) in statuses},
        }
        for row in rows
    ]


@login_required
@require_GET
def national_view(request):
    permissions.check_compares_areas(request.user)
    years, regions = national.years(), national.regions()
    form = NationalFilterForm(request.GET or None, years=years, regions=regions)
    latest = years[0].start_year if years else None
    year, region = latest, ""
    if form.is_valid():
        year = form.cleaned_data["year"] or latest
        region = form.cleaned_data["region"]
    if not form.is_bound:
        form = NationalFilterForm(initial={"year": latest}, years=years, regions=regions)
    if year is None:
        return render(request, "submissions/national.html", {"form": form, "years": years})

    rows = national.area_rows(year=year, region=region)
    totals = national.totals(rows)
    areas = AreaTable(rows, totals=totals, prefix="areas-")
    RequestConfig(request, paginate=False).configure(areas)
    export_format = request.GET.get("_export")
    if SafeTableExport.is_valid_format(export_format):
        label = FinancialYear(year).label.replace("/", "-")
        return SafeTableExport(export_format, areas).response(f"areas-{label}.{export_format}")

    metrics = national.metrics_for(year)
    actuals = national.latest_actuals(year=year, region=region)
    counts = national.metric_counts(actuals, metrics, totals["areas"])
    statuses = MetricStatusTable(
        _status_rows(areas.data.data, actuals), metrics=metrics, prefix="metrics-"
    )
    RequestConfig(request, paginate=False).configure(statuses)
    query = request.GET.copy()
    query.pop("_export", None)
    return render(
        request,
        "submissions/national.html",
        {
            "form": form,
            "years": years,
            "year": year,
            "region": region,
            "areas": areas,
            "totals": totals,
            "statuses": statuses,
            "counts": counts,
            "chart": status_counts_chart(
                [c.metric.short_name for c in counts],
                [c.met for c in counts],
                [c.not_met for c in counts],
                [c.no_data for c in counts],
            ),
            "query": query.urlencode(),
        },
    )
