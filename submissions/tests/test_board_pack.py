"""The quarterly dashboard as a board pack (PDF, laid out for A4): asked for from the
dashboard by the roles that render documents, made by a job and stored; read back with
pypdf, it says what the page says (the summary band's figures, money, metrics, conditions);
the same quarter asked again with nothing changed gives the stored file at once; the roles
that only read download the one made."""

from __future__ import annotations

import io

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from pypdf import PdfReader

from submissions.documents.board_pack import board_pack_pdf
from submissions.models import Document, Job
from submissions.tests.conftest import RETURN_QUARTER, RETURN_YEAR
from tests.pdf import pdf_pages, pdf_text, weasyprint_warnings

QUARTER = {"year": f"{RETURN_YEAR}/{(RETURN_YEAR + 1) % 100:02d}", "quarter": RETURN_QUARTER}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _dashboard(client, plan) -> BeautifulSoup:
    page = client.get(reverse("submissions:dashboard", args=[plan.pk]), QUARTER)
    assert page.status_code == 200
    return BeautifulSoup(page.content, "html.parser")


def _words(text: str) -> str:
    return " ".join(text.split())


def test_the_board_pack_says_what_the_dashboard_says(
    quarter_data, officer, client_for, django_capture_on_commit_callbacks
):
    plan = quarter_data
    client = client_for(officer)
    soup = _dashboard(client, plan)
    form = soup.select_one("[data-board-pack] form")
    assert form.select_one("button").get_text(strip=True) == "Download board pack (PDF)"
    fields = {i["name"]: i["value"] for i in form.select("input[type=hidden]")}
    assert (fields["year"], fields["quarter"]) == (QUARTER["year"], str(RETURN_QUARTER))

    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(form["action"], fields)
    job = Job.objects.get(kind="render-board-pack")
    assert started["Location"] == reverse("submissions:job_detail", args=[job.pk])
    job.refresh_from_db()
    assert job.state == Job.State.SUCCESS, job.error
    assert job.result["label"] == "Download board pack (PDF)"
    document = Document.objects.get(kind=Document.Kind.BOARD_PACK_PDF)
    assert (document.plan, document.source_version) == (plan, f"{QUARTER['year']} Q2")

    download = client.get(job.result["url"])
    content = b"".join(download.streaming_content)
    assert content.startswith(b"%PDF") and content == document.file.open("rb").read()
    text = pdf_text(content)
    # The summary band: each of its four figures as the page writes it.
    for key in ("metrics", "money", "conditions", "attention"):
        figure = _words(soup.select_one(f"[data-summary-{key}]").get_text())
        assert figure in text, key
    # Money, metrics and conditions as the page lists them.
    assert soup.select_one('[data-figure="pooled-budget"]').get_text(strip=True) in text
    for key in ("forecast", "actual", "variance"):
        assert soup.select_one(f'[data-figure="{key}"]').get_text(strip=True) in text, key
    for row in soup.select("#money-by-theme tbody tr"):
        assert _words(row.find_all(["th", "td"])[1].get_text()) in text
    for chart in soup.select("[data-metric-chart]"):
        assert _words(chart.select_one("figcaption strong").get_text()) in text
    for link in soup.select("[data-condition]"):
        assert _words(link.get_text()) in text
    # A4, every page with its numbered footer.
    reader = PdfReader(io.BytesIO(content))
    pages = pdf_pages(content)
    for number, page in enumerate(pages, start=1):
        assert f"page {number} of {len(pages)}" in page
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4 in points

    # Asked again with nothing changed: the stored file at once, no new job.
    again = client.post(form["action"], fields)
    assert again["Location"] == reverse("submissions:document_download", args=[document.pk])
    assert Job.objects.filter(kind="render-board-pack").count() == 1


def test_the_board_pack_lays_out_without_a_warning(quarter_data):
    with weasyprint_warnings() as warnings:
        content = board_pack_pdf(
            quarter_data, year=RETURN_YEAR, quarter=RETURN_QUARTER, today="2016-01-15"
        )
    assert len(pdf_pages(content)) >= 2
    assert warnings == []


def test_roles_that_read_download_the_board_pack_made_and_cannot_start_one(
    quarter_data, officer, executive, client_for, django_capture_on_commit_callbacks
):
    plan = quarter_data
    reader = client_for(executive)
    panel = _dashboard(reader, plan).select_one("[data-board-pack]")
    assert panel.select_one("form") is None
    assert "No board pack of" in panel.get_text()
    url = reverse("submissions:dashboard_board_pack", args=[plan.pk])
    assert reader.post(url, QUARTER).status_code == 403
    assert not Job.objects.filter(kind="render-board-pack").exists()

    with django_capture_on_commit_callbacks(execute=True):
        client_for(officer).post(url, QUARTER)
    document = Document.objects.get(kind=Document.Kind.BOARD_PACK_PDF)
    panel = _dashboard(reader, plan).select_one("[data-board-pack]")
    link = panel.find("a", string="Download board pack (PDF)")
    assert link["href"] == reverse("submissions:document_download", args=[document.pk])
    assert reader.get(link["href"]).status_code == 200
