"""Rendered documents fetch nothing but data: URLs and the app's own static files.

Each test renders the same HTML with WeasyPrint's own fetcher too, so it shows the document
really would have fetched the resource had `html_to_pdf` not refused it.
"""

from __future__ import annotations

import base64
import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings
from pypdf import PdfReader
from weasyprint import HTML

from governance.pdf import StaticOnlyFetcher, html_to_pdf, static_file
from tests.pdf import pdf_text

# A 2×2 PNG, as bytes and as a data: URL.
PNG_BASE64 = (
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGNkiNvBwMDAxMDAwMDAAAAMegEa"
    "LG8RxAAAAABJRU5ErkJggg=="
)
PNG = base64.b64decode(PNG_BASE64)


class _Counter(BaseHTTPRequestHandler):
    hits: list[str]

    def do_GET(self):  # noqa: N802 (http.server's name)
        self.hits.append(self.path)
        body = PNG if self.path.endswith(".png") else b"h1::after { content: 'FETCHED'; }"
        self.send_response(200)
        self.send_header("Content-Type", "image/png" if self.path.endswith(".png") else "text/css")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def internal_server():
    """An HTTP service on the loopback address that counts what is asked of it."""
    handler = type("Handler", (_Counter,), {"hits": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler.hits
    server.shutdown()
    server.server_close()


def _attachments(pdf: bytes) -> dict:
    return dict(PdfReader(io.BytesIO(pdf)).attachments)


def _images(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_document_calls_no_internal_address(internal_server):
    base, hits = internal_server
    html = (
        f'<html><head><link rel="stylesheet" href="{base}/style.css">'
        f"<style>@import url({base}/imported.css);</style>"
        f'<link rel="attachment" href="{base}/secret.txt"></head>'
        f'<body><h1>Minutes</h1><img src="{base}/chart.png" alt=""></body></html>'
    )
    # WeasyPrint left to itself asks the service for all four.
    HTML(string=html).write_pdf()
    assert len(hits) == 4
    hits.clear()

    pdf = html_to_pdf(html, tagged=True)

    assert hits == []
    assert "FETCHED" not in pdf_text(pdf)
    assert _images(pdf) == 0
    assert _attachments(pdf) == {}


def test_a_document_reads_no_local_file():
    html = (
        '<html><head><link rel="attachment" href="file:///etc/passwd"></head>'
        "<body><h1>Minutes</h1></body></html>"
    )
    assert "passwd" in _attachments(HTML(string=html).write_pdf())

    pdf = html_to_pdf(html)

    assert _attachments(pdf) == {}
    assert b"root:" not in pdf
    with pytest.raises(ValueError, match="static files and data: URLs"):
        StaticOnlyFetcher().fetch("file:///etc/passwd")


def test_static_files_and_data_urls_are_served_and_nothing_beside_them(tmp_path):
    static, outside = tmp_path / "static", tmp_path / "outside"
    static.mkdir()
    outside.mkdir()
    (static / "print.css").write_text("h1::after { content: ' SERVED'; }")
    (outside / "secret.css").write_text("h2::after { content: ' LEAKED'; }")
    # A link inside the static folder to a file outside it is judged by where it points.
    (static / "link.css").symlink_to(outside / "secret.css")
    html = (
        f'<html><head><link rel="stylesheet" href="{(static / "print.css").as_uri()}">'
        f'<link rel="stylesheet" href="{(static / "link.css").as_uri()}">'
        f'<link rel="stylesheet" href="{(outside / "secret.css").as_uri()}">'
        f'<link rel="stylesheet" href="{static.as_uri()}/../outside/secret.css">'
        "</head><body><h1>Heading</h1><h2>Section</h2>"
        f'<img src="data:image/png;base64,{PNG_BASE64}" alt=""></body></html>'
    )
    assert "LEAKED" in pdf_text(HTML(string=html).write_pdf())

    with override_settings(STATICFILES_DIRS=[static]):
        assert static_file((static / "print.css").as_uri()) == (static / "print.css").resolve()
        assert static_file((static / "link.css").as_uri()) is None
        pdf = html_to_pdf(html)

    text = pdf_text(pdf)
    assert "Heading SERVED" in text
    assert "LEAKED" not in text
    assert _images(pdf) == 1
