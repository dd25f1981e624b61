"""Reading rendered PDFs back in tests, with pypdf (installed by `make install`): no
command-line tool such as poppler's pdftotext is needed."""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Iterator

from pypdf import PdfReader


def pdf_pages(content: bytes) -> list[str]:
    """Each page's text, its whitespace runs made single spaces."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages]


def pdf_text(content: bytes) -> str:
    """The whole document's text as one line of words."""
    return " ".join(pdf_pages(content))


@contextlib.contextmanager
def weasyprint_warnings() -> Iterator[list[str]]:
    """The warnings WeasyPrint logs while the block runs (an anchor defined twice, a
    stylesheet rule it ignores…), as messages."""
    found: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            found.append(record.getMessage())

    handler = Collect(level=logging.WARNING)
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield found
    finally:
        logger.removeHandler(handler)
