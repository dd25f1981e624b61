from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from plans.periods import FinancialYear
from schemes.calculations import reconcile_year

money = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


def _year(totals, agreed=Decimal("100.00"), minimum=Decimal("50.00"), stated=None):
    return reconcile_year(
        year=FinancialYear(2014),
        minimum_required=minimum,
        agreed_total=agreed,
        protected_social_care_stated=stated,
        themes=[(1, "Prevention"), (2, "Discharge"), (3, "Empty")],
        totals=totals,
    )


def test_unallocated_is_agreed_minus_schemes_and_negative_when_over():
    year = _year({(1, False): Decimal("60.00"), (2, True): Decimal("55.00")})
    assert year.schemes_total == Decimal("115.00")
    assert year.unallocated == Decimal("-15.00")
    assert year.is_over_allocated


def test_themes_without_schemes_show_zero():
    year = _year({(1, False): Decimal("10.00")})
    assert [(t.name, t.total) for t in year.themes] == [
        ("Prevention", Decimal("10.00")),
        ("Discharge", Decimal("0.00")),
        ("Empty", Decimal("0.00")),
    ]


def test_protected_social_care_against_the_stated_figure():
    year = _year({(1, True): Decimal("30.00"), (2, True): Decimal("5.00")}, stated=Decimal("40.00"))
    assert year.protected_social_care == Decimal("35.00")
    assert year.protected_social_care_difference == Decimal("-5.00")


def test_minimum_met_and_unknowns():
    assert _year({}, agreed=Decimal("50.00")).minimum_met is True
    assert _year({}, agreed=Decimal("49.99")).minimum_met is False
    missing = _year({}, agreed=None)
    assert (missing.minimum_met, missing.unallocated) == (None, None)


@given(st.dictionaries(st.tuples(st.sampled_from([1, 2, 3]), st.booleans()), money), money)
def test_theme_totals_always_add_up_to_the_schemes_total(totals, agreed):
    year = _year(totals, agreed=agreed)
    assert sum(t.total for t in year.themes) == year.schemes_total
    assert year.schemes_total + year.unallocated == agreed
    assert year.protected_social_care <= year.schemes_total
