"""Funding streams in the money: planned, allocated and actual spend by stream; the
ring-fences worked out from the schemes as each framework's data says, against their
minimums; the published minimums entered with their source; the template check a
shortfall fails; the plan's page."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
import yaml
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fixtures.packs import PackError, pack_load, packs_load
from plans import permissions
from plans import services as plan_services
from plans.models import FundingStream, Organisation, Plan
from schemes import services as scheme_services
from schemes.funding import services
from schemes.funding.selectors import plan_funding
from schemes.models import RingFenceMinimum, Scheme
from submissions.documents.checklist import plan_checks
from tests.factories import OrganisationFactory
from tests.form_data import form_data

pytestmark = pytest.mark.django_db

YEAR = 2025


def _streams(plan) -> dict[str, FundingStream]:
    return {s.code: s for s in FundingStream.objects.filter(framework=plan.framework)}


@pytest.fixture
def today_plan(area):
    """A 2025/26 plan under its framework: an ICB and a council put money in under three
    streams; four schemes, each funded from one, two of them protecting social care."""
    packs_load()
    council = OrganisationFactory(kind=Organisation.Kind.LOCAL_AUTHORITY)
    icb = OrganisationFactory(kind=Organisation.Kind.ICB)
    plan = plan_services.plan_create(
        area=area,
        title="Plan of today",
        first_year=YEAR,
        last_year=YEAR,
        version_kind=Plan.VersionKind.DRAFT,
        version_date=datetime.date(2025, 3, 1),
        local_authority=council,
        ccgs=[icb],
    )
    plan_services.contributions_save(
        plan=plan,
        cells={
            (icb.pk, "nhs-minimum", YEAR): (None, Decimal("1000000")),
            (council.pk, "la-better-care-grant", YEAR): (None, Decimal("300000")),
            (council.pk, "dfg", YEAR): (None, Decimal("200000")),
        },
    )
    streams = _streams(plan)
    theme = scheme_services.theme_create(plan=plan, name="Home first")
    for name, stream, protection, budget in (
        ("Reablement", "nhs-minimum", Scheme.Protection.SOCIAL_CARE, "400000"),
        ("Care packages", "nhs-minimum", Scheme.Protection.SOCIAL_CARE, "250000"),
        ("Step-up beds", "nhs-minimum", Scheme.Protection.NHS, "300000"),
        ("Adaptations", "dfg", Scheme.Protection.NONE, "200000"),
        ("Unassigned", None, Scheme.Protection.SOCIAL_CARE, "50000"),
    ):
        scheme_services.scheme_create(
            plan=plan,
            theme=theme,
            name=name,
            status=Scheme.Status.EXISTING,
            protection=protection,
            budgets={YEAR: Decimal(budget)},
            funding_stream=streams[stream] if stream else None,
        )
    return plan


def _scheme(plan, name) -> Scheme:
    return plan.schemes.get(name=name)


def _fence(year, code):
    return next(f for f in year.ring_fences if f.ring_fence.code == code)


def _line(year, code):
    return next(s for s in year.streams if (s.stream.code if s.stream else None) == code)


def _minimum(plan, amount, source="NHS England, BCF allocations 2025/26", shown=None):
    fence = _streams(plan)["social-care-contribution"]
    return services.ring_fence_minimums_save(
        plan=plan,
        entries=[services.MinimumEntry(fence, YEAR, amount, source, shown)],
    )


def test_each_stream_shows_what_is_put_in_what_its_schemes_take_and_spend(today_plan):
    scheme_services.quarter_spend_set(
        plan=today_plan,
        year=YEAR,
        quarter=1,
        rows={
            _scheme(today_plan, "Reablement").pk: (None, Decimal("90000")),
            _scheme(today_plan, "Adaptations").pk: (None, Decimal("15000")),
            _scheme(today_plan, "Unassigned").pk: (None, Decimal("5000")),
        },
    )
    scheme_services.quarter_spend_set(
        plan=today_plan,
        year=YEAR,
        quarter=2,
        rows={_scheme(today_plan, "Care packages").pk: (None, Decimal("60000"))},
    )
    (year,) = plan_funding(plan=today_plan)
    nhs = _line(year, "nhs-minimum")
    assert (nhs.planned, nhs.allocated, nhs.unallocated) == (
        Decimal("1000000"),
        Decimal("950000"),
        Decimal("50000"),
    )
    assert nhs.actual_row == [Decimal("90000"), Decimal("60000"), None, None]
    assert nhs.actual_total == Decimal("150000")
    assert [s.name for s in nhs.schemes] == ["Reablement", "Care packages", "Step-up beds"]
    grant = _line(year, "la-better-care-grant")
    assert (grant.planned, grant.allocated, grant.unallocated) == (
        Decimal("300000"),
        Decimal(0),
        Decimal("300000"),
    )
    assert grant.actual_total is None
    # A scheme under no stream is shown as such, never dropped.
    none = _line(year, None)
    assert (none.planned, none.allocated) == (None, Decimal("50000"))
    assert none.actual_row[0] == Decimal("5000")
    assert year.allocated_total == Decimal("1200000")
    assert year.planned_total == Decimal("1500000")


def test_the_ring_fence_counts_only_the_schemes_its_framework_names(today_plan):
    (year,) = plan_funding(plan=today_plan)
    fence = _fence(year, "social-care-contribution")
    # Reablement and care packages: funded from the NHS minimum and protecting social care.
    # Step-up beds (out-of-hospital) and the unassigned scheme do not count.
    assert fence.planned == Decimal("650000")
    assert fence.minimum is None and fence.met is None


def test_a_published_minimum_is_held_with_its_source_and_judged(today_plan):
    _minimum(today_plan, Decimal("700000"))
    (year,) = plan_funding(plan=today_plan)
    fence = _fence(year, "social-care-contribution")
    assert (fence.minimum, fence.met, fence.shortfall) == (
        Decimal("700000"),
        False,
        Decimal("50000"),
    )
    assert fence.source == "NHS England, BCF allocations 2025/26"
    record = RingFenceMinimum.objects.get(plan=today_plan)
    _minimum(today_plan, Decimal("650000"), shown=record.lock_version)
    (year,) = plan_funding(plan=today_plan)
    assert _fence(year, "social-care-contribution").met is True


def test_a_shortfall_fails_the_template_check_where_the_framework_says_so(today_plan):
    def check():
        (item,) = [c for c in plan_checks(plan=today_plan) if c.group == "Funding streams"]
        return item

    assert not check().ok and "No minimum entered" in check().detail
    assert check().url.endswith(
        "#" + _fence(plan_funding(plan=today_plan)[0], "social-care-contribution").field_id
    )
    _minimum(today_plan, Decimal("700000"))
    assert not check().ok
    assert "short by £50,000" in check().detail
    assert "2025/26: NHS minimum contribution to adult social care" in check().item
    scheme_services.scheme_update(
        scheme=_scheme(today_plan, "Step-up beds"),
        expected_version=None,
        protection=Scheme.Protection.SOCIAL_CARE,
    )
    assert check().ok
    assert "£950,000 against a minimum of £700,000" in check().detail


def test_a_ring_fence_not_checked_before_submission_is_shown_but_not_a_check(area):
    """2017-19's DFG passed to housing authorities: worked out against the whole DFG, and
    not a failed check (a joint agreement may keep part)."""
    packs_load()
    council = OrganisationFactory(kind=Organisation.Kind.LOCAL_AUTHORITY)
    plan = plan_services.plan_create(
        area=area,
        title="A two-tier plan",
        first_year=2017,
        last_year=2018,
        version_kind=Plan.VersionKind.DRAFT,
        version_date=datetime.date(2017, 3, 1),
        local_authority=council,
    )
    plan_services.contributions_save(
        plan=plan, cells={(council.pk, "dfg", 2017): (None, Decimal("3000000"))}
    )
    theme = scheme_services.theme_create(plan=plan, name="Housing")
    for name, passed, budget in (
        ("Districts' DFG", True, "2800000"),
        ("County OT", False, "200000"),
    ):
        scheme_services.scheme_create(
            plan=plan,
            theme=theme,
            name=name,
            status=Scheme.Status.EXISTING,
            budgets={2017: Decimal(budget)},
            funding_stream=_streams(plan)["dfg"],
            paid_to_housing_authority=passed,
        )
    first, second = plan_funding(plan=plan)
    fence = _fence(first, "dfg-housing-authorities")
    assert (fence.planned, fence.minimum, fence.shortfall) == (
        Decimal("2800000"),
        Decimal("3000000"),
        Decimal("200000"),
    )
    assert _fence(second, "dfg-housing-authorities").minimum is None  # no DFG put in
    items = [c.item for c in plan_checks(plan=plan) if c.group == "Funding streams"]
    assert not any("housing authorities" in item for item in items)
    assert any("adult social care" in item for item in items)  # 2017-19's checked fence


def test_a_new_years_rule_is_data(tmp_path, area):
    """An invented framework whose ring-fence counts every scheme of its stream against
    the stream in full, checked before submission: no code names it."""
    pack = {
        "code": "test-ring-fence",
        "name": "An invented framework",
        "years": ["2031/32"],
        "source": {"title": "Invented for a test; no public source"},
        "unknowns": "Everything: it is invented.",
        "funding_streams": [
            {"code": "pool", "name": "The pool", "kind": "nhs_minimum"},
            {
                "code": "all-spent",
                "name": "All of the pool spent",
                "kind": "ring_fence",
                "within": "pool",
                "counts": "all",
                "minimum": "stream_in_full",
                "checked_before_submission": True,
            },
        ],
    }
    path = tmp_path / "invented.yaml"
    path.write_text(yaml.safe_dump(pack, allow_unicode=True), encoding="utf-8")
    framework = pack_load(path)
    icb = OrganisationFactory(kind=Organisation.Kind.ICB)
    plan = plan_services.plan_create(
        area=area,
        title="Invented",
        first_year=2031,
        last_year=2031,
        version_kind="draft",
        version_date=datetime.date(2031, 4, 1),
        ccgs=[icb],
    )
    assert plan.framework == framework
    plan_services.contributions_save(
        plan=plan, cells={(icb.pk, "pool", 2031): (None, Decimal(900))}
    )
    theme = scheme_services.theme_create(plan=plan, name="All")
    scheme_services.scheme_create(
        plan=plan,
        theme=theme,
        name="Everything",
        status=Scheme.Status.NEW,
        budgets={2031: Decimal(600)},
        funding_stream=_streams(plan)["pool"],
    )
    (check,) = [c for c in plan_checks(plan=plan) if c.group == "Funding streams"]
    assert not check.ok and "short by £300" in check.detail


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"counts": "everything"}, "funding_streams[1].counts is “everything”"),
        ({"minimum": "lots"}, "funding_streams[1].minimum is “lots”"),
        ({"counts": ""}, "funding_streams[1].minimum: say which schemes count"),
    ],
)
def test_a_faulty_ring_fence_rule_is_refused_with_its_place(tmp_path, change, message):
    fence = {
        "code": "care",
        "name": "Care",
        "kind": "ring_fence",
        "within": "pool",
        "counts": "social_care",
        "minimum": "published",
        **change,
    }
    pack = {
        "code": "test-faulty",
        "name": "Faulty",
        "years": ["2031/32"],
        "source": {"title": "Invented"},
        "funding_streams": [{"code": "pool", "name": "Pool", "kind": "nhs_minimum"}, fence],
    }
    path = tmp_path / "faulty.yaml"
    path.write_text(yaml.safe_dump(pack), encoding="utf-8")
    with pytest.raises(PackError, match=message.replace("[", r"\[").replace("]", r"\]")):
        pack_load(path)


def test_a_rule_on_a_stream_that_is_no_ring_fence_is_refused(tmp_path):
    pack = {
        "code": "test-faulty",
        "name": "Faulty",
        "years": ["2031/32"],
        "source": {"title": "Invented"},
        "funding_streams": [
            {"code": "pool", "name": "Pool", "kind": "nhs_minimum", "counts": "all"}
        ],
    }
    path = tmp_path / "faulty.yaml"
    path.write_text(yaml.safe_dump(pack), encoding="utf-8")
    with pytest.raises(PackError, match="only a ring-fence"):
        pack_load(path)


def test_a_minimum_needs_its_source_and_is_refused_from_an_old_copy(today_plan):
    with pytest.raises(ValidationError, match="Say where the figure comes from"):
        _minimum(today_plan, Decimal("1"), source="  ")
    _minimum(today_plan, Decimal("700000"))
    with pytest.raises(services.MinimumConflict, match="someone else changed this to £700,000"):
        _minimum(today_plan, Decimal("600000"), shown=None)
    record = RingFenceMinimum.objects.get(plan=today_plan)
    assert record.amount == Decimal("700000")
    # The same figure again writes nothing; None removes it.
    assert _minimum(today_plan, Decimal("700000"), shown=record.lock_version) == 0
    assert _minimum(today_plan, None, shown=record.lock_version) == 1
    assert not RingFenceMinimum.objects.filter(plan=today_plan).exists()


def test_a_minimum_is_only_for_a_ring_fence_whose_framework_publishes_one(today_plan):
    other = FundingStream.objects.get(framework__code="bcf-2017-19", code="out-of-hospital")
    with pytest.raises(ValidationError, match="ring-fence of the plan's framework"):
        services.ring_fence_minimums_save(
            plan=today_plan,
            entries=[services.MinimumEntry(other, YEAR, Decimal(1), "Somewhere", None)],
        )


def test_a_scheme_is_funded_from_a_stream_of_its_plans_framework_not_a_ring_fence(today_plan):
    streams = _streams(today_plan)
    scheme = _scheme(today_plan, "Reablement")
    with pytest.raises(ValidationError, match="a ring-fence is worked out from the schemes"):
        scheme_services.scheme_update(
            scheme=scheme,
            expected_version=None,
            funding_stream=streams["social-care-contribution"],
        )
    old = FundingStream.objects.get(framework__code="bcf-2017-19", code="dfg")
    with pytest.raises(ValidationError, match="funding stream of the plan's framework"):
        scheme_services.scheme_update(scheme=scheme, expected_version=None, funding_stream=old)


def test_a_stream_plans_use_cannot_be_dropped_from_its_pack(today_plan, tmp_path):
    from fixtures.packs import PACK_DIR

    data = yaml.safe_load((PACK_DIR / "bcf-2025-26.yaml").read_text(encoding="utf-8"))
    data["funding_streams"] = [s for s in data["funding_streams"] if s["code"] != "dfg"]
    path = tmp_path / "bcf-2025-26.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PackError, match="Plans hold money under Disabled Facilities Grant"):
        pack_load(path)
    assert FundingStream.objects.filter(framework=today_plan.framework, code="dfg").exists()


def test_an_agreed_plan_takes_no_minimum(today_plan):
    Plan.objects.filter(pk=today_plan.pk).update(status=Plan.Status.AGREED)
    today_plan.refresh_from_db()
    with pytest.raises(permissions.Frozen):
        _minimum(today_plan, Decimal("1"))


# The page ------------------------------------------------------------------------------


def test_the_page_shows_streams_and_ring_fences_in_constant_queries(
    today_plan, officer, client_for, django_assert_max_num_queries
):
    _minimum(today_plan, Decimal("700000"))
    client = client_for(officer)
    url = reverse("schemes:funding_streams", args=[today_plan.pk])
    client.get(url)  # warm the per-process caches (navigation)
    with CaptureQueriesContext(connection) as first:
        html = client.get(url).content.decode()
    assert 'data-stream="nhs-minimum"' in html and "£950,000" in html
    assert "Short by £50,000" in html
    assert "NHS England, BCF allocations 2025/26" in html
    assert 'name="min-' in html  # the officer enters the minimums
    theme = today_plan.themes.get()
    for n in range(5):
        scheme_services.scheme_create(
            plan=today_plan,
            theme=theme,
            name=f"More {n}",
            status=Scheme.Status.NEW,
            budgets={YEAR: Decimal(1000)},
            funding_stream=_streams(today_plan)["la-better-care-grant"],
        )
    with CaptureQueriesContext(connection) as second:
        client.get(url)
    assert len(second) == len(first)
    with django_assert_max_num_queries(len(first)):
        client.get(url)


def test_the_officer_enters_a_minimum_and_a_missing_source_loses_nothing(
    today_plan, officer, client_for
):
    client = client_for(officer)
    url = reverse("schemes:funding_streams", args=[today_plan.pk])
    fence = _streams(today_plan)["social-care-contribution"]
    name = f"min-{fence.pk}-{YEAR}"
    page = client.post(
        url, {f"{name}-amount": "£640,000", f"{name}-source": "", f"{name}-version": ""}
    )
    html = page.content.decode()
    assert page.status_code == 200 and "Say where the figure comes from" in html
    assert 'value="£640,000"' in html
    assert not RingFenceMinimum.objects.exists()
    page = client.post(
        url,
        {
            f"{name}-amount": "£640,000",
            f"{name}-source": "Allocations 2025/26",
            f"{name}-version": "",
        },
    )
    assert page.status_code == 302
    record = RingFenceMinimum.objects.get()
    assert (record.amount, record.source) == (Decimal("640000"), "Allocations 2025/26")
    assert record.history.first().history_user == officer
    # A second copy of the page, saved after: refused with the figure now, nothing lost.
    page = client.post(
        url, {f"{name}-amount": "1", f"{name}-source": "Typed", f"{name}-version": ""}
    )
    assert "someone else changed this to £640,000" in page.content.decode()
    assert RingFenceMinimum.objects.get().amount == Decimal("640000")


def test_the_board_reads_the_page_but_enters_nothing(today_plan, board, client_for):
    client = client_for(board)
    url = reverse("schemes:funding_streams", args=[today_plan.pk])
    html = client.get(url).content.decode()
    assert "Ring-fences, 2025/26" in html and 'name="min-' not in html
    fence = _streams(today_plan)["social-care-contribution"]
    response = client.post(url, {f"min-{fence.pk}-{YEAR}-amount": "1"})
    assert response.status_code == 403
    assert not RingFenceMinimum.objects.exists()


def test_the_scheme_form_names_its_stream(today_plan, officer, client_for):
    client = client_for(officer)
    scheme = _scheme(today_plan, "Unassigned")
    url = reverse("schemes:scheme_edit", args=[today_plan.pk, scheme.pk])
    html = client.get(url).content.decode()
    assert 'id="id_funding_stream"' in html
    assert (
        "NHS minimum contribution to adult social care"
        not in html.split('id="id_funding_stream"')[1].split("</select>")[0]
    )
    data = form_data(BeautifulSoup(html, "html.parser").find("form", id="main-form"))
    data["funding_stream"] = str(_streams(today_plan)["dfg"].pk)
    data["paid_to_housing_authority"] = "on"
    assert client.post(url, data).status_code == 302
    scheme.refresh_from_db()
    assert scheme.funding_stream.code == "dfg" and scheme.paid_to_housing_authority


# The workbooks -----------------------------------------------------------------------------


def _rows(sheet) -> list[tuple]:
    return [row for row in sheet.iter_rows(min_row=4, values_only=True) if any(row)]


def test_the_2025_plan_workbook_holds_streams_and_ring_fences(today_plan):
    from openpyxl import load_workbook

    from submissions.documents.render import render_plan_document

    _minimum(today_plan, Decimal("700000"))
    workbook = load_workbook(io.BytesIO(render_plan_document(today_plan, "plan-xlsx")))
    sheet = workbook["Funding Streams"]
    assert [c.value for c in sheet[3]][:9] == [
        "Financial year",
        "Funding stream or ring-fence",
        "What it is",
        "Planned (£)",
        "Allocated to schemes (£)",
        "Unallocated (£)",
        "Actual to date (£)",
        "Minimum (£)",
        "Against the minimum",
    ]
    rows = {row[1]: row for row in _rows(sheet)}
    nhs = rows["NHS minimum contribution (integrated care boards)"]
    assert nhs[3:6] == (1000000, 950000, 50000)
    fence = rows["NHS minimum contribution to adult social care"]
    assert (fence[3], fence[7], fence[8]) == (650000, 700000, "Short by £50,000")
    assert fence[9] == "NHS England, BCF allocations 2025/26"
    assert sheet["D4"].number_format.startswith('"£"')
    expenditure = workbook["Expenditure Plan"]
    headers = [c.value for c in expenditure[3]]
    column = headers.index("Funding stream")
    streams = {row[1]: row[column] for row in _rows(expenditure)}
    assert streams["Adaptations"] == "Disabled Facilities Grant"
    assert streams["Unassigned"] is None


def test_the_2025_return_workbook_holds_spend_by_stream_to_its_quarter(today_plan, officer):
    from openpyxl import load_workbook

    from submissions import services as return_services
    from submissions.documents.render import render_return_document

    for quarter, amount in ((1, "90000"), (2, "70000"), (3, "1000000")):
        scheme_services.quarter_spend_set(
            plan=today_plan,
            year=YEAR,
            quarter=quarter,
            rows={_scheme(today_plan, "Reablement").pk: (None, Decimal(amount))},
        )
    ret = return_services.return_get_or_create_draft(
        plan=today_plan, year=YEAR, quarter=2, user=officer
    )
    ret = return_services.return_prepare(ret=ret, today=datetime.date(2025, 11, 1))
    workbook = load_workbook(io.BytesIO(render_return_document(ret)))
    rows = {row[1]: row for row in _rows(workbook["Funding Streams"])}
    # Actual to date at the end of Q2: Q1 and Q2, not Q3.
    assert rows["NHS minimum contribution (integrated care boards)"][6] == 160000
    assert rows["NHS minimum contribution to adult social care"][6] == 160000
    assert rows["NHS minimum contribution to adult social care"][8] == "No minimum entered"
    # The return holds what was frozen: a minimum entered later shows in the next one.
    _minimum(today_plan, Decimal("600000"))
    workbook = load_workbook(io.BytesIO(render_return_document(ret)))
    rows = {row[1]: row for row in _rows(workbook["Funding Streams"])}
    assert rows["NHS minimum contribution to adult social care"][8] == "No minimum entered"


def test_a_plan_whose_schemes_name_no_stream_says_so(today_plan, officer, client_for):
    for scheme in today_plan.schemes.all():
        scheme_services.scheme_update(scheme=scheme, expected_version=None, funding_stream=None)
    (year,) = plan_funding(plan=today_plan)
    assert year.none_streamed and _line(year, None).allocated == Decimal("1200000")
    html = client_for(officer).get(reverse("schemes:funding_streams", args=[today_plan.pk]))
    assert "No scheme of 2025/26 names the funding stream" in html.content.decode()


def test_the_dashboard_shows_spend_by_stream_and_the_ring_fences(today_plan, executive, client_for):
    _minimum(today_plan, Decimal("700000"))
    scheme_services.quarter_spend_set(
        plan=today_plan,
        year=YEAR,
        quarter=1,
        rows={_scheme(today_plan, "Adaptations").pk: (None, Decimal("15000"))},
    )
    url = reverse("submissions:dashboard", args=[today_plan.pk])
    html = client_for(executive).get(url, {"year": "2025/26", "quarter": 1}).content.decode()
    table = BeautifulSoup(html, "html.parser").find("table", attrs={"data-money-by-stream": True})
    rows = {
        row.th.get_text(strip=True): [td.get_text(strip=True) for td in row.find_all("td")]
        for row in table.tbody.find_all("tr")
    }
    assert rows["Disabled Facilities Grant"] == ["£200,000", "£200,000", "£15,000"]
    assert "short by £50,000" in html


# Protected adult social care: one rule (schemes.models.counts_as_protected) -----------------


def _protected_everywhere(plan) -> dict[str, Decimal]:
    """The protected adult social care of the plan's year as each place that shows it
    works it out (pounds)."""
    from schemes.selectors import budget_grid_data, plan_budget_summary
    from submissions.national import area_rows

    (year,) = plan_funding(plan=plan)
    (summary,) = plan_budget_summary(plan=plan)
    grid = budget_grid_data(plan=plan)
    (typed,) = grid.reconcile(dict(grid.budgets))
    return {
        "ring-fence": _fence(year, "social-care-contribution").planned,
        "budgets page": summary.protected_social_care,
        "budget grid": typed.protected_social_care,
        "national view": area_rows(year=YEAR, plans=[plan.pk]).get().protected_total,
    }


def test_protected_social_care_counts_what_the_ring_fence_counts_on_every_page(
    today_plan, officer, client_for
):
    # marked as protecting social care, but paid for from the council's grant: not the NHS
    # minimum contribution's protection of adult social care
    scheme_services.scheme_create(
        plan=today_plan,
        theme=today_plan.themes.get(),
        name="Home care from the grant",
        status=Scheme.Status.EXISTING,
        protection=Scheme.Protection.SOCIAL_CARE,
        budgets={YEAR: Decimal("100000")},
        funding_stream=_streams(today_plan)["la-better-care-grant"],
    )
    # Reablement and care packages; not the grant's scheme, nor the one naming no stream
    assert set(_protected_everywhere(today_plan).values()) == {Decimal("650000")}
    html = client_for(officer).get(reverse("schemes:budget_grid", args=[today_plan.pk]))
    soup = BeautifulSoup(html.content, "html.parser")
    assert soup.select_one('[data-figure="protected"]').get_text(strip=True) == "£650,000"
    counts = soup.select_one("[data-protected-counts]").get_text(" ", strip=True)
    assert "NHS minimum contribution" in counts and "another stream does not count" in counts
    plan_page = client_for(officer).get(reverse("plans:plan_detail", args=[today_plan.pk]))
    soup = BeautifulSoup(plan_page.content, "html.parser")
    assert soup.select_one('[data-figure="protected"]').get_text(strip=True) == "£650,000"
    assert "NHS minimum contribution" in soup.select_one("[data-protected-counts]").get_text()


def test_a_plan_naming_no_funding_stream_counts_every_scheme_marked_protected(today_plan):
    # as the 2014 plans, whose sources name no stream for any scheme
    for scheme in today_plan.schemes.all():
        scheme_services.scheme_update(scheme=scheme, expected_version=None, funding_stream=None)
    found = _protected_everywhere(today_plan)
    assert found.pop("ring-fence") == 0  # the funding page says no scheme names its stream
    assert set(found.values()) == {Decimal("700000")}


@pytest.mark.parametrize("names_streams", [True, False])
def test_the_protected_rule_for_a_scheme_and_for_a_query_agree(today_plan, names_streams):
    from schemes.models import SchemeBudget, counts_as_protected, protected_social_care_q

    if not names_streams:
        for scheme in today_plan.schemes.all():
            scheme_services.scheme_update(scheme=scheme, expected_version=None, funding_stream=None)
    streams = _streams(today_plan)
    for code in (None, "nhs-minimum", "la-better-care-grant", "dfg"):
        for protection in Scheme.Protection.values:
            if code and not names_streams:
                continue
            scheme_services.scheme_create(
                plan=today_plan,
                theme=today_plan.themes.get(),
                name=f"{protection or 'none'} from {code}",
                status=Scheme.Status.EXISTING,
                protection=protection,
                budgets={YEAR: Decimal("1")},
                funding_stream=streams[code] if code else None,
            )
    budgets = SchemeBudget.objects.filter(scheme__plan=today_plan).select_related(
        "scheme__funding_stream"
    )
    by_query = set(budgets.filter(protected_social_care_q("scheme__")).values_list("pk", flat=True))
    one_by_one = {
        b.pk
        for b in budgets
        if counts_as_protected(
            b.scheme.protection,
            b.scheme.funding_stream.kind if b.scheme.funding_stream else None,
            plan_names_streams=names_streams,
        )
    }
    assert by_query == one_by_one and by_query
