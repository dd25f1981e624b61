"""The template engine: layouts declared in the framework packs, checked when a pack loads
(each problem named by its place), rendered as workbooks in NHS England's conventions and
as PDFs, and read back all or nothing. A 2025/26 plan is exported as its framework's
workbook and PDF, its conditions answered in the workbook and imported, its quarterly
return written as its framework's workbook."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from django.urls import reverse
from openpyxl import load_workbook

from fixtures.packs import PACK_DIR, PackError, pack_read, packs_load
from frameworks.models import SubmissionTemplate
from frameworks.template_spec import spec_check
from plans import services as plan_services
from plans.models import ConditionStatus, NationalCondition, Plan
from schemes import services as scheme_services
from submissions import services as return_services
from submissions.documents import template_registry
from submissions.documents.engine import CHECKER_HEADER, INPUT_FILL, checker_formula
from submissions.documents.part2 import expenditure_headers
from submissions.documents.render import render_plan_document, render_return_document
from submissions.documents.services import part2_import
from tests.factories import AreaFactory
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


def _layout(**sheet) -> dict:
    base = {"name": "Sheet", "blocks": [{"fields": [{"label": "Plan", "value": "plan.title"}]}]}
    return {"reads": "plan", "sheets": [{**base, **sheet}]}


# Checking a layout ------------------------------------------------------------------------------


def test_a_good_layout_has_no_problems():
    names = template_registry.names()
    assert spec_check(_layout(), format="xlsx", names=names) == []


@pytest.mark.parametrize(
    ("sheet", "expected"),
    [
        (
            {"blocks": [{"fields": [{"label": "X", "value": "plan.nonsense"}]}]},
            "layout.sheets[0].blocks[0].fields[0].value names “plan.nonsense”, not a selector",
        ),
        (
            {
                "blocks": [
                    {
                        "table": {
                            "rows": "plan.everything",
                            "columns": [{"header": "A", "value": "plan.title"}],
                        }
                    }
                ]
            },
            "layout.sheets[0].blocks[0].table.rows names “plan.everything”, not a row source",
        ),
        (
            {"blocks": [{"fields": [{"label": "X", "value": "plan.title", "check": "filled"}]}]},
            "layout.sheets[0].blocks[0].fields[0].check is for an input (add input: true)",
        ),
        (
            {"blocks": [{"fields": [{"label": "X", "value": "plan.title", "format": "pounds"}]}]},
            "layout.sheets[0].blocks[0].fields[0].format is “pounds”, not one of",
        ),
        (
            {
                "blocks": [
                    {
                        "fields": [
                            {
                                "label": "X",
                                "value": "plan.title",
                                "input": True,
                                "list": "lists.colours",
                            }
                        ]
                    }
                ]
            },
            "layout.sheets[0].blocks[0].fields[0].list names “lists.colours”, not a list",
        ),
        ({"name": "A/B"}, "layout.sheets[0].name “A/B” cannot name a sheet"),
        ({"colour": "red"}, "layout.sheets[0].colour is not a key a template layout knows"),
        ({"import": "part9.everything"}, "layout.sheets[0].import names “part9.everything”"),
        (
            {
                "blocks": [
                    {
                        "table": {
                            "rows": "plan.schemes",
                            "columns": [
                                {"header": "Amount", "value": "scheme.budget[year]", "each": "year"}
                            ],
                        }
                    }
                ]
            },
            "header should hold {year} for a column of each year",
        ),
    ],
)
def test_each_problem_of_a_layout_is_named_by_its_place(sheet, expected):
    problems = spec_check(_layout(**sheet), format="xlsx", names=template_registry.names())
    assert any(expected in p for p in problems), problems


def test_a_pack_with_a_bad_layout_is_refused_with_the_place(tmp_path: Path):
    data = yaml.safe_load((PACK_DIR / "bcf-2016-17.yaml").read_text(encoding="utf-8"))
    data["templates"][0]["layout"] = _layout(
        blocks=[
            {
                "table": {
                    "rows": "plan.schemes",
                    "columns": [{"header": "Name", "value": "scheme.colour"}],
                }
            }
        ]
    )
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(PackError) as error:
        pack_read(path)
    assert "templates[0].layout.sheets[0].blocks[0].table.columns[0].value" in str(error.value)
    assert "scheme.colour" in str(error.value)


def test_every_pack_layout_is_sound_and_the_2014_workbook_declares_the_import_headers(plan):
    for path in sorted(PACK_DIR.glob("*.yaml")):
        pack_read(path)  # raises on any problem
    data = yaml.safe_load((PACK_DIR / "bcf-2014-16.yaml").read_text(encoding="utf-8"))
    (part2,) = [t for t in data["templates"] if t["kind"] == "part2-xlsx"]
    (sheet,) = [s for s in part2["layout"]["sheets"] if s["name"] == "Expenditure Plan"]
    headers = []
    for column in sheet["blocks"][0]["table"]["columns"]:
        if column.get("each"):
            headers += [column["header"].replace("{year}", y.label) for y in plan.years]
        else:
            headers.append(column["header"])
    assert headers == expenditure_headers(plan)


def test_checker_formulas_and_the_import_rule_agree():
    assert checker_formula("filled", "B4") == "LEN(TRIM(B4))>0"
    assert checker_formula("in_list", "D5", list_range='{"Yes","No"}') == (
        'OR(D5="",ISNUMBER(MATCH(D5,{"Yes","No"},0)))'
    )


# A 2025/26 plan ---------------------------------------------------------------------------------


@pytest.fixture
def plan_2025(db):
    packs_load()
    area = AreaFactory(name="Testshire", code="E10000099")
    plan = plan_services.plan_create(
        area=area,
        title="Testshire Better Care Fund plan 2025-26",
        first_year=2025,
        last_year=2025,
        version_kind=Plan.VersionKind.DRAFT,
        version_date=datetime.date(2025, 3, 1),
    )
    plan_services.plan_year_set(
        plan=plan,
        year=2025,
        minimum_required=Decimal("20000000.00"),
        agreed_total=Decimal("21500000.00"),
    )
    theme = scheme_services.theme_create(plan=plan, name="Home first", order=1)
    scheme_services.scheme_create(
        plan=plan,
        theme=theme,
        name="Discharge to assess",
        status="new",
        budgets={2025: Decimal("1250000.00")},
    )
    return Plan.objects.get(pk=plan.pk)


def _workbook(content: bytes):
    return load_workbook(io.BytesIO(content))


def test_a_2025_plan_takes_its_frameworks_templates(plan_2025):
    kinds = set(
        SubmissionTemplate.objects.filter(framework=plan_2025.framework)
        .exclude(spec={})
        .values_list("kind", flat=True)
    )
    assert kinds == {
        "plan-xlsx",
        "plan-pdf",
        "quarterly-return-xlsx",
        "year-end-return-xlsx",
        "year-end-return-pdf",
    }


def test_the_2025_workbook_marks_inputs_offers_answers_and_checks_them(plan_2025):
    workbook = _workbook(render_plan_document(plan_2025, "plan-xlsx"))
    assert workbook.sheetnames == [
        "Cover",
        "National Conditions",
        "Summary",
        "Funding Sources",
        "Expenditure Plan",
        "Funding Streams",
        "Metrics",
    ]
    sheet = workbook["National Conditions"]
    headers = [c.value for c in sheet[3]]
    assert headers == ["Number", "Condition", "Response", "Answer", "Narrative", CHECKER_HEADER]
    conditions = NationalCondition.objects.applying_to(2025).count()
    assert conditions == 4
    for row in range(4, 4 + conditions):
        answer, checker = sheet.cell(row=row, column=4), sheet.cell(row=row, column=6)
        assert answer.fill.fgColor.rgb.endswith(INPUT_FILL.fgColor.rgb[-6:])
        assert answer.protection.locked is False
        assert checker.value.startswith("=AND(LEN(TRIM(D")  # filled, in the list, narrative
        assert "MATCH" in checker.value and "LEN(TRIM(E" in checker.value
    validations = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert validations == {"D4:D7": '"Yes,No"'}
    rules = sheet.conditional_formatting
    assert len(list(rules)) == conditions
    assert sheet.protection.sheet is True
    # the Expenditure Plan's budget cell is checked not negative
    expenditure = workbook["Expenditure Plan"]
    last = expenditure.max_column
    assert expenditure.cell(row=3, column=last).value == CHECKER_HEADER
    # no scheme types in the catalogue: nothing to check the type against, the budget is
    formula = expenditure.cell(row=4, column=last).value
    assert "None" not in formula and "MATCH(E4" not in formula
    assert formula.startswith("=AND(OR(I4=")  # the share is a percentage, the budget not negative
    # printing: A4, fitted to the width, header rows repeated
    assert expenditure.page_setup.fitToWidth == 1
    assert expenditure.print_title_rows == "$1:$3"


def test_the_2025_pdf_prints_its_sections(plan_2025):
    text = pdf_text(render_plan_document(plan_2025, "plan-pdf"))
    for heading in (
        "1) Plan details",
        "2) The shift from sickness to prevention",
        "3) The shift from hospital to home",
        "4) National conditions",
        "5) Pooled budget",
    ):
        assert heading in text
    assert "Plans to be jointly agreed" in text
    assert "Discharge to assess" in text and "£1,250,000" in text
    assert "£21,500,000" in text
    assert "Financial years 2025/26 " in text and "2025/26–2025/26" not in text


def _answer(content: bytes, answers: dict[int, tuple[str, str]]) -> bytes:
    workbook = _workbook(content)
    sheet = workbook["National Conditions"]
    for row, (answer, narrative) in answers.items():
        sheet.cell(row=row, column=4, value=answer)
        sheet.cell(row=row, column=5, value=narrative)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_conditions_answered_in_the_workbook_come_back(plan_2025, officer):
    content = _answer(
        render_plan_document(plan_2025, "plan-xlsx"),
        {4: ("Yes", "Agreed by the board on 20 March 2025."), 5: ("No", "Not yet: see risks.")},
    )
    result = part2_import(plan=plan_2025, content=content, user=officer)
    assert result.errors == []
    statuses = {
        s.condition.number: (s.status, s.narrative, s.year, s.quarter)
        for s in ConditionStatus.objects.filter(plan=plan_2025).select_related("condition")
    }
    # the plan's own answers (no quarter), not a quarter's report
    assert statuses == {
        1: ("yes", "Agreed by the board on 20 March 2025.", 2025, None),
        2: ("no", "Not yet: see risks.", 2025, None),
    }
    # the same workbook again changes nothing
    again = part2_import(plan=plan_2025, content=content, user=officer)
    assert again.errors == [] and not [r for r in again.rows if r.action != "unchanged"]


def test_the_plans_answers_stay_apart_from_the_quarters_reports_and_show_as_the_plans(
    plan_2025, officer, client
):
    first = NationalCondition.objects.get(code="bcf-2025-jointly-agreed")
    # the framework asks for quarterly reports on the conditions too: quarter 1's is its own
    plan_services.condition_status_set(
        plan=plan_2025,
        condition=first,
        year=2025,
        quarter=1,
        status="no",
        narrative="Not yet agreed in quarter 1.",
    )
    content = _answer(
        render_plan_document(plan_2025, "plan-xlsx"), {4: ("Yes", "Agreed on 20 March 2025.")}
    )
    assert part2_import(plan=plan_2025, content=content, user=officer).errors == []
    held = {
        s.quarter: (s.status, s.narrative)
        for s in ConditionStatus.objects.filter(plan=plan_2025, condition=first)
    }
    assert held == {
        1: ("no", "Not yet agreed in quarter 1."),
        None: ("yes", "Agreed on 20 March 2025."),
    }
    # the plan's workbook gives the plan's answer back
    sheet = _workbook(render_plan_document(plan_2025, "plan-xlsx"))["National Conditions"]
    assert (sheet.cell(row=4, column=4).value, sheet.cell(row=4, column=5).value) == (
        "Yes",
        "Agreed on 20 March 2025.",
    )
    plan_services.membership_add(user=officer, area=plan_2025.area)
    client.force_login(officer)
    page = client.get(reverse("plans:condition_list", args=[plan_2025.pk])).content.decode()
    soup = BeautifulSoup(page, "html.parser")
    assert soup.select_one("[data-plan-answers]").get_text(strip=True) == "In the plan"
    row = next(tr for tr in soup.select("tbody tr") if first.title in tr.get_text())
    cells = [td.get_text(" ", strip=True) for td in row.select("td")]
    assert cells[0] == "Yes Agreed on 20 March 2025." and cells[1] == "No"


def test_a_bad_answer_is_named_and_nothing_is_written(plan_2025, officer):
    content = _answer(
        render_plan_document(plan_2025, "plan-xlsx"),
        {4: ("Yes", "Agreed."), 5: ("Perhaps", "We will see.")},
    )
    result = part2_import(plan=plan_2025, content=content, user=officer)
    assert [str(e) for e in result.errors] == [
        "National Conditions, row 5, column D (Answer): Answer Yes or No."
    ]
    assert not ConditionStatus.objects.filter(plan=plan_2025).exists()


def test_the_2025_quarterly_return_is_its_frameworks_workbook(plan_2025, officer):
    ret = return_services.return_get_or_create_draft(
        plan=plan_2025, year=2025, quarter=1, user=officer
    )
    ret = return_services.return_prepare(ret=ret, today=datetime.date(2025, 8, 1))
    workbook = _workbook(render_return_document(ret))
    assert workbook.sheetnames == [
        "Cover",
        "National Conditions",
        "Metrics",
        "Expenditure",
        "Funding Streams",
        "Narrative",
    ]
    cover = workbook["Cover"]
    assert cover["B5"].value == "2025/26" and cover["B6"].value == "Q1"
    assert cover["B8"].value.date() == datetime.date(2025, 6, 30)


def test_a_layout_taken_from_another_pack_must_name_one_with_its_own(tmp_path: Path):
    data = yaml.safe_load((PACK_DIR / "bcf-2016-17.yaml").read_text(encoding="utf-8"))
    data["templates"][0]["layout"] = {"same_as": "bcf-2099-00/part1-pdf"}
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(PackError) as error:
        pack_read(path)
    assert "templates[0].layout.same_as names “bcf-2099-00/part1-pdf”" in str(error.value)
