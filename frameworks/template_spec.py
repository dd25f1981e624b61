"""A submission template declared as data: its layout, read from a framework pack's
`templates[i].layout` and kept on the template (`SubmissionTemplate.spec`).

The layout is data and the meaning of each name in it is code: a field's value names a
selector of a fixed registry (`plan.pooled_budget`, `scheme.budget[year]`), a drop-down
names a list, a block of a printed document names a block, a sheet read back names an
importer (submissions/documents/template_registry.py). `spec_check` checks a layout's
shape and, given the registry's names, every name in it, and reports each problem with
its place (`layout.sheets[3].blocks[0].table.columns[2].value`). The engine that renders
and reads a layout is submissions/documents/engine.py; the format is described in
fixtures/frameworks/README.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# A selector's name, optionally with a parameter: `scheme.budget[year]`.
NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+(\[[a-z_]+\])?$")
FORMATS = ("general", "text", "money", "percent", "figure", "count", "date")
CHECKS = ("filled", "not_negative", "in_list", "percent", "date")
FLAGS = {"freeze", "print_titles", "protect"}


@dataclass
class RegistryNames:
    """The names a layout may use, by what they name (the registry's keys)."""

    rows: set[str] = field(default_factory=set)
    values: set[str] = field(default_factory=set)
    lists: set[str] = field(default_factory=set)
    blocks: set[str] = field(default_factory=set)
    importers: set[str] = field(default_factory=set)
    checks: set[str] = field(default_factory=lambda: set(CHECKS))


_LAYOUT = {"reads": True, "title": False, "sheets": False, "sections": False, "note": False}
_SHEET = {
    "name": True,
    "title": False,
    "note": False,
    "blocks": True,
    "widths": False,
    "freeze": False,
    "print_titles": False,
    "protect": False,
    "import": False,
}
_FIELD = {
    "label": True,
    "value": True,
    "input": False,
    "format": False,
    "list": False,
    "check": False,
    "note": False,
}
_TABLE = {"rows": True, "columns": True, "title": False, "key": False, "checker": False}
_COLUMN = {
    "header": True,
    "value": True,
    "each": False,
    "input": False,
    "format": False,
    "list": False,
    "check": False,
    "width": False,
}
_SECTION = {"heading": True, "id": False, "sections": False, "content": False}
_CONTENT = {"narrative", "block", "text", "fields", "table", "optional"}
READS = ("plan", "return")


class SpecError(ValueError):
    """A layout that cannot be used, with the place of each problem."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def _keys(where: str, item, spec: dict, problems: list[str]) -> bool:
    if not isinstance(item, dict):
        problems.append(f"{where} should be a mapping of keys")
        return False
    for key in sorted(item.keys() - spec.keys()):
        problems.append(f"{where}.{key} is not a key a template layout knows")
    for key, required in spec.items():
        if required and item.get(key) in (None, "", []):
            problems.append(f"{where}.{key} is missing")
    return True


def _name(where: str, value, known: set[str] | None, what: str, problems: list[str]) -> None:
    if value in (None, ""):
        return
    if not isinstance(value, str) or not NAME.match(value):
        problems.append(f"{where} is “{value}”, not a name such as plan.title")
        return
    base = value.split("[", 1)[0]
    if known is not None and base not in known:
        problems.append(f"{where} names “{base}”, not a {what} the template engine knows")


def _cell(where: str, item: dict, names: RegistryNames | None, problems: list[str]) -> None:
    _name(
        f"{where}.value", item.get("value"), (names.values if names else None), "selector", problems
    )
    _name(f"{where}.list", item.get("list"), (names.lists if names else None), "list", problems)
    if item.get("format") not in (None, *FORMATS):
        problems.append(f"{where}.format is “{item['format']}”, not one of {', '.join(FORMATS)}")
    check = item.get("check")
    if check is not None:
        checks = check if isinstance(check, list) else [check]
        for rule in checks:
            if rule not in (names.checks if names else CHECKS):
                problems.append(f"{where}.check is “{rule}”, not one of {', '.join(CHECKS)}")
        if "in_list" in checks and not item.get("list"):
            problems.append(f"{where}.check in_list needs a list")
        if not item.get("input"):
            problems.append(f"{where}.check is for an input (add input: true)")
    if item.get("list") and not item.get("input"):
        problems.append(f"{where}.list is a drop-down for an input (add input: true)")


def _fields(where: str, fields, names, problems) -> None:
    if not isinstance(fields, list) or not fields:
        problems.append(f"{where} should be a list of fields")
        return
    for i, item in enumerate(fields):
        if _keys(f"{where}[{i}]", item, _FIELD, problems):
            _cell(f"{where}[{i}]", item, names, problems)


def _table(where: str, table, names, problems) -> None:
    if not _keys(where, table, _TABLE, problems):
        return
    _name(
        f"{where}.rows", table.get("rows"), (names.rows if names else None), "row source", problems
    )
    columns = table.get("columns")
    if not isinstance(columns, list) or not columns:
        problems.append(f"{where}.columns should be a list of columns")
        return
    headers = set()
    for i, column in enumerate(columns):
        at = f"{where}.columns[{i}]"
        if not _keys(at, column, _COLUMN, problems):
            continue
        _cell(at, column, names, problems)
        if column.get("each") not in (None, "year"):
            problems.append(f"{at}.each is “{column['each']}”, not year")
        if column.get("each") and "{year}" not in str(column.get("header")):
            problems.append(f"{at}.header should hold {{year}} for a column of each year")
        if column.get("header") in headers:
            problems.append(f"{at}.header “{column['header']}” is already a column")
        headers.add(column.get("header"))
    if table.get("key") and table["key"] not in headers:
        problems.append(f"{where}.key “{table['key']}” is not a column's header")


def _blocks(where: str, blocks, names, problems) -> None:
    if not isinstance(blocks, list) or not blocks:
        problems.append(f"{where} should be a list of blocks")
        return
    for i, block in enumerate(blocks):
        at = f"{where}[{i}]"
        if not isinstance(block, dict) or len(block) != 1:
            problems.append(f"{at} should be one of fields, table, heading, gap")
            continue
        ((kind, body),) = block.items()
        if kind == "fields":
            _fields(f"{at}.fields", body, names, problems)
        elif kind == "table":
            _table(f"{at}.table", body, names, problems)
        elif kind == "heading":
            if not isinstance(body, str) or not body:
                problems.append(f"{at}.heading should be text")
        elif kind == "gap":
            if not isinstance(body, int) or not 0 < body < 20:
                problems.append(f"{at}.gap should be a number of empty rows")
        else:
            problems.append(f"{at} is “{kind}”, not one of fields, table, heading, gap")


def _sections(where: str, sections, names, problems, depth: int = 0) -> None:
    if not isinstance(sections, list) or not sections:
        problems.append(f"{where} should be a list of sections")
        return
    for i, section in enumerate(sections):
        at = f"{where}[{i}]"
        if not _keys(at, section, _SECTION, problems):
            continue
        for j, item in enumerate(section.get("content") or []):
            place = f"{at}.content[{j}]"
            if not isinstance(item, dict) or not (set(item) - {"optional"}) <= _CONTENT:
                problems.append(f"{place} should be one of narrative, block, text, fields, table")
                continue
            if "block" in item:
                _name(
                    f"{place}.block",
                    item["block"],
                    (names.blocks if names else None),
                    "block",
                    problems,
                )
            if "fields" in item:
                _fields(f"{place}.fields", item["fields"], names, problems)
            if "table" in item:
                _table(f"{place}.table", item["table"], names, problems)
            if "narrative" in item and not isinstance(item["narrative"], str):
                problems.append(f"{place}.narrative should be a narrative heading's key")
        if section.get("sections") is not None:
            if depth:
                problems.append(f"{at}.sections: sections go two levels deep at most")
            else:
                _sections(f"{at}.sections", section["sections"], names, problems, depth + 1)


def spec_check(layout, *, format: str, names: RegistryNames | None = None, where="layout"):
    """The problems of a layout (empty when it can be used). `format` is the template's:
    a workbook is sheets; a PDF is sheets (printed one after another) or sections."""
    problems: list[str] = []
    if not _keys(where, layout, _LAYOUT, problems):
        return problems
    if layout.get("reads") not in READS:
        problems.append(f"{where}.reads is “{layout.get('reads')}”, not one of plan, return")
    _name(
        f"{where}.title",
        layout.get("title"),
        (names.values if names else None),
        "selector",
        problems,
    )
    sheets, sections = layout.get("sheets"), layout.get("sections")
    if (sheets is None) == (sections is None):
        problems.append(f"{where} should have sheets or sections (one of them)")
    if sections is not None and format != "pdf":
        problems.append(f"{where}.sections are for a PDF; a workbook has sheets")
    if sheets is not None:
        if not isinstance(sheets, list) or not sheets:
            problems.append(f"{where}.sheets should be a list of sheets")
            return problems
        seen = set()
        for i, sheet in enumerate(sheets):
            at = f"{where}.sheets[{i}]"
            if not _keys(at, sheet, _SHEET, problems):
                continue
            name = str(sheet.get("name"))
            if len(name) > 31 or any(ch in name for ch in "[]:*?/\\"):
                problems.append(
                    f"{at}.name “{name}” cannot name a sheet (31 characters, no []:*?/\\)"
                )
            if name.lower() in seen:
                problems.append(f"{at}.name “{name}” is already a sheet")
            seen.add(name.lower())
            for flag in FLAGS:
                if sheet.get(flag) not in (None, True, False):
                    problems.append(f"{at}.{flag} should be true or false")
            widths = sheet.get("widths") or {}
            if not isinstance(widths, dict) or not all(
                re.fullmatch(r"[A-Z]{1,2}", str(k)) and isinstance(v, int | float)
                for k, v in widths.items()
            ):
                problems.append(f"{at}.widths should map column letters to widths")
            _name(
                f"{at}.import",
                sheet.get("import"),
                (names.importers if names else None),
                "importer",
                problems,
            )
            _blocks(f"{at}.blocks", sheet.get("blocks"), names, problems)
    if sections is not None:
        _sections(f"{where}.sections", sections, names, problems)
    return problems


# The packs' own layouts, for a plan with no framework in the database ----------------------


def resolve_same_as(templates: list, directory) -> list[str]:
    """Put in place each layout written `{same_as: "bcf-2014-16/part2-xlsx"}`: the layout
    of that template of the pack with that code in `directory` or among the product's packs
    (a framework whose template is printed as another one's, its note saying so). The
    problems, by place."""
    from pathlib import Path

    import yaml

    problems = []
    packs = None
    for i, template in enumerate(templates):
        layout = template.get("layout") if isinstance(template, dict) else None
        if not (isinstance(layout, dict) and "same_as" in layout):
            continue
        where = f"templates[{i}].layout.same_as"
        target = str(layout.get("same_as"))
        if len(layout) != 1 or target.count("/") != 1:
            problems.append(f"{where} should be alone, naming a pack's code and a template's kind")
            continue
        if packs is None:  # the packs of its folder, then the product's own
            packs = {}
            for folder in (_product_packs(), Path(directory)):
                for path in sorted(folder.glob("*.yaml")):
                    data = _read_pack(path, yaml)
                    packs[data.get("code")] = data
        code, kind = target.split("/")
        found = [
            t
            for t in (packs.get(code) or {}).get("templates") or []
            if isinstance(t, dict) and t.get("kind") == kind
        ]
        other = found[0].get("layout") if found else None
        if not isinstance(other, dict) or "same_as" in other:
            problems.append(f"{where} names “{target}”, not a template with a layout of its own")
            continue
        template["layout"] = other
    return problems


def _product_packs():
    from pathlib import Path

    from django.conf import settings

    return Path(settings.BASE_DIR) / "fixtures" / "frameworks"


def pack_templates(first_year: int, directory=None) -> list[dict]:
    """The templates (with their layouts) of the framework pack on disk whose years include
    the year starting in `first_year`: what a plan is printed by when no framework has been
    loaded for its years (a database set up without `load_frameworks`)."""
    from pathlib import Path

    import yaml

    from frameworks.periods import FinancialYear

    folder = Path(directory or _product_packs())
    for path in sorted(folder.glob("*.yaml")):
        data = _read_pack(path, yaml)
        years = data.get("years") or []
        try:
            first = FinancialYear.parse(str(years[0])).start_year
            last = FinancialYear.parse(str(years[-1])).start_year
        except (IndexError, ValueError):
            continue
        if first <= first_year <= last:
            templates = [dict(t) for t in data.get("templates") or [] if isinstance(t, dict)]
            resolve_same_as(templates, folder)
            return templates
    return []


_PACKS: dict = {}


def _read_pack(path, yaml) -> dict:
    key = (str(path), path.stat().st_mtime)
    if key not in _PACKS:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        with path.open(encoding="utf-8") as stream:
            data = yaml.load(stream, Loader=loader)  # nosec B506 (a safe loader)
        _PACKS[key] = data if isinstance(data, dict) else {}
    return _PACKS[key]
