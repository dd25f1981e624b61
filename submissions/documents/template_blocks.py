"""The template engine's named blocks (parts of a printed document, as template partials)
and importers (how a sheet read back changes the plan), added to the registry
(submissions/documents/template_registry.py)."""

from __future__ import annotations

from submissions.documents import part2_import, part2_schemes
from submissions.documents.template_registry import BLOCKS, IMPORTERS


def _sheet_reader(read):
    def importer(ctx, spec, content, preview):
        return read(ctx.plan, content, preview)

    return importer


def register() -> None:
    """Fill the registry (called once, when the app is ready)."""
    IMPORTERS.update(
        {
            "part2.cover": _sheet_reader(part2_import.read_cover),
            "part2.summary": _sheet_reader(part2_import.read_summary),
            "part2.funding": _sheet_reader(part2_import.read_funding),
            "part2.expenditure": _sheet_reader(part2_schemes.read_expenditure),
            "part2.metrics": _sheet_reader(part2_import.read_metrics),
        }
    )
    BLOCKS.update(PART1_BLOCKS)


PART1_BLOCKS: dict = {}
