import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from plans.services import EditConflict
from risks import selectors, services
from risks.models import Band, Risk


def test_ratings_are_kept_as_written_and_scored_on_the_registers_scale(register, lmh_register):
    risk = register.risks.get(description__startswith="Lack of agreement")
    assert (risk.score_before, risk.band_before) == (12, Band.HIGH)
    assert (risk.score_after, risk.band_after) == (6, Band.MODERATE)
    doubtful = lmh_register.risks.get()
    assert doubtful.likelihood == "M/H?" and doubtful.likelihood_score is None
    assert (doubtful.score_before, doubtful.band_before) == (3, Band.HIGH)
    assert (doubtful.score_after, doubtful.band_after) == (2, Band.MEDIUM)


def test_a_review_is_kept_and_becomes_the_risks_current_rating(register, officer):
    risk = register.risks.get(description__startswith="Delays")
    services.risk_review(
        risk=risk,
        expected_version=risk.lock_version,
        reviewed_on=datetime.date(2017, 6, 22),
        reviewer="Integration Executive",
        likelihood="2",
        impact="4",
        note="Programme plan in place",
        next_review=datetime.date(2017, 9, 30),
        user=officer,
    )
    risk.refresh_from_db()
    review = risk.reviews.get()
    assert (review.score, review.band) == (8, Band.HIGH)
    assert (risk.likelihood_after, risk.impact_after) == ("2", "4")
    assert risk.next_review == datetime.date(2017, 9, 30)
    assert risk.history.first().history_user == officer


def test_a_save_from_an_older_copy_is_refused(register):
    risk = register.risks.first()
    services.risk_update(risk=risk, expected_version=risk.lock_version, owner="New owner")
    with pytest.raises(EditConflict):
        services.risk_update(risk=risk, expected_version=risk.lock_version, owner="Stale")
    assert Risk.objects.get(pk=risk.pk).owner == "New owner"


def test_the_scale_cannot_change_once_risks_are_written_on_it(register):
    with pytest.raises(ValidationError):
        services.register_update(register=register, scale="lmh", expected_version=None)


def test_fund_balance_is_the_amount_less_its_releases(plan, contingency):
    services.fund_release(
        fund=contingency,
        amount=Decimal("1000000.00"),
        released_to="West Leicestershire CCG",
        decision_reference="Integration Executive, 23 May 2017, minute 5(b)",
        released_on=datetime.date(2017, 5, 23),
    )
    services.fund_release(
        fund=contingency,
        amount=Decimal("300000.00"),
        released_to="East Leicestershire and Rutland CCG",
        decision_reference="Integration Executive, 23 May 2017, minute 5(c)",
        released_on=datetime.date(2017, 5, 23),
    )
    fund = selectors.fund_list(plan=plan).get()
    assert fund.released == Decimal("1300000.00")
    assert selectors.fund_balance(fund) == Decimal("0.00")


def test_a_release_beyond_the_balance_is_refused_with_a_clear_message(contingency):
    with pytest.raises(ValidationError) as refused:
        services.fund_release(
            fund=contingency,
            amount=Decimal("1300000.01"),
            released_to="West Leicestershire CCG",
            decision_reference="Integration Executive, 23 May 2017",
        )
    assert "more than the £1,300,000 left" in refused.value.message_dict["amount"][0]
    assert contingency.releases.count() == 0
