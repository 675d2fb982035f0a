"""What every reader adapter hands to the table parser: plain cell grids.

An adapter (calamine file, openpyxl file, xlwings live book) only fills these
structures; everything after that is shared, so all doors see the same table.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class SheetGrid:
    name: str
    rows: list[list[Any]]  # 0-based from A1; "" or None for blanks
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1 inclusive
    formula_no_value: set[tuple[int, int]] = field(default_factory=set)
    formulas: set[tuple[int, int]] = field(default_factory=set)  # cells known to hold a formula
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # cached error values: "#REF!"
    hidden: bool | None = False  # a hidden (or very hidden) sheet; None: not known (see read.live._hidden)
    stray: list[str] = field(default_factory=list)  # far cells left unread (sparse reader)
    hidden_rows: frozenset = frozenset()  # rows Excel does not show (0-based), as the file says
    hidden_columns: frozenset = frozenset()  # columns Excel does not show (0-based), as the file says
    protected: bool = False  # Review → Protect Sheet: its locked cells cannot be changed in Excel
    # cells linked to an address outside the workbook (Insert → Link: a cited document online) → it
    links: dict[tuple[int, int], str] = field(default_factory=dict)

    def value(self, row: int, col: int):
        if 0 <= row < len(self.rows):
            line = self.rows[row]
            if 0 <= col < len(line):
                value = line[col]
                return None if value == "" else value
        return None

    @property
    def height(self) -> int:
        return len(self.rows)


@dataclass
class WorkbookGrid:
    source: str
    sheets: list[SheetGrid]
    # "tcvn3" / "vni" when the workbook's fonts say so, or a function that reads them when asked
    encoding_hint: object = None
    kind: str = "xlsx"  # "xls": an old Excel 97–2003 file, read but never written
    # the sheet in front of the user (the Excel button): of several visible sheets holding a table,
    # the one checked and written into
    active: str | None = None
    # a function giving, sheet by sheet, the cells whose font names an old encoding ({(row, col): "tcvn3"}),
    # when the workbook's fonts name one, of the cells asked ({sheet: [(row, col)]}) or all; None when
    # not known (an .ods, the remote engine)
    legacy_cells: object = None
    # a function giving, sheet by sheet, the number format code of the cells asked ({sheet: [(row, col)]}
    # → {sheet: {(row, col): "0%"}}): how Excel shows the numbers typed in a text column (read.formats);
    # an .ods says its percents only, the remote engine nothing (an empty answer); None: not known
    number_formats: object = None
    # Review → Protect Workbook: no sheet can be added (our findings sheet)
    structure_locked: bool = False
    # a function giving, sheet by sheet, the formula text of the cells asked ({sheet: [(row, col)]} →
    # {sheet: {(row, col): "=HYPERLINK(…)"}}), for an explanation that is a formula; None: not known
    formula_texts: object = None
