import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schemes import services
from schemes.models import Scheme
from schemes.selectors import plan_budget_summary
from tests.imports import upload


def _list_url(plan, **query):
    url = reverse("schemes:scheme_list", kwargs={"pk": plan.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _form_data(scheme=None, **overrides):
    plan = scheme.plan if scheme else None
    data = {
        "name": scheme.name if scheme else "",
        "theme": scheme.theme_id if scheme else "",
        "status": scheme.status if scheme else "new",
        "protection": scheme.protection if scheme else "",
        "lock_version": scheme.lock_version if scheme else "",
        "budgets-TOTAL_FORMS": "3",
        "budgets-INITIAL_FORMS": "0",
        "budgets-MIN_NUM_FORMS": "0",
        "budgets-MAX_NUM_FORMS": "1000",
    }
    if plan:
        for index, budget in enumerate(scheme.budgets.order_by("year")):
            data[f"budgets-{index}-year"] = str(budget.financial_year)
            data[f"budgets-{index}-amount"] = str(budget.amount)
            # The amount the page showed, as the form's hidden field sends it back.
            data[f"budgets-{index}-was"] = str(budget.amount)
    data.update(overrides)
    return data


def _export_rows(client, plan, export_format):
    response = client.get(_list_url(plan, _export=export_format))
    assert response.status_code == 200
    if export_format == "csv":
        assert response.content.startswith("\ufeff".encode())  # Excel reads it as UTF-8
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_schemes_table_lists_every_scheme_with_its_budgets(client_for, officer, plan):
    response = client_for(officer).get(_list_url(plan))
    html = response.content.decode()
    for scheme in plan.schemes.all():
        assert scheme.name in html
    assert "2014/15 (£)" in html and "2015/16 (£)" in html


def test_footer_totals_equal_the_sum_of_the_filtered_schemes(client_for, officer, plan):
    theme = plan.themes.get(name="Unified prevention")
    response = client_for(officer).get(_list_url(plan, theme=theme.pk))
    table = response.context["table"]
    expected = {
        year.start_year: sum(
            (
                b.amount
                for s in theme.schemes.all()
                for b in s.budgets.all()
                if b.year == year.start_year
            ),
            Decimal(0),
        )
        for year in plan.years
    }
    assert table.totals == expected
    assert [row.record.theme_id for row in table.rows] == [theme.pk] * theme.schemes.count()


def test_theme_subtotals_per_year_add_up_to_the_schemes_total(plan):
    for year in plan_budget_summary(plan=plan):
        assert sum(t.total for t in year.themes) == year.schemes_total
        stored = sum(
            b.amount
            for s in plan.schemes.all()
            for b in s.budgets.all()
            if b.year == year.year.start_year
        )
        assert year.schemes_total == stored


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"protection": "social_care"}, {"Protecting adult social care"}),
        ({"status": "expanding"}, {"Assistive technology"}),
        ({"name": "care"}, {"Protecting adult social care", "Integrated care teams"}),
    ],
)
def test_filters_narrow_the_table(client_for, officer, plan, query, expected):
    table = client_for(officer).get(_list_url(plan, **query)).context["table"]
    assert {row.record.name for row in table.rows} == expected


def test_filter_by_metric_keeps_schemes_linked_to_it(client_for, officer, plan):
    scheme = plan.schemes.get(name="Integrated care teams")
    metric = scheme.metrics.get(code="delayed-transfers-of-care")
    table = client_for(officer).get(_list_url(plan, metric=metric.pk)).context["table"]
    assert [row.record.name for row in table.rows] == ["Integrated care teams"]


def test_sorting_by_a_year_puts_the_largest_budget_first(client_for, officer, plan):
    table = client_for(officer).get(_list_url(plan, sort="-budget_2015")).context["table"]
    largest = plan.schemes.filter(budgets__year=2015).order_by("-budgets__amount").first()
    assert table.rows[0].record.name == largest.name


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_export_has_every_scheme_and_its_amounts_in_pounds(
    client_for, officer, plan, export_format
):
    rows = _export_rows(client_for(officer), plan, export_format)
    header, body = rows[0], rows[1:]
    assert header[:4] == ["Scheme", "Theme", "New or existing", "Protection of services"]
    by_name = {row[0]: row for row in body}
    assert set(by_name) == set(plan.schemes.values_list("name", flat=True))
    column = header.index("2014/15 (£)")
    scheme = plan.schemes.get(name="Integrated care teams")
    assert Decimal(str(by_name[scheme.name][column])) == scheme.budgets.get(year=2014).amount


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_export_does_not_let_a_name_run_as_a_formula(client_for, officer, plan, export_format):
    scheme = plan.schemes.first()
    services.scheme_update(scheme=scheme, expected_version=None, name='=HYPERLINK("http://x","y")')
    rows = _export_rows(client_for(officer), plan, export_format)
    names = [row[0] for row in rows[1:]]
    if export_format == "csv":  # any program may read a CSV: the quote keeps it text
        assert '\'=HYPERLINK("http://x","y")' in names
    else:  # the workbook stores it as text, which a spreadsheet never runs
        response = client_for(officer).get(_list_url(plan, _export="xlsx"))
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        cell = next(c for c in sheet["A"] if c.value == '=HYPERLINK("http://x","y")')
        assert cell.data_type == "s"


def test_officer_adds_a_scheme_with_budgets(client_for, officer, plan):
    theme = plan.themes.first()
    data = _form_data(
        name="Carers support",
        theme=theme.pk,
        status="new",
        **{
            "budgets-0-year": "2014/15",
            "budgets-0-amount": "£370,000",
            "budgets-1-year": "2015/16",
            "budgets-1-amount": "450000.50",
        },
    )
    response = client_for(officer).post(
        reverse("schemes:scheme_create", kwargs={"pk": plan.pk}), data
    )
    assert response.status_code == 302
    scheme = plan.schemes.get(name="Carers support")
    assert {b.year: b.amount for b in scheme.budgets.all()} == {
        2014: Decimal("370000.00"),
        2015: Decimal("450000.50"),
    }


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("budgets-0-amount", "-5", "The amount cannot be negative."),
        ("budgets-0-amount", "lots", "Enter an amount in pounds, like £1,234"),
        ("budgets-0-year", "2019/20", "2019/20 is outside this plan"),
        ("budgets-0-year", "next year", "is not a financial year such as 2016/17"),
        ("name", "Integrated care teams", "This plan already has a scheme with this name."),
    ],
)
def test_invalid_input_is_refused_beside_the_field_and_kept(
    client_for, officer, plan, field, value, message
):
    scheme = plan.schemes.get(name="Local area coordination")
    data = _form_data(scheme, **{field: value})
    url = reverse("schemes:scheme_edit", kwargs={"pk": plan.pk, "scheme_pk": scheme.pk})
    response = client_for(officer).post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'class="nhsuk-error-summary"' in html
    assert f'value="{value}"' in html
    scheme.refresh_from_db()
    assert scheme.name == "Local area coordination"
    assert scheme.budgets.get(year=2014).amount == Decimal("400000.00")


def test_second_save_of_the_same_scheme_is_refused_as_a_conflict(
    client_for, officer, finance, plan
):
    scheme = plan.schemes.get(name="Local area coordination")
    url = reverse("schemes:scheme_edit", kwargs={"pk": plan.pk, "scheme_pk": scheme.pk})
    first = _form_data(scheme, name="Local area co-ordination")
    second = _form_data(scheme, name="Local area coordination (revised)")
    assert client_for(officer).post(url, first).status_code == 302
    response = client_for(finance).post(url, second)
    assert response.status_code == 200
    assert "Someone else saved this record while you were editing it" in response.content.decode()
    assert 'value="Local area coordination (revised)"' in response.content.decode()
    scheme.refresh_from_db()
    assert scheme.name == "Local area co-ordination"


def test_officer_deletes_a_scheme(client_for, officer, plan):
    scheme = plan.schemes.get(name="Assistive technology")
    url = reverse("schemes:scheme_delete", kwargs={"pk": plan.pk, "scheme_pk": scheme.pk})
    response = client_for(officer).post(url, {"lock_version": scheme.lock_version})
    assert response.status_code == 302
    assert not Scheme.objects.filter(pk=scheme.pk).exists()


def _upload(client, plan, name, content):
    return upload(client, reverse("schemes:scheme_import", kwargs={"pk": plan.pk}), name, content)


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_exported_spreadsheet_imports_back_unchanged(client_for, officer, plan, export_format):
    client = client_for(officer)
    before = {(s.name, b.year, b.amount) for s in plan.schemes.all() for b in s.budgets.all()}
    content = client.get(_list_url(plan, _export=export_format)).content
    response = _upload(client, plan, f"schemes.{export_format}", content)
    shown = response.context["preview"]
    assert (len(shown.added), len(shown.changed)) == (0, 0)
    assert len(shown.unchanged) == plan.schemes.count()
    assert "0 changed: the file matches the plan" in response.content.decode()
    after = {(s.name, b.year, b.amount) for s in plan.schemes.all() for b in s.budgets.all()}
    assert after == before


def test_import_with_one_bad_row_reports_row_and_column_and_imports_nothing(
    client_for, officer, plan
):
    theme = plan.themes.first().name
    content = (
        "Scheme,Theme,New or existing,Protection of services,2014/15 (£),2015/16 (£),Metrics\n"
        f"Handy person service,{theme},New,,1000,2000,\n"
        f"Falls service,{theme},New,,-50,2000,\n"
    ).encode()
    count = plan.schemes.count()
    response = _upload(client_for(officer), plan, "schemes.csv", content)
    assert response.status_code == 200
    errors = response.context["cell_errors"]
    assert [(e.row, e.column) for e in errors] == [(3, "2014/15 (£)")]
    assert "Nothing was imported" in response.content.decode()
    assert plan.schemes.count() == count


def test_import_takes_amounts_as_people_write_them(client_for, officer, plan):
    theme = plan.themes.first().name
    content = (
        "Scheme,Theme,New or existing,Protection of services,2014/15 (£),2015/16 (£),Metrics\n"
        f'Handy person service,{theme},New,,"£120,000",-,\n'
        f'Falls service,{theme},New,,"1,234.5",(5),\n'
    ).encode()
    response = _upload(client_for(officer), plan, "schemes.csv", content)
    errors = response.context["cell_errors"]
    assert [(e.row, e.column, e.message) for e in errors] == [
        (3, "2015/16 (£)", "The amount cannot be negative.")
    ]
    content = content.replace(b"(5)", b"5")
    assert _upload(client_for(officer), plan, "schemes.csv", content).status_code == 302
    handy = plan.schemes.get(name="Handy person service")
    assert {b.year: b.amount for b in handy.budgets.all()} == {2014: Decimal("120000.00")}
    falls = plan.schemes.get(name="Falls service")
    assert {b.year: b.amount for b in falls.budgets.all()} == {
        2014: Decimal("1234.50"),
        2015: Decimal("5.00"),
    }


def test_import_refuses_a_year_column_outside_the_plan(client_for, officer, plan):
    content = "Scheme,Theme,New or existing,2019/20 (£)\nX,Y,New,1\n".encode()
    response = _upload(client_for(officer), plan, "schemes.csv", content)
    assert [(e.row, e.column) for e in response.context["cell_errors"]] == [(1, "2019/20 (£)")]


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def _add_schemes(plan, count):
    theme = plan.themes.first()
    for number in range(count):
        services.scheme_create(
            plan=plan,
            theme=theme,
            name=f"Extra scheme {number}",
            status="new",
            budgets={2014: Decimal(1000 + number)},
        )


# session, user, roles and areas (one query), plan, then the page's own reads (see the
# selectors); the plan page also looks for the version's prepared snapshot (its "where it
# stands" panel), its section 75 agreement (the reminder), its framework's deadlines (the
# Deadlines table), the sums it states in its text and the earlier versions its approval
# trail names
EXPECTED_QUERIES = {"schemes:scheme_list": 10, "plans:plan_detail": 15}


# The schemes table kept for reuse (plans/freshness.py): session, user, roles and areas,
# plan; the table itself read from the cache.
REUSED_QUERIES = {"schemes:scheme_list": 4}


@pytest.mark.parametrize("url_name", sorted(EXPECTED_QUERIES))
def test_page_query_count_does_not_grow_with_the_number_of_schemes(
    client_for, officer, plan, url_name
):
    from django.core.cache import cache

    client = client_for(officer)
    url = reverse(url_name, kwargs={"pk": plan.pk})
    before = _queries(client, url)
    if url_name in REUSED_QUERIES:
        assert _queries(client, url) == REUSED_QUERIES[url_name]
    _add_schemes(plan, 20)
    cache.clear()  # computed again (the test's transaction never commits the change)
    assert _queries(client, url) == before
    assert before == EXPECTED_QUERIES[url_name]


@pytest.mark.parametrize(
    "name", ["Reablement;=HYPERLINK(1)", "Reablement|=cmd", "\uff1dHYPERLINK(1)", "a;\uff0b1"]
)
def test_csv_export_starts_no_formula_where_a_spreadsheet_splits_cells(
    client_for, officer, plan, name
):
    """Opened where ";" or "|" separates cells, or typed full-width, no cell is a formula;
    imported back, the name is as it was."""
    scheme = plan.schemes.first()
    services.scheme_update(scheme=scheme, expected_version=None, name=name)
    client = client_for(officer)
    content = client.get(_list_url(plan, _export="csv")).content
    text = content.decode("utf-8")
    for separator in (",", ";", "|"):
        for row in csv.reader(io.StringIO(text), delimiter=separator):
            for cell in row:
                assert not cell.startswith(("=", "+", "@", "\uff1d", "\uff0b")), cell

    # Read back, every name matches its scheme: nothing to add or change.
    shown = _upload(client, plan, "schemes.csv", content).context["preview"]
    assert shown.nothing_to_do and len(shown.unchanged) == plan.schemes.count()
    scheme.refresh_from_db()
    assert scheme.name == name


def test_the_schemes_table_is_kept_until_its_plan_changes(
    client_for, officer, plan, django_capture_on_commit_callbacks
):
    """Kept for everyone who may see the plan (plans/freshness.py), shown afresh as soon
    as a change to the plan is committed; a filtered table is computed each time."""
    client = client_for(officer)
    url = reverse("schemes:scheme_list", kwargs={"pk": plan.pk})
    first = _main_of(client.get(url))
    assert "Extra scheme 0" not in first
    assert _main_of(client.get(url)) == first  # reused
    with django_capture_on_commit_callbacks(execute=True):
        _add_schemes(plan, 1)
    assert "Extra scheme 0" in client.get(url).content.decode()
    assert "Extra scheme 0" in client.get(url, {"name": "Extra"}).content.decode()


def _main_of(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]
