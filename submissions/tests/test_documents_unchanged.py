"""The documents the template engine renders from the framework packs' specifications are
the ones the product wrote before: the 2014 plan's Part 1 PDF (its text, page by page),
its Part 2 workbook and the 2016/17 Q4 quarterly workbook (every cell's value, number
format, fill and lock, the drop-downs, frozen panes and print settings), on the sample
data. The expectations in submissions/tests/expected/ were written from the code that
rendered these documents before they were declared as data; `REWRITE_EXPECTED=1` writes
them again (only when a change to a document is meant)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.db import transaction

from fixtures.loader import load_sample_data
from plans.models import Plan
from submissions.documents.part1 import part1_pdf
from submissions.documents.part2 import part2_workbook
from submissions.documents.returns import return_workbook
from submissions.models import QuarterlyReturn
from tests.document_dump import pdf_dump, workbook_dump

pytestmark = pytest.mark.django_db

EXPECTED = Path(__file__).resolve().parent / "expected"


@pytest.fixture(scope="module")
def documents(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        load_sample_data(with_users=False)
        plan = Plan.objects.get(area__code="E10000018", first_year=2014, version_kind="final")
        ret = QuarterlyReturn.objects.exclude(snapshot={}).order_by("pk").first()
        yield {
            "part1-pdf": pdf_dump(part1_pdf(plan)),
            "part2-xlsx": workbook_dump(part2_workbook(plan)),
            "quarterly-return-xlsx": workbook_dump(return_workbook(ret)),
        }
        transaction.set_rollback(True)


def _compare(name: str, got) -> None:
    path = EXPECTED / f"{name}.json"
    if os.environ.get("REWRITE_EXPECTED"):
        path.write_text(json.dumps(got, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert json.loads(json.dumps(got)) == expected


@pytest.mark.parametrize("kind", ["part1-pdf", "part2-xlsx", "quarterly-return-xlsx"])
def test_the_document_is_what_it_was(documents, kind):
    _compare(kind, documents[kind])
