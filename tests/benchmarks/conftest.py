"""The benchmarks' database: the national dataset in PostgreSQL, generated once and kept.

`make bench` points DATABASE_URL at a dedicated database (bcf_bench by default). Unlike the
test suite's throwaway database, this one is used as it is (pytest-django's
`django_db_setup` is overridden): it is migrated, and the national dataset is generated
only when it is not there already (an area count check), so later runs start at once.
Set BENCH_AREAS (default 150) or BENCH_SEED (default 1) to change it; a database holding a
different number of areas is emptied and generated again.
"""

from __future__ import annotations

import json
import os
import platform
import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

AREAS = int(os.environ.get("BENCH_AREAS", "150"))
YEARS = 5
SEED = int(os.environ.get("BENCH_SEED", "1"))
RESULTS = Path(__file__).resolve().parent / "results"
FIGURES: dict[str, dict] = {}


def pytest_configure(config):
    db = settings.DATABASES["default"]
    if "postgresql" not in db["ENGINE"]:
        pytest.exit(
            "The benchmarks run on PostgreSQL: set DATABASE_URL (make bench defaults to "
            "postgres://postgres@127.0.0.1:5432/bcf_bench).",
            returncode=2,
        )


def _ensure_database() -> None:
    """Create the benchmark database if it does not exist (connecting to `postgres`)."""
    import psycopg2
    from psycopg2 import sql

    db = settings.DATABASES["default"]
    params = {
        "dbname": "postgres",
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
    }
    # Not `with psycopg2.connect(...)`: since psycopg2 2.9 that block opens a transaction
    # even in autocommit mode, and CREATE DATABASE refuses to run inside one.
    conn = psycopg2.connect(**{k: v for k, v in params.items() if v})
    try:
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
    finally:
        conn.close()


@pytest.fixture(scope="session")
def django_db_setup(django_db_blocker):
    """Use the benchmark database as it is; generate the national dataset once."""
    from plans.models import Area
    from tests.benchmarks.national import generate

    _ensure_database()
    with django_db_blocker.unblock():
        call_command("migrate", verbosity=0)
        count = Area.objects.count()
        if count != AREAS:
            if count:
                print(f"\nbcf_bench holds {count} areas, not {AREAS}: emptying it")
                call_command("flush", interactive=False, verbosity=0)
            print(f"\nGenerating the national dataset ({AREAS} areas, {YEARS} years)…")
            totals = generate(areas=AREAS, years=YEARS, seed=SEED)
            FIGURES["generate_national"] = {
                "seconds": round(totals.seconds, 1),
                "rows": sum(totals.rows.values()),
            }
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        _bench_users()


def _bench_users():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from plans import permissions
    from plans.models import Area, Membership

    User = get_user_model()
    officer, _ = User.objects.get_or_create(username="bench-officer")
    officer.groups.set([Group.objects.get_or_create(name=permissions.OFFICER)[0]])
    area = Area.objects.order_by("code")[AREAS // 2]
    Membership.objects.get_or_create(user=officer, area=area)
    assurer, _ = User.objects.get_or_create(username="bench-assurer")
    assurer.groups.set([Group.objects.get_or_create(name=permissions.ASSURER)[0]])


@pytest.fixture
def bench_area(db):
    from plans.models import Area

    return Area.objects.order_by("code")[AREAS // 2]


@pytest.fixture
def bench_plan(bench_area):
    """The latest plan of the area in the middle of the list (about 50 schemes, 30 risks)."""
    return bench_area.plans.order_by("-first_year").first()


def renderable(plan) -> bool:
    """Has the plan's policy year a plan document to render? (The generated years run past
    the frameworks the product holds: a plan of such a year has no template.)"""
    from django.core.exceptions import ValidationError

    from frameworks.models import SubmissionTemplate
    from submissions.documents.render import framework_template

    try:
        framework_template(plan, purpose=SubmissionTemplate.Purpose.PLAN, format="pdf")
    except ValidationError:
        return False
    return True


@pytest.fixture
def render_plan(bench_area):
    """The area's latest plan with a plan document to render."""
    plan = next((p for p in bench_area.plans.order_by("-first_year") if renderable(p)), None)
    if plan is None:
        raise AssertionError(f"No plan of {bench_area} has a year with a plan PDF template")
    return plan


@pytest.fixture
def officer_client(db, bench_area):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-officer"))
    return client


@pytest.fixture
def record():
    """record(name, **figures): keep a benchmark's figures for the summary and the JSON."""

    def _record(name: str, **figures):
        # The machine is shared: its load when the figure was taken goes beside it.
        FIGURES[name] = figures | {"loadavg_1": round(os.getloadavg()[0], 2)}

    return _record


def pytest_sessionfinish(session, exitstatus):
    if not FIGURES:
        return
    RESULTS.mkdir(parents=True, exist_ok=True)
    db = settings.DATABASES["default"]
    payload = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            # Other work on the machine skews the figures: the load when the run ended.
            "loadavg_1_5_15": [round(x, 2) for x in os.getloadavg()],
        },
        "database": f"{db['ENGINE'].rsplit('.', 1)[-1]}:{db['NAME']}",
        "areas": AREAS,
        "seed": SEED,
        "figures": FIGURES,
    }
    (RESULTS / "latest.json").write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n")
    print("\n\nBenchmark figures (also in tests/benchmarks/results/latest.json)")
    print(
        f"Machine: {os.cpu_count()} CPUs, shared with other work: load average "
        f"{payload['machine']['loadavg_1_5_15']} (1, 5, 15 min) at the end; each figure's "
        "load (1 min) when taken is beside it. Compare ratios to the bare page of the same run."
    )
    for line in summary_lines(FIGURES):
        print(line)


# What each `meets_…` figure is measured against, for the summary.
TARGET_TEXT = {
    "meets_100ms": "median < 100 ms",
    "meets_150ms": "median < 150 ms",
    "meets_1_5x": "≤ 1.5 × the figure at the dataset's size",
    "meets_1_3x": "≤ 1.3 × WeasyPrint alone",
    "meets_30pct": "≥ 30% of the bare page's throughput",
    "meets_p95": "p95 < 500 ms",
    "meets_p95_500ms": "p95 < 500 ms",
    "meets_bound": "peak RSS < the documents worker's bound",
    "meets_2s": "each < 2 s",
    "meets_5s": "median < 5 s",
    "meets_2min": "all < 2 min",
    "queries_constant": "queries constant",
    "return_not_behind_pdfs": "a return prepared before the 20 PDFs are done",
    "no_sequential_scans": "no sequential scan of a large table",
    "meets_60s": "a monthly publication for every area imported in < 60 s",
    "revision_meets_target": "a publication revising every figure imported in < 60 s",
}
# The figures a line shows, in this order, when the benchmark has them.
HEADLINE = (
    "median_ms", "p50_ms", "p95_ms", "cpu_median_ms", "ratio_to_bare", "queries", "per_s",
    "share_of_bare", "cpu_ms_per_request", "cpu_share_of_bare", "errors", "ratio_to_dataset_size",
    "ratio_to_weasyprint_alone",
    "weasyprint_alone_median_ms", "weasyprint_alone_cpu_median_ms", "html_median_ms",
    "peak_rss_mb", "render_rss_increase_mb",
    "python_peak_per_render_mb", "bound_mb", "seconds", "per_return_s", "return_alone_s",
    "return_while_20_pdfs_s", "pdfs_finished_when_return_was", "reuse_hit_rate", "requests_per_s",
    "figures", "preview_s", "apply_s", "revision_seconds",
)  # fmt: skip


def _target_text(key: str) -> str:
    if key in TARGET_TEXT:
        return TARGET_TEXT[key]
    found = re.fullmatch(r"meets_(\d+)ms", key)
    return f"median < {found.group(1)} ms" if found else key


def summary_lines(figures: dict[str, dict]) -> list[str]:
    """A line per benchmark (and per page of those that load several) with its main
    figures and each target marked met or missed."""
    lines = []

    def one(name: str, values: dict, load) -> None:
        shown = [f"{k} {values[k]}" for k in HEADLINE if values.get(k) is not None]
        targets = [
            f"{_target_text(k)}: {'met' if values[k] else 'MISSED'}"
            for k in values
            if (k.startswith("meets_") or k in TARGET_TEXT) and isinstance(values[k], bool)
        ]
        text = ", ".join(shown) or "—"
        lines.append(f"  {name:<40} {text}  [load {load}]")
        for target in targets:
            lines.append(f"  {'':<40}   target {target}")

    for name, values in figures.items():
        load = values.get("loadavg_1", values.get("loadavg", "?"))
        nested = {k: v for k, v in values.items() if isinstance(v, dict) and k != "reuse"}
        if "pages" in nested:
            nested = nested.pop("pages") | {"bare": values.get("bare", {})}
        one(name, values, load)
        for page, page_values in nested.items():
            if isinstance(page_values, dict) and any(k in page_values for k in HEADLINE):
                one(f"{name}.{page}", page_values, load)
    return lines
