"""HTML to PDF with WeasyPrint: pure, so the caller chooses where the bytes go.

WeasyPrint fetches whatever a document points at (stylesheets, images, fonts, attachments).
Our documents are self-contained, and a field that ever reached the HTML unescaped must not
let a PDF read the server's files or call internal addresses: `StaticOnlyFetcher` serves
`data:` URLs and the app's own static files, and refuses everything else.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.apps import apps
from django.conf import settings
from weasyprint import HTML
from weasyprint.urls import URLFetcher


def static_roots() -> list[Path]:
    """The directories the app serves static files from: STATIC_ROOT, STATICFILES_DIRS
    and each app's `static` folder."""
    roots = [Path(settings.STATIC_ROOT)]
    for entry in settings.STATICFILES_DIRS:
        roots.append(Path(entry[1] if isinstance(entry, tuple | list) else entry))
    roots.extend(Path(config.path) / "static" for config in apps.get_app_configs())
    return [root.resolve() for root in roots if root.is_dir()]


def static_file(url: str) -> Path | None:
    """The file a `file:` URL names, if it is one of the app's static files; else None.
    Links are followed before judging, so a link out of a static folder is refused."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        return None
    try:
        path = Path(unquote(parts.path)).resolve(strict=True)
    except (OSError, RuntimeError, ValueError):
        return None
    if not path.is_file():
        return None
    if any(path.is_relative_to(root) for root in static_roots()):
        return path
    return None


class StaticOnlyFetcher(URLFetcher):
    """WeasyPrint's fetcher limited to `data:` URLs and the app's own static files: no
    other file, no network, no redirect."""

    def __init__(self):
        super().__init__(timeout=5, allowed_protocols=("data", "file"), allow_redirects=False)

    def fetch(self, url, headers=None):
        if url[:5].lower() == "data:":
            return super().fetch(url, headers)
        path = static_file(url)
        if path is None:
            raise ValueError(f"Documents use only the app's static files and data: URLs: {url}")
        return super().fetch(path.as_uri(), headers)


def html_to_pdf(html: str, *, tagged: bool = False) -> bytes:
    """A PDF of a self-contained HTML document (styles inline, no external resources
    beyond data: URLs and the app's static files).

    `tagged` writes a tagged PDF (structure for screen readers) of the document's title
    and language.
    """
    document = HTML(string=html, url_fetcher=StaticOnlyFetcher())
    if tagged:
        return document.write_pdf(pdf_tags=True)
    return document.write_pdf()
