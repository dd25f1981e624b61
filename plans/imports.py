"""Spreadsheet imports checked before they happen: one page for every import.

Schemes, the Part 2 workbook, risks, metric actuals and quarterly spend are all imported
through `import_page`, in two steps:

1. Preview. The uploaded file is read (plans/spreadsheets.py, the one reader and its
   limits), every cell is checked (each problem named by sheet, row and column; nothing
   is written) and compared with what the plan holds. The page shows the rows to add, the
   rows to change with each cell's value before → after, the values that would be
   removed, and how many rows are unchanged. The file is kept server-side in
   django-import-export's temporary storage (as its admin's confirm step keeps it), under
   a token: the SHA-256 of its bytes.
2. Confirm. The confirm form carries the token and the fingerprint of the preview shown.
   In one transaction, the same file is compared again with the plan as it is now and
   applied only if that comparison is exactly the preview that was shown; otherwise
   nothing is written and the new preview is shown to check. All or nothing.

Each kind of import is an `Importer` in its own app (schemes/imports.py, …): it says who
may import what, reads and compares the file (`preview`), and gives each row a function
that applies it through that app's services.

A blank cell never clears anything: it leaves the value as it is. Clearing a value takes
the word "none" (`NONE`) in the cell. Rows the file does not hold are left as they are. So
importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from import_export.tmp_storages import CacheStorage

from plans import permissions
from plans.forms import NhsForm
from plans.models import Plan
from plans.spreadsheets import EXTENSIONS, SpreadsheetError, upload_content

ADD, CHANGE, UNCHANGED = "add", "change", "unchanged"
NONE = "none"  # the word that clears a value; a blank cell keeps it
_CLEARING = frozenset({NONE})
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def clears(text: str) -> bool:
    """Whether a cell's text asks for its value to be cleared ("none", in any case)."""
    return text.strip().lower() in _CLEARING


# What a preview holds ----------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One cell that would change: its column and its value before and after, as shown."""

    column: str
    before: str
    after: str

    @property
    def removes(self) -> bool:
        return bool(self.before) and not self.after


@dataclass
class Row:
    """One row of the file: what it would do (ADD, CHANGE or UNCHANGED), to what, and how.

    `apply(user)` writes the row through its app's services; an unchanged row has none.
    `values` are the cells of a row to add, for the preview."""

    action: str
    label: str
    row: int | None = None
    sheet: str = ""
    changes: list[Change] = field(default_factory=list)
    values: list[tuple[str, str]] = field(default_factory=list)
    apply: Callable[[object], object] | None = None


@dataclass
class Preview:
    rows: list[Row] = field(default_factory=list)
    errors: list = field(default_factory=list)  # CellError, of plans.spreadsheets or a sheet's

    def _of(self, action: str) -> list[Row]:
        return [row for row in self.rows if row.action == action]

    @property
    def added(self) -> list[Row]:
        return self._of(ADD)

    @property
    def changed(self) -> list[Row]:
        return self._of(CHANGE)

    @property
    def unchanged(self) -> list[Row]:
        return self._of(UNCHANGED)

    @property
    def removals(self) -> list[tuple[Row, Change]]:
        """Each value the import would remove (a cell reading "none" where there was one)."""
        return [(row, change) for row in self.changed for change in row.changes if change.removes]

    @property
    def nothing_to_do(self) -> bool:
        return not self.added and not self.changed

    def fingerprint(self) -> str:
        """A digest of everything the preview shows: the same file compared with the same
        data gives the same fingerprint, and any difference in what would be done, another."""
        shown = [
            (r.action, r.sheet, r.row, r.label, [list(v) for v in r.values])
            + ([(c.column, c.before, c.after) for c in r.changes],)
            for r in self.rows
        ]
        return hashlib.sha256(json.dumps(shown, default=str).encode()).hexdigest()

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.changed)} changed, {len(self.unchanged)} unchanged"
        )


def compare(changes: list[Change], column: str, before, after, show=str) -> None:
    """Add `column`'s change to `changes` when `after` differs from `before`; `show`
    writes a value as the preview shows it ("" for nothing)."""
    if before != after:
        changes.append(Change(column, _shown(before, show), _shown(after, show)))


def _shown(value, show) -> str:
    if value is None or value == "" or value == []:
        return ""
    return show(value)


def row_for(*, label: str, row: int, changes: list[Change], apply, sheet: str = "") -> Row:
    """A row matched to an existing record: CHANGE with `apply` if any cell differs."""
    if changes:
        return Row(CHANGE, label, row, sheet, changes=changes, apply=apply)
    return Row(UNCHANGED, label, row, sheet)


# The kinds of import ------------------------------------------------------------------------


@dataclass
class Target:
    """What an import goes into, as the page found it for the person: the plan, what else
    the importer needs (a quarter, a risk register), and where the page leads."""

    plan: Plan
    back_url: str
    done_url: str
    caption: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        return json.dumps([self.plan.pk, sorted((k, str(v)) for k, v in self.extra.items())])


class Importer:
    """One kind of spreadsheet import. Subclasses set the names, `action` and `page` (or
    write `target`: who may, into what; raises PermissionDenied or Http404) and write
    `preview` (read, check, compare)."""

    key = ""
    title = ""  # "Import schemes"
    noun = "rows"  # what the rows are, for the preview's counts
    document = "spreadsheet"  # what is uploaded, for the messages
    extensions = EXTENSIONS
    by_sheet = False  # problems are named by sheet too (a workbook of several sheets)
    help_template = ""  # what the file holds, shown above the upload
    # What an agreed plan version still takes (actuals, risks, spend) imports into it;
    # anything else is plan content, refused once agreed (plans/permissions.py).
    frozen_allowed = False
    columns: tuple[str, ...] = ()  # for the help

    action = permissions.VIEW  # what the person must be allowed to do in the plan
    page = ""  # the name of the URL of the page the import starts from and returns to

    def target(self, request, *args: Any, **kwargs: Any) -> Target | HttpResponse:
        """The plan of the URL's `pk`, if the person may import into it."""
        plan = permissions.get_plan(request.user, kwargs["pk"], self.action)
        url = reverse(self.page, args=[plan.pk])
        return Target(plan=plan, back_url=url, done_url=url)

    def preview(self, target: Target, content: bytes, extension: str) -> Preview:
        raise NotImplementedError

    def lock(self, target: Target) -> None:
        """Serialise imports into one plan: the comparison and the writes see one state."""
        Plan.objects.select_for_update().filter(pk=target.plan.pk).first()


class PreviewChanged(Exception):
    """What the file would do now is not what was previewed; nothing was written."""

    def __init__(self, preview: Preview):
        super().__init__("The plan changed since the preview.")
        self.preview = preview


@transaction.atomic
def import_apply(
    *, importer: Importer, target: Target, content: bytes, extension: str, fingerprint: str, user
) -> Preview:
    """Apply a previewed file, all or nothing, if comparing it again gives exactly the
    preview whose `fingerprint` the person confirmed; otherwise raise PreviewChanged with
    the new preview and write nothing."""
    if not importer.frozen_allowed:
        permissions.check_changeable(target.plan)
    importer.lock(target)
    preview = importer.preview(target, content, extension)
    if preview.errors or preview.fingerprint() != fingerprint:
        raise PreviewChanged(preview)
    for row in preview.rows:
        if row.apply is not None:
            row.apply(user)
    return preview


# The page -----------------------------------------------------------------------------------


class UploadForm(NhsForm):
    file = forms.FileField(
        label="Spreadsheet",
        widget=forms.ClearableFileInput(attrs={"class": "nhsuk-file-upload"}),
    )

    def __init__(self, *args, extensions=EXTENSIONS, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = "Spreadsheet (" + " or ".join(f".{e}" for e in extensions) + ")"


class ConfirmForm(forms.Form):
    token = forms.RegexField(regex=_HEX64)
    fingerprint = forms.RegexField(regex=_HEX64)
    extension = forms.ChoiceField(choices=[(e, e) for e in EXTENSIONS])
    filename = forms.CharField(max_length=255)


def _storage(request, importer: Importer, target: Target, token: str) -> CacheStorage:
    """The kept file: one person's upload, for one import into one target."""
    name = hashlib.sha256(
        "|".join([str(request.user.pk), importer.key, target.key, token]).encode()
    ).hexdigest()
    return CacheStorage(name=name)


@require_http_methods(["GET", "POST"])
@login_required
def import_page(request, importer: Importer, **kwargs):
    """Upload a spreadsheet, see what it would change, confirm to apply it."""
    target = importer.target(request, **kwargs)
    if isinstance(target, HttpResponse):  # the import needs something set up first
        return target
    context = {"importer": importer, "target": target, "plan": target.plan}
    form = UploadForm(extensions=importer.extensions)
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request, importer, target, context)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, extensions=importer.extensions)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                content = upload_content(upload, extensions=importer.extensions)
            except SpreadsheetError as error:
                form.add_error("file", str(error))
            else:
                extension = upload.name.rsplit(".", 1)[-1].lower()
                try:
                    return _preview_page(
                        request, importer, target, context, content, extension, upload.name
                    )
                except SpreadsheetError as error:
                    form.add_error("file", str(error))
    context.update(form=form, forms_with_errors=[form] if form.errors else [])
    return render(request, "plans/import.html", context)


def _preview_page(request, importer, target, context, content, extension, filename, note=""):
    preview = importer.preview(target, content, extension)
    if preview.errors:
        context.update(
            form=UploadForm(extensions=importer.extensions),
            cell_errors=preview.errors,
            by_sheet=importer.by_sheet,
        )
        return render(request, "plans/import.html", context)
    token = hashlib.sha256(content).hexdigest()
    if not preview.nothing_to_do:
        _storage(request, importer, target, token).save(content)
    context.update(
        preview=preview,
        note=note,
        confirm=ConfirmForm(
            initial={
                "token": token,
                "fingerprint": preview.fingerprint(),
                "extension": extension,
                "filename": filename,
            }
        ),
        filename=filename,
    )
    return render(request, "plans/import.html", context)


def _confirm(request, importer, target, context):
    confirm = ConfirmForm(request.POST)
    if not confirm.is_valid():
        messages.error(request, "The preview could not be read; upload the file again.")
        return redirect(request.path)
    data = confirm.cleaned_data
    storage = _storage(request, importer, target, data["token"])
    content = storage.read()
    if content is None or hashlib.sha256(content).hexdigest() != data["token"]:
        messages.error(request, "That preview is no longer kept; upload the file again.")
        return redirect(request.path)
    try:
        preview = import_apply(
            importer=importer,
            target=target,
            content=content,
            extension=data["extension"],
            fingerprint=data["fingerprint"],
            user=request.user,
        )
    except PreviewChanged:
        note = (
            "Nothing was imported: the plan changed since the preview was shown. "
            "This is what the file would do now; check it and confirm again."
        )
        return _preview_page(
            request, importer, target, context, content, data["extension"], data["filename"], note
        )
    storage.remove()
    messages.success(request, f"Imported {data['filename']}: {preview.summary()} {importer.noun}.")
    return redirect(target.done_url)
