"""Nothing outside the framework engine names a financial year or a metric code.

The BCF's rules change every year or two and are held as data (fixtures/frameworks/*.yaml,
loaded by fixtures/packs.py into the `frameworks` app and each app's framework parts). Code
that wrote `if plan.first_year == 2016` or `metric.code == "delayed-transfers-of-care"`
would tie the product to one year again. This test reads every module of the apps (not
their tests or migrations, nor the engine itself: `frameworks/` and the sample data in
`fixtures/`) and fails on:

- a financial year written as text ("2016/17", "2016-17") or a year as a number (2016);
- a string equal to a metric code or a national condition's code of any framework pack.

Django templates are read too: their tags and variables (`{% if %}`, `{{ }}`: the logic) may
name none of these either; their text for people may give a year as an example.

Text shown to people as an example or a message is not a rule and is allowed: docstrings,
`help_text`, `label`, `error_messages`, a schema's `example`, what a `raise` says, and the
message of an import's cell error or a form's error.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
APPS = ("bcf", "accounts", "plans", "metrics", "schemes", "risks", "governance", "submissions")
# Modules that are sample or benchmark data by purpose, each with why.
ALLOWED = {
    "submissions/management/commands/generate_national.py": "generates benchmark data",
}
_TEXT_KEYWORDS = {"help_text", "label", "error_messages", "example", "examples", "description"}
# Calls whose arguments are messages to people (an import's cell error, a form's error).
_MESSAGE_CALLS = {"bad", "add_error", "ValidationError", "CellError"}
_FINANCIAL_YEAR = re.compile(r"\b(20\d\d)\s*[/-]\s*(\d\d)(?![\d-])")


def metric_codes() -> set[str]:
    """The codes of every pack's metrics and national conditions (rules the packs own)."""
    codes = set()
    for path in (ROOT / "fixtures" / "frameworks").glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        codes |= {m["code"] for m in data.get("metrics") or []}
        codes |= {c["code"] for c in data.get("conditions") or []}
    return codes


def _names_financial_year(text: str) -> bool:
    return any(
        (int(first) + 1) % 100 == int(second) for first, second in _FINANCIAL_YEAR.findall(text)
    )


def _exempt_nodes(tree: ast.AST) -> set[int]:
    """Constants that are text for people: docstrings, help texts, examples, messages."""
    exempt: set[int] = set()

    def mark(node):
        exempt.update(id(inner) for inner in ast.walk(node))

    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
        ):
            mark(body[0])
        if isinstance(node, ast.keyword) and node.arg in _TEXT_KEYWORDS:
            mark(node.value)
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value in _TEXT_KEYWORDS:
                    mark(value)
        if isinstance(node, ast.Raise):
            mark(node)
        if isinstance(node, ast.Call):
            called = node.func.attr if isinstance(node.func, ast.Attribute) else None
            called = called or (node.func.id if isinstance(node.func, ast.Name) else None)
            if called in _MESSAGE_CALLS:
                for argument in node.args:
                    mark(argument)
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id in ("help", "_DATE_HINT", "_DATE_ERRORS")
            for t in node.targets
        ):
            mark(node.value)
    return exempt


def violations(source: str, *, codes: set[str], name: str = "<module>") -> list[str]:
    """Each place in `source` that names a financial year or a metric code."""
    tree = ast.parse(source)
    exempt = _exempt_nodes(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or id(node) in exempt:
            continue
        value = node.value
        if isinstance(value, str) and _names_financial_year(value):
            found.append(f"{name}:{node.lineno} names a financial year: {value!r}")
        elif isinstance(value, str) and value in codes:
            found.append(f"{name}:{node.lineno} names a metric code: {value!r}")
        elif type(value) is int and 2010 <= value <= 2040:
            found.append(f"{name}:{node.lineno} names a year: {value}")
    return found


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/tests/" in relative or "/migrations/" in relative or relative in ALLOWED:
                continue
            yield relative, path.read_text(encoding="utf-8")


_TEMPLATE_LOGIC = re.compile(r"{%.*?%}|{{.*?}}", re.S)
_QUOTED = re.compile(r"""["']([^"']*)["']""")
_NUMBER = re.compile(r"(?<![\w.])(20[1-4]\d)(?![\w.])")


def template_violations(source: str, *, codes: set[str], name: str = "<template>") -> list[str]:
    """Each tag or variable of a Django template that names a year or a metric code."""
    found = []
    for match in _TEMPLATE_LOGIC.finditer(source):
        logic = match.group(0)
        line = source.count("\n", 0, match.start()) + 1
        if _names_financial_year(logic):
            found.append(f"{name}:{line} names a financial year: {logic!r}")
        elif any(text in codes for text in _QUOTED.findall(logic)):
            found.append(f"{name}:{line} names a metric code: {logic!r}")
        elif any(2010 <= int(year) <= 2040 for year in _NUMBER.findall(logic)):
            found.append(f"{name}:{line} names a year: {logic!r}")
    return found


def _templates():
    for app in (*APPS, "templates"):
        for path in sorted((ROOT / app).rglob("*.html")):
            yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def test_no_template_names_a_year_or_a_metric_code_in_its_logic():
    codes = metric_codes()
    found = [
        v
        for name, source in _templates()
        for v in template_violations(source, codes=codes, name=name)
    ]
    assert found == [], "take it from the plan's framework instead:\n" + "\n".join(found)


def test_the_template_lint_catches_planted_logic_and_lets_text_through():
    codes = metric_codes()
    planted = (
        "{% if plan.first_year == 2016 %}x{% endif %}\n"
        "{% if plan.years_label == '2016/17' %}y{% endif %}\n"
        "{% url 'metrics:metric_detail' plan.pk 'delayed-transfers-of-care' %}\n"
        "{{ plan|default:'bcf-2017-jointly-agreed' }}\n"
    )
    assert len(template_violations(planted, codes=codes)) == 4
    allowed = "<p>For example 2016/17, or delayed-transfers-of-care.</p>{{ plan.title }}"
    assert template_violations(allowed, codes=codes) == []


def test_no_module_outside_the_framework_engine_names_a_year_or_a_metric_code():
    codes = metric_codes()
    found = [v for name, source in _modules() for v in violations(source, codes=codes, name=name)]
    assert found == [], "take it from the plan's framework instead:\n" + "\n".join(found)


def test_the_lint_catches_a_planted_violation_and_lets_examples_through():
    codes = metric_codes()
    planted = (
        "def rule(plan, metric):\n"
        "    if plan.first_year == 2016 or plan.years_label == '2016/17':\n"
        "        return metric.code == 'delayed-transfers-of-care'\n"
    )
    found = violations(planted, codes=codes)
    assert len(found) == 3, found
    assert any("names a year: 2016" in v for v in found)
    assert any("financial year: '2016/17'" in v for v in found)
    assert any("metric code: 'delayed-transfers-of-care'" in v for v in found)
    allowed = (
        '"""For 2016/17 and delayed-transfers-of-care."""\n'
        "field = forms.CharField(help_text='For example, 2016/17')\n"
        "when = '2017-09-30'\n"
        "raise ValueError('not a year such as 2016/17')\n"
        "sheet.bad(3, 'Year', 'Enter a financial year, like 2015/16.')\n"
    )
    assert violations(allowed, codes=codes) == []


def test_the_allowed_modules_exist():
    assert all((ROOT / name).exists() for name in ALLOWED)
