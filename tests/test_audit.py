"""Every write path leaves a history record naming who changed what.

Paths: the services (which views, imports and tasks call), the browser forms, the
spreadsheet import, the admin. Bulk writes that skip model save() are forbidden by a lint
test below, so no path can change a record without a trace.
"""

import ast
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.urls import reverse

from plans import services as plan_services
from schemes import services as scheme_services
from schemes.models import Scheme, SchemeBudget
from tests.imports import upload

ROOT = Path(__file__).resolve().parent.parent
APPS = ("plans", "metrics", "schemes", "risks", "governance", "submissions", "fixtures")


def _latest(history):
    return history.order_by("-history_date", "-history_id").first()


def test_service_change_to_a_budget_records_user_and_old_amount(plan, officer):
    scheme = plan.schemes.get(name="Local area coordination")
    scheme_services.scheme_update(
        scheme=scheme, expected_version=None, user=officer, budgets={2014: Decimal("410000.00")}
    )
    record = _latest(SchemeBudget.history.filter(scheme_id=scheme.pk, year=2014))
    assert record.history_user == officer
    assert record.amount == Decimal("410000.00")
    assert record.prev_record.amount == Decimal("400000.00")


def test_form_edit_of_a_section_records_the_user(client_for, officer, plan):
    section = plan.sections.get(key="governance")
    client_for(officer).post(
        reverse("plans:section_edit", kwargs={"pk": plan.pk, "key": "governance"}),
        {"body": "The Integration Executive meets monthly.", "lock_version": section.lock_version},
    )
    record = _latest(section.history)
    assert record.history_user == officer
    assert record.body == "The Integration Executive meets monthly."


def test_form_delete_of_a_scheme_keeps_its_history(client_for, officer, plan):
    scheme = plan.schemes.get(name="Assistive technology")
    client_for(officer).post(
        reverse("schemes:scheme_delete", kwargs={"pk": plan.pk, "scheme_pk": scheme.pk}),
        {"lock_version": scheme.lock_version},
    )
    record = _latest(Scheme.history.filter(id=scheme.pk))
    assert record.history_type == "-"
    assert record.history_user == officer
    page = client_for(officer).get(reverse("schemes:scheme_history_all", kwargs={"pk": plan.pk}))
    assert "Deleted: Scheme “Assistive technology”" in page.content.decode()


def test_spreadsheet_import_records_the_user(client_for, finance, plan):
    theme = plan.themes.first().name
    content = (
        f"Scheme,Theme,New or existing,2014/15 (£)\nHandy person service,{theme},New,5000\n"
    ).encode()
    url = reverse("schemes:scheme_import", kwargs={"pk": plan.pk})
    assert upload(client_for(finance), url, "schemes.csv", content).status_code == 302
    scheme = plan.schemes.get(name="Handy person service")
    assert _latest(scheme.history).history_user == finance
    assert _latest(SchemeBudget.history.filter(scheme_id=scheme.pk)).history_user == finance


def test_admin_change_records_the_administrator(client_for, admin_user, plan):
    scheme = plan.schemes.get(name="Integrated care teams")
    url = reverse("admin:schemes_scheme_change", args=[scheme.pk])
    response = client_for(admin_user).post(
        url,
        {
            "plan": plan.pk,
            "theme": scheme.theme_id,
            "name": "Integrated care teams (admin)",
            "status": scheme.status,
            "protection": scheme.protection,
            "metrics": [m.pk for m in scheme.metrics.all()],
            "order": scheme.order,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    record = _latest(scheme.history)
    assert record.history_user == admin_user
    assert record.name == "Integrated care teams (admin)"


def test_history_page_shows_who_changed_what(client_for, officer, plan):
    plan_services.plan_year_set(
        plan=plan,
        year=2014,
        minimum_required=Decimal("18000000.00"),
        agreed_total=Decimal("18300000.00"),
        user=officer,
    )
    html = (
        client_for(officer)
        .get(reverse("plans:plan_history", kwargs={"pk": plan.pk}))
        .content.decode()
    )
    assert "Pooled budget 2014/15" in html
    assert "18251000.00" in html and "18300000.00" in html
    assert officer.get_full_name() in html


_QUERYSET_METHODS = {"filter", "exclude", "all", "select_for_update", "order_by", "select_related"}


def _is_queryset(node) -> bool:
    """Whether an expression is (built from) a manager or queryset: `X.objects…filter(…)`."""
    while True:
        if isinstance(node, ast.Attribute):
            if node.attr == "objects" or node.attr.endswith("_set"):
                return True
            node = node.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in _QUERYSET_METHODS:
                return True
            node = node.func.value
        else:
            return False


def _root_name(node) -> str | None:
    """The name a chain such as `Job.objects.filter(…)` starts from (`Job`)."""
    while isinstance(node, (ast.Attribute, ast.Call)):
        node = node.value if isinstance(node, ast.Attribute) else node.func
    return node.id if isinstance(node, ast.Name) else None


def _untracked_models() -> set[str]:
    """Models that keep no history (job bookkeeping and the like): bulk writes skip nothing."""
    return {m.__name__ for m in apps.get_models() if not hasattr(m, "history")}


def _bulk_writes(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    untracked = _untracked_models()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name = node.func.attr
        if _root_name(node.func.value) in untracked:
            continue
        if name in {"bulk_create", "bulk_update", "raw"} or (
            name == "update" and _is_queryset(node.func.value)
        ):
            yield f"{path.relative_to(ROOT)}:{node.lineno} .{name}()"


@pytest.mark.parametrize("app", APPS)
def test_no_app_code_writes_in_bulk_around_the_history(app):
    """QuerySet.update(), bulk_create() and bulk_update() skip save() and so the history."""
    found = [
        write
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and "tests" not in path.parts
        for write in _bulk_writes(path)
    ]
    assert found == []


def test_the_bulk_write_lint_can_fail(tmp_path, monkeypatch):
    module = tmp_path / "bulk.py"
    module.write_text(
        "Scheme.objects.filter(plan=plan).update(name='x')\n"
        "d.update(a=1)\n"
        "Job.objects.filter(pk=1).update(progress=5)\n"  # no history to skip
    )
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert [w.split(" ")[0].split(":")[1] for w in _bulk_writes(module)] == ["1"]


@pytest.mark.parametrize("app", ("plans", "schemes", "metrics"))
def test_views_reach_plans_only_through_the_scoped_entry_points(app):
    """Views never load a plan or scheme by a raw id from an unscoped manager."""
    for path in (ROOT / app).glob("views*.py"):
        source = path.read_text()
        assert "Plan.objects.get(" not in source, path
        assert "Plan.objects.filter(pk" not in source, path
        assert "get_object_or_404(Plan" not in source, path
