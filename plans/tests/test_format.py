import datetime
from decimal import Decimal

import pytest

from plans.templatetags.bcf_format import (
    financial_year,
    millions,
    narrative,
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


def test_narrative_escapes_and_makes_bullets():
    html = narrative("Aims:\n\n- Reduce <admissions>\n- Support carers")
    assert html == (
        '<p>Aims:</p><ul class="nhsuk-list nhsuk-list--bullet"><li>Reduce &lt;admissions&gt;</li>'
        "<li>Support carers</li></ul>"
    )


def test_narrative_numbered_items_with_sub_bullets_and_lettered_headings():
    html = narrative(
        "a) Protecting social care\n\nWe will:\n"
        "1. Scope the offer\n  - Map services\n2. Extend carers support"
    )
    assert html == (
        '<h3 class="nhsuk-heading-s">a) Protecting social care</h3>'
        "<p>We will:</p>"
        '<ol class="nhsuk-list nhsuk-list--number"><li>Scope the offer'
        '<ul class="nhsuk-list nhsuk-list--bullet"><li>Map services</li></ul></li>'
        "<li>Extend carers support</li></ol>"
    )
