"""Risk fixtures on the shared `plan`: a 5×5 register and the 2014-style L/M/H register."""

import datetime
from decimal import Decimal

import pytest

from risks import services
from risks.models import Fund, Scale

TODAY = datetime.date(2017, 6, 22)


@pytest.fixture
def register(plan):
    """A 5×5 register with two categories and three risks, one overdue at TODAY."""
    register = services.register_create(
        plan=plan, categories=["Risks to plan preparation", "Risks to plan delivery"]
    )
    preparation, delivery = register.categories.order_by("order")
    services.risk_create(
        register=register,
        category=preparation,
        description="Lack of agreement to the metrics",
        likelihood="4",
        impact="3",
        likelihood_after="2",
        impact_after="3",
        owner="Director of Health and Care Integration",
        next_review=TODAY - datetime.timedelta(days=1),
    )
    services.risk_create(
        register=register,
        category=delivery,
        description="Delays on delivery of components of the plan",
        likelihood="5",
        impact="5",
        rating_after="6",
        owner="BCF programme manager",
        next_review=TODAY,
    )
    services.risk_create(
        register=register,
        category=delivery,
        description="Commissioning decisions do not support integration",
        likelihood="1",
        impact="2",
        status="closed",
        next_review=TODAY - datetime.timedelta(days=30),
    )
    return register


def add_risks(register, count: int) -> None:
    category = register.categories.first()
    for number in range(count):
        services.risk_create(
            register=register,
            category=category,
            description=f"Extra risk {number}",
            likelihood="3",
            impact="3",
        )


@pytest.fixture
def lmh_register(other_plan):
    register = services.register_create(
        plan=other_plan, scale=Scale.LMH, categories=["Risks to plan delivery"]
    )
    services.risk_create(
        register=register,
        category=register.categories.get(),
        description="Challenged health economy – external advisers",
        likelihood="M/H?",
        rating_before="H",
        rating_after="M",
    )
    return register


@pytest.fixture
def contingency(plan):
    return services.fund_create(
        plan=plan,
        kind=Fund.Kind.CONTINGENCY,
        year=2014,
        name="Contingency",
        amount=Decimal("1300000.00"),
    )
