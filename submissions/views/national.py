"""The national view: every area's plan, budget, latest return and metric statuses for a
financial year, side by side, filtered by region. For assurers and administrators."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from metrics.charts import status_counts_chart
from plans import permissions
from plans.exports import SafeTableExport
from plans.forms import NhsForm, Select
from plans.freshness import Reused, reused
from plans.inputs import configure_table
from plans.periods import FinancialYear
from submissions import national
from submissions.tables import ILLUSTRATIVE, AreaTable, MetricStatusTable

PER_PAGE = 50
# What the tables read from the address, besides the filters: sort and page of each.
TABLE_PARAMETERS = ("areas-sort", "areas-page", "metrics-sort", "metrics-page")


class NationalFilterForm(NhsForm):
    year = forms.TypedChoiceField(
        label="Financial year",
        coerce=int,
        required=False,
        empty_value=None,
        widget=Select(attrs={"class": "nhsuk-select"}),
    )
    region = forms.ChoiceField(
        label="Region", required=False, widget=Select(attrs={"class": "nhsuk-select"})
    )

    def __init__(self, *args, years, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y.start_year, y.label) for y in years]
        self.fields["region"].choices = [("", "All regions"), *((r, r) for r in regions)]


def _status_rows(summaries) -> list[dict]:
    """The areas with each metric's status: one dict per area, from their summaries (those
    the areas table has read, in its order); an illustrative plan's area marked, its
    statuses not counted."""
    return [
        {
            "area": f"{s.area_name} ({ILLUSTRATIVE})" if s.illustrative else s.area_name,
            "region": s.region,
            "plan": s.plan_id,
            "illustrative": s.illustrative,
            **{f"metric_{k}": v for k, v in s.statuses.items()},
        }
        for s in summaries
    ]


def _filters(request) -> tuple[NationalFilterForm, list, int | None, str]:
    """The filter form, the years there are, and the year and region asked for (the latest
    year, all regions, when not asked or asked wrongly)."""
    years, regions = national.years_and_regions()
    form = NationalFilterForm(request.GET or None, years=years, regions=regions)
    latest = years[0].start_year if years else None
    year, region = latest, ""
    if form.is_valid():
        year = form.cleaned_data["year"] or latest
        region = form.cleaned_data["region"]
    if not form.is_bound:
        form = NationalFilterForm(initial={"year": latest}, years=years, regions=regions)
    return form, years, year, region


def _area_table(request, year: int, region: str) -> AreaTable:
    rows = national.summaries(year=year, region=region)
    totals = national.totals(rows)
    table = AreaTable(rows, totals=totals, prefix="areas-")
    # The rows are counted with the totals (those left out of them too): no query to count;
    # and all read at once, as the statuses and the export use them all.
    count = totals["areas"] + totals["illustrative_areas"]
    configure_table(request, table, per_page=PER_PAGE, count=count, read_all=True)
    return table


def _body(request, form, years, year: int | None, region: str) -> str:
    context = {"form": form, "years": years, "year": year, "region": region}
    if year is not None:
        areas = _area_table(request, year, region)
        metrics = national.metrics_for(year)
        rows = _status_rows(areas.data.data)
        counts = national.metric_counts(
            [
                {k[7:]: v for k, v in row.items() if k.startswith("metric_")}
                for row in rows
                if not row["illustrative"]
            ],
            metrics,
            areas.totals["areas"],
        )
        statuses = MetricStatusTable(rows, metrics=metrics, prefix="metrics-")
        configure_table(request, statuses, per_page=PER_PAGE)
        context |= {
            "areas": areas,
            "totals": areas.totals,
            "statuses": statuses,
            "counts": counts,
            "chart": status_counts_chart(
                [c.metric.short_name for c in counts],
                [c.met for c in counts],
                [c.not_met for c in counts],
                [c.no_data for c in counts],
            ),
            "query": request.GET.urlencode(),
        }
    return render_to_string("submissions/_national_body.html", context, request=request)


@login_required
@require_GET
def national_view(request):
    """The same for every assurer, so computed once for the data as it is and the filters
    and sort asked for, and reused until a plan or area changes."""
    permissions.check_compares_areas(request.user)
    form, years, year, region = _filters(request)
    export_format = request.GET.get("_export")
    if year is not None and SafeTableExport.is_valid_format(export_format):
        label = FinancialYear(year).label.replace("/", "-")
        exporter = SafeTableExport(export_format, _area_table(request, year, region))
        return exporter.response(f"areas-{label}.{export_format}")
    # A page showing what one user typed wrongly, or asked for beyond the filters, sort and
    # page (a page size), is not kept for others.
    if form.errors or set(request.GET) - {"year", "region", *TABLE_PARAMETERS}:
        page = Reused(_body(request, form, years, year, region))
    else:
        page = reused(
            "national",
            (year, region, *(request.GET.get(name) for name in TABLE_PARAMETERS)),
            lambda: _body(request, form, years, year, region),
            national=True,
        )
    return render(
        request,
        "submissions/national.html",
        {"year": year, "region": region, "body": page.html, "refreshing": page.refreshing},
    )
