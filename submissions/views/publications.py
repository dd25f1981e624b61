"""National publications: an administrator uploads a published indicator file (OHID
Fingertips, NHS England / NHS Digital monthly statistics), sees what it would change in
every area's plans, and applies it as a background job; assurers and administrators read
what each publication imported."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from metrics import publications, selectors
from metrics.models import Layout
from plans import permissions
from plans.forms import NhsForm, date_field, refusal_on_form
from plans.spreadsheets import SpreadsheetError, upload_content
from submissions.jobs import job_start
from submissions.publications import KIND

_TEXT = {"class": "nhsuk-input"}


class PublicationForm(NhsForm):
    layout = forms.ChoiceField(
        label="Layout of the file",
        choices=Layout.choices,
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )
    name = forms.CharField(
        label="Name of the publication",
        max_length=250,
        help_text="As the publisher names it, for example “Public Health Outcomes Framework, "
        "February 2026 update”",
        widget=forms.TextInput(attrs=_TEXT),
    )
    published_on = date_field("Date published", example="3 February 2026")
    url = forms.URLField(
        label="Address of the publication (optional)",
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs=_TEXT),
    )
    file = forms.FileField(
        label="The published file (.csv)",
        widget=forms.ClearableFileInput(attrs={"class": "nhsuk-file-upload"}),
    )


class ConfirmForm(forms.Form):
    """What the preview was of, carried to the job that applies it."""

    token = forms.RegexField(regex=r"^[0-9a-f]{64}$")
    fingerprint = forms.RegexField(regex=r"^[0-9a-f]{64}$")
    layout = forms.ChoiceField(choices=Layout.choices)
    name = forms.CharField(max_length=250)
    published_on = forms.DateField()
    url = forms.URLField(required=False, max_length=500, assume_scheme="https")
    file_name = forms.CharField(max_length=255)


@require_http_methods(["GET", "POST"])
@login_required
def publication_list(request):
    """The publications imported; for an administrator, the upload and its preview."""
    permissions.check_reads_publications(request.user)
    can_import = permissions.can_import_publications(request.user)
    context = {
        "publications": selectors.publications_list()[:50],
        "can_import": can_import,
        "section": "national",
    }
    form = PublicationForm()
    if request.method == "POST":
        permissions.check_import_publications(request.user)
        if "token" in request.POST:
            return _confirm(request, context)
        form = PublicationForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                content = upload_content(upload, extensions=publications.EXTENSIONS)
                return _preview(request, context, form.cleaned_data, content, upload.name)
            except SpreadsheetError as error:
                refusal_on_form(form, ValidationError(str(error)), field="file")
    context.update(form=form, forms_with_errors=[form] if form.errors else [])
    return render(request, "submissions/publications/list.html", context)


def _preview(request, context, data, content: bytes, file_name: str):
    earlier = selectors.publications_list().filter(sha256=publications.token_of(content)).first()
    if earlier is not None:
        raise SpreadsheetError(f"This file was imported already, as {earlier}.")
    preview = publications.preview(content, data["layout"])
    if preview.errors:
        context.update(form=PublicationForm(initial=_details(data)), cell_errors=preview.errors)
        return render(request, "submissions/publications/list.html", context)
    token = publications.keep(content) if not preview.nothing_to_do else ""
    added, more_added = preview.listed(preview.added)
    revised, more_revised = preview.listed(preview.changed)
    unchanged, more_unchanged = preview.listed(preview.unchanged)
    context.update(
        preview=preview,
        added=added,
        more_added=more_added,
        revised=revised,
        more_revised=more_revised,
        unchanged=unchanged,
        more_unchanged=more_unchanged,
        details=data,
        layout_label=Layout(data["layout"]).label,
        file_name=file_name,
        confirm=ConfirmForm(
            initial={
                **_details(data),
                "token": token,
                "fingerprint": preview.fingerprint(),
                "file_name": file_name[:255],
            }
        ),
    )
    return render(request, "submissions/publications/preview.html", context)


def _details(data) -> dict:
    return {k: data.get(k) for k in ("layout", "name", "published_on", "url")}


def _confirm(request, context):
    confirm = ConfirmForm(request.POST)
    if not confirm.is_valid():
        context.update(
            form=PublicationForm(),
            notice="The preview could not be read; upload the file again.",
        )
        return render(request, "submissions/publications/list.html", context)
    data = confirm.cleaned_data
    job = job_start(
        kind=KIND,
        area=None,
        params={
            "token": data["token"],
            "fingerprint": data["fingerprint"],
            "layout": data["layout"],
            "name": data["name"],
            "published_on": data["published_on"].isoformat(),
            "url": data["url"],
            "file_name": data["file_name"],
        },
        user=request.user,
    )
    return redirect("submissions:job_detail", pk=job.pk)


@require_GET
@login_required
def publication_detail(request, pk):
    """A publication and the figures it gave every area, with what each revised."""
    permissions.check_reads_publications(request.user)
    publication = selectors.publication_get(pk)
    if publication is None:
        raise Http404("No such publication.")
    figures, total = selectors.publication_figures(publication)
    return render(
        request,
        "submissions/publications/detail.html",
        {
            "publication": publication,
            "figures": figures,
            "total": total,
            "revised_since": selectors.publication_revised_since(publication),
            "section": "national",
        },
    )
