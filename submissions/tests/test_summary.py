"""The dashboard's summary band and money chart, read from the quarter's figures."""

from decimal import Decimal

from bs4 import BeautifulSoup

from submissions import summary

FIGURES = {
    "metrics": [
        {"quarter": {"status": "met"}, "year_to_date": None},
        {"quarter": None, "year_to_date": {"status": "not_met"}},
        {"quarter": {"status": "no_data"}, "year_to_date": {"status": "met"}},
        {"quarter": None, "year_to_date": None},
    ],
    "finance": {
        "variance": "700000.00",
        "themes": [
            {"name": "Unified prevention", "plan": "1250000", "forecast": "1200000.50"},
            {"name": "Integrated care", "plan": "4900000", "forecast": None},
        ],
    },
    "conditions": [{"status": "met"}, {"status": "in_progress"}, {"status": None}],
    "risks": {
        "top": [{"residual_band": "high"}, {"residual_band": "low"}],
        "overdue": [{"id": 1}],
    },
    "actions": [{"overdue": True}, {"overdue": False}],
}


def test_the_band_counts_what_the_figures_below_it_show():
    band = summary.summary(FIGURES)
    assert band["metrics"] == {"on_track": 2, "judged": 3, "total": 4}
    assert band["money"] == {"headline": "£700,000 under plan", "variance": Decimal("700000")}
    assert band["conditions"]["met"] == 1 and band["conditions"]["in_progress"] == 1
    assert band["conditions"]["not_reported"] == 1
    assert band["risks"] == {"high": 1, "overdue": 1}
    assert band["actions"] == {"overdue": 1, "due": 2}


def test_an_overspend_and_no_forecast_read_as_such():
    over = summary.summary({"finance": {"variance": "-1234"}})
    assert over["money"]["headline"] == "£1,234 over plan"
    assert summary.summary({})["money"]["headline"] == "No forecast yet"


def test_the_money_chart_is_svg_with_no_script_and_names_each_theme():
    svg = BeautifulSoup(str(summary.money_chart(FIGURES)), "html.parser")
    assert svg.find("svg") is not None and svg.find("script") is None
    text = svg.get_text(" ")
    assert "Unified prevention" in text and "Integrated care" in text
    assert "£1,200,000.50" in text  # the bars' values are written as money


def test_a_metric_chart_draws_its_series_with_values_at_the_units_precision():
    metric = {
        "unit": "percentage",
        "series": [
            {"period": "2016/17 Q1", "target": "84.2", "actual": None},
            {"period": "2016/17 Q2", "target": "84.2", "actual": "87.0000"},
        ],
    }
    svg = BeautifulSoup(str(summary.metric_chart(metric)), "html.parser")
    assert svg.find("script") is None
    assert "87.0%" in svg.get_text(" ") and "87.0000" not in svg.get_text(" ")
    assert summary.metric_chart({"series": []}) == ""


def test_charts_kept_by_what_they_draw_show_every_figure_changed():
    """A chart is kept per process by the figures it draws: the same figures give the same
    markup; any figure, period, signal, unit or theme changed gives the chart of the new
    figures, as drawing it afresh does."""
    metric = {
        "unit": "count",
        "code": "admissions",
        "series": [
            {"period": "2016/17 Q1", "target": "120", "actual": "118", "signal": None},
            {"period": "2016/17 Q2", "target": "120", "actual": "131", "signal": None},
        ],
    }
    assert summary.metric_chart(metric) is summary.metric_chart(dict(metric))
    changes = (
        {"unit": "percentage"},
        {"code": "delays"},
        {"series": [metric["series"][0], metric["series"][1] | {"actual": "137"}]},
        {"series": [metric["series"][0], metric["series"][1] | {"target": "125"}]},
        {"series": [metric["series"][0], metric["series"][1] | {"period": "2016/17 Q3"}]},
        {
            "series": [
                metric["series"][0],
                metric["series"][1] | {"signal": "special_cause_improving"},
            ]
        },
    )
    for change in changes:
        changed = metric | change
        kept = summary.metric_chart(changed)
        assert kept != summary.metric_chart(metric)
        assert kept == summary._metric_chart(  # drawn afresh
            changed.get("unit"),
            changed.get("code") or "",
            tuple(
                (p["period"], p.get("target"), p.get("actual"), p.get("signal"))
                for p in changed["series"]
            ),
        )
    money = summary.money_chart(FIGURES)
    themes = [FIGURES["finance"]["themes"][0] | {"actual_to_date": "5"}]
    assert summary.money_chart({"finance": {"themes": themes}}) != money
    assert "£5" in BeautifulSoup(
        str(summary.money_chart({"finance": {"themes": themes}})), "html.parser"
    ).get_text(" ")
