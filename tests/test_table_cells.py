"""The tables' cells computed without django-tables2's per-cell machinery
(plans/templatetags/bcf_tables.py) give the very page it gave: the schemes table, the risk
register and the national view, rendered both ways, sorted each way and filtered, are
the same bytes; and a table kept for reuse (plans/freshness.py) is served as computed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from plans import permissions
from plans.models import Area
from plans.templatetags import bcf_tables
from tests.benchmarks.national import generate
from tests.factories import UserFactory

YEAR = 2022


@pytest.fixture
def generated(db):
    """Two areas' generated 2022/23 plans: ~50 schemes and ~30 risks each, every status,
    protection and rating, some reviews overdue."""
    generate(areas=2, years=1, seed=3, first_year=YEAR, snapshots="none", log=lambda *_: None)
    return [a.plans.get() for a in Area.objects.order_by("code")]


@pytest.fixture
def reader(client_for):
    return client_for(UserFactory(username="cells-assurer", roles=[permissions.ASSURER]))


def _main(response) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def _both_ways(client, url, query, monkeypatch) -> tuple[str, str]:
    """The page with django-tables2's own cells, and with ours, each computed (a kept
    table forgotten first); and ours again as it is then served, reused where it is."""
    from django.core.cache import cache

    cache.clear()
    monkeypatch.setattr(bcf_tables, "FAST_CELLS", False)
    theirs = _main(client.get(url, query))
    cache.clear()
    monkeypatch.setattr(bcf_tables, "FAST_CELLS", True)
    ours = _main(client.get(url, query))
    assert _main(client.get(url, query)) == ours  # reused, or computed again, the same
    return theirs, ours


SCHEME_QUERIES = [
    {},
    {"sort": "name"},
    {"sort": "-theme"},
    {"sort": "status"},
    {"sort": "-protection"},
    {"sort": f"-budget_{YEAR}"},
    {"status": "new"},
    {"name": "zzz-no-such-scheme"},
    {"page": "2", "sort": "name"},
]
RISK_QUERIES = [
    {},
    {"sort": "-rating_before"},
    {"sort": "rating_after"},
    {"sort": "next_review"},
    {"sort": "-status"},
    {"sort": "category"},
    {"overdue": "yes"},
    {"owner": "zzz-nobody"},
]


@pytest.mark.parametrize("query", SCHEME_QUERIES)
def test_the_schemes_table_is_the_same_page(generated, reader, query, monkeypatch):
    for plan in generated:
        url = reverse("schemes:scheme_list", args=[plan.pk])
        theirs, ours = _both_ways(reader, url, query, monkeypatch)
        assert ours == theirs
    assert 'id="schemes-table"' in ours


@pytest.mark.parametrize("query", RISK_QUERIES)
def test_the_risk_register_is_the_same_page(generated, reader, query, monkeypatch):
    for plan in generated:
        url = reverse("risks:register", args=[plan.pk])
        theirs, ours = _both_ways(reader, url, query, monkeypatch)
        assert ours == theirs
    assert 'id="risks-table"' in ours


@pytest.mark.parametrize(
    "query",
    [{}, {"areas-sort": "-agreed_total"}, {"areas-sort": "assurance"}, {"metrics-sort": "-area"}],
)
def test_the_national_view_is_the_same_page(generated, reader, query, monkeypatch):
    from django.core.cache import cache

    cache.clear()
    monkeypatch.setattr(bcf_tables, "FAST_CELLS", False)
    theirs = _main(reader.get(reverse("submissions:national"), query))
    cache.clear()
    monkeypatch.setattr(bcf_tables, "FAST_CELLS", True)
    ours = _main(reader.get(reverse("submissions:national"), query))
    assert _tables(ours) == _tables(theirs) and 'id="areas-table"' in ours


def _tables(html: str) -> tuple[str, str]:
    """The national view's areas and statuses (its chart's ids are new each time)."""
    return (
        html[html.index('id="areas-heading"') : html.index('id="metrics-heading"')],
        html[html.index('id="status-heading"') :],
    )


def test_the_cells_are_computed_by_the_fast_path(generated, reader, monkeypatch):
    """The comparison above compares something: the schemes table and risk register take
    the path without django-tables2's BoundRow.get_cell."""
    from django.core.cache import cache
    from django_tables2.rows import BoundRow

    cache.clear()
    calls = []
    original = BoundRow.get_cell
    monkeypatch.setattr(
        BoundRow, "get_cell", lambda self, name: calls.append(name) or original(self, name)
    )
    plan = generated[0]
    reader.get(reverse("schemes:scheme_list", args=[plan.pk]))
    reader.get(reverse("risks:register", args=[plan.pk]))
    reader.get(reverse("submissions:national"))  # its tables: summaries, and dicts
    assert calls == []
    monkeypatch.setattr(bcf_tables, "FAST_CELLS", False)
    cache.clear()  # computed, not reused
    reader.get(reverse("schemes:scheme_list", args=[plan.pk]))
    assert calls


def test_the_national_view_writes_again_only_the_rows_whose_summary_changed(
    generated, reader, monkeypatch, django_capture_on_commit_callbacks
):
    """Its rows are kept by what they show: after a change in one area the page, computed
    again, writes that area's two rows (in the areas and the statuses) and takes the others
    as written before; and it is the page django-tables2's own cells give."""
    from django.core.cache import cache

    from plans.services import area_update

    url = reverse("submissions:national")
    cache.clear()
    bcf_tables._KEPT_ROWS.clear()
    first = _main(reader.get(url))
    assert len(bcf_tables._KEPT_ROWS) == 4  # two areas, in each table
    written = []
    keep = bcf_tables._keep_row
    monkeypatch.setattr(
        bcf_tables, "_keep_row", lambda key, html: written.append(html) or keep(key, html)
    )
    with django_capture_on_commit_callbacks(execute=True):
        area_update(area=Area.objects.order_by("code").first(), name="Renamed Area")
    ours = _main(reader.get(url))
    assert "Renamed Area" in ours and "Renamed Area" not in first
    assert len(written) == 2 and all("Renamed Area" in row for row in written)
    cache.clear()
    monkeypatch.setattr(bcf_tables, "FAST_CELLS", False)
    theirs = _main(reader.get(url))
    assert _tables(ours) == _tables(theirs)


def test_kept_rows_are_bounded(monkeypatch):
    monkeypatch.setattr(bcf_tables, "_KEPT_ROWS", {})
    monkeypatch.setattr(bcf_tables, "MOST_KEPT_ROWS", 3)
    for n in range(7):
        bcf_tables._keep_row((n,), f"<tr>{n}</tr>")
        assert len(bcf_tables._KEPT_ROWS) <= 3
    assert bcf_tables._KEPT_ROWS[(6,)] == "<tr>6</tr>"


def test_the_headers_and_footers_are_written_by_the_fast_path(generated, reader, monkeypatch):
    """The comparisons above compare something: the tables' sort links are written without
    the template's querystring tag (the national view's tables fit on one page, so the tag
    writes no page links either), and with the template's loop when comparing."""
    from django.core.cache import cache
    from django_tables2.templatetags.django_tables2 import QuerystringNode

    calls = []
    original = QuerystringNode.render
    monkeypatch.setattr(
        QuerystringNode, "render", lambda self, context: calls.append(1) or original(self, context)
    )
    cache.clear()
    page = reader.get(reverse("submissions:national"))
    assert page.status_code == 200 and "areas-sort=" in page.content.decode()
    assert calls == []
    monkeypatch.setattr(bcf_tables, "FAST_CELLS", False)
    cache.clear()
    reader.get(reverse("submissions:national"))
    assert len(calls) >= len(page.context["areas"].columns)
