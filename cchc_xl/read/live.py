"""xlwings adapter: an open Excel book (or xlwings' remote book) → WorkbookGrid.

One range read per sheet (plus one formula read where the engine offers it),
never a per-cell loop: every Excel call is a round trip.
"""
from __future__ import annotations

from .files import FINDINGS_SHEET
from .grid import SheetGrid, WorkbookGrid

SKIP_SHEETS = {FINDINGS_SHEET, "xlwings.conf"}


def _matrix(value) -> list[list]:
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        return [[value]]
    if value and not isinstance(value[0], (list, tuple)):
        return [list(value)]
    return [list(row) for row in value]


def read_sheet(sheet) -> SheetGrid:
    used = sheet.used_range
    values = _matrix(used.options(ndim=2).value)
    top, left = used.row - 1, used.column - 1
    rows = [[] for _ in range(top)] + [[None] * left + row for row in values]
    formulas: set[tuple[int, int]] = set()
    try:
        raw = _matrix(used.formula)  # Windows/Mac Excel: one call
    except (NotImplementedError, AttributeError):
        raw = []  # the remote engine does not send formulas
    for r, line in enumerate(raw):
        for c, text in enumerate(line):
            if isinstance(text, str) and text.startswith("="):
                formulas.add((top + r, left + c))
    # Live Excel has already calculated every formula, so none lacks a value.
    return SheetGrid(sheet.name, rows, merged=[], formula_no_value=set(), formulas=formulas)


def read_book(book) -> WorkbookGrid:
    sheets = [read_sheet(sheet) for sheet in book.sheets if sheet.name not in SKIP_SHEETS]
    return WorkbookGrid(book.name, sheets)


def formulas_of(sheet, first_row: int, last_row: int, col: int):
    """Formulas of one column as Excel shows them, or None when the engine cannot say."""
    rng = sheet.range((first_row + 1, col + 1), (last_row + 1, col + 1))
    try:
        return [row[0] for row in _matrix(rng.formula)]
    except (NotImplementedError, AttributeError):
        return None
