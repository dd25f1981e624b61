"""The budget grid: every scheme × year on one page, totals by theme and year and the
reconciliation from what is typed, one recorded change per changed cell, a cell changed
meanwhile by someone else refused, and a constant number of queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.money import format_money_input
from schemes import services
from schemes.models import Scheme, SchemeBudget
from schemes.selectors import budget_grid_data, plan_budget_summary


def _url(plan, name="budget_grid"):
    return reverse(f"schemes:{name}", kwargs={"pk": plan.pk})


def _loaded(plan) -> dict:
    """What the grid's form holds as the page opens: every box and its hidden twin."""
    data = {}
    grid = budget_grid_data(plan=plan)
    for scheme_id, year in grid.cell_keys():
        shown = format_money_input(grid.budgets.get((scheme_id, year)))
        data[f"b-{scheme_id}-{year}"] = shown
        data[f"b-{scheme_id}-{year}-was"] = shown
    return data


def _cell(plan, name, year):
    return f"b-{plan.schemes.get(name=name).pk}-{year}"


def test_the_grid_shows_every_scheme_and_year_with_the_plans_totals(client_for, officer, plan):
    page = client_for(officer).get(_url(plan)).content.decode()
    for scheme in plan.schemes.all():
        assert scheme.name in page
    assert 'value="£1,200,000"' in page  # Local area coordination, 2015/16
    for year in plan_budget_summary(plan=plan):
        total = f"£{year.schemes_total:,.0f}" if year.schemes_total % 1 == 0 else None
        assert total is None or total in page


def test_saving_writes_only_the_changed_cells_each_as_one_recorded_change(
    client_for, finance, plan
):
    data = _loaded(plan)
    data[_cell(plan, "Local area coordination", 2014)] = "£450,000"
    data[_cell(plan, "Assistive technology", 2014)] = "1,234.5"
    data[_cell(plan, "Integrated care teams", 2015)] = "-"
    before = SchemeBudget.history.count()
    response = client_for(finance).post(_url(plan), data)
    assert response.status_code == 302
    assert SchemeBudget.history.count() == before + 3
    amounts = {(b.scheme.name, b.year): b.amount for b in SchemeBudget.objects.all()}
    assert amounts[("Local area coordination", 2014)] == Decimal("450000.00")
    assert amounts[("Assistive technology", 2014)] == Decimal("1234.50")
    assert ("Integrated care teams", 2015) not in amounts
    latest = SchemeBudget.history.order_by("-history_id").first()
    assert latest.history_user == finance


def test_a_cell_changed_meanwhile_by_someone_else_is_refused_not_overwritten(
    client_for, officer, finance, plan
):
    mine = _loaded(plan)
    key = _cell(plan, "Local area coordination", 2014)
    mine[key] = "£500,000"
    mine[_cell(plan, "Assistive technology", 2014)] = "£10"
    theirs = _loaded(plan)
    theirs[key] = "£600,000"
    assert client_for(officer).post(_url(plan), theirs).status_code == 302
    response = client_for(finance).post(_url(plan), mine)
    page = response.content.decode()
    assert response.status_code == 200
    assert "someone else changed this to £600,000" in page.lower()
    assert 'value="£500,000"' in page  # what I typed is kept
    budgets = SchemeBudget.objects.filter(scheme__plan=plan)
    assert budgets.get(scheme__name="Local area coordination", year=2014).amount == 600000
    assert not budgets.filter(scheme__name="Assistive technology", year=2014).exists()
    # Having seen their amount, saving again keeps mine.
    again = dict(mine)
    again[f"{key}-was"] = "£600,000"
    assert client_for(finance).post(_url(plan), again).status_code == 302
    assert budgets.get(scheme__name="Local area coordination", year=2014).amount == 500000


def test_a_bad_cell_saves_nothing_and_keeps_what_was_typed(client_for, officer, plan):
    data = _loaded(plan)
    data[_cell(plan, "Local area coordination", 2014)] = "£450,000"
    data[_cell(plan, "Assistive technology", 2014)] = "lots"
    data[_cell(plan, "Integrated care teams", 2014)] = "(5)"
    before = SchemeBudget.history.count()
    response = client_for(officer).post(_url(plan), data)
    page = response.content.decode()
    assert "Enter an amount in pounds" in page and "cannot be negative" in page
    assert 'value="lots"' in page and 'value="£450,000"' in page
    assert SchemeBudget.history.count() == before


def test_totals_follow_what_is_typed_without_saving(client_for, officer, plan):
    data = _loaded(plan)
    data[_cell(plan, "Assistive technology", 2014)] = "£1,000,000"
    before = SchemeBudget.history.count()
    totals = client_for(officer).post(_url(plan, "budget_grid_totals"), data)
    assert totals.status_code == 200
    fragment = totals.content.decode()
    summary = {y.year.start_year: y for y in plan_budget_summary(plan=plan)}
    expected = summary[2014].schemes_total + 1_000_000
    assert f"£{expected:,.0f}" in fragment
    assert 'hx-swap-oob="true"' in fragment
    recalculated = client_for(officer).post(_url(plan), {**data, "recalculate": ""})
    assert f"£{expected:,.0f}" in recalculated.content.decode()
    assert SchemeBudget.history.count() == before


def test_readers_see_the_grid_without_boxes_and_cannot_post(client_for, board, plan):
    page = client_for(board).get(_url(plan)).content.decode()
    assert "£1,200,000" in page and 'name="b-' not in page
    assert client_for(board).post(_url(plan), _loaded(plan)).status_code == 403
    assert client_for(board).post(_url(plan, "budget_grid_totals"), {}).status_code == 403


def test_a_submitted_plan_takes_no_budget_change(client_for, officer, plan):
    plan.status = plan.Status.SUBMITTED
    plan.save()
    assert client_for(officer).post(_url(plan), _loaded(plan)).status_code == 403
    with pytest.raises(Exception, match="no longer changes"):
        services.budget_grid_save(plan=plan, cells={(1, 2014): (None, Decimal(1))})


def _add_schemes(plan, count):
    theme = plan.themes.first()
    for number in range(count):
        services.scheme_create(
            plan=plan,
            theme=theme,
            name=f"Extra scheme {number}",
            status=Scheme.Status.NEW,
            budgets={2014: Decimal(1000 + number), 2015: Decimal(2000 + number)},
        )


def _queries(client, method, url, data=None):
    with CaptureQueriesContext(connection) as context:
        response = getattr(client, method)(url, data) if data is not None else client.get(url)
        assert response.status_code in (200, 302)
    return len(context)


def test_the_grid_makes_the_same_number_of_queries_for_4_or_40_schemes(client_for, officer, plan):
    client = client_for(officer)
    client.get(_url(plan))  # the session and the user's roles, once
    few = (
        _queries(client, "get", _url(plan)),
        _queries(client, "post", _url(plan, "budget_grid_totals"), _loaded(plan)),
        _queries(client, "post", _url(plan), {**_loaded(plan), "recalculate": ""}),
    )
    _add_schemes(plan, 36)
    many = (
        _queries(client, "get", _url(plan)),
        _queries(client, "post", _url(plan, "budget_grid_totals"), _loaded(plan)),
        _queries(client, "post", _url(plan), {**_loaded(plan), "recalculate": ""}),
    )
    assert few == many
    assert few[0] <= 12
