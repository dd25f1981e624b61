"""The narrative sections of a plan: reading them, and editing one as an officer."""

import pytest
from playwright.sync_api import expect

from plans.models import NarrativeSection

pytestmark = pytest.mark.browser

VISION = NarrativeSection.Key.VISION.label


def test_officer_edits_a_narrative_section_and_sees_it_saved(page, login, sample):
    login(page, "leics_officer")
    page.goto(f"/plans/{sample.plan.pk}/")
    page.get_by_role("link", name="Narrative sections").click()

    contents = page.get_by_role("navigation", name="Sections").get_by_role("link")
    expect(contents).to_have_text([label for _, label in NarrativeSection.Key.choices])
    vision = page.get_by_role("region", name=VISION)
    expect(vision).to_contain_text("Not written yet.")

    vision.get_by_role("link", name=f"Edit {VISION}").click()
    page.get_by_label(VISION).fill(
        "People in Leicestershire live independently for longer.\n\n"
        "- Care closer to home\n"
        "- Fewer emergency admissions"
    )
    page.get_by_role("button", name="Save section").click()

    expect(page.get_by_role("status").first).to_have_text(f"“{VISION}” saved.")
    vision = page.get_by_role("region", name=VISION)
    expect(vision.get_by_role("paragraph").first).to_have_text(
        "People in Leicestershire live independently for longer."
    )
    expect(vision.get_by_role("listitem")).to_have_text(
        ["Care closer to home", "Fewer emergency admissions"]
    )


def test_board_member_reads_the_sections_with_no_edit_links(page, login, sample):
    login(page, "leics_board")
    page.goto(f"/plans/{sample.plan.pk}/sections/")

    expect(page.get_by_role("heading", name="Narrative sections")).to_be_visible()
    expect(page.get_by_role("region")).to_have_count(len(NarrativeSection.ORDER))
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)

    response = page.goto(f"/plans/{sample.plan.pk}/sections/vision/edit/")
    assert response.status == 403
