import datetime
from decimal import Decimal

import pytest

from plans.templatetags.bcf_format import (
    financial_year,
    millions,
    pounds,
    thousands,
    uk_date,
)


@pytest.mark.parametrize(
    "value, expected",
    [
        (Decimal("18251000"), "£18,251,000"),
        (Decimal("750000.50"), "£750,000.50"),
        (Decimal("-249000"), "-£249,000"),
        (None, "–"),
    ],
)
def test_pounds(value, expected):
    assert pounds(value) == expected


def test_thousands_and_millions_as_the_plan_writes_them():
    assert thousands(Decimal("3852000")) == "3,852"
    assert millions(Decimal("18251000")) == "£18.251m"
    assert millions(Decimal("-249000")) == "-£0.249m"


def test_uk_date_and_financial_year():
    assert uk_date(datetime.date(2015, 3, 31)) == "31 March 2015"
    assert financial_year(2016) == "2016/17"
