"""Agenda reports: documents of an accepted type and size only, the type read from the
content, refused with a message that says what to attach instead (nothing stored, the rest
of the form kept)."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from governance import services
from governance.models import ItemReport
from governance.reports import MAX_REPORT_BYTES, report_check


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
DOCM = _zip(
    {
        "[Content_Types].xml": b"<Types/>",
        "word/document.xml": b"<w:document/>",
        "word/vbaProject.bin": b"\xd0\xcf\x11\xe0",
    }
)
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!doctype html><html><script>alert(1)</script></html>"
EXE = b"MZ\x90\x00" + b"\x00" * 60 + b"This program cannot be run in DOS mode."


def _item_post(client, meeting, upload, title="Quarter four report"):
    return client.post(
        reverse("governance:item_create", kwargs={"pk": meeting.pk}),
        {"title": title, "report_title": "Agenda item 4", "report": upload},
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"),
        ("report.docx", DOCX),
        ("report.odt", ODT),
    ],
)
def test_documents_of_an_accepted_type_are_attached(client_for, officer, meeting, name, content):
    response = _item_post(client_for(officer), meeting, SimpleUploadedFile(name, content))
    assert response.status_code == 302
    report = ItemReport.objects.get()
    with report.file.open("rb") as handle:
        assert handle.read() == content


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("setup.exe", EXE, ".exe files cannot be attached"),
        ("chart.svg", SVG, ".svg files cannot be attached"),
        ("report.html", HTML, ".html files cannot be attached"),
        ("report", b"%PDF-1.7", "Files without a type in their name cannot be attached"),
        # The name says a document; the content does not.
        ("report.pdf", HTML, "content is not a .pdf document"),
        ("report.docx", EXE, "content is not a .docx document"),
        ("report.xlsx", DOCX, "content is not a .xlsx document"),
        ("report.odt", _zip({"mimetype": b"text/html"}), "content is not a .odt document"),
        ("report.docx", DOCM, "holds macros"),
        ("report.pdf", b"", "The submitted file is empty"),
    ],
)
def test_other_files_are_refused_saying_what_to_attach(
    client_for, officer, meeting, name, content, says
):
    response = _item_post(client_for(officer), meeting, SimpleUploadedFile(name, content))
    assert response.status_code == 200
    body = response.content.decode().replace("&#x27;", "’").replace("&rsquo;", "’")
    assert says in body
    assert 'value="Quarter four report"' in body  # what was typed is kept
    assert not meeting.items.exists() and not ItemReport.objects.exists()


def test_a_file_larger_than_the_limit_is_refused_naming_it(client_for, officer, meeting):
    big = SimpleUploadedFile("board-pack.pdf", b"%PDF-1.7\n" + b"0" * MAX_REPORT_BYTES)
    response = _item_post(client_for(officer), meeting, big)
    assert response.status_code == 200
    assert "The file is larger than 20 MB" in response.content.decode()
    assert not ItemReport.objects.exists()


def test_the_service_refuses_too_so_no_path_stores_an_unchecked_file(meeting):
    item = services.item_add(meeting=meeting, title="Report")
    with pytest.raises(ValidationError, match="cannot be attached"):
        services.report_attach(item=item, title="x", file=SimpleUploadedFile("x.svg", SVG))
    assert not ItemReport.objects.exists()


def test_the_check_leaves_the_file_readable_from_its_start():
    upload = SimpleUploadedFile("report.docx", DOCX)
    report_check(upload)
    assert upload.read() == DOCX
