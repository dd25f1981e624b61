"""Every job handler, by kind (see submissions/jobs.py), given to the job runner by
SubmissionsConfig.ready()."""

from __future__ import annotations

from django.conf import settings

from submissions import publications, returns, services
from submissions.documents import handlers as documents
from submissions.jobs import Handler


def job_handlers() -> dict[str, Handler]:
    return {
        services.PREPARE: returns.prepare_return,
        "render-part1": documents.render_part1,
        "render-part2": documents.render_part2,
        "render-return-pdf": documents.render_return_pdf,
        "render-return-xlsx": documents.render_return_xlsx,
        "render-year-end-xlsx": documents.render_year_end_xlsx,
        "render-year-end-pdf": documents.render_year_end_pdf,
        "render-minutes": documents.render_minutes,
        "render-board-pack": documents.render_board_pack,
        publications.KIND: publications.import_publication,
    }


def job_queues() -> dict[str, str]:
    """Documents render on their own queue (and worker): a PDF takes seconds of CPU, and
    a quarter's returns must not wait behind every area's exports."""
    kinds = (
        "render-part1",
        "render-part2",
        "render-return-pdf",
        "render-return-xlsx",
        "render-year-end-xlsx",
        "render-year-end-pdf",
        "render-minutes",
        "render-board-pack",
    )
    return dict.fromkeys(kinds, settings.DOCUMENTS_QUEUE)
