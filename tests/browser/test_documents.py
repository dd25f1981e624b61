"""A finance lead exports the plan as PDF from the plan's page, watches the job's progress
and downloads the file; the downloaded PDF is the plan's. Exporting again with nothing
changed gives the same file; a board member has no export buttons."""

import pytest
from playwright.sync_api import expect

from submissions.models import Document
from tests.pdf import pdf_pages

pytestmark = pytest.mark.browser


def test_exporting_the_plan_as_pdf_shows_progress_and_downloads_the_file(
    page, login, sample, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    plan = sample.plan
    login(page, "leics_finance")
    page.goto(f"/plans/{plan.pk}/")
    page.get_by_role("link", name="Submission documents").click()
    page.get_by_role("button", name="Export PDF").click()

    expect(page.get_by_role("heading", name="Background job")).to_be_visible()
    status = page.locator("#job-status")
    expect(status.locator("[data-state]")).to_have_attribute("data-state", "success")
    expect(status.locator("progress")).to_have_attribute("value", "100")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download plan (Part 1) as PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    content = download.path().read_bytes()
    assert content.startswith(b"%PDF")

    pages = pdf_pages(content)
    assert plan.title in pages[0]
    assert f"page 1 of {len(pages)}" in pages[0]
    document = Document.objects.get(plan=plan)
    assert document.size == len(content)

    page.goto(f"/submissions/plans/{plan.pk}/documents/")
    expect(page.get_by_role("link", name="Plan (Part 1) as PDF")).to_be_visible()

    # Again, with nothing changed: the same file, no second job.
    page.get_by_role("button", name="Export PDF").click()
    expect(page.get_by_text("Nothing has changed since the plan (part 1) as pdf")).to_be_visible()
    assert Document.objects.filter(plan=plan).count() == 1


def test_a_board_member_is_offered_the_documents_made_and_no_export(page, login, sample):
    plan = sample.plan
    login(page, "leics_board")
    page.goto(f"/submissions/plans/{plan.pk}/documents/")
    expect(page.get_by_text("programme officers and finance leads make these")).to_be_visible()
    expect(page.get_by_role("button", name="Export PDF")).to_have_count(0)
