"""The project's front door and production wiring: settings, Celery, compose, docs, CI.

Settings are read once per process, so every test that needs a different environment
starts Python in a subprocess with an environment built here, not the one pytest runs in.
"""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

BASE_DIR = Path(__file__).resolve().parent.parent

# Variables the settings read; none of them, nor any DJANGO_* variable (the browser tests
# set DJANGO_ALLOW_ASYNC_UNSAFE), leaks from the test run into a subprocess.
SETTINGS_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "REDIS_URL",
    "MEDIA_ROOT",
    "LOG_LEVEL",
    "SECURE_SSL_REDIRECT",
}


def production_env(**overrides: str) -> dict[str, str]:
    leaking = SETTINGS_VARIABLES | {f"{name}_FILE" for name in SETTINGS_VARIABLES}
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in leaking and not name.startswith("DJANGO_")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="bcf.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="bcf.example.org",
    )
    env.update(overrides)
    return env


def run_python(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def compose_services() -> dict:
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())["services"]


def command_line(service: dict) -> str:
    command = service["command"]
    return " ".join(command) if isinstance(command, list) else command


def test_compose_describes_web_worker_beat_db_and_redis():
    assert set(compose_services()) >= {"web", "worker", "documents", "beat", "db", "redis"}


@pytest.mark.parametrize(
    ("service", "expected"),
    [
        ("web", "gunicorn bcf.wsgi"),
        ("worker", "celery -A bcf worker --queues celery"),
        ("documents", "celery -A bcf worker --queues documents"),
        ("beat", "celery -A bcf beat"),
    ],
)
def test_compose_service_runs_the_expected_process(service, expected):
    assert command_line(compose_services()[service]).startswith(expected)


def test_compose_runs_postgres_15_and_redis_7():
    services = compose_services()
    assert services["db"]["image"] == "postgres:15"
    assert services["redis"]["image"] == "redis:7"


@pytest.mark.parametrize("service", ["web", "worker", "beat"])
def test_compose_gives_the_app_its_database_broker_and_secret_key(service):
    environment = compose_services()[service]["environment"]
    assert environment["DATABASE_URL"].startswith("postgres://")
    assert environment["DATABASE_URL"].endswith("@db:5432/bcf")
    assert environment["REDIS_URL"] == "redis://redis:6379/0"
    assert "SECRET_KEY" in environment
    assert environment["DEBUG"] == "false"


def test_deploy_checks_pass_with_no_warnings_in_production():
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env()
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_settings_refuse_to_start_without_secret_key_when_not_debug():
    env = production_env()
    del env["SECRET_KEY"]
    result = run_python(["-c", "import django; django.setup()"], env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_settings_start_without_secret_key_when_debug():
    env = production_env(DEBUG="true")
    del env["SECRET_KEY"]
    result = run_python(["-c", "import django; django.setup()"], env)
    assert result.returncode == 0, result.stderr


CELERY_CONF = (
    "from bcf.celery import app; "
    "print(app.conf.broker_url, app.conf.result_backend, app.conf.task_always_eager)"
)


def test_celery_uses_redis_as_broker_when_redis_url_is_set():
    result = run_python(["-c", CELERY_CONF], production_env(REDIS_URL="redis://cache:6379/3"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["redis://cache:6379/3", "redis://cache:6379/3", "False"]


def test_celery_runs_tasks_eagerly_in_process_without_redis():
    result = run_python(["-c", CELERY_CONF], production_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["memory://", "cache+memory://", "True"]


def quick_start() -> str:
    readme = (BASE_DIR / "README.md").read_text()
    match = re.search(r"^## Quick start\n(.*?)^## ", readme, flags=re.MULTILINE | re.DOTALL)
    assert match, "README.md has no '## Quick start' section"
    return match.group(1)


def test_readme_quick_start_is_make_run_and_make_test():
    commands = re.findall(r"^make \w+$", quick_start(), flags=re.MULTILINE)
    assert commands == ["make run", "make test"]


def test_every_make_target_the_readme_names_exists():
    readme = (BASE_DIR / "README.md").read_text()
    makefile = (BASE_DIR / "Makefile").read_text()
    defined = set(re.findall(r"^([a-z]+):", makefile, flags=re.MULTILINE))
    named = set(re.findall(r"`make (\w+)", readme))
    assert named, "README.md names no make target"
    assert named <= defined


def test_ci_runs_make_test():
    script = (BASE_DIR / ".ci" / "run").read_text()
    assert re.search(r"^make test$", script, flags=re.MULTILINE)
    assert "BROWSER_TESTS_REQUIRED=1" in script


def test_rendered_pdfs_are_read_back_with_no_command_line_tool(monkeypatch, tmp_path):
    """`make test` on a fresh machine needs no PDF tool beyond what `make install` installs."""
    from governance.pdf import html_to_pdf
    from tests.pdf import pdf_text

    content = html_to_pdf("<html><body><h1>Minutes</h1><p>Read back.</p></body></html>")
    monkeypatch.setenv("PATH", str(tmp_path))  # no pdftotext, nor anything else
    assert pdf_text(content) == "Minutes Read back."


def test_no_test_calls_a_pdf_tool_the_quick_start_does_not_install():
    tools = re.compile(r"""["'](pdftotext|pdftoppm|pdfinfo|mutool|qpdf)["']""")
    callers = [
        str(path.relative_to(BASE_DIR))
        for path in BASE_DIR.glob("*/**/*.py")
        if "tests" in path.parts
        and not {".venv", "node_modules"} & set(path.parts)
        and path != Path(__file__)
        and tools.search(path.read_text())
    ]
    assert callers == []
