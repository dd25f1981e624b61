"""The national dataset under load: the dashboard's throughput against the bare page's on
gunicorn (a small threaded client on loopback, bounded in time), and every area's return for
a quarter prepared by a real Celery worker through Redis.

Both need committed data that other processes can read, so they run outside the test
transaction (`django_db_blocker.unblock()`), write only sessions, jobs and the returns'
recomputed snapshots, and delete the sessions and jobs they made.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess  # nosec B404 - starts gunicorn and a Celery worker of this project
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models import Count
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "10"))
CLIENTS = int(os.environ.get("BENCH_LOAD_CLIENTS", "8"))
WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", "4"))
# The cache of gunicorn's processes (tests/benchmarks/settings.py), for what this process
# does as they would (a save's tokens replaced, pages' reuse counted).
REDIS_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": settings.REDIS_URL,
    }
}


def _env() -> dict:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.benchmarks.settings"}


def _free_port() -> int:
    """A free port on loopback: within BENCH_PORTS ("8900-8999") if set, else any."""
    first, _, last = os.environ.get("BENCH_PORTS", "0-0").partition("-")
    for port in range(int(first), int(last or first) + 1):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise RuntimeError(f"No free port in BENCH_PORTS={os.environ['BENCH_PORTS']}")


# The master process of the gunicorn listening on each port (for its workers' CPU time).
MASTERS: dict[int, int] = {}


def workers_cpu_seconds(port: int) -> float | None:
    """The CPU time (user and system) the gunicorn workers on `port` have used so far, read
    from /proc; None where there is no /proc. On a machine shared with others' work, the
    steadier figure of what the pages cost than the requests they answer per second."""
    master = MASTERS.get(port)
    proc = Path("/proc")
    if master is None or not proc.is_dir():
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in proc.glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # a process that ended meanwhile
        if int(fields[1]) == master:  # its parent: a worker of this gunicorn
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


@pytest.fixture
def gunicorn(django_db_setup):
    """gunicorn on the benchmark database, migrated and holding the national dataset
    (django_db_setup, as for the tests that use the database directly)."""
    port = _free_port()
    process = subprocess.Popen(  # nosec B603
        [
            str(BIN / "gunicorn"),
            "bcf.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=_env(),
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.2)
    else:
        process.terminate()
        pytest.fail("gunicorn did not start")
    # Its workers load the app on their first requests (tens of seconds on a busy machine):
    # each is asked until all have answered, before anything is measured.
    warm = [threading.Thread(target=_answer, args=(port,)) for _ in range(2 * WORKERS)]
    for thread in warm:
        thread.start()
    for thread in warm:
        thread.join()
    MASTERS[port] = process.pid
    try:
        yield port
    finally:
        MASTERS.pop(port, None)
        process.terminate()
        process.wait(timeout=30)


def _answer(port: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("GET", "/__bench__/bare/", headers={"Host": "127.0.0.1"})
        conn.getresponse().read()
    finally:
        conn.close()


@pytest.fixture
def signed_in(django_db_blocker):
    """signed_in(username): a session cookie for that user, committed for gunicorn to read."""
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session
    from django.test import Client

    keys = []

    def cookie(username: str) -> str:
        with django_db_blocker.unblock():
            client = Client()
            client.force_login(get_user_model().objects.get(username=username))
            keys.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
        return f"{settings.SESSION_COOKIE_NAME}={keys[-1]}"

    yield cookie
    with django_db_blocker.unblock():
        Session.objects.filter(session_key__in=keys).delete()


@pytest.fixture
def session_cookie(signed_in):
    return signed_in("bench-officer")


def _load(port: int, path: str, cookie: str) -> dict:
    """CLIENTS threads requesting `path` for SECONDS; requests per second and failures."""
    done, failed, latencies = [0], [0], []
    lock = threading.Lock()
    stop = time.monotonic() + SECONDS

    def run():
        while time.monotonic() < stop:
            started = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                ok = False
            finally:
                conn.close()
            with lock:
                if ok:
                    done[0] += 1
                    latencies.append(time.perf_counter() - started)
                else:
                    failed[0] += 1

    threads = [threading.Thread(target=run) for _ in range(CLIENTS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    median = latencies[len(latencies) // 2] * 1000 if latencies else None
    return {
        "requests_per_s": round(done[0] / elapsed, 1),
        "ok": done[0],
        "failed": failed[0],
        "median_ms": round(median, 1) if median else None,
    }


def test_dashboard_throughput(gunicorn, session_cookie, django_db_blocker, record):
    from plans.models import Area

    with django_db_blocker.unblock():
        area = Area.objects.order_by("code")[Area.objects.count() // 2]
        plan = area.plans.order_by("-first_year").first()
    year = f"{plan.first_year}/{(plan.first_year + 1) % 100:02d}"
    bare = _load(gunicorn, reverse("bench_bare", urlconf="tests.benchmarks.urls"), session_cookie)
    dashboard = _load(
        gunicorn,
        reverse("submissions:dashboard", args=[plan.pk]) + f"?year={year}&quarter=2",
        session_cookie,
    )
    ratio = dashboard["requests_per_s"] / bare["requests_per_s"] if bare["requests_per_s"] else 0
    figures = {
        "seconds_each": SECONDS,
        "clients": CLIENTS,
        "gunicorn_workers": WORKERS,
        "bare": bare,
        "dashboard": dashboard,
        "dashboard_share_of_bare": round(ratio, 3),
        "meets_30pct": ratio >= 0.3,
    }
    record("dashboard_throughput", **figures)
    print(f"\ndashboard_throughput: {figures}")
    assert bare["failed"] == 0 and dashboard["failed"] == 0


def _forget_pages_on_gunicorn(plan) -> None:
    """As if a save in `plan` changing a national figure had just been committed, for
    gunicorn's processes (their cache is Redis): its pages and the national view are
    computed again, and its summaries are brought up to date as the saving request would
    (plans.freshness.changed)."""
    from django.test import override_settings

    from plans import freshness

    with override_settings(CACHES=REDIS_CACHE):
        freshness.changes_committed({("plan", plan.pk)})
        freshness.national_changed()  # a save that changed a figure it shows


def _time_on_gunicorn(port: int, path: str, cookie: str, *, computed=None) -> dict:
    """One client, one request at a time: median and 95th percentile of the time to answer."""
    samples = []
    warm = 2 * WORKERS  # each worker's first requests load what it has not yet
    for n in range(warm + GUNICORN_REQUESTS):
        if computed:
            _forget_pages_on_gunicorn(computed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        started = time.perf_counter()
        conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
        response = conn.getresponse()
        response.read()
        elapsed = time.perf_counter() - started
        conn.close()
        assert response.status == 200, (path, response.status)
        if n >= warm:
            samples.append(elapsed * 1000)
    samples.sort()
    return {
        "median_ms": round(samples[len(samples) // 2], 1),
        "p95_ms": round(samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))], 1),
    }


GUNICORN_REQUESTS = 40


def test_server_time_on_gunicorn(gunicorn, signed_in, django_db_blocker, record):
    """The pages as a browser gets them from gunicorn, one request at a time, against the
    bare page measured the same way: the same stack as production, outside pytest's."""
    from plans.models import Area

    with django_db_blocker.unblock():
        area = Area.objects.order_by("code")[Area.objects.count() // 2]
        plan = area.plans.order_by("-first_year").first()
    year = f"{plan.first_year}/{(plan.first_year + 1) % 100:02d}"
    officer, assurer = signed_in("bench-officer"), signed_in("bench-assurer")
    national = reverse("submissions:national")
    pages = {
        "bare_page": (reverse("bench_bare", urlconf="tests.benchmarks.urls"), None),
        "plan_page": (reverse("plans:plan_detail", args=[plan.pk]), None),
        "schemes_table": (reverse("schemes:scheme_list", args=[plan.pk]), None),
        "metrics_overview": (reverse("metrics:metrics_overview", args=[plan.pk]), None),
        "risk_register": (reverse("risks:register", args=[plan.pk]), None),
    }
    # Computed: after a save in the plan (its dashboard, its summary, the national view).
    dashboard = reverse("submissions:dashboard", args=[plan.pk]) + f"?year={year}&quarter=2"
    pages["dashboard_computed"] = (dashboard, plan)
    pages["dashboard"] = (dashboard, None)
    pages["national_view_computed"] = (national, plan)
    pages["national_view"] = (national, None)
    figures = {}
    for name, (path, computed) in pages.items():
        cookie = assurer if name.startswith("national") else officer
        with django_db_blocker.unblock():
            figures[name] = _time_on_gunicorn(gunicorn, path, cookie, computed=computed)
        if name != "bare_page":
            ratio = figures[name]["median_ms"] / figures["bare_page"]["median_ms"]
            figures[name]["ratio_to_bare"] = round(ratio, 1)
    record("server_time_on_gunicorn", **figures)
    for name, result in figures.items():
        print(f"\ngunicorn {name}: {result}")


@pytest.fixture
def celery_worker_process():
    if not settings.REDIS_URL:
        pytest.skip("Set REDIS_URL (make bench does) to prepare the returns with a real worker.")
    process = subprocess.Popen(  # nosec B603
        [
            str(BIN / "celery"),
            "-A",
            "bcf",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "warning",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=_env(),
    )
    from bcf.celery import app

    app.conf.task_always_eager = False
    try:
        yield process
    finally:
        app.conf.task_always_eager = True
        process.terminate()
        process.wait(timeout=60)


def test_all_returns_of_a_quarter_with_one_worker(celery_worker_process, django_db_blocker, record):
    from plans.models import Plan
    from submissions import services
    from submissions.models import Job, QuarterlyReturn

    with django_db_blocker.unblock():
        latest = Plan.objects.order_by("-first_year").values_list("first_year", flat=True)[0]
        returns = list(
            QuarterlyReturn.objects.filter(plan__first_year=latest, year=latest, quarter=1)
            .select_related("plan__area")
            .order_by("plan__area__code")
        )
        # Forget the stored checksums so that every return is computed and saved again.
        QuarterlyReturn.objects.filter(pk__in=[r.pk for r in returns]).update(checksum="")
        started = time.perf_counter()
        jobs = [services.return_prepare_start(ret=ret).pk for ret in returns]
        deadline = time.monotonic() + 300
        pending = Job.objects.filter(pk__in=jobs).exclude(state__in=["success", "failure"])
        while pending.exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        elapsed = time.perf_counter() - started
        states = dict(
            Job.objects.filter(pk__in=jobs).order_by().values_list("state").annotate(n=Count("pk"))
        )
        Job.objects.filter(pk__in=jobs).delete()
    figures = {
        "returns": len(returns),
        "seconds": round(elapsed, 1),
        "per_return_s": round(elapsed / max(len(returns), 1), 2),
        "states": states,
        "meets_2min": elapsed < 120,
    }
    record("all_returns_one_worker", **figures)
    print(f"\nall_returns_one_worker: {figures}")
    assert states.get("success") == len(returns), states


def _worker(*queues: str) -> subprocess.Popen:
    return subprocess.Popen(  # nosec B603
        [
            str(BIN / "celery"), "-A", "bcf", "worker", "--pool", "solo", "--queues",
            ",".join(queues), "--loglevel", "warning", "--without-gossip", "--without-mingle",
            "--without-heartbeat", "--hostname", f"bench-{'-'.join(queues)}@%h",
        ],
        cwd=ROOT,
        env=_env(),
    )  # fmt: skip


@pytest.fixture
def job_and_document_workers():
    """A worker for jobs and one for documents, as docker-compose runs them."""
    if not settings.REDIS_URL:
        pytest.skip("Set REDIS_URL (make bench does) to run real workers.")
    from bcf.celery import app

    workers = [_worker(settings.CELERY_TASK_DEFAULT_QUEUE), _worker(settings.DOCUMENTS_QUEUE)]
    app.conf.task_always_eager = False
    try:
        yield workers
    finally:
        app.conf.task_always_eager = True
        for process in workers:
            process.terminate()
        for process in workers:
            process.wait(timeout=120)


def _wait(jobs: list[int], seconds: float = 600) -> float:
    from submissions.models import Job

    started = time.perf_counter()
    deadline = time.monotonic() + seconds
    pending = Job.objects.filter(pk__in=jobs).exclude(state__in=["success", "failure"])
    while pending.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    return time.perf_counter() - started


def test_a_return_is_prepared_while_20_pdfs_render(
    job_and_document_workers, django_db_blocker, record
):
    """A return prepared alone, then again just after 20 areas asked for their Part 1 PDF:
    documents have their own queue and worker, so the return does not wait for them."""
    from django.contrib.auth import get_user_model

    from plans.models import Plan
    from submissions import services
    from submissions.documents.requests import document_request
    from submissions.models import Document, Job, QuarterlyReturn
    from tests.benchmarks.conftest import renderable

    with django_db_blocker.unblock():
        # The latest year whose plans have a Part 1 template (the generated years run past
        # the frameworks held); each area's PDF asked for by a person of its own, as the
        # render limit is a person's.
        years = Plan.objects.order_by("-first_year").values_list("first_year", flat=True)
        latest = next(
            y for y in dict.fromkeys(years) if renderable(Plan.objects.filter(first_year=y).first())
        )
        plans = list(Plan.objects.filter(first_year=latest).order_by("area__code")[:20])
        users = [
            get_user_model().objects.get_or_create(
                username=f"bench-render-{i}", defaults={"is_superuser": True}
            )[0]
            for i in range(len(plans))
        ]
        ret = QuarterlyReturn.objects.filter(plan=plans[-1], year=latest, quarter=1).first()
        QuarterlyReturn.objects.filter(pk=ret.pk).update(checksum="")
        alone_job = services.return_prepare_start(ret=ret).pk
        alone = _wait([alone_job], 120)
        QuarterlyReturn.objects.filter(pk=ret.pk).update(checksum="")
        renders = [
            document_request(kind=Document.Kind.PART1_PDF, obj=p, user=u).pk
            for p, u in zip(plans, users, strict=True)
        ]
        started = time.perf_counter()
        prepared_job = services.return_prepare_start(ret=ret).pk
        prepared = _wait([prepared_job], 300)
        pdfs_done_then = Job.objects.filter(pk__in=renders, state="success").count()
        _wait(renders, 900)
        all_pdfs = time.perf_counter() - started
        states = dict(
            Job.objects.filter(pk__in=[alone_job, prepared_job, *renders])
            .values_list("kind", "state")
            .order_by()
        )
        failed = (
            Job.objects.filter(pk__in=[alone_job, prepared_job, *renders])
            .exclude(state="success")
            .count()
        )
        for document in Document.objects.filter(job__in=renders):
            document.file.delete(save=False)
        Document.objects.filter(job__in=renders).delete()
        Job.objects.filter(pk__in=[alone_job, prepared_job, *renders]).delete()
    figures = {
        "return_alone_s": round(alone, 2),
        "return_while_20_pdfs_s": round(prepared, 2),
        "pdfs_finished_when_return_was": pdfs_done_then,
        "all_20_pdfs_s": round(all_pdfs, 1),
        "failed_jobs": failed,
        "kinds": sorted(states),
        "return_not_behind_pdfs": pdfs_done_then < len(renders),
    }
    record("return_while_20_pdfs", **figures)
    print(f"\nreturn_while_20_pdfs: {figures}")
    assert failed == 0
