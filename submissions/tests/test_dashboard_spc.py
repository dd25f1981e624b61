"""The dashboard's SPC is the metric page's computation on the actuals known at the end of
its quarter: a past quarter reads as it did then, with its run length and rebases."""

import datetime
from decimal import Decimal

from metrics import services as metric_services
from metrics.models import Actual, MetricDefinition
from submissions import selectors

STEADY = (700, 710, 705, 715, 700, 710, 705, 712, 702, 708, 706, 711, 703, 709, 704)


def _months(plan, metric, values):
    for n, value in enumerate(values):
        year, month = 2014 + (3 + n) // 12, (3 + n) % 12 + 1
        start = datetime.date(year, month, 1)
        end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        metric_services.actual_create(
            plan=plan, metric=metric, granularity="month", start=start, end=end, value=value
        )


def _row(plan, year, quarter):
    data = selectors.dashboard(plan=plan, year=year, quarter=quarter)
    return next(m for m in data["metrics"] if m["code"] == "non-elective-admissions")


def test_a_past_quarter_reads_its_spc_from_the_points_known_then(plan, officer):
    metric = MetricDefinition.objects.get(code="non-elective-admissions")
    _months(plan, metric, [Decimal(v) for v in STEADY])  # April 2014 to June 2015
    then = _row(plan, 2014, 3)  # to December 2014: nine points
    assert then["variation"] == then["assurance"] == "too_few_points"
    assert then["variation_label"] == "Too few points for SPC: 9 of the 13 needed"
    now = _row(plan, 2015, 1)
    assert now["variation"] == "common_cause" and now["spc_run_length"] == 7
    assert now["spc_rebases"] == []


def test_the_dashboard_lists_the_rebases_its_limits_start_from(plan, officer):
    metric = MetricDefinition.objects.get(code="non-elective-admissions")
    _months(plan, metric, [Decimal(v) for v in (*STEADY[:2], *STEADY)])
    second = Actual.objects.get(plan=plan, metric=metric, start=datetime.date(2014, 6, 1))
    metric_services.spc_rebase_create(actual=second, reason="New service", user=officer)
    row = _row(plan, 2015, 2)
    assert row["spc_rebases"] == [
        {"period": "June 2014", "reason": "New service", "recorded_by": officer.get_full_name()}
    ]
    assert row["variation"] == "common_cause"  # 15 points since June 2014


# Twelve steady months, then eight well above: a shift. More admissions are worse, so the
# eight high points are special cause, concerning; the twelve low ones, a run below the
# mean as long, special cause, improving (Making Data Count reads both sides).
SHIFTED = (*STEADY[:12], 790, 795, 800, 798, 805, 802, 799, 803)


def test_the_small_chart_marks_each_special_cause_point_and_its_table_names_the_signal(
    plan, officer, client
):
    from bs4 import BeautifulSoup
    from django.urls import reverse

    metric = MetricDefinition.objects.get(code="non-elective-admissions")
    assert metric.direction == "lower"
    _months(plan, metric, [Decimal(v) for v in SHIFTED])  # April 2014 to November 2015
    row = _row(plan, 2015, 3)
    actuals = [p for p in row["series"] if p["actual"] is not None]
    assert len(actuals) == len(SHIFTED)
    high = [p for p in actuals if p["actual"] >= 790]
    low = [p for p in actuals if p["actual"] < 790]
    assert {p["signal"] for p in high} == {"special_cause_concerning"}
    assert {p["signal"] for p in low} == {"special_cause_improving"}
    assert all(p["signal_label"].startswith("Concerning: ") for p in high)
    assert "shift" in high[-1]["signal_label"]
    assert not any(p["signal"] for p in row["series"] if p["actual"] is None)

    client.force_login(officer)
    page = client.get(
        reverse("submissions:dashboard", args=[plan.pk]), {"year": "2015/16", "quarter": 3}
    )
    soup = BeautifulSoup(page.content, "html.parser")
    figure = soup.select_one('[data-metric-chart="non-elective-admissions"]')
    svg = str(figure.select_one("svg"))
    assert "Special cause: concerning" in svg  # the marked points' series, in the legend
    assert "#ed8b00" in svg  # Making Data Count's orange
    assert "#41b6e6" in svg and "Special cause: improving" in svg
    legend = " ".join(figure.select_one("[data-signal-legend]").get_text(" ", strip=True).split())
    assert legend == (
        f"Marked: {len(low)} points of special cause: improving (light blue dots); "
        f"{len(high)} points of special cause: concerning (orange dots)."
    )
    cells = {
        tr.find_all("td")[0].get_text(strip=True): tr.select_one("[data-signal]")
        for tr in figure.select("tbody tr")
    }
    for point in row["series"]:
        cell = cells[point["period"]]
        assert cell["data-signal"] == point["signal"]
        assert cell.get_text(strip=True) == (point["signal_label"] or "–")


def test_a_chart_with_no_signal_says_so_in_words(plan, officer, client):
    from bs4 import BeautifulSoup
    from django.urls import reverse

    metric = MetricDefinition.objects.get(code="non-elective-admissions")
    _months(plan, metric, [Decimal(v) for v in STEADY])
    client.force_login(officer)
    page = client.get(
        reverse("submissions:dashboard", args=[plan.pk]), {"year": "2015/16", "quarter": 1}
    )
    figure = BeautifulSoup(page.content, "html.parser").select_one(
        '[data-metric-chart="non-elective-admissions"]'
    )
    assert "Special cause" not in str(figure.select_one("svg"))
    assert figure.select_one("[data-signal-legend]").get_text(strip=True) == (
        "No special-cause point in these periods."
    )
