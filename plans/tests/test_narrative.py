"""The narrative: Markdown to safe HTML (the same filter for the page and the PDFs), and
HTML pasted from Word or a web page to Markdown."""

import pytest

from plans.narrative import markdown_from_html, render
from plans.templatetags.bcf_format import narrative


def _flat(html) -> str:
    return str(html).replace("\n", "")


def test_headings_lists_tables_and_links_are_rendered():
    html = _flat(
        render(
            "## Vision\n\nWe will:\n\n- reduce **admissions**\n- support carers\n\n"
            "1. Scope\n2. Deliver\n\n| Scheme | £000 |\n|---|--:|\n| Falls | 1,444 |\n\n"
            "See [the strategy](https://example.org/strategy)."
        )
    )
    assert '<h2 class="nhsuk-heading-m">Vision</h2>' in html
    assert (
        '<ul class="nhsuk-list nhsuk-list--bullet"><li>reduce <strong>admissions</strong>' in html
    )
    assert '<ol class="nhsuk-list nhsuk-list--number"><li>Scope</li><li>Deliver</li></ol>' in html
    assert '<table class="nhsuk-table bcf-narrative-table">' in html
    assert '<td style="text-align:right">1,444</td>' in html
    assert '<a href="https://example.org/strategy" rel="noopener noreferrer">' in html
    assert narrative("## Vision") == render("## Vision")


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "[click](javascript:alert(1))",
        "<a href='https://x' onclick='alert(1)'>x</a>",
        '| a |\n|---|\n| <iframe src="https://x"></iframe> |',
        "![tracker](https://example.org/pixel.png)",
    ],
)
def test_nothing_typed_can_add_script_images_or_unsafe_links(text):
    elements = _elements(str(render(text)))
    assert {tag for tag, _ in elements} <= {"p", "a", "table", "thead", "tbody", "tr", "th", "td"}
    for _tag, attributes in elements:
        assert not any(name.startswith("on") for name in attributes)
        assert attributes.get("href", "https:").startswith(("https:", "http:", "mailto:"))


def _elements(html: str) -> list[tuple[str, dict]]:
    """Every element the browser would build from this HTML, with its attributes."""
    from html.parser import HTMLParser

    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, dict(attrs)))

    Collector().feed(html)
    return found


def test_text_written_before_markdown_reads_as_it_did():
    html = _flat(
        render(
            "a) Protecting social care\n\nWe will:\n"
            "1. Scope the offer\n  - Map services\n2. Extend carers support"
        )
    )
    assert html == (
        '<h3 class="nhsuk-heading-s">a) Protecting social care</h3>'
        "<p>We will:</p>"
        '<ol class="nhsuk-list nhsuk-list--number"><li>Scope the offer'
        '<ul class="nhsuk-list nhsuk-list--bullet"><li>Map services</li></ul></li>'
        "<li>Extend carers support</li></ol>"
    )
    assert _flat(render("Line one\nline two")) == "<p>Line one<br>line two</p>"
    assert render("") == "" and render(None) == ""


WORD = """<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>
<style>p.MsoNormal{margin:0}</style></head><body><!--StartFragment-->
<h2>Our vision</h2><p class=MsoNormal>We will <b>integrate</b> care.</p>
<p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'>
<![if !supportLists]><span style='font-family:Symbol;mso-list:Ignore'>·<span>&nbsp; </span>
</span><![endif]>Reduce admissions</p>
<p class=MsoListParagraphCxSpMiddle style='mso-list:l0 level2 lfo1'><span
style='mso-list:Ignore'>o<span>&nbsp; </span></span>Falls service</p>
<p class=MsoListParagraphCxSpLast style='mso-list:l0 level1 lfo1'><span
style='mso-list:Ignore'>·<span>&nbsp;</span></span>Support carers</p>
<p class=MsoListParagraph style='mso-list:l1 level1 lfo2'><span
style='mso-list:Ignore'>1.<span>&nbsp;</span></span>First step</p>
<p class=MsoListParagraph style='mso-list:l1 level1 lfo2'><span
style='mso-list:Ignore'>2.<span>&nbsp;</span></span>Second step</p>
<table class=MsoTableGrid border=1><tr><td><p><b>Scheme</b></p></td><td><p><b>£000</b></p>
</td></tr><tr><td><p>Falls</p></td><td><p>1,444</p></td></tr></table>
<p><a href="javascript:alert(1)">bad</a> <a href="https://example.org/plan">the plan</a>
<script>alert(1)</script></p><!--EndFragment--></body></html>"""


def test_pasting_from_word_keeps_headings_lists_and_tables():
    markdown = markdown_from_html(WORD)
    assert "## Our vision" in markdown
    assert "- Reduce admissions\n  - Falls service\n- Support carers" in markdown
    assert "1. First step\n2. Second step" in markdown
    assert "| **Scheme** | **£000** |\n| --- | --- |\n| Falls | 1,444 |" in markdown
    assert "[the plan](https://example.org/plan)" in markdown
    assert "javascript" not in markdown and "alert" not in markdown
    html = _flat(render(markdown))
    assert '<ul class="nhsuk-list nhsuk-list--bullet"><li>Reduce admissions' in html
    assert "<table" in html
