"""The plan's narrative: Markdown in, safe HTML out, the same on the page and in the PDFs.

Officers write headings, bullet and numbered lists, tables and links in Markdown (CommonMark
with tables; a single line break is kept as a line break, as people expect of a text box).
`render` turns it into HTML through markdown-it-py and then nh3 (the Ammonia sanitiser),
which keeps only a small set of tags and attributes, so nothing typed or pasted can add a
script, a style or an image fetched from elsewhere; links open only http(s) and mailto.

`markdown_from_html` goes the other way for what is pasted from Word or a web page: lists
(Word's own "mso-list" paragraphs included) and tables are kept; the rest becomes text.

Text written before Markdown (a lone "a) …" line as a heading, "  - " sub-bullets under
numbered items) reads as it always did: `_legacy` rewrites those two forms on the way in.
"""

from __future__ import annotations

import re

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

LIMIT = 200_000  # characters of one section; more is refused by the form, cut here

_MARKDOWN = MarkdownIt("commonmark", {"breaks": True, "html": False, "linkify": False}).enable(
    ["table", "strikethrough"]
)

TAGS = {
    "p", "br", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "del", "a", "blockquote",
    "code", "pre", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "th": {"style"}, "td": {"style"}, "ol": {"start"}}
# Our own look on what the sanitiser keeps (NHS.UK classes), set by nh3 itself.
CLASSES = {
    "ul": {"class": "nhsuk-list nhsuk-list--bullet"},
    "ol": {"class": "nhsuk-list nhsuk-list--number"},
    "table": {"class": "nhsuk-table bcf-narrative-table"},
    "h2": {"class": "nhsuk-heading-m"},
    "h3": {"class": "nhsuk-heading-s"},
    "h4": {"class": "nhsuk-heading-xs"},
}

_LETTERED_HEADING = re.compile(r"^[a-z]\)\s+.{1,100}$")
_NUMBERED = re.compile(r"^\d+\.\s")
# Markdown's level-one heading is the page's own title: a "# " heading is shown one down.
_HEADINGS = {"h1": "h2", "h2": "h2", "h3": "h3", "h4": "h4", "h5": "h4", "h6": "h4"}


def _legacy(text: str) -> str:
    lines, numbered = [], False
    for block in text.split("\n\n"):
        rows = block.split("\n")
        stripped = [r for r in rows if r.strip()]
        if len(stripped) == 1 and _LETTERED_HEADING.match(stripped[0].strip()):
            lines.append("### " + stripped[0].strip())
            continue
        out = []
        for row in rows:
            if _NUMBERED.match(row.strip()):
                numbered = True
            elif not row.startswith(("  - ", "\t- ")):
                numbered = False
            if numbered and row.startswith(("  - ", "\t- ")):
                row = "   - " + row.strip()[2:]
            out.append(row)
        lines.append("\n".join(out))
    return "\n\n".join(lines)


def render(text: str | None) -> SafeString:
    """The narrative as safe HTML ("" for none)."""
    if not text or not text.strip():
        return mark_safe("")  # nosec B308 B703 - empty
    source = _legacy(text.replace("\r\n", "\n")[:LIMIT])
    html = _MARKDOWN.render(source)
    for tag, shown in _HEADINGS.items():
        html = html.replace(f"<{tag}>", f"<{shown}>").replace(f"</{tag}>", f"</{shown}>")
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        set_tag_attribute_values=CLASSES,
        filter_style_properties={"text-align"},
        strip_comments=True,
    )
    # nh3 kept only the tags and attributes above, with every text escaped.
    return mark_safe(clean.strip())  # nosec B308 B703


# From HTML (pasting from Word or a web page) ---------------------------------------------

_MSO_LIST = re.compile(r"mso-list:\s*l(\d+)\s+level(\d+)", re.I)
_CONDITIONAL = re.compile(r"<!\[(?:if [^\]]*|endif)\]>", re.I)
_SAFE_LINK = re.compile(r"^(https?:|mailto:)", re.I)
_NUMBER_MARK = re.compile(r"^\s*(\(?[0-9ivxlcdm]+[.)]|\(?[a-z][.)])\s*$", re.I)


def _word_lists(soup) -> None:
    """Word writes list items as paragraphs styled "mso-list: l0 level1" with the bullet or
    number in a span: make them real lists, nested by level."""
    for paragraph in list(soup.find_all("p")):
        if paragraph.parent is None:
            continue
        match = _MSO_LIST.search(paragraph.get("style", ""))
        if not match:
            continue
        # One list: the paragraphs that follow with the same list id ("l0", "l1"…).
        run = [paragraph]
        sibling = paragraph.find_next_sibling()
        while sibling is not None and sibling.name == "p":
            following = _MSO_LIST.search(sibling.get("style", ""))
            if not following or following[1] != match[1]:
                break
            run.append(sibling)
            sibling = sibling.find_next_sibling()
        root = None
        levels: list = []  # (Word's level, the list element) from the outermost in
        for item in run:
            found = _MSO_LIST.search(item.get("style", ""))
            if found is None:  # the run is of paragraphs _MSO_LIST matched
                continue
            level = int(found[2])
            marker = ""
            for ignored in item.find_all("span", style=re.compile("mso-list:\\s*ignore", re.I)):
                marker = ignored.get_text(strip=True)
                ignored.decompose()
            kind = "ol" if _NUMBER_MARK.match(marker or "") else "ul"
            while levels and levels[-1][0] > level:
                levels.pop()
            if not levels or levels[-1][0] < level:
                new_list = soup.new_tag(kind)
                if levels:  # nested: inside the last item of the list above
                    parent = levels[-1][1]
                    items = parent.find_all("li", recursive=False)
                    (items[-1] if items else parent).append(new_list)
                else:
                    root = new_list
                levels.append((level, new_list))
            li = soup.new_tag("li")
            li.extend(list(item.contents))
            levels[-1][1].append(li)
        run[0].replace_with(root)
        for item in run[1:]:
            item.decompose()


def markdown_from_html(html: str) -> str:
    """Markdown for HTML pasted from Word or a web page: headings, lists (Word's included),
    tables, emphasis and links kept; styles, scripts, images and comments dropped."""
    from bs4 import BeautifulSoup, Comment
    from markdownify import MarkdownConverter

    # Word's conditional comments (<![if !supportLists]>) are not HTML: drop their markers.
    html = _CONDITIONAL.sub("", html[: LIMIT * 5])
    soup = BeautifulSoup(html, "html.parser")
    for element in soup(["script", "style", "meta", "link", "title", "img", "xml"]):
        element.decompose()
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    _word_lists(soup)
    for link in soup.find_all("a"):
        if not _SAFE_LINK.match(str(link.get("href") or "")):
            link.unwrap()  # the words stay, the address goes
    body = soup.body or soup
    markdown = MarkdownConverter(
        heading_style="ATX",
        bullets="-",
        strip=["span", "font", "o:p", "div"],
        escape_misc=False,
        table_infer_header=True,
    ).convert_soup(body)
    markdown = re.sub(r"\n{3,}", "\n\n", markdown.replace("\u00a0", " "))
    return markdown.strip()
