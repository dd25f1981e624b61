"""Fixtures shared by every app's tests: areas, persona users per role, a plan, clients.

Personas belong to `area`, as every user belongs to at least one area; `other_officer`
belongs to `other_area` only, to show what a user of another area cannot see.
"""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from hypothesis import settings as hypothesis_settings

from plans import permissions
from plans import services as plan_services
from plans.models import Plan
from schemes import services as scheme_services
from schemes.models import Scheme
from tests.factories import (
    AreaFactory,
    MetricDefinitionFactory,
    PlanFactory,
    UserFactory,
    pack_headings,
)

# Property tests check what is computed, never how fast: on a busy machine an example can
# take longer than Hypothesis's default 200 ms deadline, which would fail a correct test.
hypothesis_settings.register_profile("bcf", deadline=None)
hypothesis_settings.load_profile("bcf")


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with nothing cached: no page, no data token."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def area(db):
    return AreaFactory()


@pytest.fixture
def other_area(db):
    return AreaFactory()


@pytest.fixture
def officer(area):
    return UserFactory(username="officer", roles=[permissions.OFFICER], areas=[area])


@pytest.fixture
def finance(area):
    return UserFactory(username="finance", roles=[permissions.FINANCE], areas=[area])


@pytest.fixture
def executive(area):
    return UserFactory(username="executive", roles=[permissions.EXECUTIVE], areas=[area])


@pytest.fixture
def board(area):
    return UserFactory(username="board", roles=[permissions.BOARD], areas=[area])


@pytest.fixture
def assurer(area):
    return UserFactory(username="assurer", roles=[permissions.ASSURER], areas=[area])


@pytest.fixture
def admin_user(area):
    """A superuser in the Administrator group (replaces pytest-django's `admin_user`)."""
    return UserFactory(
        username="admin", superuser=True, roles=[permissions.ADMINISTRATOR], areas=[area]
    )


@pytest.fixture
def other_officer(other_area):
    return UserFactory(username="other_officer", roles=[permissions.OFFICER], areas=[other_area])


@pytest.fixture
def client_for():
    """`client_for(user)`: a django test Client signed in as that user."""

    def signed_in(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return signed_in


@pytest.fixture
def plan(area):
    """A final plan of `area` for 2014/15 and 2015/16, built through the services.

    Each year has a pooled budget and a stated protection of adult social care. Three
    themes, the last with no schemes; four schemes, one protecting adult social care, one
    funded in 2015/16 only (with pence). 2015/16 is over-allocated. Tests derive expected
    figures from these rows rather than repeating them.
    """
    plan = plan_services.plan_create(
        area=area,
        title=f"{area.name} Better Care Fund plan",
        first_year=2014,
        last_year=2015,
        version_kind=Plan.VersionKind.FINAL,
        version_date=datetime.date(2014, 4, 4),
    )
    pack_headings(plan)
    plan_services.plan_year_set(
        plan=plan,
        year=2014,
        minimum_required=Decimal("18000000.00"),
        agreed_total=Decimal("18251000.00"),
        protected_social_care_stated=Decimal("3000000.00"),
    )
    plan_services.plan_year_set(
        plan=plan,
        year=2015,
        minimum_required=Decimal("16000000.00"),
        agreed_total=Decimal("17000000.00"),
        protected_social_care_stated=Decimal("12600000.00"),
    )
    admissions = MetricDefinitionFactory(
        code="non-elective-admissions", name="Non-elective admissions", number=1
    )
    delayed_transfers = MetricDefinitionFactory(
        code="delayed-transfers-of-care", name="Delayed transfers of care", number=3
    )
    prevention = scheme_services.theme_create(plan=plan, name="Unified prevention", order=1)
    long_term = scheme_services.theme_create(
        plan=plan, name="Long-term condition management", order=2
    )
    scheme_services.theme_create(plan=plan, name="Hospital discharge and reablement", order=3)
    scheme_services.scheme_create(
        plan=plan,
        theme=prevention,
        name="Local area coordination",
        status=Scheme.Status.NEW,
        metrics=[admissions],
        budgets={2014: Decimal("400000.00"), 2015: Decimal("1200000.00")},
    )
    scheme_services.scheme_create(
        plan=plan,
        theme=prevention,
        name="Protecting adult social care",
        status=Scheme.Status.EXISTING,
        protection=Scheme.Protection.SOCIAL_CARE,
        budgets={2014: Decimal("2800000.00"), 2015: Decimal("12600000.00")},
    )
    scheme_services.scheme_create(
        plan=plan,
        theme=long_term,
        name="Integrated care teams",
        status=Scheme.Status.EXISTING_AND_NEW,
        metrics=[admissions, delayed_transfers],
        budgets={2014: Decimal("1500000.00"), 2015: Decimal("3000000.00")},
    )
    scheme_services.scheme_create(
        plan=plan,
        theme=long_term,
        name="Assistive technology",
        status=Scheme.Status.EXPANDING,
        budgets={2015: Decimal("750000.50")},
    )
    return plan


@pytest.fixture
def other_plan(other_area):
    """A draft plan of `other_area`, with no budget or schemes."""
    return PlanFactory(area=other_area)
