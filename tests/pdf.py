"""Reading rendered PDFs back in tests, with pypdf (installed by `make install`): no
command-line tool such as poppler's pdftotext is needed."""

from __future__ import annotations

import io

from pypdf import PdfReader


def pdf_pages(content: bytes) -> list[str]:
    """Each page's text, its whitespace runs made single spaces."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages]


def pdf_text(content: bytes) -> str:
    """The whole document's text as one line of words."""
    return " ".join(pdf_pages(content))
