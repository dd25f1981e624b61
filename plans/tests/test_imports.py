"""The one import page (plans/imports.py): a preview first, applied only when confirmed,
exactly as previewed; a blank cell never removes anything; the same file twice changes
nothing the second time."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from metrics.models import Actual
from risks import services as risk_services
from schemes import services as scheme_services
from schemes.models import Scheme, SchemeBudget, SchemeQuarterSpend
from tests.imports import confirm, preview, upload

pytestmark = pytest.mark.django_db

HEADER = "Scheme,Theme,New or existing,Protection of services,Metrics,2014/15 (£),2015/16 (£)\n"


def _url(plan, name="schemes:scheme_import", **kwargs):
    return reverse(name, kwargs={"pk": plan.pk, **kwargs})


def _state(plan):
    return sorted(
        (s.name, s.theme_id, s.status, s.protection, tuple(m.code for m in s.metrics.all()))
        + tuple(sorted((b.year, b.amount) for b in s.budgets.all()))
        for s in plan.schemes.all()
    )


def test_the_preview_shows_each_change_before_and_after_and_writes_nothing(
    client_for, officer, plan
):
    theme = plan.themes.get(name="Unified prevention").name
    content = (
        HEADER
        + 'Local area coordination,,,,,"£450,000",\n'
        + f"Falls service,{theme},New,,,1000,\n"
    ).encode()
    before = (_state(plan), Scheme.history.count(), SchemeBudget.history.count())
    page = preview(client_for(officer), _url(plan), "schemes.csv", content)
    shown = page.context["preview"]
    assert [r.label for r in shown.added] == ["Scheme “Falls service”"]
    assert [
        (r.label, [(c.column, c.before, c.after) for c in r.changes]) for r in shown.changed
    ] == [("Scheme “Local area coordination”", [("2014/15 (£)", "£400,000", "£450,000")])]
    assert len(shown.unchanged) == 0 and shown.removals == []
    html = page.content.decode()
    assert "1 to add, 1 to change, 0 unchanged" in html and "£400,000 → £450,000" in html
    assert (_state(plan), Scheme.history.count(), SchemeBudget.history.count()) == before


def test_a_blank_cell_keeps_the_value_and_none_clears_it(client_for, officer, plan):
    client = client_for(officer)
    scheme = plan.schemes.get(name="Integrated care teams")
    metrics = set(scheme.metrics.values_list("code", flat=True))
    # Every cell but the name blank: nothing is removed, nothing changes.
    page = preview(client, _url(plan), "s.csv", (HEADER + "Integrated care teams,,,,,,\n").encode())
    assert page.context["preview"].nothing_to_do
    assert "0 changed: the file matches the plan" in page.content.decode()
    assert set(scheme.metrics.values_list("code", flat=True)) == metrics
    # "none" clears the metrics and a year's budget, and the preview says so first.
    content = (HEADER + "Integrated care teams,,,,none,,none\n").encode()
    page = preview(client, _url(plan), "s.csv", content)
    removed = [(c.column, c.before) for _, c in page.context["preview"].removals]
    assert removed == [
        ("Metrics", "non-elective-admissions, delayed-transfers-of-care"),
        ("2015/16 (£)", "£3,000,000"),
    ]
    assert "Values that would be removed" in page.content.decode()
    assert confirm(client, _url(plan), page).status_code == 302
    scheme.refresh_from_db()
    assert not scheme.metrics.exists()
    assert {b.year for b in scheme.budgets.all()} == {2014}


def test_the_same_file_imported_twice_changes_nothing_the_second_time(client_for, officer, plan):
    client = client_for(officer)
    theme = plan.themes.first().name
    content = (
        HEADER
        + f"Falls service,{theme},New,Adult social care,1,5000,6000\n"
        + 'Assistive technology,,Existing,,,,"750,000.50"\n'
        + "Local area coordination,,,,,1,\n"
    ).encode()
    done = upload(client, _url(plan), "s.csv", content)
    assert done.status_code == 302
    page = client.get(done["Location"])
    assert "1 added, 2 changed, 0 unchanged schemes" in page.content.decode()
    history = (Scheme.history.count(), SchemeBudget.history.count())
    again = preview(client, _url(plan), "s.csv", content).context["preview"]
    assert (len(again.added), len(again.changed), len(again.unchanged)) == (0, 0, 3)
    assert (Scheme.history.count(), SchemeBudget.history.count()) == history


def test_a_change_made_between_preview_and_confirm_is_shown_again_and_nothing_is_written(
    client_for, officer, finance, plan
):
    content = (HEADER + "Local area coordination,,,,,500000,\n").encode()
    page = preview(client_for(officer), _url(plan), "s.csv", content)
    scheme = plan.schemes.get(name="Local area coordination")
    scheme_services.scheme_update(
        scheme=scheme, expected_version=None, budgets={2014: Decimal(420000)}, user=finance
    )
    again = confirm(client_for(officer), _url(plan), page)
    assert again.status_code == 200
    assert "the plan changed since the preview was shown" in again.content.decode()
    change = again.context["preview"].changed[0].changes[0]
    assert (change.before, change.after) == ("£420,000", "£500,000")
    assert scheme.budgets.get(year=2014).amount == Decimal(420000)
    # Confirming the new preview applies it.
    assert confirm(client_for(officer), _url(plan), again).status_code == 302
    assert scheme.budgets.get(year=2014).amount == Decimal(500000)


def test_one_bad_row_refuses_the_file_whole_naming_row_and_column(client_for, officer, plan):
    content = (HEADER + "Local area coordination,,,,,1,\nNew scheme,,New,,,,\n").encode()
    before = _state(plan)
    page = preview(client_for(officer), _url(plan), "s.csv", content)
    assert [(e.row, e.column) for e in page.context["cell_errors"]] == [(3, "Theme")]
    assert "Nothing was imported" in page.content.decode()
    assert "confirm" not in page.context
    assert _state(plan) == before


def test_a_preview_can_be_confirmed_only_by_whoever_uploaded_it(client_for, officer, finance, plan):
    content = (HEADER + "Local area coordination,,,,,1,\n").encode()
    page = preview(client_for(officer), _url(plan), "s.csv", content)
    refused = confirm(client_for(finance), _url(plan), page)
    assert refused.status_code == 302  # back to the upload, with a message
    assert plan.schemes.get(name="Local area coordination").budgets.get(year=2014).amount == (
        Decimal("400000.00")
    )
    before = _state(plan)
    forged = dict(page.context["confirm"].initial, token="0" * 64)
    assert client_for(officer).post(_url(plan), forged).status_code == 302
    assert _state(plan) == before
    assert confirm(client_for(officer), _url(plan), page).status_code == 302


def test_the_upload_page_states_how_cells_are_read(client_for, officer, plan):
    html = client_for(officer).get(_url(plan)).content.decode()
    assert "A blank cell leaves the value as it is" in html
    assert "To clear a value, type <strong>none</strong> in its cell" in html


def test_spend_blank_keeps_none_clears_and_twice_changes_nothing(client_for, finance, plan):
    url = _url(plan, "schemes:spend_import", year=2014, quarter=2)
    scheme = plan.schemes.get(name="Local area coordination")
    scheme_services.quarter_spend_set(
        plan=plan, year=2014, quarter=2, rows={scheme.pk: (Decimal(400000), Decimal(90000))}
    )
    content = (
        "Scheme,Forecast outturn (£),Actual spend in quarter (£)\n"
        'Local area coordination,,"£95,000"\n'
        "Integrated care teams,1500000,none\n"
    ).encode()
    client = client_for(finance)
    page = preview(client, url, "spend.csv", content)
    shown = page.context["preview"]
    assert [r.label for r in shown.added] == ["Scheme “Integrated care teams”, 2014/15 Q2"]
    assert [(c.before, c.after) for c in shown.changed[0].changes] == [("£90,000", "£95,000")]
    assert confirm(client, url, page).status_code == 302
    spend = SchemeQuarterSpend.objects.get(scheme=scheme, year=2014, quarter=2)
    assert (spend.forecast, spend.actual) == (Decimal(400000), Decimal(95000))
    assert preview(client, url, "spend.csv", content).context["preview"].nothing_to_do


def test_risks_and_actuals_imported_twice_change_nothing_the_second_time(client_for, officer, plan):
    risk_services.register_create(plan=plan, categories=["Delivery"])
    client = client_for(officer)
    risks = (
        b"Category,Description,Likelihood,Impact,Owner,Next review\n"
        b"Delivery,Workforce plans not integrated,4,4,LLR,2017-09-30\n"
    )
    assert upload(client, _url(plan, "risks:risk_import"), "r.csv", risks).status_code == 302
    blank_owner = risks.replace(b",LLR,", b",,")
    again = preview(client, _url(plan, "risks:risk_import"), "r.csv", blank_owner)
    assert again.context["preview"].nothing_to_do
    from metrics.models import MetricDefinition

    code = MetricDefinition.objects.get(number=1).code
    actuals = (
        "Metric,Kind of period,Period,Value,Numerator,Population,Provisional or final,Source\n"
        f"{code},Month,April 2014,,700,100000,Final,SUS\n"
    ).encode()
    url = _url(plan, "metrics:actual_import")
    assert upload(client, url, "a.csv", actuals).status_code == 302
    assert preview(client, url, "a.csv", actuals).context["preview"].nothing_to_do
    # A row for a known actual with its figures left blank keeps them and changes the stage.
    stage_only = actuals.replace(b",,700,100000,Final,", b",,,,Provisional,")
    shown = preview(client, url, "a.csv", stage_only).context["preview"]
    assert [(c.column, c.before, c.after) for c in shown.changed[0].changes] == [
        ("Provisional or final", "Final", "Provisional")
    ]
    actual = Actual.objects.get()
    assert (actual.numerator, actual.start) == (Decimal(700), datetime.date(2014, 4, 1))
