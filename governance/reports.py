"""Which files may be attached to an agenda item as its report: documents a board reads
(PDF, Word, Excel, PowerPoint and their OpenDocument equivalents), no larger than
MAX_REPORT_BYTES, and whose content is what their name says.

The type is read from the content, not only the name: a PDF begins "%PDF-"; the Office and
OpenDocument formats are zip archives holding their own parts (`word/document.xml`,
`mimetype` naming the OpenDocument type). Anything else is refused — programs (.exe),
web pages (.html) and images that can carry script (.svg) among them — and so are Office
files holding macros (a `vbaProject.bin` part). Reports are downloaded as attachments,
never shown inline.
"""

from __future__ import annotations

import zipfile

from django.core.exceptions import ValidationError

# A board paper with its appendices and images; larger files are refused before storing.
MAX_REPORT_BYTES = 20 * 1024 * 1024

# The OOXML part that must be there, by extension.
_OFFICE_PARTS = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}
# The OpenDocument `mimetype` entry, by extension.
_OPENDOCUMENT_TYPES = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
    "odp": b"application/vnd.oasis.opendocument.presentation",
}
ALLOWED = ("pdf", *_OFFICE_PARTS, *_OPENDOCUMENT_TYPES)
ALLOWED_LABEL = (
    "PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx) or OpenDocument (.odt, .ods, .odp)"
)


def _megabytes(size: int) -> str:
    return f"{size // (1024 * 1024)} MB"


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def report_check(upload) -> None:
    """Refuse (ValidationError, saying why and what is accepted) a file that is too large, of
    a type not on the list, or whose content is not the type its name says."""
    name = getattr(upload, "name", "") or ""
    extension = _extension(name)
    if extension not in ALLOWED:
        shown = f".{extension} files" if extension else "Files without a type in their name"
        raise ValidationError(
            f"{shown} cannot be attached. Attach the report as a {ALLOWED_LABEL} file.",
            code="type",
        )
    size = getattr(upload, "size", None)
    if size is None or size > MAX_REPORT_BYTES:
        raise ValidationError(
            f"The file is larger than {_megabytes(MAX_REPORT_BYTES)}; attach a smaller one "
            "(for example, the report without its appendices, linked instead).",
            code="size",
        )
    if size == 0:
        raise ValidationError("The file is empty.", code="empty")
    upload.seek(0)
    try:
        if not _content_is(extension, upload):
            raise ValidationError(
                f"The file’s content is not a .{extension} document, whatever its name says. "
                f"Attach the report as a {ALLOWED_LABEL} file.",
                code="content",
            )
    finally:
        upload.seek(0)


def _content_is(extension: str, upload) -> bool:
    if extension == "pdf":
        # PDF allows up to 1 KB of anything before its header; writers put it first.
        return b"%PDF-" in upload.read(1024)
    if not zipfile.is_zipfile(upload):
        return False
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if extension in _OFFICE_PARTS:
                if any(n.lower().endswith("vbaproject.bin") for n in names):
                    raise ValidationError(
                        "The file holds macros, which cannot be attached. Save it without "
                        "macros (as .docx, .xlsx or .pptx) and attach it again.",
                        code="macros",
                    )
                return "[Content_Types].xml" in names and _OFFICE_PARTS[extension] in names
            if "mimetype" not in names or archive.getinfo("mimetype").file_size > 100:
                return False
            return archive.read("mimetype").strip() == _OPENDOCUMENT_TYPES[extension]
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return False
