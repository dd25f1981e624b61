"""Money as people type it and read it (plans/money.py), and the form field that uses it."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plans import money
from plans.forms import MoneyField


@pytest.mark.parametrize(
    "typed, amount",
    [
        ("£1,234", Decimal("1234.00")),
        ("1,234", Decimal("1234.00")),
        ("1234.5", Decimal("1234.50")),
        ("(1,234)", Decimal("-1234.00")),
        ("(£1,234.56)", Decimal("-1234.56")),
        ("-1,234", Decimal("-1234.00")),
        ("−£1,234", Decimal("-1234.00")),
        ("£-1,234", Decimal("-1234.00")),
        (" £ 39,100,000.00 ", Decimal("39100000.00")),
        ("£120,000", Decimal("120000.00")),
        ("0", Decimal("0.00")),
        (".5", Decimal("0.50")),
        ("1\u00a0234", Decimal("1234.00")),
        (1234, Decimal("1234.00")),
        (1234.5, Decimal("1234.50")),
        (0.1 + 0.2, Decimal("0.30")),
        (Decimal("750000.5"), Decimal("750000.50")),
    ],
)
def test_amounts_are_read_the_way_people_write_them(typed, amount):
    assert money.parse_money(typed) == amount


@pytest.mark.parametrize("typed", [None, "", "  ", "-", "–", "—"])
def test_a_dash_or_nothing_is_no_amount(typed):
    assert money.parse_money(typed) is None


@pytest.mark.parametrize(
    "typed, message",
    [
        ("twelve", money.NOT_AN_AMOUNT),
        ("1,23", money.NOT_AN_AMOUNT),
        ("1.234,56", money.NOT_AN_AMOUNT),
        ("£", money.NOT_AN_AMOUNT),
        ("NaN", money.NOT_AN_AMOUNT),
        ("sNaN", money.NOT_AN_AMOUNT),
        ("Infinity", money.NOT_AN_AMOUNT),
        ("1e6", money.NOT_AN_AMOUNT),
        ("=1+1", money.NOT_AN_AMOUNT),
        (True, money.NOT_AN_AMOUNT),
        (float("nan"), money.NOT_AN_AMOUNT),
        (float("inf"), money.NOT_AN_AMOUNT),
        ("1.234", money.TOO_PRECISE),
        (0.001, money.TOO_PRECISE),
        ("1,000,000,000,000", money.TOO_LARGE),
        ("9" * 400, money.TOO_LARGE),
    ],
)
def test_anything_else_is_refused_with_a_message_to_act_on(typed, message):
    with pytest.raises(money.MoneyError) as refused:
        money.parse_money(typed)
    assert str(refused.value) == message


def test_negatives_are_refused_where_the_caller_says_so():
    with pytest.raises(money.MoneyError, match="cannot be negative"):
        money.parse_money("(1,234)", allow_negative=False)
    assert money.parse_money("1,234", allow_negative=False) == Decimal("1234.00")


@pytest.mark.parametrize(
    "amount, shown",
    [
        (Decimal("18251000"), "£18,251,000"),
        (Decimal("18251000.00"), "£18,251,000"),
        (Decimal("750000.50"), "£750,000.50"),
        (Decimal("-249000"), "-£249,000"),
        (None, "–"),
    ],
)
def test_amounts_are_written_as_people_write_them(amount, shown):
    assert money.format_pounds(amount) == shown


def test_an_amount_to_edit_has_no_dash_for_none():
    assert money.format_money_input(None) == ""
    assert money.format_money_input(Decimal("39100000.00")) == "£39,100,000"


@given(
    st.decimals(
        min_value=Decimal("-999999999999.99"),
        max_value=Decimal("999999999999.99"),
        places=2,
        allow_nan=False,
        allow_infinity=False,
    )
)
def test_what_is_written_reads_back_as_the_same_amount(amount):
    assert money.parse_money(money.format_money_input(amount)) == amount
    assert money.parse_money(money.format_pounds(amount)) == amount


def test_the_form_field_takes_typed_amounts_and_shows_stored_ones_as_written():
    field = MoneyField(label="Amount (£)", required=False)
    assert field.clean("£120,000") == Decimal("120000.00")
    assert field.clean("-") is None
    assert field.prepare_value(Decimal("39100000.00")) == "£39,100,000"
    assert field.prepare_value("1234.5") == "1234.5"  # what was typed is shown as typed
    assert not field.has_changed(Decimal("1234.00"), "£1,234")
    assert field.has_changed(Decimal("1234.00"), "£1,235")
    with pytest.raises(Exception, match="cannot be negative"):
        field.clean("(1,234)")
    assert MoneyField(label="Variance", allow_negative=True).clean("(5)") == Decimal("-5.00")
