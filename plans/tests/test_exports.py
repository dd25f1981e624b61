"""The one rule that keeps exported cells from running as formulas (plans/exports.py)."""

import pytest

from plans.exports import FORMULA_STARTS, SEPARATORS, cell_text, safe_cell


@pytest.mark.parametrize(
    ("text", "exported"),
    [
        ("=1+1", "'=1+1"),
        ("+44 116 305 0000", "'+44 116 305 0000"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t'=1"),
        # Full-width forms, which Excel also reads as a formula's start.
        ("\uff1dHYPERLINK(1)", "'\uff1dHYPERLINK(1)"),
        ("\uff0b1", "'\uff0b1"),
        ("\uff0d1", "'\uff0d1"),
        ("\uff20SUM(A1)", "'\uff20SUM(A1)"),
        # After a separator a spreadsheet may split on, a new cell begins.
        ("Reablement;=HYPERLINK(1)", "Reablement;'=HYPERLINK(1)"),
        ("Reablement|=cmd|' /C calc'!A0", "Reablement|'=cmd|' /C calc'!A0"),
        ("a\t@b", "a\t'@b"),
        ("a;\uff1d1", "a;'\uff1d1"),
        ("=a;+b|-c", "'=a;'+b|'-c"),
        # Ordinary text is left as it is.
        ("Integrated care teams", "Integrated care teams"),
        ("Care; support", "Care; support"),
        ("a = b", "a = b"),
        ("", ""),
    ],
)
def test_safe_cell_quotes_every_formula_start_and_cell_text_reads_it_back(text, exported):
    assert safe_cell(text) == exported
    assert cell_text(exported) == text.strip()


def test_no_piece_of_a_safe_cell_starts_a_formula_however_it_is_split():
    for start in FORMULA_STARTS:
        for separator in SEPARATORS:
            text = f"{start}x{separator}{start}y{separator}z{separator}{separator}{start}"
            for piece in safe_cell(text).split(separator):
                assert not piece.startswith(FORMULA_STARTS), (text, piece)


def test_anything_but_text_is_left_as_it_is():
    assert safe_cell(-5) == -5
    assert safe_cell(None) is None
    assert cell_text(None) == ""
