"""Values read from a request by hand go through plans/inputs.py: what cannot be read is
None (treated as not given), never an exception that would answer 500."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from plans.inputs import MOST_PER_PAGE, configure_table, text, whole_number
from plans.periods import FinancialYear
from schemes import selectors
from schemes.tables import SchemeTable


@pytest.mark.parametrize(
    ("value", "read"),
    [
        ("12", 12),
        ("-1", -1),
        ("0", 0),
        ("99999999999999999999", None),  # beyond any record's id: not a number we hold
        ("2147483648", None),
        (" 1", None),
        ("1.0", None),
        ("１２", None),  # full-width digits, which int() would take
        ("abc", None),
        ("", None),
        (None, None),
        (["1"], None),
    ],
)
def test_a_whole_number_is_its_digits_and_nothing_else(value, read):
    assert whole_number(value) == read


def test_a_whole_number_out_of_the_range_asked_is_not_read():
    assert whole_number("0", low=1) is None
    assert whole_number("501", high=500) is None
    assert whole_number("500", high=500) == 500


@pytest.mark.parametrize(
    ("value", "read"), [(" me ", "me"), ("\x00", None), ("x" * 151, None), (["a"], None)]
)
def test_text_is_one_line_without_nul_characters(value, read):
    assert text(value) == read


@pytest.mark.parametrize(
    ("query", "page", "per_page"),
    [
        ({"per_page": "-1"}, 1, 50),
        ({"per_page": "0"}, 1, 50),
        ({"per_page": "99999999999999999999"}, 1, 50),
        ({"per_page": str(MOST_PER_PAGE + 1)}, 1, 50),
        ({"per_page": "2"}, 1, 2),
        ({"page": "x:y"}, 1, 50),
        ({"page": "-1"}, 1, 50),
        ({"page": "99", "per_page": "2"}, 2, 2),  # past the last page: the last
    ],
)
def test_a_tables_page_and_page_size_are_checked(plan, query, page, per_page):
    request = RequestFactory().get("/", query)
    schemes = selectors.scheme_list(plan=plan, with_budgets=False)
    table = SchemeTable(
        schemes, plan=plan, totals=selectors.scheme_totals(plan=plan, schemes=schemes)
    )
    configure_table(request, table, per_page=50)
    assert (table.page.number, table.paginator.per_page) == (page, per_page)


@pytest.mark.parametrize("label", ["9999/00", "0001/02", "1899/00", "2200/01"])
def test_a_year_the_planner_cannot_know_is_refused_saying_which_it_knows(label):
    with pytest.raises(ValueError, match="1900/01 to 2199/00"):
        FinancialYear.parse(label)
