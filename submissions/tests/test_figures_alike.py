"""Each kind of figure reads alike on the page, in the PDF and in the workbook of a return
(plans/presentation.py): the page and the PDF write the same text, the workbook holds the
same number with the number format that shows it so."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from plans import presentation, workbooks
from submissions.documents.returns import return_pdf, return_workbook
from submissions.tests.test_documents_returns import prepared  # noqa: F401 (a fixture)
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


def test_money_metric_values_targets_and_dates_read_alike_everywhere(  # noqa: PLR0914
    prepared,  # noqa: F811
    client_for,
    officer,
):
    data = prepared.snapshot
    page = " ".join(
        client_for(officer)
        .get(reverse("submissions:return_detail", args=[prepared.pk]))
        .content.decode()
        .split()
    )
    pdf = " ".join(pdf_text(return_pdf(prepared)).split())
    workbook = load_workbook(io.BytesIO(return_workbook(prepared)))

    pooled = data["finance"]["pooled_budget"]["agreed_total"]
    money = presentation.money_text(pooled)
    assert money in page and money in pdf
    cell = workbook["Budget arrangements"].cell(row=3, column=2)
    assert cell.value == float(presentation.money_number(pooled))
    assert cell.number_format == workbooks.MONEY_FORMAT

    as_of = presentation.date_text(data["period"]["as_of"])
    assert as_of in page and as_of in pdf
    cover = {row[0].value: row[1] for row in workbook["Cover"].iter_rows()}
    assert cover["Figures as at"].number_format == workbooks.DATE_FORMAT
    assert presentation.as_date(data["period"]["as_of"]) == cover["Figures as at"].value.date()

    sheet = {row[0].value: row for row in workbook["Metrics"].iter_rows(min_row=4)}
    checked = 0
    for metric in data["metrics"]:
        quarter = metric["quarter"]
        if not quarter:
            continue
        unit, direction = metric["unit"], metric["direction"]
        value = presentation.metric_text(quarter["value"], unit)
        target = presentation.target_text(quarter["target"], unit, direction)
        assert value in page and value in pdf
        assert target in page and target in pdf
        cell = sheet[metric["name"]][2]
        assert cell.value == float(presentation.metric_number(quarter["value"], unit))
        assert cell.number_format == presentation.EXCEL_FORMATS[presentation.kind_of(unit)]
        checked += 1
    assert checked
