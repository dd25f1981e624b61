"""The memory of one Part 1 render, in a process of its own as a documents worker is: run
as `python -m tests.benchmarks.render_memory <plan id>` (tests.benchmarks.settings, the
database and Redis from the environment); prints JSON.

- the process's resident memory before the render (Django, WeasyPrint and the plan's app
  loaded) and at its peak during the first render (ru_maxrss: what the documents worker's
  --max-memory-per-child compares with its 600 MB);
- Python's own allocations at their peak during a second render (tracemalloc), which is
  what one render holds at once whatever the process held before.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
import tracemalloc


def _rss_mb() -> float:
    """Resident memory now (Linux: /proc/self/statm, pages)."""
    with open("/proc/self/statm") as statm:
        resident = int(statm.read().split()[1])
    return resident * os.sysconf("SC_PAGE_SIZE") / 2**20


def main(plan_id: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.benchmarks.settings")
    import django

    django.setup()
    import weasyprint  # noqa: F401  loaded before, as in a worker that has rendered

    from plans.models import Plan
    from submissions.documents.part1 import part1_pdf

    plan = Plan.objects.get(pk=plan_id)
    before = _rss_mb()
    started = time.perf_counter()
    pdf = part1_pdf(plan)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    tracemalloc.start()
    part1_pdf(plan)
    python_peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return {
        "rss_before_mb": round(before, 1),
        "peak_rss_mb": round(peak, 1),
        "render_rss_increase_mb": round(peak - before, 1),
        "python_peak_per_render_mb": round(python_peak, 1),
        "render_s": round(seconds, 1),
        "bytes": len(pdf),
    }


if __name__ == "__main__":
    sys.path.insert(0, os.getcwd())
    print(json.dumps(main(int(sys.argv[1]))))
