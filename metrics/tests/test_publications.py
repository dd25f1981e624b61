"""National publications imported for every area: the files in metrics/tests/publications/
(the published layouts, no network) read, compared with the plans, and applied through
metrics.services.publication_import, all or nothing, revisions kept."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from metrics import publications, services
from metrics.models import Actual, ActualRevision, Layout, MetricDefinition, Publication
from metrics.publications import PeriodNotHeld, fingertips_period, nhs_period
from tests.factories import AreaFactory, MetricDefinitionFactory, PlanFactory, UserFactory

FILES = Path(__file__).parent / "publications"


def content(name: str) -> bytes:
    return (FILES / name).read_bytes()


@pytest.fixture
def national(db):
    """Two areas with the ONS codes the files use, each with a plan for 2014/15–2015/16, and
    the falls metric mapped to Fingertips' indicator 22401 (as the 2023-25 pack maps it)."""
    leicestershire = AreaFactory(name="Leicestershire", code="E10000018")
    rutland = AreaFactory(name="Rutland", code="E06000017")
    falls = MetricDefinitionFactory(
        code="falls-admissions-65-dsr",
        short_name="Falls admissions (65+)",
        unit=MetricDefinition.Unit.AGE_STANDARDISED,
    )
    delays = MetricDefinitionFactory(
        code="delayed-transfers", short_name="Delayed transfers", unit="count"
    )
    services.national_indicators_set(metric=falls, indicators=[(Layout.FINGERTIPS, "22401")])
    services.national_indicators_set(metric=delays, indicators=[(Layout.NHS_MONTHLY, "DTOC01")])
    return {
        "leicestershire": PlanFactory(area=leicestershire),
        "rutland": PlanFactory(area=rutland),
        "falls": falls,
        "delays": delays,
        "admin": UserFactory(username="national-admin", superuser=True),
    }


def imported(name: str, admin, *, layout=Layout.FINGERTIPS, published_on=None, title=None):
    data = content(name)
    preview = publications.preview(data, layout)
    assert not preview.errors, preview.errors
    return preview, services.publication_import(
        content=data,
        layout=layout,
        name=title or name,
        published_on=published_on or datetime.date(2016, 11, 1),
        url="https://fingertips.phe.org.uk/",
        file_name=name,
        fingerprint=preview.fingerprint(),
        user=admin,
    )


@pytest.mark.parametrize(
    ("text", "granularity", "start", "end"),
    [
        ("2014/15", "year", datetime.date(2014, 4, 1), datetime.date(2015, 3, 31)),
        ("2014/15 Q3", "quarter", datetime.date(2014, 10, 1), datetime.date(2014, 12, 31)),
        ("Jan 2015", "month", datetime.date(2015, 1, 1), datetime.date(2015, 1, 31)),
    ],
)
def test_fingertips_time_periods_are_read_as_it_writes_them(text, granularity, start, end):
    assert fingertips_period(text) == (granularity, start, end)


@pytest.mark.parametrize("text", ["2014", "2013 - 15", "2014/15 - 16/17", "2014 Q1"])
def test_calendar_and_multi_year_periods_are_not_held(text):
    with pytest.raises(PeriodNotHeld):
        fingertips_period(text)


@pytest.mark.parametrize("text", ["2014/16", "2014/15 Q5", "Month 2015", ""])
def test_a_period_fingertips_would_not_write_is_an_error(text):
    with pytest.raises(ValueError) as raised:
        fingertips_period(text)
    assert not isinstance(raised.value, PeriodNotHeld)


def test_nhs_monthly_periods_are_a_month_a_quarter_or_a_year_by_their_first_and_last_day():
    assert nhs_period("2014-04-01", "2014-04-30")[0] == "month"
    assert nhs_period("01/04/2014", "30/06/2014")[0] == "quarter"
    assert nhs_period("2014-04-01", "2015-03-31")[0] == "year"
    with pytest.raises(PeriodNotHeld):
        nhs_period("2014-04-01", "2014-05-31")


def test_the_preview_names_new_figures_unmatched_areas_and_indicators_and_rows_not_held(
    national,
):
    preview = publications.preview(content("fingertips_falls_2016.csv"), Layout.FINGERTIPS)
    assert not preview.errors
    labels = sorted(row.label for row in preview.added)
    assert labels == [
        "Leicestershire: Falls admissions (65+), 2014/15",
        "Leicestershire: Falls admissions (65+), 2015/16",
        "Rutland: Falls admissions (65+), 2015/16",
    ]
    # England and the region have no area here; the self-harm indicator no metric.
    assert set(preview.unmatched_areas) == {"E92000001", "E12000004"}
    assert preview.unmatched_areas["E12000004"][0] == "East Midlands region"
    assert preview.unmatched_indicators == {
        "90813": ("Hospital admissions as a result of self-harm (10-24 years)", 1)
    }
    reasons = {why: count for why, count, _rows in preview.not_held}
    assert reasons["A breakdown by sex or category (only the headline rows are read)"] == 2
    assert any(why.startswith("A calendar or multi-year period (2013 - 15)") for why in reasons)
    assert any("Value suppressed for disclosure control" in why for why in reasons)
    # Leicestershire is listed under England and under its region: one figure, not two.
    assert len(preview.rows) == 3
    assert not Actual.objects.exists()  # a preview writes nothing


def test_applying_writes_every_area_with_its_publication_and_data_lag(national):
    preview, publication = imported(
        "fingertips_falls_2016.csv", national["admin"], published_on=datetime.date(2016, 11, 1)
    )
    figures = Actual.objects.filter(publication=publication).order_by("plan__area__name", "end")
    assert [(a.plan, a.period_label, a.value) for a in figures] == [
        (national["leicestershire"], "2014/15", Decimal("1893.6")),
        (national["leicestershire"], "2015/16", Decimal("1950.25")),
        (national["rutland"], "2015/16", Decimal("1702.4")),
    ]
    first = figures[0]
    assert first.source == "fingertips_falls_2016.csv"
    assert first.stage == Actual.Stage.FINAL
    assert first.data_lag_days == (datetime.date(2016, 11, 1) - datetime.date(2015, 3, 31)).days
    assert (publication.added, publication.revised, publication.unchanged) == (3, 0, 0)
    assert publication.sha256 == publications.token_of(content("fingertips_falls_2016.csv"))


def test_a_later_publication_revises_a_figure_and_keeps_the_earlier_one(national):
    _, first = imported("fingertips_falls_2016.csv", national["admin"], title="PHOF 2016")
    preview = publications.preview(content("fingertips_falls_2017.csv"), Layout.FINGERTIPS)
    assert [
        (r.label, [(c.column, c.before, c.after) for c in r.changes]) for r in preview.changed
    ] == [("Leicestershire: Falls admissions (65+), 2015/16", [("Value", "1,950.25", "1,961.8")])]
    assert [r.label for r in preview.added] == ["Rutland: Falls admissions (65+), 2014/15"]
    assert len(preview.unchanged) == 2
    _, second = imported(
        "fingertips_falls_2017.csv",
        national["admin"],
        title="PHOF 2017",
        published_on=datetime.date(2017, 11, 7),
    )
    revised = Actual.objects.get(plan=national["leicestershire"], end=datetime.date(2016, 3, 31))
    assert (revised.value, revised.publication, revised.source) == (
        Decimal("1961.8"),
        second,
        "PHOF 2017",
    )
    [revision] = ActualRevision.objects.filter(actual=revised)
    assert (revision.value, revision.publication, revision.revised_by) == (
        Decimal("1950.25"),
        first,
        second,
    )
    unchanged = Actual.objects.get(plan=national["leicestershire"], end=datetime.date(2015, 3, 31))
    assert unchanged.publication == first  # the same figure again: not a revision
    assert not unchanged.revisions.exists()
    assert (second.added, second.revised, second.unchanged) == (1, 1, 2)


def test_a_figure_entered_by_hand_is_revised_not_replaced(national):
    plan = national["leicestershire"]
    services.actual_create(
        plan=plan,
        metric=national["falls"],
        granularity="year",
        start=datetime.date(2014, 4, 1),
        end=datetime.date(2015, 3, 31),
        value=Decimal("1900"),
        source="Local hospital data",
    )
    _, publication = imported("fingertips_falls_2016.csv", national["admin"])
    actual = Actual.objects.get(plan=plan, end=datetime.date(2015, 3, 31))
    assert (actual.value, actual.publication) == (Decimal("1893.6"), publication)
    [revision] = actual.revisions.all()
    assert (revision.value, revision.source, revision.publication) == (
        Decimal("1900"),
        "Local hospital data",
        None,
    )


def test_errors_are_named_by_row_and_column_and_nothing_is_written(national):
    preview = publications.preview(content("fingertips_errors.csv"), Layout.FINGERTIPS)
    found = {(e.row, e.column) for e in preview.errors}
    assert found == {(2, "Value"), (3, "Time period"), (5, "Value")}
    assert "1,893.6x" in str(next(e for e in preview.errors if e.row == 2))
    assert "Row 4 gives 1702.4" in str(next(e for e in preview.errors if e.row == 5))
    with pytest.raises(services.PublicationChanged):
        services.publication_import(
            content=content("fingertips_errors.csv"),
            layout=Layout.FINGERTIPS,
            name="Bad",
            published_on=datetime.date(2016, 1, 1),
            file_name="fingertips_errors.csv",
            fingerprint=preview.fingerprint(),
            user=national["admin"],
        )
    assert not Actual.objects.exists() and not Publication.objects.exists()


def test_a_file_in_another_layout_is_refused_naming_the_missing_columns(national):
    preview = publications.preview(content("nhs_monthly_dtoc.csv"), Layout.FINGERTIPS)
    assert {e.column for e in preview.errors} >= {"Indicator ID", "Area Code", "Time period"}
    assert all(e.row == 1 for e in preview.errors)


def test_nhs_monthly_statistics_import_months_with_their_status(national):
    preview = publications.preview(content("nhs_monthly_dtoc.csv"), Layout.NHS_MONTHLY)
    assert not preview.errors
    assert len(preview.added) == 13  # 12 months of Leicestershire, April for Rutland
    assert set(preview.unmatched_areas) == {"E10000031"}
    assert set(preview.unmatched_indicators) == {"DTOC02"}
    reasons = {why: n for why, n, _ in preview.not_held}
    assert reasons == {"A breakdown below the area (SECONDARY_LEVEL), not held": 1}
    _, publication = imported("nhs_monthly_dtoc.csv", national["admin"], layout=Layout.NHS_MONTHLY)
    leicestershire = Actual.objects.filter(plan=national["leicestershire"]).order_by("end")
    assert [a.value for a in leicestershire] == [
        Decimal(v) for v in (612, 598, 640, 655, 601, 587, 630, 702, 745, 760, 690, 671)
    ]
    assert leicestershire.last().stage == Actual.Stage.PROVISIONAL
    assert leicestershire.first().stage == Actual.Stage.FINAL
    rutland = Actual.objects.get(plan=national["rutland"])
    assert (rutland.period_label, rutland.value) == ("April 2014", Decimal("401"))


def test_a_period_no_plan_covers_and_a_metric_the_plan_does_not_ask_for_are_not_held(national):
    from frameworks.models import PolicyFramework
    from metrics.models import FrameworkMetric

    # The falls metric asked for by a framework of other years only: no plan here asks for it.
    framework = PolicyFramework.objects.create(
        code="later", name="Later years", first_year=2023, last_year=2024
    )
    FrameworkMetric.objects.create(framework=framework, metric=national["falls"])
    national["rutland"].delete()
    preview = publications.preview(content("fingertips_falls_2016.csv"), Layout.FINGERTIPS)
    reasons = {why for why, _n, _rows in preview.not_held}
    assert "Rutland: no plan covers 2015/16" in reasons
    assert any(why.startswith("Leicestershire: ") and "does not ask for" in why for why in reasons)
    assert not preview.rows


def test_the_same_file_is_not_imported_twice(national):
    imported("fingertips_falls_2016.csv", national["admin"])
    with pytest.raises(ValidationError, match="imported already"):
        imported("fingertips_falls_2016.csv", national["admin"])


def test_a_figure_changed_after_the_preview_stops_the_whole_import(national):
    data = content("fingertips_falls_2016.csv")
    preview = publications.preview(data, Layout.FINGERTIPS)
    services.actual_create(
        plan=national["rutland"],
        metric=national["falls"],
        granularity="year",
        start=datetime.date(2015, 4, 1),
        end=datetime.date(2016, 3, 31),
        value=Decimal("1500"),
    )
    with pytest.raises(services.PublicationChanged):
        services.publication_import(
            content=data,
            layout=Layout.FINGERTIPS,
            name="PHOF",
            published_on=datetime.date(2016, 11, 1),
            file_name="f.csv",
            fingerprint=preview.fingerprint(),
            user=national["admin"],
        )
    assert Actual.objects.count() == 1 and not Publication.objects.exists()


def test_only_an_administrator_of_the_installation_imports(national):
    data = content("fingertips_falls_2016.csv")
    preview = publications.preview(data, Layout.FINGERTIPS)
    area_admin = UserFactory(roles=["Administrator"], areas=[national["leicestershire"].area])
    with pytest.raises(PermissionDenied):
        services.publication_import(
            content=data,
            layout=Layout.FINGERTIPS,
            name="PHOF",
            published_on=datetime.date(2016, 11, 1),
            file_name="f.csv",
            fingerprint=preview.fingerprint(),
            user=area_admin,
        )
    assert not Actual.objects.exists()


def test_the_pack_gives_the_falls_metric_its_fingertips_indicator(db):
    from fixtures.packs import packs_load
    from metrics.models import NationalIndicator

    packs_load()
    indicator = NationalIndicator.objects.get(layout=Layout.FINGERTIPS, indicator_id="22401")
    assert indicator.metric.code == "falls-admissions-65-dsr"
    assert "Fingertips" in indicator.note


def test_an_administrator_gives_a_metric_an_indicator_id_in_the_administration_site(
    national, admin_user, client_for
):
    from django.urls import reverse

    from metrics.models import NationalIndicator

    client = client_for(admin_user)
    url = reverse("admin:metrics_nationalindicator_add")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "metric": national["delays"].pk,
            "layout": Layout.NHS_MONTHLY,
            "indicator_id": "DTOC09",
            "note": "Set by hand",
        },
    )
    assert response.status_code == 302, response.content[:1000]
    entry = NationalIndicator.objects.get(indicator_id="DTOC09")
    assert entry.metric == national["delays"]
    assert entry.history.get().history_user == admin_user
    # The same ID twice for one layout is refused on the form.
    again = client.post(
        url,
        {"metric": national["falls"].pk, "layout": Layout.NHS_MONTHLY, "indicator_id": "DTOC09"},
    )
    assert again.status_code == 200
    assert NationalIndicator.objects.filter(indicator_id="DTOC09").count() == 1


def test_a_published_figure_changed_in_the_plan_keeps_the_published_value_as_a_revision(
    national, officer, client_for
):
    from django.urls import reverse

    from metrics.templatetags.metric_format import figure

    _, publication = imported("fingertips_falls_2016.csv", national["admin"], title="PHOF 2016")
    plan = national["leicestershire"]
    actual = Actual.objects.get(plan=plan, end=datetime.date(2015, 3, 31))
    services.actual_update(
        actual=actual,
        expected_version=actual.lock_version,
        granularity="year",
        start=actual.start,
        end=actual.end,
        value=Decimal("1890"),
        stage=Actual.Stage.FINAL,
        source="Local hospital data",
    )
    actual.refresh_from_db()
    assert (actual.value, actual.publication, actual.source) == (
        Decimal("1890"),
        None,
        "Local hospital data",
    )
    [revision] = actual.revisions.all()
    assert (revision.value, revision.publication, revision.revised_by) == (
        Decimal("1893.6"),
        publication,
        None,
    )
    # A change of its note alone leaves it the publication's.
    other = Actual.objects.get(plan=plan, end=datetime.date(2016, 3, 31))
    services.actual_update(
        actual=other,
        expected_version=other.lock_version,
        granularity="year",
        start=other.start,
        end=other.end,
        value=other.value,
        stage=other.stage,
        source=other.source,
        note="Checked",
    )
    other.refresh_from_db()
    assert other.publication == publication and not other.revisions.exists()
    plan.area.memberships.create(user=officer)
    page = client_for(officer).get(
        reverse("metrics:metric_detail", args=[plan.pk, national["falls"].code])
    )
    html = page.content.decode()
    shown = figure(revision.value, national["falls"])  # as the page writes every figure
    assert (
        f"Was {shown} (PHOF 2016, published 1 November 2016, final); changed in this plan" in html
    )
