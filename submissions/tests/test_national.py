"""The national view: each figure agrees with the area's own pages, the region filter, the
latest plan version, who may see it, the export, and queries constant in the number of
areas. Data from the benchmarks' generator (a few areas) and, for the targets' rules,
built through the metrics services."""

from __future__ import annotations

import csv
import datetime
import io
import random
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from metrics import calculations as calc
from metrics import services as metric_services
from metrics.models import MetricDefinition
from metrics.periods import Granularity
from metrics.selectors import metrics_overview
from plans import freshness, permissions
from plans.models import Area, Plan
from plans.services import plan_create
from plans.templatetags.bcf_format import pounds
from schemes.selectors import plan_budget_summary
from submissions import national
from tests.benchmarks.national import Totals, generate, generate_area, reference_data
from tests.factories import UserFactory

YEAR = 2022
URL = "/submissions/national/"


def _quiet(*_args):
    return None


@pytest.fixture
def areas(db):
    """Four areas in four regions with one 2022/23 plan each: ~50 schemes, six metrics with
    targets for every month and actuals for the first six."""
    generate(areas=4, years=1, seed=7, first_year=YEAR, snapshots="none", log=_quiet)
    return list(Area.objects.order_by("code"))


@pytest.fixture
def assurer_client(client_for):
    return client_for(UserFactory(username="national-assurer", roles=[permissions.ASSURER]))


def test_area_rows_agree_with_each_plans_budget_summary(areas):
    rows = list(national.area_rows(year=YEAR))
    assert [row.area_id for row in rows] == [a.pk for a in sorted(areas, key=lambda a: a.name)]
    for row in rows:
        (summary,) = plan_budget_summary(plan=row)
        assert row.agreed_total == summary.agreed_total
        assert row.minimum_required == summary.minimum_required
        assert row.scheme_total == summary.schemes_total
        assert row.protected_total == summary.protected_social_care
        assert row.protected_stated == summary.protected_social_care_stated
        latest = row.returns.order_by("-quarter", "-version").first()
        assert (row.return_pk, row.return_quarter, row.return_status) == (
            latest.pk,
            latest.quarter,
            latest.status,
        )
    totals = national.totals(national.area_rows(year=YEAR))
    assert totals["areas"] == 4
    assert totals["agreed"] == sum(r.agreed_total for r in rows)
    assert totals["protected"] == sum(r.protected_total for r in rows)
    assert totals["below_minimum"] == sum(r.agreed_total < r.minimum_required for r in rows)


def test_metric_statuses_agree_with_each_plans_metrics_overview(areas):
    judged = {(a.plan_id, a.metric_id): a for a in national.latest_actuals(year=YEAR)}
    assert len(judged) == 4 * 6
    statuses = set()
    for plan in Plan.objects.filter(first_year=YEAR):
        for summary in metrics_overview(plan=plan, with_matrix=False).summaries:
            actual = judged[(plan.pk, summary.metric.pk)]
            assert actual.pk == summary.latest.actual.pk
            assert actual.status == summary.latest_status
            statuses.add(actual.status)
    assert statuses >= {calc.MET, calc.NOT_MET}, "the data should exercise both outcomes"


def test_metric_counts_add_up_to_the_areas(areas):
    metrics = national.metrics_for(YEAR)
    statuses = [row.statuses for row in national.summaries(year=YEAR)]
    counts = national.metric_counts(statuses, metrics, len(areas))
    judged = list(national.latest_actuals(year=YEAR))
    assert [c.metric for c in counts] == metrics
    for count in counts:
        mine = [a.status for a in judged if a.metric_id == count.metric.pk]
        assert count.met == mine.count(calc.MET)
        assert count.not_met == mine.count(calc.NOT_MET)
        assert count.met + count.not_met + count.no_data == len(areas)


def test_the_region_filter_keeps_only_that_regions_areas(areas):
    region = areas[1].region
    rows = list(national.area_rows(year=YEAR, region=region))
    assert [row.area_id for row in rows] == [areas[1].pk]
    assert {a.plan_id for a in national.latest_actuals(year=YEAR, region=region)} == {rows[0].pk}
    assert national.totals(national.area_rows(year=YEAR, region=region))["agreed"] == (
        rows[0].agreed_total
    )


def test_an_areas_latest_plan_version_is_the_one_shown(areas):
    area = areas[0]
    later = plan_create(
        area=area,
        title="A later version",
        first_year=YEAR,
        last_year=YEAR,
        version_kind=Plan.VersionKind.REFRESH,
        version_date=datetime.date(YEAR, 9, 1),
    )
    row = next(r for r in national.area_rows(year=YEAR) if r.area_id == area.pk)
    assert row.pk == later.pk
    assert row.scheme_total is None and row.return_pk is None
    assert national.area_rows(year=YEAR).count() == 4


@pytest.mark.parametrize(
    "target_granularity, actual_granularity, expected",
    [
        # The same period: the month's own target.
        (Granularity.MONTH, Granularity.MONTH, calc.NOT_MET),
        # A year to date is judged against the year's target.
        (Granularity.YEAR, Granularity.YEAR_TO_DATE, calc.MET),
        # A month with no target of its own: the first "by" date target not yet passed.
        (Granularity.BY_DATE, Granularity.MONTH, calc.MET),
        # A month with neither: no data.
        (None, Granularity.MONTH, calc.NO_DATA),
    ],
)
def test_the_target_chosen_is_the_one_the_metric_page_chooses(
    plan, target_granularity, actual_granularity, expected
):
    """The database's choice of target (and so the status) equals metrics.selectors'."""
    metric = MetricDefinition.objects.get(code="non-elective-admissions")  # lower is better
    periods = {
        Granularity.MONTH: (datetime.date(2014, 6, 1), datetime.date(2014, 6, 30)),
        Granularity.YEAR_TO_DATE: (datetime.date(2014, 4, 1), datetime.date(2014, 6, 30)),
        Granularity.YEAR: (datetime.date(2014, 4, 1), datetime.date(2015, 3, 31)),
        Granularity.BY_DATE: (datetime.date(2014, 9, 30), datetime.date(2014, 9, 30)),
    }
    if target_granularity:
        metric_services.target_create(
            plan=plan,
            metric=metric,
            granularity=target_granularity,
            start=periods[target_granularity][0],
            end=periods[target_granularity][1],
            value=Decimal("100") if target_granularity == Granularity.MONTH else Decimal("200"),
        )
    start, end = periods[actual_granularity]
    metric_services.actual_create(
        plan=plan,
        metric=metric,
        granularity=actual_granularity,
        start=start,
        end=end,
        value=Decimal("150"),
    )
    (judged,) = national.latest_actuals(year=2014)
    assert judged.status == expected
    assert judged.status == metrics_overview(plan=plan).get(metric.code).latest_status


def test_only_those_who_read_every_area_see_it(areas, client_for, assurer_client):
    officer = UserFactory(
        username="national-officer", roles=[permissions.OFFICER], areas=[areas[0]]
    )
    assert client_for(officer).get(URL).status_code == 403
    page = assurer_client.get(URL)
    assert page.status_code == 200
    assert reverse("submissions:national").encode() in page.content
    plan_page = client_for(officer).get(
        reverse("plans:plan_detail", args=[areas[0].plans.get().pk])
    )
    assert b"National view" not in plan_page.content


def test_the_page_shows_the_areas_totals_statuses_and_chart(areas, assurer_client):
    page = assurer_client.get(URL, {"year": YEAR})
    html = page.content.decode()
    for area in areas:
        assert area.name in html
    totals = national.totals(national.area_rows(year=YEAR))
    assert pounds(totals["agreed"]) in html
    chart = str(page.context["chart"])
    assert chart in html and "<svg" in chart and "<script" not in chart
    for metric in national.metrics_for(YEAR):
        assert metric.short_name in chart
    counts = page.context["counts"]
    assert sum(c.met for c in counts) == sum(
        1 for a in national.latest_actuals(year=YEAR) if a.status == calc.MET
    )
    statuses = page.context["statuses"]
    assert len(statuses.rows) == len(areas)


def test_the_tables_sort(areas, assurer_client):
    page = assurer_client.get(URL, {"year": YEAR, "areas-sort": "-agreed_total"})
    amounts = [row.record.agreed_total for row in page.context["areas"].rows]
    assert amounts == sorted(amounts, reverse=True)
    metric = national.metrics_for(YEAR)[0]
    page = assurer_client.get(URL, {"year": YEAR, "metrics-sort": f"metric_{metric.pk}"})
    column = [
        row.record.get(f"metric_{metric.pk}", calc.NO_DATA) for row in page.context["statuses"].rows
    ]
    assert column == sorted(column)


def test_the_tables_show_fifty_areas_a_page(areas, assurer_client, monkeypatch):
    monkeypatch.setattr("submissions.views.national.PER_PAGE", 3)
    first = assurer_client.get(URL, {"year": YEAR})
    second = assurer_client.get(URL, {"year": YEAR, "areas-page": 2, "metrics-page": 2})
    assert len(first.context["areas"].page.object_list) == 3
    assert len(second.context["areas"].page.object_list) == 1
    assert len(second.context["statuses"].page.object_list) == 1
    # Counted with the totals, not asked again: the pages are those of the four areas.
    assert second.context["areas"].paginator.num_pages == 2
    assert "Page 2 of 2" in second.content.decode()
    names = {r.record.area_name for t in (first, second) for r in t.context["areas"].page}
    assert names == {a.name for a in areas}
    assert second.context["totals"]["areas"] == 4  # the totals are of every area shown


def test_a_region_alone_shows_the_latest_year_there(areas, assurer_client):
    page = assurer_client.get(URL, {"region": areas[2].region})
    assert not page.context["form"].errors
    assert page.context["year"] == YEAR
    assert [row.record.area_name for row in page.context["areas"].rows] == [areas[2].name]


def test_a_bad_filter_is_named_and_the_latest_year_shown(areas, assurer_client):
    page = assurer_client.get(URL, {"year": "1999", "region": "Atlantis"})
    assert page.status_code == 200
    assert page.context["form"].errors.keys() == {"year", "region"}
    assert "Select a valid choice" in page.content.decode()
    assert page.context["year"] == YEAR


def test_the_areas_export_opens_in_a_spreadsheet(areas, assurer_client):
    response = assurer_client.get(URL, {"year": YEAR, "_export": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Area", "Region", "Plan status"]
    assert sorted(r[0] for r in rows[1:]) == sorted(a.name for a in areas)
    exported = {r[0]: r for r in rows[1:]}
    row = national.area_rows(year=YEAR).first()
    assert Decimal(exported[row.area_name][3]) == row.agreed_total


def test_queries_do_not_grow_with_the_number_of_areas(
    areas, assurer_client, django_assert_num_queries
):
    assurer_client.get(URL)  # the session and the user are read; the count is the page's
    cache.clear()  # computed, not reused
    with django_assert_num_queries(QUERIES):
        assurer_client.get(URL)
    with django_assert_num_queries(REUSED):
        assurer_client.get(URL)
    freshness._replace({freshness.NATIONAL})  # the page computed again, its summaries current
    with django_assert_num_queries(QUERIES - SUMMARIES_COMPUTED):
        assurer_client.get(URL)
    metrics, conditions = reference_data()
    for index in range(4, 8):
        generate_area(
            index,
            random.Random(index),
            first_year=YEAR,
            years=1,
            metrics=metrics,
            conditions=conditions,
            totals=Totals(),
            snapshots="none",
        )
    cache.clear()  # the generator writes in bulk, with no history to say the data changed
    with django_assert_num_queries(QUERIES):
        page = assurer_client.get(URL)
    assert page.context["totals"]["areas"] == 8


def test_the_page_is_reused_until_the_data_changes(
    areas, assurer_client, django_capture_on_commit_callbacks
):
    first = assurer_client.get(URL, {"year": YEAR})
    assert "totals" in first.context  # computed
    again = assurer_client.get(URL, {"year": YEAR})
    assert "totals" not in again.context  # reused
    assert _main(again) == _main(first)
    sorted_page = assurer_client.get(URL, {"year": YEAR, "areas-sort": "-agreed_total"})
    assert "totals" in sorted_page.context  # another sort is another page
    with django_capture_on_commit_callbacks(execute=True):
        plan_create(
            area=areas[0],
            title="A later version",
            first_year=YEAR,
            last_year=YEAR,
            version_kind=Plan.VersionKind.REFRESH,
            version_date=datetime.date(YEAR, 9, 1),
        )
    changed = assurer_client.get(URL, {"year": YEAR})
    assert "totals" in changed.context
    # The area's row is now its draft version's: no pooled budget yet.
    assert ">Draft</td>" in _main(changed) and ">Draft</td>" not in _main(first)
    assert changed.context["totals"]["areas"] == 4


def _main(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


# Session, user, roles; years and regions (one query); the plans shown with their summaries'
# versions (one query); summaries computed again (below); the summaries' totals (which count
# them for the pages), all of them in the table's order (its page, and the statuses); metric
# definitions.
QUERIES = 13
# Summaries of plans changed since: the kept ones locked, latest actuals ranked and judged,
# the plans' figures, saved.
SUMMARIES_COMPUTED = 5
# Reused: session, user, roles; years and regions (the filters make the page's key).
REUSED = 4


def test_an_area_with_no_return_this_year_says_so_and_exports_blank(areas, assurer_client):
    plan_create(
        area=areas[0],
        title="A later version",
        first_year=YEAR,
        last_year=YEAR,
        version_kind=Plan.VersionKind.REFRESH,
        version_date=datetime.date(YEAR, 9, 1),
    )
    assert "None this year" in _main(assurer_client.get(URL, {"year": YEAR}))
    exported = assurer_client.get(URL, {"year": YEAR, "_export": "csv"}).content.decode("utf-8-sig")
    rows = {r[0]: r for r in csv.reader(io.StringIO(exported))}
    assert rows[areas[0].name][-1] == ""
    assert rows[areas[1].name][-1].startswith("Q2 v1: ")


# Summaries kept for the national view -----------------------------------------------------


def test_each_summary_holds_what_its_plan_computes_to(areas):
    summaries = {s.plan_id: s for s in national.summaries(year=YEAR)}
    rows = list(national.area_rows(year=YEAR))
    assert sorted(summaries) == sorted(row.pk for row in rows)
    for row in rows:
        kept = summaries[row.pk]
        assert (kept.area_name, kept.agreed_total, kept.scheme_total, kept.return_status) == (
            row.area_name,
            row.agreed_total,
            row.scheme_total,
            row.return_status,
        )
    judged = {(a.plan_id, str(a.metric_id)): a.status for a in national.latest_actuals(year=YEAR)}
    assert {(p, m): st for p, s in summaries.items() for m, st in s.statuses.items()} == judged
    assert national.summaries_check() == []


def test_a_change_in_one_area_computes_only_that_areas_summary_again_at_its_commit(
    areas, django_capture_on_commit_callbacks
):
    assert national.summaries_bring_up_to_date() == {"2022/23": 4}
    assert national.summaries_bring_up_to_date() == {"2022/23": 0}
    before = {s.plan_id: s.computed_at for s in national.summaries(year=YEAR)}
    with django_capture_on_commit_callbacks(execute=True):
        later = plan_create(
            area=areas[0],
            title="A later version",
            first_year=YEAR,
            last_year=YEAR,
            version_kind=Plan.VersionKind.REFRESH,
            version_date=datetime.date(YEAR, 9, 1),
        )
    # Brought up to date by the commit itself (plans.freshness.changed), not by the job.
    assert national.summaries_bring_up_to_date() == {"2022/23": 0}
    after = {s.plan_id: s for s in national.summaries(year=YEAR)}
    assert after[later.pk].status == Plan.Status.DRAFT and after[later.pk].agreed_total is None
    unchanged = {p: s.computed_at for p, s in after.items() if p != later.pk}
    assert unchanged == {p: t for p, t in before.items() if p in unchanged}
    assert len(unchanged) == 3


def test_the_check_names_a_summary_that_disagrees_with_its_sources(areas):
    from django.core.management import CommandError, call_command

    from submissions.models import PlanSummary

    call_command("check_plan_summaries", "--refresh", stdout=io.StringIO())
    kept = PlanSummary.objects.order_by("area_name").first()
    PlanSummary.objects.filter(pk=kept.pk).update(scheme_total=Decimal("1.00"))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 differences"):
        call_command("check_plan_summaries", stdout=io.StringIO(), stderr=err)
    assert f"{kept.area_name} 2022/23 scheme_total: kept Decimal('1.00')" in err.getvalue()


def test_the_background_job_brings_the_summaries_up_to_date(areas):
    from submissions.tasks import refresh_plan_summaries

    assert refresh_plan_summaries.delay().get() == {"2022/23": 4}
    assert national.summaries_check() == []


def test_an_illustrative_plan_is_marked_and_left_out_of_the_totals(areas, assurer_client):
    before = national.totals(national.summaries(year=YEAR))
    marked = Plan.objects.filter(first_year=YEAR).order_by("area__name").first()
    # Generated plans are agreed (frozen): marked as the loader would have made it.
    Plan.objects.filter(pk=marked.pk).update(illustrative=True)
    marked.refresh_from_db()
    freshness.forget_all()  # as a commit would: every summary is computed again
    rows = {row.plan_id: row for row in national.summaries(year=YEAR)}
    assert rows[marked.pk].illustrative
    totals = national.totals(national.summaries(year=YEAR))
    assert (totals["areas"], totals["illustrative_areas"]) == (3, 1)
    assert totals["agreed"] == before["agreed"] - rows[marked.pk].agreed_total
    assert totals["schemes"] == before["schemes"] - rows[marked.pk].scheme_total
    cache.clear()
    page = assurer_client.get(URL).content.decode()
    assert page.count("data-illustrative") == 1
    assert "1 illustrative plan (sample data taken from no source) shown but left out" in page
    assert "Total of the areas shown (illustrative plans left out)" in page
    export = assurer_client.get(URL + "?_export=csv").content.decode()
    assert f"{marked.area.name} (Illustrative: not from a source, not in the totals)" in export


def test_an_area_without_a_metrics_status_reads_no_data_as_a_tag(areas, rf):
    from submissions.tables import MetricStatusTable

    metrics = national.metrics_for(YEAR)
    first, second = metrics[0], metrics[1]
    rows = [
        {"area": "Anywhere", "region": "North", "plan": 1, f"metric_{first.pk}": calc.MET},
        {"area": "Elsewhere", "region": "South", "plan": 2},
    ]
    table = MetricStatusTable(rows, metrics=metrics)
    html = table.as_html(rf.get(URL))
    assert "no_data" not in html
    assert html.count(calc.STATUS_LABELS[calc.NO_DATA]) == 2 * len(metrics) - 1
    assert [row.get_cell_value(f"metric_{second.pk}") for row in table.rows] == ["No data"] * 2


def test_after_a_save_the_national_view_reads_the_summaries_as_they_are(
    areas, assurer_client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """A save's commit brings its plan's summaries up to date (plans.freshness.changed):
    the national view computed after it reads them as they are, computing none."""
    from submissions import services as return_services
    from submissions.models import PlanSummary

    assurer_client.get(URL)
    plan = national.plans_for(year=YEAR).get(area=areas[0])
    before = PlanSummary.objects.get(plan=plan, year=YEAR)
    with django_capture_on_commit_callbacks(execute=True):  # a figure shown: its latest return
        return_services.return_get_or_create_draft(plan=plan, year=YEAR, quarter=4)
    after = PlanSummary.objects.get(plan=plan, year=YEAR)
    assert after.version != before.version
    assert after.version == freshness.versions(plans={plan.pk: plan.area_id})[plan.pk]
    with django_assert_num_queries(QUERIES - SUMMARIES_COMPUTED):
        assert "totals" in assurer_client.get(URL).context  # computed, not reused
    assert national.summaries_check() == []


def test_a_save_that_changes_no_summary_leaves_the_national_view_reused(
    areas, assurer_client, django_capture_on_commit_callbacks
):
    """A quarter's spend is not a figure of the national view: its save replaces its
    plan's token and brings its summary up to date, but the national view is reused."""
    from schemes import services as scheme_services

    first = assurer_client.get(URL, {"year": YEAR})
    plan = national.plans_for(year=YEAR).get(area=areas[0])
    scheme = plan.schemes.order_by("pk").first()
    mine = freshness.version(plans=[plan.pk])
    with django_capture_on_commit_callbacks(execute=True):
        scheme_services.quarter_spend_set(
            plan=plan, year=YEAR, quarter=2, rows={scheme.pk: (Decimal("1000.00"), Decimal("9"))}
        )
    assert freshness.version(plans=[plan.pk]) != mine
    again = assurer_client.get(URL, {"year": YEAR})
    assert "totals" not in again.context  # reused
    assert _main(again) == _main(first)
    assert national.summaries_check() == []


def test_a_save_that_changes_a_summary_shows_in_the_national_view_at_once(
    areas, assurer_client, django_capture_on_commit_callbacks
):
    from submissions import services as return_services

    assurer_client.get(URL, {"year": YEAR})
    plan = national.plans_for(year=YEAR).get(area=areas[0])
    with django_capture_on_commit_callbacks(execute=True):
        return_services.return_get_or_create_draft(plan=plan, year=YEAR, quarter=4)
    changed = assurer_client.get(URL, {"year": YEAR})
    assert "totals" in changed.context  # computed again
    row = next(r for r in changed.context["areas"].data.data if r.plan_id == plan.pk)
    assert (row.return_quarter, row.return_status) == (4, "draft")


def test_a_new_area_or_a_deleted_plan_shows_in_the_national_view_at_once(
    areas, assurer_client, django_capture_on_commit_callbacks
):
    from plans.services import area_create, delete_with_history

    assurer_client.get(URL, {"year": YEAR})
    with django_capture_on_commit_callbacks(execute=True):
        area_create(name="Newtown", code="E99000099", region="Far North")
    page = assurer_client.get(URL, {"year": YEAR})
    assert "totals" in page.context and "Far North" in page.content.decode()
    assert "totals" not in assurer_client.get(URL, {"year": YEAR}).context
    shown = national.plans_for(year=YEAR).get(area=areas[0])
    with django_capture_on_commit_callbacks(execute=True):
        later = plan_create(
            area=areas[0],
            title="A later version",
            first_year=YEAR,
            last_year=YEAR,
            version_kind=Plan.VersionKind.REFRESH,
            version_date=datetime.date(YEAR, 9, 1),
        )
    assert ">Draft</td>" in _main(assurer_client.get(URL, {"year": YEAR}))
    with django_capture_on_commit_callbacks(execute=True):
        delete_with_history(later)  # the area's row is its earlier version's again
    page = assurer_client.get(URL, {"year": YEAR})
    assert "totals" in page.context and ">Draft</td>" not in _main(page)
    assert [r.plan_id for r in page.context["areas"].data.data if r.area_name == areas[0].name] == [
        shown.pk
    ]


def test_the_filters_years_and_regions_are_read_in_one_query(areas, django_assert_num_queries):
    from plans.services import area_create

    area_create(name="An area with no region", code="E99999999", region="")
    with django_assert_num_queries(1):
        years, regions = national.years_and_regions()
    assert years == national.years() and [y.start_year for y in years] == [YEAR]
    assert regions == national.regions() == sorted({a.region for a in areas})
