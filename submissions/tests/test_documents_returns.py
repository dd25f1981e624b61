"""A quarterly return's documents (issue 7, item 4): the board report as PDF and NHS
England's quarterly workbook, read back from the files; both made from the frozen snapshot,
never from live data; rendered by jobs, stored once per return version and snapshot."""

import hashlib
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from metrics.templatetags.metric_format import figure
from plans.templatetags.bcf_format import pounds
from plans.workbooks import MONEY_FORMAT
from schemes import services as scheme_services
from submissions import services
from submissions.documents.requests import document_request
from submissions.documents.returns import return_html, return_pdf, return_workbook
from submissions.jobs import job_run
from submissions.models import Document, Job
from submissions.tests.conftest import RETURN_QUARTER, RETURN_YEAR
from tests.pdf import pdf_pages, pdf_text, weasyprint_warnings

# The sheets the 2016/17 framework pack's quarterly return layout declares.
WORKBOOK_SHEETS = (
    "Cover",
    "Budget arrangements",
    "National Conditions",
    "Income and Expenditure",
    "Metrics",
    "Narrative",
)
REPORT_HEADINGS = (
    "Purpose of report",
    "Financial outturn for 2015/16",
    "Performance against BCF outcome metrics",
    "Progress against BCF national conditions",
    "Highlights and successes",
    "Challenges",
    "Recommendation",
)


@pytest.fixture
def prepared(quarter_data, officer, django_capture_on_commit_callbacks):
    ret = services.return_get_or_create_draft(
        plan=quarter_data, year=RETURN_YEAR, quarter=RETURN_QUARTER, user=officer
    )
    services.return_narrative_update(
        ret=ret,
        highlights="- The falls app went live.\n- 2,010 admissions avoided.",
        challenges="Delayed transfers of care rose in the quarter.",
        expected_version=ret.lock_version,
        user=officer,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.return_prepare_start(ret=ret, user=officer)
    ret.refresh_from_db()
    assert ret.snapshot
    return ret


def _change_live_data(plan) -> None:
    """Spend and narrative change after the snapshot: the documents must not show it."""
    scheme = plan.schemes.order_by("pk").first()
    scheme_services.quarter_spend_set(
        plan=plan,
        year=RETURN_YEAR,
        quarter=RETURN_QUARTER,
        rows={scheme.pk: (Decimal("98765.43"), Decimal("12345.67"))},
    )


def _assert_report_figures(flat: str, snapshot: dict) -> None:
    for heading in REPORT_HEADINGS:
        assert heading in flat, heading
    finance = snapshot["finance"]
    for key in ("forecast", "actual_to_date", "variance"):
        assert pounds(finance[key]) in flat, key
    assert pounds(finance["pooled_budget"]["agreed_total"]) in flat
    for theme in finance["themes"]:
        for scheme in theme["schemes"]:
            assert pounds(scheme["forecast"]) in flat, scheme["name"]
    assert snapshot["metrics"]
    for metric in snapshot["metrics"]:
        assert metric["name"] in flat
        if metric["quarter"]:
            assert f"Actual {figure(metric['quarter']['value'])}" in flat
            assert f"against target {figure(metric['quarter']['target'])}" in flat
            assert metric["quarter"]["status_label"] in flat
    for condition in snapshot["conditions"]:
        assert condition["title"] in flat
        assert condition["status_label"] in flat
    assert "The falls app went live." in flat
    assert "Delayed transfers of care rose in the quarter." in flat


def test_the_report_has_the_june_2017_sections_and_the_snapshots_figures(prepared, tmp_path):
    flat = pdf_text(return_pdf(prepared))
    _assert_report_figures(flat, prepared.snapshot)
    assert "Urgent care redesign under way." in flat
    assert "expected to be met by 31 March 2016" in flat


def test_the_report_lays_out_without_a_warning(prepared):
    with weasyprint_warnings() as warnings:
        content = return_pdf(prepared)
    assert 'class="pygal-chart"' in return_html(prepared)
    assert pdf_pages(content)
    assert warnings == []


def test_every_page_has_the_numbered_footer_with_the_return_version(prepared):
    content = return_pdf(prepared)
    reader = PdfReader(io.BytesIO(content))
    pages = len(reader.pages)
    assert pages >= 1
    for number, text in enumerate(pdf_pages(content), start=1):
        assert f"page {number} of {pages}" in text
        assert "2015/16 Q2 v1" in text
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "en-GB"
    assert "/StructTreeRoot" in catalog
    assert "2015/16 Q2" in reader.metadata.title


def _sheet_rows(workbook, title):
    return list(workbook[title].iter_rows(values_only=True))


def _assert_workbook_figures(content: bytes, snapshot: dict) -> None:
    workbook = load_workbook(io.BytesIO(content))
    assert tuple(workbook.sheetnames) == WORKBOOK_SHEETS
    finance = snapshot["finance"]
    spend = workbook["Income and Expenditure"]
    by_scheme = {row[1]: row for row in spend.iter_rows(min_row=4, values_only=True)}
    for theme in finance["themes"]:
        for scheme in theme["schemes"]:
            row = by_scheme[scheme["name"]]
            assert Decimal(str(row[2])) == Decimal(scheme["plan"])
            assert Decimal(str(row[3])) == Decimal(scheme["forecast"])
            assert Decimal(str(row[4])) == Decimal(scheme["actual_to_date"])
    total = by_scheme["Pooled budget"]
    assert Decimal(str(total[3])) == Decimal(finance["forecast"])
    assert Decimal(str(total[4])) == Decimal(finance["actual_to_date"])
    assert spend.cell(row=5, column=4).number_format == MONEY_FORMAT
    assert isinstance(spend.cell(row=5, column=4).value, int | float)
    budget = workbook["Budget arrangements"]
    assert Decimal(str(budget["B3"].value)) == Decimal(finance["pooled_budget"]["agreed_total"])
    funds = {row[0]: row for row in budget.iter_rows(min_row=7, values_only=True) if row[0]}
    for fund in finance["funds"]:
        assert Decimal(str(funds[fund["name"]][4])) == Decimal(fund["balance"])
    metrics = {row[0]: row for row in workbook["Metrics"].iter_rows(min_row=4, values_only=True)}
    for metric in snapshot["metrics"]:
        row = metrics[metric["name"]]
        if metric["quarter"]:
            assert Decimal(str(row[1])) == Decimal(metric["quarter"]["target"])
            assert Decimal(str(row[2])) == Decimal(metric["quarter"]["value"])
            assert row[3] == metric["quarter"]["status_label"]
    conditions = {
        row[0]: row
        for row in workbook["National Conditions"].iter_rows(min_row=4, values_only=True)
    }
    for condition in snapshot["conditions"]:
        assert conditions[condition["title"]][1] == condition["status_label"]
    narrative = {row[0]: row[1] for row in _sheet_rows(workbook, "Narrative")}
    # Text is stored as text: a leading "- " bullet is kept as written, with no quote.
    assert narrative["Highlights and successes"] == snapshot["narrative"]["highlights"]
    cover = {row[0]: row[1] for row in _sheet_rows(workbook, "Cover")}
    assert cover["Return version"] == "2015/16 Q2 v1"


def test_the_workbook_has_every_sheet_and_the_snapshots_figures(prepared):
    _assert_workbook_figures(return_workbook(prepared), prepared.snapshot)


def test_workbook_text_that_a_spreadsheet_would_run_is_written_as_text(prepared):
    snapshot = dict(prepared.snapshot)
    snapshot["narrative"] = {"highlights": "=HYPERLINK(1)", "challenges": "+1"}
    prepared.snapshot = snapshot
    workbook = load_workbook(io.BytesIO(return_workbook(prepared)))
    cells = {c.value: c for row in workbook["Narrative"].iter_rows() for c in row}
    # Stored as text, as written: a spreadsheet shows them and never runs them.
    assert cells["=HYPERLINK(1)"].data_type == "s" and cells["+1"].data_type == "s"


def test_both_documents_come_from_the_snapshot_never_from_live_data(
    prepared, officer, approve_at_meeting, tmp_path
):
    approve_at_meeting(prepared)
    prepared.refresh_from_db()
    frozen = prepared.snapshot
    _change_live_data(prepared.plan)
    live = services.compute_snapshot(prepared)
    assert live["finance"]["forecast"] != frozen["finance"]["forecast"]
    flat = pdf_text(return_pdf(prepared))
    _assert_report_figures(flat, frozen)
    assert pounds(live["finance"]["forecast"]) not in flat
    assert "£98,765.43" not in flat
    content = return_workbook(prepared)
    _assert_workbook_figures(content, frozen)
    workbook = load_workbook(io.BytesIO(content))
    values = [c.value for row in workbook["Income and Expenditure"].iter_rows() for c in row]
    assert 98765.43 not in values


def _render(ret, kind, user, capture) -> Job | Document:
    with capture(execute=True):
        made = document_request(kind=kind, obj=ret, user=user)
    made.refresh_from_db()
    return made


@pytest.mark.parametrize("kind", [Document.Kind.RETURN_PDF, Document.Kind.RETURN_XLSX])
def test_the_jobs_store_the_document_once_per_return_version(
    prepared, officer, kind, django_capture_on_commit_callbacks
):
    job = _render(prepared, kind, officer, django_capture_on_commit_callbacks)
    assert job.state == Job.State.SUCCESS, job.error
    document = Document.objects.get(pk=job.result["document"])
    assert (document.kind, document.quarterly_return, document.plan) == (
        kind,
        prepared,
        prepared.plan,
    )
    assert document.source_version == "2015/16 Q2 v1"
    content = document.file.open("rb").read()

    assert document.checksum == hashlib.sha256(content).hexdigest()
    again = _render(prepared, kind, officer, django_capture_on_commit_callbacks)
    assert again == document  # the stored one: no second job
    assert Document.objects.filter(quarterly_return=prepared, kind=kind).count() == 1
    # Running the same job again makes nothing twice either.
    Job.objects.filter(pk=job.pk).update(state=Job.State.PENDING)
    job_run(job.pk)
    assert Document.objects.filter(quarterly_return=prepared, kind=kind).count() == 1


def test_an_unprepared_return_has_no_documents_to_render(quarter_data, officer):
    from django.core.exceptions import ValidationError

    ret = services.return_get_or_create_draft(
        plan=quarter_data, year=RETURN_YEAR, quarter=RETURN_QUARTER
    )
    with pytest.raises(ValidationError, match="Prepare the return first"):
        document_request(kind=Document.Kind.RETURN_PDF, obj=ret, user=officer)


def test_the_return_page_renders_and_downloads_through_the_checked_view(
    prepared, client_for, officer, other_officer, django_capture_on_commit_callbacks
):
    client = client_for(officer)
    page = client.get(reverse("submissions:return_detail", args=[prepared.pk])).content.decode()
    assert "Export the board report (PDF)" in page
    assert "Export the NHS England workbook (.xlsx)" in page
    url = reverse("submissions:return_document_render", args=[prepared.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"kind": "return-xlsx"})
    assert response.status_code == 302
    document = Document.objects.get(quarterly_return=prepared, kind="return-xlsx")
    download = reverse("submissions:document_download", args=[document.pk])
    assert (
        download
        in client.get(reverse("submissions:return_detail", args=[prepared.pk])).content.decode()
    )
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:2] == b"PK"
    assert client_for(other_officer).get(download).status_code == 403
    assert client.post(url, {"kind": "part1-pdf"}).status_code == 404


def test_a_draft_prepared_again_with_new_figures_gets_a_new_document(
    prepared, officer, django_capture_on_commit_callbacks
):
    kind = Document.Kind.RETURN_XLSX
    first = _render(prepared, kind, officer, django_capture_on_commit_callbacks)
    _change_live_data(prepared.plan)
    with django_capture_on_commit_callbacks(execute=True):
        services.return_prepare_start(ret=prepared, user=officer)
    prepared.refresh_from_db()
    second = _render(prepared, kind, officer, django_capture_on_commit_callbacks)
    assert second.result["document"] != first.result["document"]
    document = Document.objects.get(pk=second.result["document"])
    _assert_workbook_figures(document.file.open("rb").read(), prepared.snapshot)


def test_the_api_lists_a_returns_documents_and_their_urls_work_with_its_token(
    prepared, officer, other_officer, django_capture_on_commit_callbacks
):
    from django.test import Client

    from accounts.services import token_create

    for kind in (Document.Kind.RETURN_PDF, Document.Kind.RETURN_XLSX):
        _render(prepared, kind, officer, django_capture_on_commit_callbacks)
    token = token_create(user=officer, name="Returns")[1]
    api = Client(HTTP_AUTHORIZATION=f"Token {token}")
    detail = api.get(reverse("api-return-detail", args=[prepared.pk])).json()
    listing = api.get(reverse("api-plan-returns", args=[prepared.plan_id])).json()
    assert listing[0]["documents"] == detail["documents"]
    documents = {document["kind"]: document for document in detail["documents"]}
    assert set(documents) == {"return-pdf", "return-xlsx"}
    pdf = api.get(documents["return-pdf"]["url"])
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    body = b"".join(pdf.streaming_content)
    assert body.startswith(b"%PDF")
    assert hashlib.sha256(body).hexdigest() == documents["return-pdf"]["checksum"]
    workbook = api.get(documents["return-xlsx"]["url"])
    assert workbook.status_code == 200
    sheets = load_workbook(io.BytesIO(b"".join(workbook.streaming_content))).sheetnames
    assert sheets == list(WORKBOOK_SHEETS)
    # Someone of another area, with a token of their own, gets neither list nor file.
    stranger = Client(HTTP_AUTHORIZATION=f"Token {token_create(user=other_officer, name='x')[1]}")
    assert stranger.get(reverse("api-return-detail", args=[prepared.pk])).status_code in (403, 404)
    assert stranger.get(documents["return-pdf"]["url"]).status_code in (403, 404)
    # No session and no token: refused, not sent to the sign-in page.
    assert Client().get(documents["return-pdf"]["url"]).status_code in (401, 403)
