"""Pages reused until what they show changes (plans/freshness.py): which token a change
replaces, and only one request computing a page at a time."""

from __future__ import annotations

import threading
import time

import pytest
from django.apps import apps

from plans import freshness
from plans.freshness import reused, scope_path, version


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("plans.Plan", ("plan", "pk")),
        ("plans.Area", ("area", "pk")),
        ("schemes.SchemeBudget", ("plan", "scheme__plan_id")),
        ("risks.RiskReview", ("plan", "risk__register__plan_id")),
        ("governance.Decision", ("area", "item__meeting__area_id")),
        ("governance.Power", ("area", "terms__board__area_id")),
        ("submissions.AssuranceCondition", ("plan", "assurance__plan_id")),
        ("metrics.MetricDefinition", None),
        ("schemes.SchemeType", None),
    ],
)
def test_a_change_belongs_to_its_plan_else_its_area_else_everything(label, expected):
    assert scope_path(apps.get_model(label)) == expected


def test_every_model_with_history_whose_records_name_a_plan_or_area_is_scoped():
    """A model that reaches a plan or an area through its keys never replaces the global
    token, which would recompute every page in England."""
    from plans.models import Area, Plan

    for model in apps.get_models():
        if not hasattr(model, "history"):
            continue
        keys = {f.related_model for f in model._meta.concrete_fields if f.is_relation}
        if keys & {Area, Plan}:
            assert scope_path(model) is not None, model


def test_a_schemes_spend_replaces_its_plans_token_after_the_commit_only(
    plan, other_plan, django_capture_on_commit_callbacks
):
    from decimal import Decimal

    from schemes import services

    scheme = plan.schemes.order_by("pk").first()
    mine, theirs, everything = (
        version(plans=[plan.pk]),
        version(plans=[other_plan.pk]),
        version(national=True),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.quarter_spend_set(
            plan=plan, year=2014, quarter=1, rows={scheme.pk: (Decimal("1000.00"), Decimal("9"))}
        )
        assert version(plans=[plan.pk]) == mine  # not before the commit
    assert version(plans=[plan.pk]) != mine
    assert version(plans=[other_plan.pk]) == theirs
    # Its plan's summaries for the national view are now kept. Spend is not one of the
    # national figures: a second spend save leaves them the same, so the national token.
    everything = version(national=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.quarter_spend_set(
            plan=plan, year=2014, quarter=1, rows={scheme.pk: (Decimal("2000.00"), Decimal("9"))}
        )
    assert version(plans=[plan.pk]) != mine
    assert version(national=True) == everything


def test_a_saves_changes_are_committed_together_once(
    plan, other_plan, django_capture_on_commit_callbacks
):
    """A save writes several historical records; its commit replaces their tokens and
    says what changed once (plans.freshness.changed), naming its plan and no other."""
    from decimal import Decimal

    from plans.freshness import changed
    from schemes import services

    schemes = list(plan.schemes.order_by("pk")[:3])
    sent = []

    def receiver(sender, **kwargs):
        sent.append(kwargs)

    changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.quarter_spend_set(
                plan=plan,
                year=2014,
                quarter=1,
                rows={s.pk: (Decimal("1000.00"), Decimal("9")) for s in schemes},
            )
    finally:
        changed.disconnect(receiver)
    assert sent == [{"signal": changed, "plans": {plan.pk}, "areas": set(), "everything": False}]


class Slow:
    """A page's computation that takes as long as the test says, counting its runs."""

    def __init__(self, html: str):
        self.html, self.runs = html, 0
        self.started, self.release = threading.Event(), threading.Event()

    def __call__(self) -> str:
        self.runs += 1
        self.started.set()
        assert self.release.wait(10)
        return self.html


def _in_thread(function) -> tuple[threading.Thread, list]:
    result: list = []
    thread = threading.Thread(target=lambda: result.append(function()))
    thread.start()
    return thread, result


def test_while_one_request_computes_a_page_the_others_get_the_previous_copy_marked():
    reused("page", (1,), lambda: "old", plans=[7])
    freshness._replace({freshness.plan_key(7)})  # the plan changed
    slow = Slow("new")
    computing, first = _in_thread(lambda: reused("page", (1,), slow, plans=[7]))
    assert slow.started.wait(10)
    others = [reused("page", (1,), slow, plans=[7]) for _ in range(3)]
    slow.release.set()
    computing.join(10)
    assert [(p.html, p.refreshing) for p in others] == [("old", True)] * 3
    assert (first[0].html, first[0].refreshing) == ("new", False)
    assert slow.runs == 1
    assert reused("page", (1,), slow, plans=[7]) == freshness.Reused("new")
    assert freshness.reuse_stats() == {"hit": 1, "computed": 2, "previous": 3, "waited": 0}


def test_with_no_previous_copy_the_others_wait_for_the_one_computing():
    slow = Slow("first")
    computing, first = _in_thread(lambda: reused("page", (2,), slow, areas=[3]))
    assert slow.started.wait(10)
    waiting, second = _in_thread(lambda: reused("page", (2,), slow, areas=[3]))
    time.sleep(0.3)  # let it find the page being computed
    slow.release.set()
    computing.join(10)
    waiting.join(10)
    assert first[0] == second[0] == freshness.Reused("first")
    assert slow.runs == 1


def test_a_computation_that_fails_lets_the_next_request_compute():
    def broken():
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError):
        reused("page", (3,), broken)
    assert reused("page", (3,), lambda: "fine") == freshness.Reused("fine")
