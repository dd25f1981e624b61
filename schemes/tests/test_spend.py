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
    assert "Enter the amount as a number of pounds" in text
    assert not SchemeQuarterSpend.objects.exists()
    upload = SimpleUploadedFile("spend.csv", good.encode(), content_type="text/csv")
    assert client_for(officer).post(_url("spend_import", plan), {"file": upload}).status_code == 302
    assert SchemeQuarterSpend.objects.count() == 2
