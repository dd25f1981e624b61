"""The national publications pages: an administrator uploads a published file, sees what it
would change in every area, applies it as a job; the metric page shows each figure's
publication, the day it came out, its data lag and the values it revised."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from metrics import services
from metrics.models import Actual, ActualRevision, Layout, MetricDefinition, Publication
from submissions.models import Job
from tests.factories import AreaFactory, MetricDefinitionFactory, PlanFactory

FILES = Path(__file__).resolve().parents[2] / "metrics" / "tests" / "publications"
LIST = reverse("submissions:publication_list")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def areas(db):
    leicestershire = PlanFactory(area=AreaFactory(name="Leicestershire", code="E10000018"))
    rutland = PlanFactory(area=AreaFactory(name="Rutland", code="E06000017"))
    falls = MetricDefinitionFactory(
        code="falls-admissions-65-dsr",
        short_name="Falls admissions (65+)",
        unit=MetricDefinition.Unit.AGE_STANDARDISED,
    )
    services.national_indicators_set(metric=falls, indicators=[(Layout.FINGERTIPS, "22401")])
    return {"leicestershire": leicestershire, "rutland": rutland, "falls": falls}


def _upload(
    client, name: str, *, published_on="2016-11-01", title="PHOF, November 2016", layout=None
):
    return client.post(
        LIST,
        {
            "layout": layout or Layout.FINGERTIPS,
            "name": title,
            "published_on": published_on,
            "url": "https://fingertips.phe.org.uk/profile/public-health-outcomes-framework",
            "file": SimpleUploadedFile(name, (FILES / name).read_bytes(), "text/csv"),
        },
    )


def _apply(client, preview_page, django_capture_on_commit_callbacks):
    html = preview_page.content.decode()
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(LIST, fields)
    assert response.status_code == 302, response.content[:500]
    return Job.objects.get(pk=int(response.url.rstrip("/").rsplit("/", 1)[-1]))


def test_an_administrator_previews_then_applies_a_publication_as_a_job(
    areas, admin_user, client_for, django_capture_on_commit_callbacks
):
    client = client_for(admin_user)
    page = _upload(client, "fingertips_falls_2016.csv")
    html = page.content.decode()
    assert page.status_code == 200, html[:2000]
    assert 'data-added="3" data-revised="0" data-unchanged="0"' in html
    assert "E92000001" in html and "East Midlands region" in html  # areas not matched
    assert "90813" in html  # an indicator not matched
    assert "Value suppressed for disclosure control" in html
    assert not Actual.objects.exists()

    job = _apply(client, page, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.area is None and job.kind == "import-publication"
    assert (job.state, job.result["added"]) == (Job.State.SUCCESS, 3), job.error
    publication = Publication.objects.get()
    assert publication.name == "PHOF, November 2016"
    job_page = client.get(reverse("submissions:job_detail", args=[job.pk])).content.decode()
    assert "Every area" in job_page and job.result["url"] in job_page

    detail = client.get(job.result["url"]).content.decode()
    assert "1 November 2016" in detail and "Leicestershire" in detail and "Rutland" in detail
    listing = client.get(LIST).content.decode()
    assert "PHOF, November 2016" in listing


def test_the_metric_page_shows_the_publication_its_date_lag_and_revisions(
    areas, admin_user, client_for, django_capture_on_commit_callbacks
):
    client = client_for(admin_user)
    _apply(client, _upload(client, "fingertips_falls_2016.csv"), django_capture_on_commit_callbacks)
    second = _upload(
        client, "fingertips_falls_2017.csv", published_on="2017-11-07", title="PHOF, November 2017"
    )
    assert 'data-added="1" data-revised="1" data-unchanged="2"' in second.content.decode()
    assert "1,950.25 → 1,961.8" in second.content.decode()
    _apply(client, second, django_capture_on_commit_callbacks)
    plan = areas["leicestershire"]
    page = client.get(reverse("metrics:metric_detail", args=[plan.pk, "falls-admissions-65-dsr"]))
    html = page.content.decode()
    revised = Actual.objects.get(plan=plan, end=datetime.date(2016, 3, 31))
    lag = (datetime.date(2017, 11, 7) - revised.end).days
    published = html[html.index('id="published-figures"') :]
    published = published[: published.index("</table>")]
    assert 'PHOF, November 2017</a></td><td class="nhsuk-table__cell">7 November 2017' in published
    assert f"{lag:,} days after the period ended" in published
    revision = ActualRevision.objects.get(actual=revised)
    assert revision.publication.name == "PHOF, November 2016"
    assert (
        "Was 1,950.25 (PHOF, November 2016, published 1 November 2016, final); revised by "
        "PHOF, November 2017, published 7 November 2017"
    ) in published
    # The other figure came from the first publication and was never revised.
    assert published.count("data-revision") == 1


def test_errors_in_the_file_are_listed_by_row_and_column_and_nothing_is_kept(
    areas, admin_user, client_for
):
    page = _upload(client_for(admin_user), "fingertips_errors.csv")
    html = page.content.decode()
    assert "Nothing was imported: the file has 3 problems" in html
    assert "“1,893.6x” is not a number." in html
    assert not Publication.objects.exists() and not Actual.objects.exists()


def test_a_file_over_the_upload_limit_is_refused_saying_so(areas, admin_user, client_for, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    html = _upload(client_for(admin_user), "fingertips_falls_2016.csv").content.decode()
    assert "larger than" in html
    assert not Actual.objects.exists()


def test_assurers_read_publications_but_do_not_upload_and_officers_neither(
    areas, assurer, officer, client_for
):
    assert client_for(assurer).get(LIST).status_code == 200
    assert "Upload a publication" not in client_for(assurer).get(LIST).content.decode()
    assert _upload(client_for(assurer), "fingertips_falls_2016.csv").status_code == 403
    assert client_for(officer).get(LIST).status_code == 403
    assert not Actual.objects.exists()


def test_a_tampered_confirmation_is_refused_and_writes_nothing(
    areas, admin_user, client_for, django_capture_on_commit_callbacks
):
    client = client_for(admin_user)
    page = _upload(client, "fingertips_falls_2016.csv")
    html = page.content.decode()
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    fields["fingerprint"] = "0" * 64
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(LIST, fields)
    job = Job.objects.get(pk=int(response.url.rstrip("/").rsplit("/", 1)[-1]))
    job.refresh_from_db()
    assert job.state == Job.State.FAILURE
    assert "Nothing was imported" in job.error
    assert not Actual.objects.exists() and not Publication.objects.exists()


def test_the_pages_make_as_many_queries_for_many_figures_as_for_few(
    areas, admin_user, client_for, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(admin_user)

    def queries(url) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    _apply(client, _upload(client, "fingertips_falls_2016.csv"), django_capture_on_commit_callbacks)
    first = Publication.objects.get()
    few = queries(reverse("submissions:publication_detail", args=[first.pk]))
    listed_one = queries(LIST)
    delays = MetricDefinitionFactory(code="delayed-transfers", unit="count")
    services.national_indicators_set(metric=delays, indicators=[(Layout.NHS_MONTHLY, "DTOC01")])
    monthly = _upload(
        client, "nhs_monthly_dtoc.csv", title="Monthly, 2015", layout=Layout.NHS_MONTHLY
    )
    _apply(client, monthly, django_capture_on_commit_callbacks)
    later = Publication.objects.get(name="Monthly, 2015")
    assert later.actuals.count() == 13 > first.actuals.count() == 3
    assert queries(reverse("submissions:publication_detail", args=[later.pk])) == few == 7
    assert queries(LIST) == listed_one


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("layout", "x:y"),
        ("name", "\x00"),
        ("name", "n" * 5000),
        ("published_on", "9999/00"),
        ("url", "javascript:alert(1)"),
    ],
)
def test_malformed_upload_fields_are_refused_on_the_form(
    areas, admin_user, client_for, field, value
):
    data = {
        "layout": Layout.FINGERTIPS,
        "name": "PHOF",
        "published_on": "2016-11-01",
        "url": "",
        field: value,
        "file": SimpleUploadedFile("f.csv", (FILES / "fingertips_falls_2016.csv").read_bytes()),
    }
    page = client_for(admin_user).post(LIST, data)
    assert page.status_code == 200
    assert "There is a problem" in page.content.decode()
    assert not Actual.objects.exists()


def test_a_confirmation_for_a_file_no_longer_kept_fails_saying_so(
    areas, admin_user, client_for, django_capture_on_commit_callbacks
):
    fields = {
        "token": "a" * 64,
        "fingerprint": "b" * 64,
        "layout": Layout.FINGERTIPS,
        "name": "PHOF",
        "published_on": "2016-11-01",
        "url": "",
        "file_name": "f.csv",
    }
    client = client_for(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(LIST, fields)
    job = Job.objects.get(pk=int(response.url.rstrip("/").rsplit("/", 1)[-1]))
    job.refresh_from_db()
    assert (job.state, job.error) == (
        Job.State.FAILURE,
        "The uploaded file is no longer kept; upload it again.",
    )
    bad = client.post(LIST, {**fields, "token": "\x00"})
    assert bad.status_code == 200 and "upload the file again" in bad.content.decode()
