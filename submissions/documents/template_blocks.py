"""The template engine's named blocks (parts of a printed document, as template partials)
and importers (how a sheet read back changes the plan), added to the registry
(submissions/documents/template_registry.py)."""

from __future__ import annotations

from django.template.loader import render_to_string

from submissions.documents import part1, part2_import, part2_schemes, template_imports
from submissions.documents.template_registry import BLOCKS, IMPORTERS


def _sheet_reader(read):
    def importer(ctx, spec, content, preview):
        return read(ctx.plan, content, preview, spec["name"])

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
            "plan.condition_answers": template_imports.read_condition_answers,
        }
    )
    BLOCKS.update(PART1_BLOCKS)


def _part1(partial: str):
    """A block of the 2014 Part 1 layout: its partial, given the Part 1 context (read once
    per document)."""

    def render(ctx) -> str:
        context = ctx.once("part1", lambda: part1.part1_context(ctx.plan))
        return render_to_string(f"submissions/documents/blocks/{partial}.html", context)

    return render


PART1_BLOCKS = {
    "part1.summary": _part1("part1_summary"),
    "part1.sign_offs": _part1("part1_sign_offs"),
    "part1.metrics": _part1("part1_metrics"),
    "part1.themes": _part1("part1_themes"),
    "part1.conditions": _part1("part1_conditions"),
    "part1.risks": _part1("part1_risks"),
}
