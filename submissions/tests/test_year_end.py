"""Year-end returns: a plan's quarter 4 return, where its framework declares a year-end
template, is prepared by the job from the quarter 4 dashboard's figures (spend by scheme and
by funding stream with the ring-fences, each metric's year to date, the national conditions
at the year's end), exported as the framework's year-end workbook and PDF (the layout read
from the framework's data), and approved and frozen like any return.

Plans of three frameworks: Rutland's illustrative 2025/26 plan (the sample data), a 2023-25
plan, and a 2016/17 plan (whose pack reads the quarter 4 return as the year's outturn)."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from fixtures.packs import packs_load
from frameworks.models import SubmissionTemplate
from governance.models import Approval
from plans import permissions
from plans import services as plan_services
from plans.models import (
    Area,
    ConditionStatus,
    Contribution,
    NationalCondition,
    Plan,
)
from schemes import services as scheme_services
from schemes.funding.selectors import plan_funding
from schemes.models import SchemeQuarterSpend
from submissions import selectors, services
from submissions.documents.render import render_year_end_document
from submissions.documents.requests import document_request
from submissions.documents.returns import year_end_pdf, year_end_workbook
from submissions.models import Document, Job, QuarterlyReturn
from tests.cycle import approve_return
from tests.pdf import pdf_text

# The year-end return's page: the session, user and roles (with areas, one query), the plan
# and its navigation, the return, its job, documents, approvals and framework (measured; the
# same for more streams and schemes, as test_the_year_end_pages_make_as_many_queries… shows).
PAGE_QUERIES = 36
FUNDING_HEADER = (
    "Funding stream or ring-fence",
    "Planned (£)",
    "Allocated to schemes (£)",
    "Actual in the year (£)",
    "Minimum (£)",
    "Against the minimum",
)


class _Summary:
    def __init__(self):
        self.parts: list[str] = []


def _user(area, username: str, role: str) -> User:
    user = User.objects.create_user(username=username, password="x", first_name=username)
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    plan_services.membership_add(user=user, area=area)
    return user


def _spend_every_quarter(plan: Plan, year: int) -> None:
    """Forecast and actual spend of each scheme in each quarter (pounds): a tenth of its
    budget a quarter as actual, the budget less 1% as forecast."""
    budgets = {s.pk: s.budgets.get(year=year).amount for s in plan.schemes.all()}
    for quarter in (1, 2, 3, 4):
        rows = {
            pk: ((amount * Decimal("0.99")).quantize(Decimal("1")), amount / 10)
            for pk, amount in budgets.items()
        }
        scheme_services.quarter_spend_set(plan=plan, year=year, quarter=quarter, rows=rows)


def _prepare(plan, year, user, capture) -> QuarterlyReturn:
    with capture(execute=True):
        ret, job = services.return_start(plan=plan, year=year, quarter=4, user=user)
    job.refresh_from_db()
    assert job.state == Job.State.SUCCESS, job.error
    ret.refresh_from_db()
    return ret


def _sheet_rows(sheet) -> list[tuple]:
    return [tuple(c for c in row) for row in sheet.iter_rows(values_only=True)]


def _layout(plan: Plan, format: str = "xlsx") -> dict:
    return SubmissionTemplate.objects.get(
        framework=plan.framework, purpose=SubmissionTemplate.Purpose.YEAR_END_RETURN, format=format
    ).spec


@pytest.fixture
def rutland(db):
    """The sample data's Rutland 2025/26 plan (fixtures/data/rutland_2025.yaml: its
    contributions and schemes under funding streams, a ring-fence minimum), a year of spend,
    and one condition's answer at quarter 4."""
    from fixtures import today_data

    packs_load()
    area = plan_services.area_create(name="Rutland", code="E06000017", region="East Midlands")
    today_data.load(_Summary())
    plan = Plan.objects.get(area=area)
    _spend_every_quarter(plan, 2025)
    first = NationalCondition.objects.applying_to(2025).order_by("order", "code").first()
    plan_services.condition_status_set(
        plan=plan,
        condition=first,
        year=2025,
        quarter=4,
        status=ConditionStatus.ANSWERS[first.response_type][0],
        narrative="Agreed by the board.",
    )
    return plan


@pytest.fixture
def rutland_officer(rutland):
    return _user(rutland.area, "rutland.officer", permissions.OFFICER)


def _plan(area, *, first: int, last: int, title: str, schemes: bool = True) -> Plan:
    plan = plan_services.plan_create(
        area=area,
        title=title,
        first_year=first,
        last_year=last,
        version_kind="draft",
        version_date=datetime.date(first, 3, 1),
    )
    if not schemes:
        return plan
    theme = scheme_services.theme_create(plan=plan, name="Home first")
    for n, amount in enumerate(("600000.00", "250000.00")):
        scheme_services.scheme_create(
            plan=plan,
            theme=theme,
            name=f"Scheme {n + 1}",
            status="existing",
            budgets={year: Decimal(amount) for year in range(first, last + 1)},
        )
    return plan


# The 2025/26 plan -----------------------------------------------------------------------------


def test_the_2025_26_quarter_4_return_is_its_year_end_return_from_the_dashboards_figures(
    rutland, rutland_officer, django_capture_on_commit_callbacks
):
    ret = _prepare(rutland, 2025, rutland_officer, django_capture_on_commit_callbacks)
    assert ret.holds_year_end and selectors.is_year_end(ret)
    assert selectors.return_kind_label(ret) == "Year-end return 2025/26"
    snapshot = dict(ret.snapshot)
    year_end = snapshot.pop("year_end")
    snapshot.pop("narrative"), snapshot.pop("version")
    # The same figures as the dashboard of quarter 4 (one computation), its money by funding
    # stream as schemes.funding computes it for the plan's page, at the year's end.
    assert snapshot == selectors.jsonable(selectors.dashboard(plan=rutland, year=2025, quarter=4))
    assert year_end == {"not_broken_down": ""}
    (page,) = [f for f in plan_funding(plan=rutland) if f.year.start_year == 2025]
    funding = snapshot["finance"]["funding"]
    streams = {s["code"]: s for s in funding["streams"]}
    for line in page.streams:
        shown = streams[line.stream.code if line.stream else ""]
        assert shown["name"] == line.name
        assert Decimal(shown["allocated"]) == line.allocated
        assert shown["actual_to_date"] == (
            None if line.actual_total is None else str(line.actual_total)
        )
    icb_amount = Contribution.objects.get(plan=rutland, stream__code="nhs-minimum").amount
    assert Decimal(streams["nhs-minimum"]["planned"]) == icb_amount
    # the year's actual by stream is the schemes' four quarters of actual spend
    spent = [Decimal(s["actual_to_date"]) for s in funding["streams"] if s["actual_to_date"]]
    assert sum(spent) == sum(
        SchemeQuarterSpend.objects.filter(scheme__plan=rutland, year=2025).values_list(
            "actual", flat=True
        )
    )
    (fence,) = funding["ring_fences"]
    assert fence["met"] == page.ring_fences[0].met is not None


def test_the_2025_26_year_end_workbook_is_laid_out_as_its_framework_declares(
    rutland, rutland_officer, django_capture_on_commit_callbacks
):
    ret = _prepare(rutland, 2025, rutland_officer, django_capture_on_commit_callbacks)
    workbook = load_workbook(io.BytesIO(year_end_workbook(ret)))
    layout = _layout(rutland)
    assert workbook.sheetnames == [sheet["name"] for sheet in layout["sheets"]]
    cover = {r[0]: r[1] for r in _sheet_rows(workbook["Cover"]) if r[0]}
    assert cover["Return"] == "Year-end return 2025/26"
    assert cover["Financial year"] == "2025/26"
    assert cover["Plan"] == rutland.title
    funding = _sheet_rows(workbook["Funding Streams"])
    header = funding.index(FUNDING_HEADER + (None,) * (len(funding[0]) - len(FUNDING_HEADER)))
    rows = {r[0]: r for r in funding[header + 1 :] if r[0]}

    def cell(value):
        return None if value is None else float(Decimal(value))

    money = ret.snapshot["finance"]["funding"]
    for stream in money["streams"]:
        row = rows[stream["name"]]
        assert row[1:4] == tuple(
            cell(stream[k]) for k in ("planned", "allocated", "actual_to_date")
        )
    for fence in money["ring_fences"]:
        row = rows[fence["name"]]
        assert row[1] == cell(fence["planned"]) and row[4] == cell(fence["minimum"])
        assert row[5] == ("Met" if fence["met"] else row[5]) and row[5]
    spend = _sheet_rows(workbook["Expenditure"])
    by_scheme = {r[1]: r for r in spend if r[1]}
    for theme in ret.snapshot["finance"]["themes"]:
        for scheme in theme["schemes"]:
            row = by_scheme[scheme["name"]]
            assert row[4] == float(Decimal(scheme["actual_to_date"]))
            assert row[2] == float(Decimal(scheme["plan"]))
    conditions = _sheet_rows(workbook["National Conditions"])
    assert any(r[-1] == "Agreed by the board." for r in conditions)
    metrics = _sheet_rows(workbook["Headline Metrics"])
    names = {r[0] for r in metrics}
    assert {m["name"] for m in ret.snapshot["metrics"]} <= names


def test_the_2025_26_year_end_pdf_prints_each_tab_of_the_layout(
    rutland, rutland_officer, django_capture_on_commit_callbacks
):
    ret = _prepare(rutland, 2025, rutland_officer, django_capture_on_commit_callbacks)
    text = pdf_text(year_end_pdf(ret))
    for sheet in _layout(rutland, "pdf")["sheets"]:
        assert sheet["name"] in text
    assert "Year-end return 2025/26" in text
    money = ret.snapshot["finance"]["funding"]
    for stream in money["streams"]:
        assert stream["name"] in text
        if stream["planned"]:
            assert f"£{Decimal(stream['planned']):,.0f}" in text
    assert money["ring_fences"][0]["name"] in text
    assert "illustrative" in text.lower()  # the sample plan says so on every document


def test_the_year_end_documents_are_made_by_a_job_and_listed_by_the_api(
    rutland, rutland_officer, django_capture_on_commit_callbacks, client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    ret = _prepare(rutland, 2025, rutland_officer, django_capture_on_commit_callbacks)
    for kind in (Document.Kind.YEAR_END_XLSX, Document.Kind.YEAR_END_PDF):
        with django_capture_on_commit_callbacks(execute=True):
            job = document_request(kind=kind, obj=ret, user=rutland_officer)
        job.refresh_from_db()
        assert job.state == Job.State.SUCCESS, job.error
        # asked again with nothing changed: the stored document
        again = document_request(kind=kind, obj=ret, user=rutland_officer)
        assert isinstance(again, Document) and again.kind == kind
    client.force_login(rutland_officer)
    listing = client.get(reverse("api-plan-returns", kwargs={"pk": rutland.pk})).json()
    assert [(r["quarter"], r["kind"]) for r in listing] == [(4, "year_end")]
    kinds = {d["kind"] for d in listing[0]["documents"]}
    assert kinds == {"year-end-xlsx", "year-end-pdf"}
    detail = client.get(reverse("api-return-detail", kwargs={"pk": ret.pk})).json()
    assert detail["kind"] == "year_end"
    assert detail["snapshot"]["year_end"] == ret.snapshot["year_end"]
    workbook_url = next(d["url"] for d in detail["documents"] if d["kind"] == "year-end-xlsx")
    content = b"".join(client.get(workbook_url).streaming_content)
    assert load_workbook(io.BytesIO(content)).sheetnames[0] == "Cover"


# A 2023-25 plan --------------------------------------------------------------------------------


def test_a_2023_25_plans_year_end_returns_take_the_2023_25_layout_for_each_year(
    area, officer, django_capture_on_commit_callbacks
):
    packs_load()
    plan = _plan(area, first=2023, last=2024, title="Testshire BCF plan 2023-25")
    assert plan.framework.code == "bcf-2023-25"
    for year in (2023, 2024):
        _spend_every_quarter(plan, year)
        ret = _prepare(plan, year, officer, django_capture_on_commit_callbacks)
        assert ret.holds_year_end
        workbook = load_workbook(io.BytesIO(year_end_workbook(ret)))
        assert workbook.sheetnames == [s["name"] for s in _layout(plan)["sheets"]]
        cover = {r[0]: r[1] for r in _sheet_rows(workbook["Cover"]) if r[0]}
        assert cover["Financial year"] == f"{year}/{str(year + 1)[2:]}"
        spend = {r[1]: r for r in _sheet_rows(workbook["Expenditure"]) if r[1]}
        actual = ret.snapshot["finance"]["actual_to_date"]
        assert spend["Pooled budget"][4] == float(Decimal(actual))
    # a quarter 3 return of the same plan is a quarterly return: no year-end figures
    with django_capture_on_commit_callbacks(execute=True):
        q3, _ = services.return_start(plan=plan, year=2024, quarter=3, user=officer)
    q3.refresh_from_db()
    assert "year_end" not in q3.snapshot and not selectors.is_year_end(q3)
    with pytest.raises(ValidationError, match="Only a year-end return"):
        render_year_end_document(q3, "xlsx")
    with pytest.raises(ValidationError, match="Only a year-end return"):
        document_request(kind=Document.Kind.YEAR_END_XLSX, obj=q3, user=officer)


# An older plan: 2016/17, whose quarter 4 return was read as the year's end ---------------------


def test_a_2016_17_year_end_return_says_what_its_source_does_not_break_down(
    area, officer, django_capture_on_commit_callbacks
):
    packs_load()
    # As the June 2017 report gives it: no schemes, no partners' shares, one outturn.
    plan = _plan(area, first=2016, last=2016, title="Testshire BCF plan 2016/17", schemes=False)
    words = "The BCF spending plan totals £39.4m in 2016/17."
    plan_services.plan_year_set(
        plan=plan,
        year=2016,
        minimum_required=Decimal("39100000"),
        agreed_total=Decimal("39400000"),
        not_broken_down=words,
    )
    outturn = Decimal("38700000")
    scheme_services.plan_quarter_spend_set(
        plan=plan, year=2016, quarter=4, forecast=outturn, actual_to_date=outturn
    )
    ret = _prepare(plan, 2016, officer, django_capture_on_commit_callbacks)
    assert ret.holds_year_end
    assert ret.snapshot["year_end"] == {"not_broken_down": words}
    workbook = load_workbook(io.BytesIO(year_end_workbook(ret)))
    assert workbook.sheetnames == [s["name"] for s in _layout(plan)["sheets"]]
    sheet = _sheet_rows(workbook["Financial Outturn"])
    streams = [r for r in sheet if r[1] == "Funding stream"]
    assert [r[0] for r in streams] == [
        s["name"] for s in ret.snapshot["finance"]["funding"]["streams"]
    ]
    # nothing given by stream: each amount says so, never £0
    assert {cell for r in streams for cell in r[2:5]} == {"Not broken down in the source"}
    # the outturn the source gives for the whole plan only, as the return's spend holds it
    (whole,) = [r for r in sheet if r[0] == "Not broken down by scheme"]
    assert whole[4] == float(outturn)
    pdf = year_end_pdf(ret)
    text = pdf_text(pdf)
    assert "Financial Outturn" in text and words in text
    assert f"£{outturn:,.0f}" in text
    # Words in a column of figures wrap like text: no table runs off the page's right edge
    # (text is placed in points scaled from CSS pixels: cm is that scale).
    assert _text_beyond_right_edge(pdf) == []


def test_a_year_end_returns_documents_are_named_as_year_end_documents_wherever_labelled(
    area, officer, django_capture_on_commit_callbacks, client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    packs_load()
    plan = _plan(area, first=2016, last=2016, title="Testshire BCF plan 2016/17")
    _spend_every_quarter(plan, 2016)
    ret = _prepare(plan, 2016, officer, django_capture_on_commit_callbacks)
    documents = []
    for kind in Document.Kind.YEAR_END_PDF, Document.Kind.RETURN_PDF, Document.Kind.YEAR_END_XLSX:
        with django_capture_on_commit_callbacks(execute=True):
            job = document_request(kind=kind, obj=ret, user=officer)
        job.refresh_from_db()
        assert job.state == Job.State.SUCCESS, job.error
        documents.append(Document.objects.get(pk=job.result["document"]))
    for document in documents:
        assert document.source_version == "2016/17 year-end v1"
        assert "-201617-year-end-v1-" in document.file.name and "q4" not in document.file.name
    year_end, report, workbook = (d.file.open("rb").read() for d in documents)
    for text in pdf_text(year_end), pdf_text(report):
        assert "Year-end return 2016/17" in text and "2016/17 year-end v1" in text
        assert "Q4 v1" not in text
    from pypdf import PdfReader

    titles = [PdfReader(io.BytesIO(pdf)).metadata.title for pdf in (year_end, report)]
    assert all("Year-end return 2016/17" in title and "Q4" not in title for title in titles)
    book = load_workbook(io.BytesIO(workbook))
    cover = {r[0]: r[1] for r in _sheet_rows(book["Cover"]) if r[0]}
    assert (cover["Return"], cover["Return version"]) == (
        "Year-end return 2016/17",
        "2016/17 year-end v1",
    )
    assert "Q4 v1" not in book.properties.title
    client.force_login(officer)
    page = client.get(reverse("submissions:return_detail", args=[ret.pk])).content.decode()
    assert "<title>Year-end return 2016/17 v1" in " ".join(page.split())
    # the return's documents, listed on its page
    assert "Year-end return (PDF), 2016/17 year-end v1" in page and "Q4 v1" not in page
    assert (ret.label(), ret.version_label()) == ("Year-end return 2016/17", "2016/17 year-end v1")
    assert str(ret) == f"{area} Year-end return 2016/17, version 1"


# Less than the page's printed margin (print.css): text starting here is off the page.
MARGIN = 30


def _text_beyond_right_edge(pdf: bytes) -> list[str]:
    from pypdf import PdfReader

    beyond = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        width = float(page.mediabox.width)

        def visit(text, cm, tm, font, size, width=width):
            x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            if text.strip() and x > width - MARGIN:
                beyond.append(text)

        page.extract_text(visitor_text=visit)
    return beyond


def test_a_framework_without_a_year_end_template_keeps_its_quarter_4_return_quarterly(
    area, officer, django_capture_on_commit_callbacks
):
    packs_load()
    plan = _plan(area, first=2017, last=2018, title="Testshire BCF plan 2017-19")
    assert not selectors.year_end_declared(plan)
    ret = _prepare(plan, 2017, officer, django_capture_on_commit_callbacks)
    assert not ret.holds_year_end and "year_end" not in ret.snapshot
    assert selectors.return_kind_label(ret) == "2017/18 Q4 return"


# Approved and frozen like a quarterly return ---------------------------------------------------


def test_a_year_end_return_goes_stale_with_its_funding_and_once_approved_never_changes(
    rutland, rutland_officer, django_capture_on_commit_callbacks
):
    ret = _prepare(rutland, 2025, rutland_officer, django_capture_on_commit_callbacks)
    assert services.return_staleness(ret) is None
    la = rutland.local_authority
    shown = Contribution.objects.get(plan=rutland, organisation=la, stream__code="dfg").amount
    plan_services.contributions_save(
        plan=rutland, cells={(la.pk, "dfg", 2025): (shown, shown + 1000)}
    )
    assert "changed since it was prepared" in services.return_staleness(ret)
    with pytest.raises(ValidationError, match="changed since it was prepared"):
        services.return_mark_ready(ret=ret)
    ret = services.return_prepare(ret=ret)
    planned = [s["planned"] for s in ret.snapshot["finance"]["funding"]["streams"]]
    assert sum(Decimal(p) for p in planned if p) == sum(
        Contribution.objects.filter(plan=rutland).values_list("amount", flat=True)
    )
    # the Integration Executive approves it under its year-end power
    ret = approve_return(ret, on=datetime.date(2026, 5, 20))
    assert ret.status == QuarterlyReturn.Status.APPROVED and ret.is_frozen
    approval = Approval.objects.get(object_id=ret.pk, content_type__model="quarterlyreturn")
    assert approval.decision.item.meeting.board.name == "Integration Executive"
    frozen = ret.snapshot
    workbook_before = year_end_workbook(ret)
    plan_services.contributions_save(
        plan=rutland, cells={(la.pk, "dfg", 2025): (shown + 1000, shown + 5000)}
    )
    with pytest.raises(services.ReturnFrozen):
        services.return_prepare(ret=ret)
    ret.refresh_from_db()
    assert ret.snapshot == frozen
    funding = {
        r[0]: r[2]
        for r in _sheet_rows(load_workbook(io.BytesIO(workbook_before))["Funding Streams"])
    }
    after = {
        r[0]: r[2]
        for r in _sheet_rows(load_workbook(io.BytesIO(year_end_workbook(ret)))["Funding Streams"])
    }
    assert funding == after  # the approved figures, whatever changed since


# Pages --------------------------------------------------------------------------------------------


def test_the_year_end_return_page_shows_the_funding_and_offers_the_year_end_documents(
    rutland, rutland_officer, django_capture_on_commit_callbacks, client, django_assert_num_queries
):
    ret = _prepare(rutland, 2025, rutland_officer, django_capture_on_commit_callbacks)
    client.force_login(rutland_officer)
    url = reverse("submissions:return_detail", args=[ret.pk])
    client.get(url)  # the session and navigation warmed
    with django_assert_num_queries(PAGE_QUERIES):
        page = client.get(url)
    text = page.content.decode()
    assert "Year-end return 2025/26, version 1" in text
    assert 'value="year-end-xlsx"' in text and 'value="year-end-pdf"' in text
    assert "data-year-end-outturn" in text
    for stream in ret.snapshot["finance"]["funding"]["streams"]:
        assert stream["name"] in text
    listing = client.get(reverse("submissions:return_list", args=[rutland.pk])).content.decode()
    assert "Quarterly and year-end returns" in listing
    assert "Year-end return 2025/26" in listing
    assert "Q4 (the year-end return)" in listing


def test_the_year_end_pages_make_as_many_queries_whatever_the_streams_and_schemes(
    rutland, rutland_officer, django_capture_on_commit_callbacks, client
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ret = _prepare(rutland, 2025, rutland_officer, django_capture_on_commit_callbacks)
    client.force_login(rutland_officer)
    urls = [
        reverse("submissions:return_detail", args=[ret.pk]),
        reverse("submissions:return_list", args=[rutland.pk]),
        reverse("api-plan-returns", kwargs={"pk": rutland.pk}),
    ]

    def counts():
        result = []
        for url in urls:
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    before = counts()
    theme = rutland.themes.first()
    for n in range(4):
        scheme_services.scheme_create(
            plan=rutland,
            theme=theme,
            name=f"Another scheme {n}",
            status="existing",
            budgets={2025: Decimal("1000")},
        )
    icb = rutland.ccgs.get()
    plan_services.contributions_save(
        plan=rutland, cells={(icb.pk, "discharge-funding", 2025): (None, Decimal("90000"))}
    )
    _spend_every_quarter(rutland, 2025)
    with django_capture_on_commit_callbacks(execute=True):
        services.return_prepare_start(ret=ret, user=rutland_officer)
    ret.refresh_from_db()
    assert len(ret.snapshot["finance"]["funding"]["streams"]) >= 1
    assert counts() == before


def test_a_year_end_return_of_a_plan_area_the_user_cannot_see_is_refused(
    rutland, rutland_officer, django_capture_on_commit_callbacks, client, other_officer
):
    ret = _prepare(rutland, 2025, rutland_officer, django_capture_on_commit_callbacks)
    client.force_login(other_officer)
    assert client.get(reverse("submissions:return_detail", args=[ret.pk])).status_code == 403
    answer = client.post(
        reverse("submissions:return_document_render", args=[ret.pk]), {"kind": "year-end-xlsx"}
    )
    assert answer.status_code == 403
    assert Area.objects.count() >= 2
