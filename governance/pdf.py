"""HTML to PDF with WeasyPrint: pure, so the caller chooses where the bytes go."""

from weasyprint import HTML


def html_to_pdf(html: str) -> bytes:
    """A PDF of a self-contained HTML document (styles inline, no external resources)."""
    return HTML(string=html).write_pdf()
