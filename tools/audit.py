"""`make audit`: known vulnerabilities in the locked Python and npm packages.

Runs pip-audit over requirements-dev.lock (every locked package, the runtime lock's
included) and npm audit over package-lock.json, and says plainly what each found, or that
it could not check at all: a vulnerability service that cannot be reached, or that answers
without the data (a registry mirror without PyPI's per-release JSON, an npm registry
without the audit endpoint), is reported as NOT CHECKED, never as "no vulnerabilities".

Exit status: 0 when both checked everything and found nothing; 1 when a vulnerability was
found; 2 when nothing was found but something could not be checked.
"""

from __future__ import annotations

import json
import subprocess  # nosec B404: runs pip-audit and npm, fixed commands, no shell
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CLEAN, FOUND, NOT_CHECKED = 0, 1, 2


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(  # nosec B603: fixed commands, no shell
            command, cwd=ROOT, capture_output=True, text=True, timeout=600
        )
    except FileNotFoundError as error:
        return subprocess.CompletedProcess(command, 127, "", str(error))
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(command, 124, "", "gave no answer in 10 minutes")


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


def pip_audit() -> tuple[int, str]:
    result = _run(
        [
            str(BIN / "pip-audit"),
            "--requirement",
            "requirements-dev.lock",
            "--require-hashes",
            "--disable-pip",
            "--progress-spinner",
            "off",
            "--format",
            "json",
        ]
    )
    try:
        report = json.loads(result.stdout)
        dependencies = report["dependencies"]
    except (ValueError, KeyError, TypeError):
        return NOT_CHECKED, (
            "NOT CHECKED: pip-audit could not reach PyPI's vulnerability service "
            f"({_last_line(result.stderr or result.stdout)})."
        )
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    if vulnerable:
        found = "; ".join(
            f"{d['name']} {d['version']}: "
            + ", ".join(
                v["id"]
                + (f" (fixed in {', '.join(v['fix_versions'])})" if v.get("fix_versions") else "")
                for v in d["vulns"]
            )
            for d in vulnerable
        )
        return FOUND, f"{len(vulnerable)} package(s) with known vulnerabilities: {found}."
    if skipped:
        return NOT_CHECKED, (
            f"NOT CHECKED: {len(skipped)} of {len(dependencies)} packages could not be "
            "audited; PyPI's vulnerability data was not available "
            f"({skipped[0]['skip_reason']})."
        )
    return CLEAN, f"no known vulnerabilities in {len(dependencies)} locked packages."


def npm_audit() -> tuple[int, str]:
    result = _run(["npm", "audit", "--package-lock-only", "--json"])
    try:
        report = json.loads(result.stdout)
    except ValueError:
        report = {}
    counts = report.get("metadata", {}).get("vulnerabilities") if "error" not in report else None
    if not isinstance(counts, dict):
        error = report.get("error") or {}
        detail = (
            report.get("message")
            or error.get("summary")
            or next(
                (
                    line.removeprefix("npm error ")
                    for line in result.stderr.splitlines()
                    if line.startswith("npm error") and "complete log" not in line
                ),
                _last_line(result.stderr or result.stdout),
            )
        )
        return NOT_CHECKED, (
            f"NOT CHECKED: npm audit could not reach the registry's audit service ({detail})."
        )
    total = counts.get("total", 0)
    if total:
        names = ", ".join(sorted(report.get("vulnerabilities", {})))
        return FOUND, f"{total} known vulnerabilities ({names}); `npm audit` for details."
    dependencies = report.get("metadata", {}).get("dependencies", {})
    count = dependencies.get("total", 0) if isinstance(dependencies, dict) else dependencies
    return CLEAN, f"no known vulnerabilities in {count} locked packages."


def main() -> int:
    outcomes = {"pip-audit (Python)": pip_audit(), "npm audit": npm_audit()}
    for name, (_, message) in outcomes.items():
        print(f"{name}: {message}")
    statuses = {status for status, _ in outcomes.values()}
    if FOUND in statuses:
        return FOUND
    if NOT_CHECKED in statuses:
        print("The audit is incomplete: run `make audit` again where the services answer.")
        return NOT_CHECKED
    return CLEAN


if __name__ == "__main__":
    sys.exit(main())
