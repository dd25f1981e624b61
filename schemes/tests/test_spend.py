from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.money import format_money_input, format_pounds
from schemes import services
from schemes.models import SchemeBudget, SchemeQuarterSpend
from schemes.selectors import spend_grid_data
from tests.imports import upload as import_file


def _url(name, plan):
    return reverse(f"schemes:{name}", kwargs={"pk": plan.pk, "year": 2015, "quarter": 2})


def _loaded(plan, year=2015, quarter=2) -> dict:
    """What the spend grid holds as a person opens it: each box and its hidden twin."""
    data = spend_grid_data(plan=plan, year=year, quarter=quarter)
    fields = {}
    for scheme_id, column in data.cell_keys():
        shown = format_money_input(data.stored.get((scheme_id, column)))
        fields[f"s-{scheme_id}-{column}"] = fields[f"s-{scheme_id}-{column}-was"] = shown
    return fields


def test_finance_enters_forecast_and_actual_per_scheme_for_a_quarter(plan, finance, client_for):
    schemes = list(plan.schemes.order_by("pk"))
    data = _loaded(plan)
    data[f"s-{schemes[0].pk}-forecast"] = "£1,200,000"
    data[f"s-{schemes[0].pk}-actual"] = "300000.50"
    response = client_for(finance).post(_url("spend_edit", plan), data)
    assert response.status_code == 302
    spend = SchemeQuarterSpend.objects.get()
    assert (spend.scheme, spend.forecast, spend.actual) == (
        schemes[0],
        Decimal("1200000"),
        Decimal("300000.50"),
    )
    assert spend.history.count() == 1  # one scheme's quarter: one recorded change
    data = _loaded(plan)
    data[f"s-{schemes[1].pk}-actual"] = "-5"
    refused = client_for(finance).post(_url("spend_edit", plan), data)
    assert refused.status_code == 200 and "cannot be negative" in refused.content.decode()
    assert SchemeQuarterSpend.objects.count() == 1


def test_the_grid_shows_budget_actual_to_date_variance_and_totals(plan, finance, client_for):
    scheme = plan.schemes.get(name="Local area coordination")  # 2015/16 budget £1,200,000
    services.spend_grid_save(
        plan=plan, year=2015, quarter=1, cells={(scheme.pk, "actual"): (None, Decimal(100000))}
    )
    data = _loaded(plan)
    data[f"s-{scheme.pk}-forecast"] = "£1,250,000"
    data[f"s-{scheme.pk}-actual"] = "£200,000"
    page = client_for(finance).post(_url("spend_totals", plan), data).content.decode()
    assert f'id="ytd-{scheme.pk}" hx-swap-oob="true">£300,000<' in page
    assert f'id="variance-{scheme.pk}" hx-swap-oob="true">£50,000<' in page
    assert "Total of all schemes" in page
    assert SchemeQuarterSpend.objects.filter(quarter=2).count() == 0  # nothing saved
    grid = client_for(finance).get(_url("spend_edit", plan)).content.decode()
    budgets = sum(b.amount for b in SchemeBudget.objects.filter(scheme__plan=plan, year=2015))
    assert format_pounds(budgets) in grid


def test_a_cell_changed_meanwhile_is_refused_not_overwritten(plan, finance, officer, client_for):
    scheme = plan.schemes.order_by("pk").first()
    mine, theirs = _loaded(plan), _loaded(plan)
    theirs[f"s-{scheme.pk}-forecast"] = "2000"
    assert client_for(officer).post(_url("spend_edit", plan), theirs).status_code == 302
    mine[f"s-{scheme.pk}-forecast"] = "1000"
    response = client_for(finance).post(_url("spend_edit", plan), mine)
    assert response.status_code == 200
    assert "Someone else changed this to £2,000" in response.content.decode()
    assert SchemeQuarterSpend.objects.get().forecast == Decimal("2000")


def test_the_spend_grid_makes_the_same_queries_for_4_or_24_schemes(plan, finance, client_for):
    client = client_for(finance)
    client.get(_url("spend_edit", plan))
    theme = plan.themes.first()

    def count():
        with CaptureQueriesContext(connection) as context:
            assert client.get(_url("spend_edit", plan)).status_code == 200
        return len(context)

    few = count()
    for number in range(20):
        services.scheme_create(plan=plan, theme=theme, name=f"Extra {number}", status="new")
    assert count() == few


def test_the_plan_navigation_leads_to_the_current_quarter(plan, finance, client_for):
    response = client_for(finance).get(reverse("schemes:spend_index", kwargs={"pk": plan.pk}))
    assert response.status_code == 302
    assert response["Location"].startswith(f"/plans/{plan.pk}/spend/2014/1/")


def test_a_spend_spreadsheet_with_a_bad_cell_imports_nothing(plan, officer, client_for):
    names = [s.name for s in plan.schemes.order_by("pk")]
    good = (
        "Scheme,Forecast outturn (£),Actual spend in quarter (£)\n"
        f"{names[0]},1000,250\n{names[1]},2000,\n"
    )
    bad = good + "No such scheme,1,1\n" + f"{names[2]},lots,1\n"
    upload = SimpleUploadedFile("spend.csv", bad.encode(), content_type="text/csv")
    page = client_for(officer).post(_url("spend_import", plan), {"file": upload})
    text = page.content.decode()
    assert page.status_code == 200 and "Nothing was imported" in text
    assert "Use the name of one of this plan" in text
    assert "Enter an amount in pounds, like £1,234" in text
    assert not SchemeQuarterSpend.objects.exists()
    page = import_file(client_for(officer), _url("spend_import", plan), "spend.csv", good.encode())
    assert page.status_code == 302
    assert SchemeQuarterSpend.objects.count() == 2
