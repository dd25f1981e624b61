"""Reproducible installs: the locks pin every package with hashes, the installs use them,
and `make audit` says when it could not check rather than reporting nothing found."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+?)(?: \\)?$")


def _locked(name: str) -> dict[str, str]:
    """A lock file's pins, {canonical name: version}; each must carry a hash."""
    pins, current, hashed = {}, None, set()
    for line in (ROOT / name).read_text().splitlines():
        match = _PIN.match(line)
        if match:
            current = canonicalize_name(match[1])
            pins[current] = match[2]
        elif line.strip().startswith("--hash=sha256:") and current:
            hashed.add(current)
        elif line.strip() and not line.lstrip().startswith("#") and not line.startswith(" "):
            raise AssertionError(f"{name}: not an exact pin: {line!r}")
    assert pins and set(pins) == hashed, f"{name}: pins without hashes {set(pins) - hashed}"
    return pins


def _ranges(name: str) -> set[str]:
    names = set()
    for line in (ROOT / name).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            names.add(canonicalize_name(Requirement(line).name))
    return names


def test_every_locked_package_is_pinned_with_hashes_and_the_locks_agree():
    runtime, dev = _locked("requirements.lock"), _locked("requirements-dev.lock")
    assert _ranges("requirements.txt") <= set(runtime)
    assert _ranges("requirements-dev.txt") <= set(dev)
    assert {name: dev.get(name) for name in runtime} == runtime


def test_this_environment_is_the_dev_lock():
    """`make install` installed exactly what requirements-dev.lock says."""
    installed = {canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions()}
    locked = _locked("requirements-dev.lock")
    assert {name: installed.get(name) for name in locked} == locked


def test_installs_use_the_locks_with_hashes_checked():
    makefile = (ROOT / "Makefile").read_text()
    assert "pip install --quiet --require-hashes -r requirements-dev.lock" in makefile
    assert "npm ci" in makefile
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --require-hashes -r requirements.lock" in dockerfile
    assert "npm ci" in dockerfile
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_audit_says_not_checked_when_its_services_cannot_be_reached():
    closed = "http://127.0.0.1:9"  # nothing listens on the discard port
    env = {
        **os.environ,
        "HTTPS_PROXY": closed,
        "HTTP_PROXY": closed,
        "https_proxy": closed,
        "http_proxy": closed,
        "NO_PROXY": "",
        "no_proxy": "",
        "npm_config_registry": f"{closed}/",
    }
    result = subprocess.run(
        [sys.executable, "tools/audit.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("pip-audit (Python): NOT CHECKED")
    assert lines[1].startswith("npm audit: NOT CHECKED")
    assert "no known vulnerabilities" not in result.stdout
