from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from schemes.models import SchemeQuarterSpend


def _url(name, plan):
    return reverse(f"schemes:{name}", kwargs={"pk": plan.pk, "year": 2015, "quarter": 2})


def test_finance_enters_forecast_and_actual_per_scheme_for_a_quarter(plan, finance, client_for):
    schemes = list(plan.schemes.order_by("pk"))
    data = {f"forecast_{s.pk}": "" for s in schemes} | {f"actual_{s.pk}": "" for s in schemes}
    data[f"forecast_{schemes[0].pk}"] = "1200000"
    data[f"actual_{schemes[0].pk}"] = "300000.50"
    response = client_for(finance).post(_url("spend_edit", plan), data)
    assert response.status_code == 302
    spend = SchemeQuarterSpend.objects.get()
    assert (spend.scheme, spend.forecast, spend.actual) == (
        schemes[0],
        Decimal("1200000"),
        Decimal("300000.50"),
    )
    data[f"actual_{schemes[1].pk}"] = "-5"
    refused = client_for(finance).post(_url("spend_edit", plan), data)
    assert refused.status_code == 200 and "cannot be negative" in refused.content.decode()
    assert SchemeQuarterSpend.objects.count() == 1


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
    upload = SimpleUploadedFile("spend.csv", good.encode(), content_type="text/csv")
    assert client_for(officer).post(_url("spend_import", plan), {"file": upload}).status_code == 302
    assert SchemeQuarterSpend.objects.count() == 2


def _loaded_form_data(client, plan):
    """What the spend form holds as a person opens it, hidden versions included."""
    form = client.get(_url("spend_edit", plan)).context["form"]
    return {name: ("" if value is None else str(value)) for name, value in form.initial.items()} | {
        name: "" for name in form.fields if name not in form.initial
    }


def test_a_save_from_an_old_copy_of_the_quarter_is_refused(plan, finance, officer, client_for):
    first, second = client_for(finance), client_for(officer)
    scheme = plan.schemes.order_by("pk").first()
    mine, theirs = _loaded_form_data(first, plan), _loaded_form_data(second, plan)
    mine[f"forecast_{scheme.pk}"] = "1000"
    assert first.post(_url("spend_edit", plan), mine).status_code == 302
    theirs[f"forecast_{scheme.pk}"] = "2000"
    response = second.post(_url("spend_edit", plan), theirs)
    assert response.status_code == 200
    assert "Someone else saved this record" in response.content.decode()
    assert SchemeQuarterSpend.objects.get().forecast == Decimal("1000")
    # Reloaded, the second person's save goes through.
    again = _loaded_form_data(second, plan) | {f"forecast_{scheme.pk}": "2000"}
    assert second.post(_url("spend_edit", plan), again).status_code == 302
    assert SchemeQuarterSpend.objects.get().forecast == Decimal("2000")
