"""Every job handler, by kind (see submissions/jobs.py), given to the job runner by
SubmissionsConfig.ready()."""

from __future__ import annotations

from submissions import returns, services
from submissions.documents import handlers as documents
from submissions.jobs import Handler


def job_handlers() -> dict[str, Handler]:
    return {
        services.PREPARE: returns.prepare_return,
        "render-part1": documents.render_part1,
        "render-part2": documents.render_part2,
        "render-return-pdf": documents.render_return_pdf,
        "render-return-xlsx": documents.render_return_xlsx,
    }
