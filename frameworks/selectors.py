"""Reads of frameworks, shared by plans, pages, documents and the API."""

from __future__ import annotations

from frameworks.models import FrameworkDeadline, PolicyFramework


def framework_for_years(first_year: int) -> PolicyFramework | None:
    """The framework a plan starting in the financial year `first_year` takes: the one
    covering its first year (a plan is written under the rules of the year it starts);
    None when no framework covers it."""
    return PolicyFramework.objects.covering(first_year).first()


def plan_deadlines(framework: PolicyFramework | None) -> list[FrameworkDeadline]:
    """The deadlines a framework sets for submitting a plan, in its order (none without a
    framework)."""
    if framework is None:
        return []
    return list(framework.deadlines.filter(kind=FrameworkDeadline.Kind.PLAN))
