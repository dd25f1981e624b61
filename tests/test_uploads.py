"""Imports under hostile or oversized files (issue 19, point 1).

Every import (schemes, Part 2, risks, metric actuals, quarterly spend) reads through
`plans.spreadsheets`: a small workbook that declares a whole sheet (A1:XFD1048576) is read
in a fraction of a second and a few megabytes, whatever it declares; rows, columns and the
unpacked size are capped and the person is told which limit and where; a flood of bad rows
lists the first problems and says how many more.
"""

from __future__ import annotations

import io
import time
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from metrics.models import Actual
from plans.spreadsheets import (
    MAX_COLUMNS,
    MAX_ROWS,
    PROBLEMS_LISTED,
    SpreadsheetError,
    read_csv,
    read_xlsx,
)
from risks import services as risk_services
from risks.models import Risk
from schemes.models import Scheme, SchemeQuarterSpend
from submissions.documents.part2 import SHEET_EXPENDITURE, part2_workbook
from tests.imports import confirm
from tests.spreadsheet_files import WHOLE_SHEET, declare_dimension, xlsx_bytes, xlsx_unpacking_to

# Reading a small file takes a few hundredths of a second and well under a megabyte; the
# bounds are wide so that only reading what the file declares (seconds, gigabytes) fails.
CPU_SECONDS = 2.0
PEAK_BYTES = 20 * 1024 * 1024


def _import_url(kind: str, plan) -> str:
    if kind == "spend":
        return reverse("schemes:spend_import", kwargs={"pk": plan.pk, "year": 2015, "quarter": 2})
    names = {
        "schemes": "schemes:scheme_import",
        "actuals": "metrics:actual_import",
        "risks": "risks:risk_import",
        "part2": "submissions:workbook_import",
    }
    return reverse(names[kind], kwargs={"pk": plan.pk})


def _whole_sheet_workbook(kind: str, plan) -> bytes:
    """A workbook of its kind whose import sheet declares A1:XFD1048576 and holds one cell
    in its last row and column."""
    if kind == "part2":
        workbook = load_workbook(io.BytesIO(part2_workbook(plan)))
        assert workbook.sheetnames[3] == SHEET_EXPENDITURE
        workbook[SHEET_EXPENDITURE]["XFD1048576"] = "far away"
        buffer = io.BytesIO()
        workbook.save(buffer)
        return declare_dimension(buffer.getvalue(), WHOLE_SHEET, sheet_number=4)
    return xlsx_bytes([["Scheme", "Theme"]], dimension=WHOLE_SHEET, cells={"XFD1048576": "x"})


def _counts():
    return (
        Scheme.objects.count(),
        Actual.objects.count(),
        Risk.objects.count(),
        SchemeQuarterSpend.objects.count(),
    )


def _post_measured(client, url: str, name: str, content: bytes):
    """The response to uploading `content`, the CPU seconds it took and the peak of memory
    allocated meanwhile. The page is shown once first: its first rendering is not measured."""
    client.get(url)
    tracemalloc.start()
    started = time.process_time()
    try:
        response = client.post(url, {"file": SimpleUploadedFile(name, content)})
    finally:
        seconds = time.process_time() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return response, seconds, peak


@pytest.mark.parametrize("kind", ["schemes", "actuals", "risks", "spend", "part2"])
def test_a_workbook_declaring_a_whole_sheet_is_refused_quickly_in_little_memory(
    client_for, finance, plan, kind
):
    risk_services.register_create(plan=plan, categories=["Delivery"])
    content = _whole_sheet_workbook(kind, plan)
    assert len(content) < 20_000
    before = _counts()
    response, seconds, peak = _post_measured(
        client_for(finance), _import_url(kind, plan), f"{kind}.xlsx", content
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Cell XFD1048576 holds something beyond column CV" in page
    assert f"at most {MAX_COLUMNS} columns" in page
    assert _counts() == before
    assert seconds < CPU_SECONDS
    assert peak < PEAK_BYTES


def test_what_a_sheet_declares_is_ignored_and_its_real_rows_are_imported(client_for, officer, plan):
    theme = plan.themes.first().name
    content = xlsx_bytes(
        [["Scheme", "Theme", "New or existing"], ["Falls service", theme, "New"]],
        dimension=WHOLE_SHEET,
    )
    response, seconds, peak = _post_measured(
        client_for(officer), _import_url("schemes", plan), "s.xlsx", content
    )
    assert [row.label for row in response.context["preview"].added] == ["Scheme “Falls service”"]
    assert confirm(client_for(officer), _import_url("schemes", plan), response).status_code == 302
    assert plan.schemes.filter(name="Falls service").exists()
    assert seconds < CPU_SECONDS
    assert peak < PEAK_BYTES


def test_a_part2_workbook_declaring_a_whole_sheet_still_imports(client_for, finance, plan):
    content = declare_dimension(part2_workbook(plan), WHOLE_SHEET, sheet_number=4)
    response, seconds, peak = _post_measured(
        client_for(finance), _import_url("part2", plan), "p.xlsx", content
    )
    assert response.context["preview"].nothing_to_do, response.context.get("cell_errors")
    assert seconds < CPU_SECONDS
    assert peak < PEAK_BYTES


def test_the_row_limit_names_the_first_cell_below_it():
    rows = [["Scheme"]] + [[f"Scheme {n}"] for n in range(MAX_ROWS + 5)]
    with pytest.raises(SpreadsheetError, match=rf"Cell A{MAX_ROWS + 2} holds something below row"):
        read_xlsx(xlsx_bytes(rows))
    text = "Scheme\n" + "".join(f"Scheme {n}\n" for n in range(MAX_ROWS)) + "\n" * 1000 + ",x\n"
    with pytest.raises(SpreadsheetError, match=rf"Cell B{MAX_ROWS + 1002} holds something below"):
        read_csv(text.encode())


def test_blank_rows_and_cells_beyond_the_limits_are_not_refused():
    rows = [["Scheme", "Theme"], ["A", "B"]]
    sheet = read_xlsx(xlsx_bytes(rows, cells={"XFD1048576": "  ", f"A{MAX_ROWS + 50}": None}))
    assert sheet.records == [(2, {"Scheme": "A", "Theme": "B"})]
    text = "Scheme,Theme\nA,B\n" + "\n" * (5 * MAX_ROWS) + ",,," * 200
    assert read_csv(text.encode()).records == [(2, {"Scheme": "A", "Theme": "B"})]


def test_a_csv_of_a_hundred_thousand_rows_is_refused_with_a_short_page(client_for, officer, plan):
    theme = plan.themes.first().name
    text = "Scheme,Theme,New or existing\n" + "".join(
        f"Scheme {n},{theme},Newish\n" for n in range(100_000)
    )
    response = client_for(officer).post(
        _import_url("schemes", plan), {"file": SimpleUploadedFile("s.csv", text.encode())}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert f"holds something below row {MAX_ROWS + 1:,}" in page
    assert len(response.content) < 100_000


def test_a_flood_of_problems_lists_the_first_and_says_how_many_more(client_for, officer, plan):
    theme = plan.themes.first().name
    rows = 3_050
    text = "Scheme,Theme,New or existing\n" + "".join(
        f"Scheme {n},{theme},Newish\n" for n in range(rows)
    )
    response = client_for(officer).post(
        _import_url("schemes", plan), {"file": SimpleUploadedFile("s.csv", text.encode())}
    )
    page = response.content.decode()
    assert "the spreadsheet has 3,050 problems" in page
    assert page.count("Use New, Existing, Expanding") == PROBLEMS_LISTED
    assert f"and {rows - PROBLEMS_LISTED:,} more" in page
    assert len(response.content) < 200_000
    assert not plan.schemes.filter(name__startswith="Scheme ").exists()


def test_an_xlsx_that_unpacks_beyond_the_limit_is_refused_before_it_is_parsed(
    client_for, officer, plan
):
    content = xlsx_unpacking_to(11 * 1024 * 1024)
    assert len(content) < 100_000
    response, seconds, peak = _post_measured(
        client_for(officer), _import_url("schemes", plan), "s.xlsx", content
    )
    assert "The file unpacks to 11 MB; an import reads at most 10 MB unpacked" in (
        response.content.decode()
    )
    assert seconds < CPU_SECONDS
    assert peak < PEAK_BYTES
