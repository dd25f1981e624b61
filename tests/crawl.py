"""Every page of the sample data, as each role reaches it: follow the links from the home page.

The tests that must hold on every page (figures written at their precision, nothing wider
than a phone, no accessibility violation) walk the same pages. Links are followed within
the app only, by GET; the administration site, the API, signing out and pages that delete
or withdraw are left out. Pages of one kind (one URL pattern with the same query keys) are
visited at most `PER_KIND` times: the 29 risks of a register have one page each, all alike.
"""

from __future__ import annotations

import collections
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import parse_qsl, urljoin, urlsplit

from bs4 import BeautifulSoup
from django.urls import Resolver404, resolve

PER_KIND = 2
LIMIT = 400
SKIP = re.compile(r"^/(admin|api|accounts/logout)/|/(delete|remove|withdraw)/")
# The sample data's roles, by the demo users that hold them (fixtures/loader.py).
ROLES = ("officer", "finance", "executive", "board", "assurer", "admin")


@dataclass
class Page:
    path: str
    status: int
    content_type: str
    body: bytes

    @property
    def is_html(self) -> bool:
        return self.status == 200 and "text/html" in self.content_type


def _kind(path: str) -> tuple[str, tuple[str, ...]] | None:
    parts = urlsplit(path)
    try:
        name = resolve(parts.path).view_name
    except Resolver404:
        return None
    # Sorting and filtering a table is the same page; a download is a page of its own.
    keys = tuple(sorted(key for key, _ in parse_qsl(parts.query) if key in ("_export",)))
    return name, keys


def links(path: str, html: bytes) -> Iterator[str]:
    """The app's own paths that a page links to."""
    soup = BeautifulSoup(html, "html.parser")
    for anchor in soup.find_all("a", href=True):
        parts = urlsplit(urljoin(path, anchor["href"]))
        if parts.scheme not in ("", "http") or (parts.netloc and parts.netloc != "testserver"):
            continue
        yield parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(get: Callable[[str], object], start: str = "/", per_kind: int = PER_KIND) -> list[Page]:
    """The pages reached from `start` with `get(path) -> response` (a test client's or a
    browser's), breadth first, each kind of page at most `per_kind` times."""
    seen: set[str] = set()
    kinds: collections.Counter = collections.Counter()
    queue = collections.deque([start])
    pages = []
    while queue and len(pages) < LIMIT:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        response = get(path)
        page = Page(path, response.status_code, response.get("Content-Type", ""), b"")
        page.body = response.content if not getattr(response, "streaming", False) else b""
        pages.append(page)
        targets = []
        if page.status in (301, 302) and response.get("Location", "").startswith("/"):
            targets = [response["Location"]]
        elif page.is_html:
            targets = links(path, page.body)
        for target in targets:
            kind = _kind(target)
            if target in seen or SKIP.search(target) or kind is None:
                continue
            if kinds[kind] < per_kind:
                kinds[kind] += 1
                queue.append(target)
    return pages
