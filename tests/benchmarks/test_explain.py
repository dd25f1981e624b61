"""Every query the benchmarked pages make, through EXPLAIN on the national dataset: none may
read a large table (over LARGE rows) by sequential scan, so each filter and join they use
has its index."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.urls import reverse

from tests.benchmarks.test_benchmarks import PAGES, _client_for, _forget_pages, _year

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.benchmarks.urls")]

LARGE = 10_000


class Recorder:
    def __init__(self):
        self.queries: list[tuple[str, tuple]] = []

    def __call__(self, execute, sql, params, many, context):
        if not many and sql.lstrip().upper().startswith("SELECT"):
            self.queries.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)


def _large_tables() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples > %s", [LARGE]
        )
        return {row[0] for row in cursor.fetchall()}


def _seq_scans(node: dict):
    if node.get("Node Type") == "Seq Scan":
        yield node.get("Relation Name")
    for child in node.get("Plans", ()):
        yield from _seq_scans(child)


def test_no_sequential_scan_on_large_tables(officer_client, bench_plan, record):
    large = _large_tables()
    found: dict[str, list[str]] = {}
    pages = {
        name: (
            officer_client,
            reverse(url_name, args=[bench_plan.pk]) + query.format(year=_year(bench_plan)),
        )
        for name, (url_name, query) in PAGES.items()
    }
    pages["national_view"] = (_client_for(None), reverse("submissions:national"))
    for name, (client, url) in pages.items():
        _forget_pages()  # the queries of a page computed, not reused
        recorder = Recorder()
        with connection.execute_wrapper(recorder):
            assert client.get(url).status_code == 200
        for sql, params in recorder.queries:
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
                plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            for table in _seq_scans(plan[0]["Plan"]):
                if table in large:
                    found.setdefault(name, []).append(f"{table}: {sql[:160]}")
    record(
        "explain_seq_scans",
        large_tables=len(large),
        pages=len(pages),
        seq_scans={k: len(v) for k, v in found.items()},
        no_sequential_scans=not found,
    )
    for name, scans in found.items():
        print(f"\n{name}: sequential scans on large tables")
        for scan in scans:
            print(f"  {scan}")
    assert not found, "sequential scans on large tables (see above)"
