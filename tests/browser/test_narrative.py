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


WORD_CLIPBOARD = (
    "<html><body><!--StartFragment--><h2>Our aims</h2>"
    "<p class=MsoListParagraph style='mso-list:l0 level1 lfo1'><span style='mso-list:Ignore'>"
    "·<span>&nbsp;</span></span>Care closer to home</p>"
    "<p class=MsoListParagraph style='mso-list:l0 level1 lfo1'><span style='mso-list:Ignore'>"
    "·<span>&nbsp;</span></span>Fewer emergency admissions</p>"
    "<table border=1><tr><td><b>Scheme</b></td><td><b>£000</b></td></tr>"
    "<tr><td>Falls service</td><td>1,444</td></tr></table><!--EndFragment--></body></html>"
)


def test_pasting_from_word_keeps_lists_and_tables_and_the_preview_follows(
    page, login, sample, screenshot_dir
):
    login(page, "leics_officer")
    page.goto(f"/plans/{sample.plan.pk}/sections/aims/edit/")
    box = page.get_by_role("textbox", name=NarrativeSection.Key.AIMS.label)
    box.fill("Our plan for 2014/15:\n\n")
    page.evaluate(
        """([html]) => {
            const box = document.querySelector("textarea");
            box.setSelectionRange(box.value.length, box.value.length);
            const data = new DataTransfer();
            data.setData("text/html", html);
            data.setData("text/plain", "Our aims");
            box.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true}));
        }""",
        [WORD_CLIPBOARD],
    )
    expect(box).to_have_value(
        "Our plan for 2014/15:\n\n## Our aims\n\n- Care closer to home\n"
        "- Fewer emergency admissions\n\n| **Scheme** | **£000** |\n| --- | --- |\n"
        "| Falls service | 1,444 |"
    )
    preview = page.locator("#narrative-preview")
    expect(preview.get_by_role("heading", name="Our aims")).to_be_visible()
    expect(preview.get_by_role("listitem")).to_have_text(
        ["Care closer to home", "Fewer emergency admissions"]
    )
    expect(preview.get_by_role("cell", name="1,444")).to_be_visible()
    page.screenshot(path=screenshot_dir / "narrative-preview.png", full_page=True)
    page.get_by_role("button", name="Save section").click()
    section = sample.plan.sections.get(key="aims")
    assert "| Falls service | 1,444 |" in section.body


def test_the_preview_button_works_without_script(browser, live_server, login, sample):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        login(page, "leics_officer")
        page.goto(f"/plans/{sample.plan.pk}/sections/vision/edit/")
        page.get_by_role("textbox").fill("## Home first\n\n1. Assess\n2. Support")
        page.get_by_role("button", name="Preview").click()
        preview = page.locator("#narrative-preview")
        expect(preview.get_by_role("heading", name="Home first")).to_be_visible()
        expect(preview.get_by_role("listitem")).to_have_text(["Assess", "Support"])
        assert sample.plan.sections.get(key="vision").body == ""
    finally:
        context.close()
