"""`manage.py generate_national` is deterministic for a seed: the same seed builds the same
areas, plans, schemes, budgets, figures and returns; another seed does not."""

import hashlib
import io

import pytest
from django.core.management import call_command
from django.db import transaction

from metrics.models import Actual, TrajectoryPoint
from plans.models import Area, Plan, PlanYear
from risks.models import Risk
from schemes.models import Scheme, SchemeBudget
from submissions.models import QuarterlyReturn

pytestmark = pytest.mark.django_db


def _digest() -> str:
    """A fingerprint of what was generated, without database ids."""
    rows = [
        list(Area.objects.order_by("code").values_list("code", "name", "region")),
        list(Plan.objects.order_by("area__code", "first_year").values_list("title", "status")),
        list(
            PlanYear.objects.order_by("plan__area__code", "year").values_list(
                "agreed_total", "minimum_required", "protected_social_care_stated"
            )
        ),
        list(
            Scheme.objects.order_by("plan__area__code", "plan__first_year", "name").values_list(
                "name", "status"
            )
        ),
        list(
            SchemeBudget.objects.order_by(
                "scheme__plan__area__code", "scheme__plan__first_year", "scheme__name", "year"
            ).values_list("amount", flat=True)
        ),
        list(
            TrajectoryPoint.objects.order_by(
                "plan__area__code", "plan__first_year", "metric__code", "end", "start"
            ).values_list("value", flat=True)
        ),
        list(
            Actual.objects.order_by(
                "plan__area__code", "plan__first_year", "metric__code", "end", "start"
            ).values_list("value", flat=True)
        ),
        list(
            Risk.objects.order_by("register__plan__area__code", "pk").values_list(
                "description", "likelihood"
            )
        ),
        list(
            QuarterlyReturn.objects.order_by("plan__area__code", "year", "quarter").values_list(
                "year", "quarter", "status"
            )
        ),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _generate(seed: int) -> tuple[str, str]:
    """Generate two areas over two years, fingerprint them, and roll everything back."""
    out = io.StringIO()
    with transaction.atomic():
        call_command("generate_national", areas=2, years=2, seed=seed, snapshots="none", stdout=out)
        digest = _digest()
        transaction.set_rollback(True)
    return digest, out.getvalue()


def test_the_same_seed_builds_the_same_data_and_another_seed_does_not():
    first, report = _generate(seed=5)
    assert "2 areas in" in report
    assert Area.objects.count() == 0
    again, _ = _generate(seed=5)
    other, _ = _generate(seed=6)
    assert first == again
    assert first != other


def test_it_refuses_a_database_that_already_has_areas(area):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="already has areas"):
        call_command("generate_national", areas=1, years=1, stdout=io.StringIO())
