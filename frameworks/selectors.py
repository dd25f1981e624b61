"""Reads of frameworks, shared by plans, pages, documents and the API."""

from __future__ import annotations

from frameworks.models import PolicyFramework


def framework_for_years(first_year: int) -> PolicyFramework | None:
    """The framework a plan starting in the financial year `first_year` takes: the one
    covering its first year (a plan is written under the rules of the year it starts);
    None when no framework covers it."""
    return PolicyFramework.objects.covering(first_year).first()
