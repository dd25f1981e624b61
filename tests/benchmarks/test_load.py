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


def _env() -> dict:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.benchmarks.settings"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def gunicorn():
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
    try:
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def session_cookie(django_db_blocker):
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session
    from django.test import Client

    with django_db_blocker.unblock():
        client = Client()
        client.force_login(get_user_model().objects.get(username="bench-officer"))
        key = client.cookies[settings.SESSION_COOKIE_NAME].value
    yield f"{settings.SESSION_COOKIE_NAME}={key}"
    with django_db_blocker.unblock():
        Session.objects.filter(session_key=key).delete()


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
