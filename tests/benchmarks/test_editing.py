"""Editing at spreadsheet speed: the budget grid of a plan of about 50 schemes, as its page
(GET), as the totals that follow the typing (the htmx post) and as a save of every cell,
with its query count the same for the smallest and the largest plan."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.urls import reverse

from tests.benchmarks.test_benchmarks import (
    BARE,
    QueryCounter,
    _client_for,
    _page,
    _smallest_and_largest,
    _stats,
)

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.benchmarks.urls")]

N = 20
TARGET_MS = 150


@pytest.fixture
def draft_plans(bench_plan):
    """The bench plan and the smallest and largest plans of its year as drafts, for this
    test only (its transaction is rolled back): the generated plans are all agreed, and an
    agreed plan takes no edits. Bulk updates, as the dataset itself is written."""
    from plans.models import Plan

    plans = [bench_plan, *_smallest_and_largest(bench_plan.first_year).values()]
    Plan.objects.filter(pk__in=[p.pk for p in plans]).update(
        status=Plan.Status.DRAFT, agreed_on=None, submitted_on=None, assured_on=None
    )
    bench_plan.refresh_from_db()
    return bench_plan


def _grid_form(plan) -> dict:
    from plans.money import format_money_input
    from schemes.selectors import budget_grid_data

    grid = budget_grid_data(plan=plan)
    data = {}
    for scheme_id, year in grid.cell_keys():
        shown = format_money_input(grid.budgets.get((scheme_id, year)))
        data[f"b-{scheme_id}-{year}"] = data[f"b-{scheme_id}-{year}-was"] = shown
    return data


def _time_post(client, url: str, data: dict) -> tuple[dict, int]:
    client.post(url, data)
    queries = QueryCounter()
    with connection.execute_wrapper(queries):
        assert client.post(url, data).status_code == 200
    samples = []
    for _ in range(N):
        started = time.perf_counter()
        client.post(url, data)
        samples.append(time.perf_counter() - started)
    return _stats(samples), queries.count


def test_budget_grid(draft_plans, record):
    bench_plan = draft_plans
    client = _client_for(None)
    client.force_login(_officer_of(bench_plan))
    if not BARE:
        BARE.update(_page(client, record, "bare_page", reverse("bench_bare")))
    url = reverse("schemes:budget_grid", args=[bench_plan.pk])
    figures = _page(client, record, "budget_grid", url)
    figures["schemes"] = bench_plan.schemes.count()
    figures["cells"] = figures["schemes"] * len(bench_plan.years)
    counts = {}
    for label, plan in _smallest_and_largest(bench_plan.first_year).items():
        other = _client_for(plan)
        other.force_login(_officer_of(plan))
        page = reverse("schemes:budget_grid", args=[plan.pk])
        other.get(page)
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            assert other.get(page).status_code == 200
        counts[f"{label} ({plan.schemes.count()} schemes)"] = counter.count
    figures["queries_smallest_largest_plan"] = counts
    figures["queries_constant"] = len(set(counts.values())) == 1
    assert figures["queries_constant"], counts
    record("budget_grid", **figures)
    print(f"  query counts, smallest and largest plan: {counts}")

    data = _grid_form(bench_plan)
    totals_url = reverse("schemes:budget_grid_totals", args=[bench_plan.pk])
    totals, queries = _time_post(client, totals_url, data)
    totals.update(queries=queries, meets_150ms=totals["median_ms"] < TARGET_MS)
    record("budget_grid_totals", **totals)
    print(f"\nbudget_grid_totals: {totals}")
    # A save of the whole grid in which every cell was retyped to what it holds: every cell
    # read, checked and compared, nothing written.
    saved, queries = _time_post(client, url, {**data, "recalculate": ""})
    saved.update(queries=queries, meets_150ms=saved["median_ms"] < TARGET_MS)
    record("budget_grid_post", **saved)
    print(f"\nbudget_grid_post (recalculate): {saved}")


def _officer_of(plan):
    """A programme officer of the plan's area (made once), so the grid shows its boxes."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from plans import permissions
    from plans.models import Membership

    user, _ = get_user_model().objects.get_or_create(username=f"bench-officer-{plan.area_id}")
    user.groups.set([Group.objects.get_or_create(name=permissions.OFFICER)[0]])
    Membership.objects.get_or_create(user=user, area_id=plan.area_id)
    return user


IMPORT_ROWS = 500
PREVIEW_TARGET_MS = 2000


def _schemes_file(plan, rows: int = IMPORT_ROWS) -> bytes:
    """A schemes spreadsheet of `rows` rows for the plan: every existing scheme with each
    year's budget changed, then new schemes to make up the number."""
    import csv
    import io

    years = plan.years
    themes = [t.name for t in plan.themes.all()]
    names = [s.name for s in plan.schemes.all()]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Scheme", "Theme", "New or existing", *[f"{y.label} (£)" for y in years]])
    for number in range(rows):
        amounts = [f"£{1000 * (number + 1) + year.start_year:,}" for year in years]
        if number < len(names):
            writer.writerow([names[number], "", "", *amounts])
        else:
            theme = themes[number % len(themes)]
            writer.writerow([f"Imported scheme {number}", theme, "New", *amounts])
    return buffer.getvalue().encode()


def test_import_preview_of_500_rows(draft_plans, record):
    """The schemes import's preview (upload, read, check every cell, compare with the plan,
    keep the file): what a person waits for before confirming. Nothing is applied."""
    bench_plan = draft_plans
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = _client_for(None)
    client.force_login(_officer_of(bench_plan))
    url = reverse("schemes:scheme_import", args=[bench_plan.pk])
    content = _schemes_file(bench_plan)

    def post():
        response = client.post(url, {"file": SimpleUploadedFile("schemes.csv", content)})
        assert response.status_code == 200
        return response

    shown = post().context["preview"]
    assert not shown.errors and len(shown.rows) == IMPORT_ROWS
    queries = QueryCounter()
    with connection.execute_wrapper(queries):
        post()
    samples = []
    for _ in range(N // 2):
        started = time.perf_counter()
        post()
        samples.append(time.perf_counter() - started)
    figures = _stats(samples)
    figures.update(
        rows=IMPORT_ROWS,
        added=len(shown.added),
        changed=len(shown.changed),
        bytes=len(content),
        queries=queries.count,
        target_ms=PREVIEW_TARGET_MS,
        meets_target=figures["median_ms"] < PREVIEW_TARGET_MS,
    )
    record("import_preview_500_rows", **figures)
    print(f"\nimport_preview_500_rows: {figures}")
