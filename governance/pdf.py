"""HTML to PDF with WeasyPrint: pure, so the caller chooses where the bytes go."""

from weasyprint import HTML


def html_to_pdf(html: str, *, tagged: bool = False) -> bytes:
    """A PDF of a self-contained HTML document (styles inline, no external resources).

    `tagged` writes a tagged PDF (structure for screen readers) of the document's title
    and language.
    """
    if tagged:
        return HTML(string=html).write_pdf(pdf_tags=True)
    return HTML(string=html).write_pdf()
