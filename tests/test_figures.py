"""Every figure of the sample data reads at its kind's precision, on every page and download.

The pages are those each role reaches from its home page (tests/crawl.py). A figure with
more decimals than any kind allows (two: pence, rates) is a figure written without
plans/presentation.py; so is a percentage with more than one. Text people wrote (plan
narrative, return commentary, differences between versions: marked `data-prose`) is
theirs and is not judged.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from fixtures.loader import load_sample_data
from tests.crawl import ROLES, crawl

# A number with three or more decimals: 640.5963, £39.400m, 0.0833333.
TOO_PRECISE = re.compile(r"(?<![\w.])\d[\d,]*\.\d{3,}(?![\d])")
# A percentage with two or more decimals that is not a signed change: 87.00%.
PERCENT_TOO_PRECISE = re.compile(r"(?<![\w.+\-−])\d[\d,]*\.\d{2,}%")


def page_text(html: bytes) -> str:
    """What a reader sees of a page: no script or style, no text people wrote."""
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.find_all(["script", "style", "template"]):
        element.decompose()
    for element in soup.select("[data-prose]"):
        element.decompose()
    return soup.get_text(" ")


def badly_written(text: str) -> list[str]:
    return [m.group(0) for m in TOO_PRECISE.finditer(text)] + [
        m.group(0) for m in PERCENT_TOO_PRECISE.finditer(text)
    ]


def csv_cells(body: bytes) -> list[str]:
    text = body.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


_WRITTEN: dict[str, set[str]] = {}


def _percentages_written_by_sources() -> set[str]:
    from metrics.models import Actual, Baseline, TrajectoryPoint

    return {
        f"{figure.value:,.{figure.value_places}f}%"
        for model in (Baseline, TrajectoryPoint, Actual)
        for figure in model.objects.filter(value_places__gte=2, metric__unit="percentage")
    }


@pytest.fixture(scope="module")
def sample_pages(django_db_setup, django_db_blocker):
    """Every role's pages of the sample data, crawled once for the module's tests."""
    from django.contrib.auth.models import User

    with django_db_blocker.unblock():
        from django.db import transaction

        pages = {}
        with transaction.atomic():
            load_sample_data(with_users=True)
            for role in ROLES:
                client = Client()
                client.force_login(User.objects.get(username=role))
                pages[role] = crawl(client.get)
            _WRITTEN["percentages"] = _percentages_written_by_sources()
            transaction.set_rollback(True)
    return pages


@pytest.mark.django_db  # so that the test database is made when this file runs alone
def test_the_crawl_reaches_the_pages_of_every_part(sample_pages):
    paths = {page.path for pages in sample_pages.values() for page in pages}
    for part in ("/schemes/", "/metrics/", "/risks/", "/dashboard/", "/returns/", "/national/"):
        assert any(part in path for path in paths), part
    assert sum(len(pages) for pages in sample_pages.values()) > 200


@pytest.fixture(scope="module")
def written_by_sources(sample_pages) -> set[str]:
    """Percentages the sources write with two decimals (78.22%), held with their decimals
    (Figure.value_places) and so shown as written: the only ones allowed two decimals."""
    return _WRITTEN["percentages"]


def test_no_page_of_the_sample_data_writes_a_figure_too_precisely(sample_pages, written_by_sources):
    found = {}
    for role, pages in sample_pages.items():
        for page in pages:
            if page.is_html:
                bad = [
                    figure
                    for figure in badly_written(page_text(page.body))
                    if figure not in written_by_sources
                ]
                if bad:
                    found[f"{role} {page.path}"] = bad[:5]
    assert found == {}


def test_no_csv_download_of_the_sample_data_writes_a_figure_too_precisely(sample_pages):
    downloads = [
        page
        for pages in sample_pages.values()
        for page in pages
        if page.status == 200 and "text/csv" in page.content_type
    ]
    assert downloads, "the crawl reaches the CSV downloads"
    found = {
        page.path: bad[:5]
        for page in downloads
        if (bad := [c for c in csv_cells(page.body) if badly_written(c)])
    }
    assert found == {}


def test_the_check_finds_figures_written_without_the_presentation_module():
    html = (
        b"<main><p>640.5963 against 606.4000</p><p>87.00%</p><p>-5.77%</p>"
        b"<p>\xc2\xa339.400m</p><div data-prose><p>\xc2\xa32.012m in the plan's words</p></div>"
        b"<svg><desc>0.0833333</desc></svg></main>"
    )
    assert badly_written(page_text(html)) == [
        "640.5963",
        "606.4000",
        "39.400",
        "0.0833333",
        "87.00%",
    ]
