"""The architecture, kept by tests (docs/architecture.md says why each rule is there).

- The apps' one-way order of DESIGN.md: no import runs back up, counting imports inside
  functions, `apps.get_model("app", ...)` and lazy relations such as
  `ForeignKey("app.Model")`.
- Views reach data through a scoped entry point (`permissions.get_plan`,
  `permissions.get_in_area`, `Plan.objects.visible_to(user)`, a plan's own related
  managers, a selector), never `Model.objects` on a raw id.
- No import cycles between the project's modules, imports inside functions included
  (they hide a cycle from Python but not from a reader).

Each check is a function over source text, so each test also plants a violation and shows
that the check catches it.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Who may import whom (DESIGN.md, "Layout"): frameworks at the bottom (each app's part of
# a policy framework is keyed to it); plans ← metrics ← schemes; plans ← risks;
# plans ← governance; plans ← accounts; submissions depends on all of them; the sample
# data (fixtures) and
# the project package (bcf: URLs, settings, Celery) sit on top. Nothing imports upward.
MAY_IMPORT: dict[str, frozenset[str]] = {
    "frameworks": frozenset(),
    "plans": frozenset({"frameworks"}),
    "accounts": frozenset({"frameworks", "plans"}),
    "metrics": frozenset({"frameworks", "plans"}),
    "schemes": frozenset({"frameworks", "plans", "metrics"}),
    "risks": frozenset({"frameworks", "plans"}),
    "governance": frozenset({"frameworks", "plans"}),
    "submissions": frozenset({"frameworks", "plans", "metrics", "schemes", "risks", "governance"}),
    "fixtures": frozenset(
        {"frameworks", "plans", "metrics", "schemes", "risks", "governance", "submissions"}
    ),
    "bcf": frozenset(
        {
            "frameworks",
            "plans",
            "accounts",
            "metrics",
            "schemes",
            "risks",
            "governance",
            "submissions",
            "fixtures",
        }
    ),
}
APPS = frozenset(MAY_IMPORT)

# Calls whose first string argument names a model of an app ("schemes.Scheme" or
# get_model("schemes", "Scheme")): a dependency as real as an import.
_MODEL_NAMING_CALLS = frozenset(
    {"get_model", "ForeignKey", "OneToOneField", "ManyToManyField", "ParentalKey"}
)


def _project_modules() -> Iterator[tuple[str, str, Path]]:
    """(app, dotted module name, path) of every project module, not migrations or tests.

    Tests are left out on purpose: an app's tests may build what a higher app adds (a
    return, to see governance approve it) to test the app as the product runs it.
    """
    for app in sorted(APPS):
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts or "tests" in parts:
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            yield app, ".".join(parts), path


def imported_names(source: str, module: str = "") -> Iterator[tuple[int, str]]:
    """(line, dotted name) of everything `source` imports, wherever the import is (module
    level or inside a function), and of every app label a model-naming call gives as a
    string. `from a import b` yields both `a` and `a.b` (b may be a module)."""
    package = module.rsplit(".", 1)[0] if module else ""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's package
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                name = f"{base}.{node.module}" if node.module else base
            else:
                name = node.module or ""
            yield node.lineno, name
            for alias in node.names:
                yield node.lineno, f"{name}.{alias.name}"
        elif isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in _MODEL_NAMING_CALLS and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    yield node.lineno, first.value.split(".")[0]


def upward_imports(app: str, source: str, module: str = "") -> list[tuple[int, str]]:
    """(line, app) of each import in `source`, of a module of `app`, that runs against the
    order: an app it may not depend on."""
    found = set()
    for line, name in imported_names(source, module):
        target = name.split(".")[0]
        if target in APPS and target != app and target not in MAY_IMPORT[app]:
            found.add((line, target))
    return sorted(found)


def test_the_order_check_catches_an_import_up_the_order():
    inside_a_function = "def f():\n    from submissions.models import Job\n    return Job\n"
    assert upward_imports("plans", inside_a_function) == [(2, "submissions")]
    by_name = "from django.apps import apps\nScheme = apps.get_model('schemes', 'Scheme')\n"
    assert upward_imports("metrics", by_name) == [(2, "schemes")]
    lazy_relation = "from django.db import models\nx = models.ForeignKey('governance.Board')\n"
    assert upward_imports("risks", lazy_relation) == [(2, "governance")]
    assert upward_imports("schemes", "import metrics.models\nfrom plans import models\n") == []


def test_no_app_imports_up_the_order_of_design_md():
    found = [
        f"{path.relative_to(ROOT)}:{line} imports {target}"
        for app, module, path in _project_modules()
        for line, target in upward_imports(app, path.read_text(), module)
    ]
    assert found == [], "Imports against the apps' order:\n" + "\n".join(found)


# Views --------------------------------------------------------------------------------------

# Entry points that scope what they are given to the user: a manager chained into one of
# these, or passed to one, is scoped.
SCOPED_ENTRY_POINTS = frozenset({"get_plan", "get_in_area", "visible_to"})
# Managers that reach nothing: an empty queryset a form fills in once it knows the area.
_HARMLESS = frozenset({"none"})

# View modules that still query a model's manager directly, and how many times. They are
# scoped by hand (the plan came from get_plan, the area from the user's memberships); the
# count may only go down, and the test says when it has, so that the list shrinks.
UNSCOPED_IN_VIEWS: dict[str, int] = {
    "governance/views/boards.py": 2,
    "governance/views/decisions.py": 1,
    "governance/views/meetings.py": 1,
    "metrics/views.py": 1,
    "plans/views/conditions.py": 4,
    "plans/views/partners.py": 4,
    "plans/views/setup.py": 4,
    "risks/views.py": 3,
    "schemes/views/budgets.py": 1,
    "schemes/views/scheme.py": 2,
    "submissions/documents/views.py": 2,
    "submissions/views/assurance.py": 4,
    "submissions/views/returns.py": 2,
}


def _is_view_module(path: Path) -> bool:
    return path.name == "views.py" or path.name.startswith("views_") or "views" in path.parts


def unscoped_queries(source: str) -> list[int]:
    """Lines of `source` where a model's manager (`X.objects`) is used outside a scoped
    entry point."""
    tree = ast.parse(source)
    parents: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node

    def scoped(node: ast.AST) -> bool:
        # `X.objects.visible_to(user)…`, `X.objects.none()`
        above = parents.get(node)
        if isinstance(above, ast.Attribute) and above.attr in SCOPED_ENTRY_POINTS | _HARMLESS:
            return True
        # …or anywhere inside the arguments of get_plan(...) / get_in_area(...)
        while above is not None:
            if isinstance(above, ast.Call):
                func = above.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in SCOPED_ENTRY_POINTS:
                    return True
            above = parents.get(above)
        return False

    return sorted(
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr == "objects"
        and isinstance(node.value, ast.Name)
        and node.value.id[:1].isupper()
        and not scoped(node)
    )


def test_the_view_check_catches_an_unscoped_query_and_passes_scoped_ones():
    raw = "def view(request, pk):\n    return Plan.objects.get(pk=pk)\n"
    assert unscoped_queries(raw) == [2]
    scoped = (
        "def view(request, pk):\n"
        "    plan = permissions.get_plan(request.user, pk, queryset=Plan.objects.all())\n"
        "    others = Plan.objects.visible_to(request.user)\n"
        "    meeting = permissions.get_in_area(request.user, Meeting.objects.all(), pk)\n"
        "    return plan.schemes.all(), Organisation.objects.none()\n"
    )
    assert unscoped_queries(scoped) == []


def test_views_reach_data_only_through_scoped_entry_points():
    counts = {}
    for _app, _module, path in _project_modules():
        if _is_view_module(path):
            lines = unscoped_queries(path.read_text())
            if lines:
                counts[str(path.relative_to(ROOT))] = len(lines)
    grown = {p: n for p, n in counts.items() if n > UNSCOPED_IN_VIEWS.get(p, 0)}
    assert grown == {}, (
        "Views querying a model's manager outside a scoped entry point (use "
        "permissions.get_plan / get_in_area, the plan's related managers or a selector): "
        f"{grown}"
    )
    shrunk = {p: n for p, n in UNSCOPED_IN_VIEWS.items() if counts.get(p, 0) < n}
    assert shrunk == {}, f"Fewer unscoped queries than allowed: lower UNSCOPED_IN_VIEWS {shrunk}"


# Cycles -------------------------------------------------------------------------------------


def import_graph(sources: dict[str, str]) -> dict[str, set[str]]:
    """Module → the project modules it imports (`sources`: module name → source)."""
    return {
        module: {
            name
            for _line, name in imported_names(source, module)
            if name in sources and name != module
        }
        for module, source in sources.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_the_cycle_check_catches_a_cycle_hidden_inside_a_function():
    sources = {
        "risks.models": "def is_overdue():\n    from risks.calculations import is_overdue\n",
        "risks.calculations": "from risks.models import Band\n",
        "risks.views": "from risks import calculations, models\n",
    }
    assert cycles(import_graph(sources)) == [["risks.calculations", "risks.models"]]
    sources["risks.models"] = "import datetime\n"
    assert cycles(import_graph(sources)) == []


@functools.cache
def _project_cycles() -> list[list[str]]:
    sources = {module: path.read_text() for _app, module, path in _project_modules()}
    return cycles(import_graph(sources))


@pytest.mark.parametrize("app", sorted(APPS))
def test_no_import_cycles(app):
    found = [c for c in _project_cycles() if c[0].split(".")[0] == app]
    assert found == [], f"Import cycles: {found}"


# Rules with one home ------------------------------------------------------------------------


def hand_checked_quarters(source: str) -> list[int]:
    """Lines comparing a value with the quarter numbers by hand (`q in (1, 2, 3, 4)`, or
    `range(1, 5)` as quarters): frameworks/periods.py's Quarter says which numbers are
    quarters."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            for comparator in node.comparators:
                if isinstance(comparator, ast.Tuple | ast.List | ast.Set) and [
                    getattr(e, "value", None) for e in comparator.elts
                ] == [1, 2, 3, 4]:
                    found.append(node.lineno)
    return found


def test_the_quarter_check_catches_a_quarter_checked_by_hand():
    assert hand_checked_quarters("if quarter not in (1, 2, 3, 4):\n    pass\n") == [1]
    assert hand_checked_quarters("if not Quarter.valid_number(quarter):\n    pass\n") == []


def test_quarters_are_checked_only_by_the_quarter_type():
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for _app, module, path in _project_modules()
        if module != "frameworks.periods"
        for line in hand_checked_quarters(path.read_text())
    ]
    assert found == [], f"Use Quarter.valid_number (frameworks/periods.py): {found}"


def opened_transactions(source: str) -> list[int]:
    """Lines where `source` opens a transaction (`transaction.atomic`, as a decorator or a
    `with`): in a view, several services called in one transaction belong in one composite
    service instead."""
    return sorted(
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute)
        and node.attr == "atomic"
        and isinstance(node.value, ast.Name)
        and node.value.id == "transaction"
    )


def test_the_transaction_check_catches_a_view_that_opens_one():
    view = "def view(request):\n    with transaction.atomic():\n        a()\n        b()\n"
    assert opened_transactions(view) == [2]
    assert opened_transactions("def view(request):\n    services.a_and_b()\n") == []


def test_views_open_no_transaction_of_their_own():
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for _app, _module, path in _project_modules()
        if _is_view_module(path) or path.name == "api.py"
        for line in opened_transactions(path.read_text())
    ]
    assert found == [], f"Call one composite service instead: {found}"


# A service's refusal on a form: one helper (plans.forms.refusal_on_form) ----------------------

# What a service refuses with: the project's refusals all derive from these two (Frozen,
# EditConflict, BudgetConflict…), and are caught by these names or their own.
_REFUSALS = ("ValidationError", "PermissionDenied", "Frozen", "Conflict")


def _catches_a_refusal(handler: ast.ExceptHandler) -> bool:
    caught = handler.type
    names = caught.elts if isinstance(caught, ast.Tuple) else [caught] if caught else []
    return any(
        (n.attr if isinstance(n, ast.Attribute) else getattr(n, "id", "")).endswith(_REFUSALS)
        for n in names
    )


def refusals_on_forms_by_hand(source: str, *, view: bool) -> list[int]:
    """Lines where `source` puts a refusal on a form itself (`add_error`) rather than through
    `plans.forms.refusal_on_form`: inside an `except` that catches a refusal, anywhere; and
    in a view, on any form but `self` (a helper of the view's own doing the same). A form's
    `clean` checking its own fields (`self.add_error`) is validation, not a refusal."""
    tree = ast.parse(source)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ExceptHandler) and _catches_a_refusal(node):
            found.update(
                call.lineno
                for statement in node.body
                for call in ast.walk(statement)
                if isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr == "add_error"
            )
        elif (
            view
            and isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "add_error"
            and not (isinstance(node.func.value, ast.Name) and node.func.value.id == "self")
        ):
            found.add(node.lineno)
    return sorted(found)


def test_the_refusal_check_catches_a_refusal_put_on_a_form_by_hand():
    by_hand = (
        "def view(request):\n"
        "    try:\n"
        "        services.save()\n"
        "    except services.EditConflict as conflict:\n"
        "        form.add_error(None, conflict)\n"
    )
    assert refusals_on_forms_by_hand(by_hand, view=False) == [5]
    own_helper = "def _refused(form, error):\n    form.add_error(None, error.messages)\n"
    assert refusals_on_forms_by_hand(own_helper, view=True) == [2]
    admin_form = (
        "class F(forms.ModelForm):\n"
        "    def _post_clean(self):\n"
        "        try:\n"
        "            check_changeable(self.instance)\n"
        "        except permissions.Frozen as refusal:\n"
        "            self.add_error(None, refusal.message)\n"
    )
    assert refusals_on_forms_by_hand(admin_form, view=False) == [6]
    helper = by_hand.replace("form.add_error(None, conflict)", "refusal_on_form(form, conflict)")
    assert refusals_on_forms_by_hand(helper, view=True) == []
    clean = "class F(Form):\n    def clean(self):\n        self.add_error('to', 'Too early.')\n"
    assert refusals_on_forms_by_hand(clean, view=True) == []
    not_a_refusal = by_hand.replace("services.EditConflict", "SpreadsheetError")
    assert refusals_on_forms_by_hand(not_a_refusal, view=False) == []


def test_refusals_go_on_forms_only_through_the_one_helper():
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for _app, module, path in _project_modules()
        if module != "plans.forms"
        for line in refusals_on_forms_by_hand(path.read_text(), view=_is_view_module(path))
    ]
    assert found == [], f"Use plans.forms.refusal_on_form: {found}"
