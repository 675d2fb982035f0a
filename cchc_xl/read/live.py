"""xlwings adapter: an open Excel book (or xlwings' remote book) → WorkbookGrid.

One range read per sheet (plus one formula read where the engine offers it),
never a per-cell loop: every Excel call is a round trip. What the engines do not
give in one call (merged cells: Excel tells them cell by cell; hidden sheets on
some engines) is taken from the book's file as last saved (saved_layout).
"""
from __future__ import annotations

import datetime as dt
import os

from ..errors import UnreadableWorkbook
from .files import FINDINGS_SHEET
from .grid import SheetGrid, WorkbookGrid
from .links import formula_target

SKIP_SHEETS = {FINDINGS_SHEET, "xlwings.conf"}


def _matrix(value) -> list[list]:
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        return [[value]]
    if value and not isinstance(value[0], (list, tuple)):
        return [list(value)]
    return [list(row) for row in value]


# COM hands an error cell over as Excel's HRESULT: CVErr codes 2000–2050, of which xlwings names seven
# and leaves the newer ones (#SPILL!, #CALC!…) numbers; without these a #SPILL! score read as -2146826243
_CVERR_BASE = -2146828288
_CVERR_NAMES = {2000: "#NULL!", 2007: "#DIV/0!", 2015: "#VALUE!", 2023: "#REF!", 2029: "#NAME?", 2036: "#NUM!",
                2042: "#N/A", 2043: "#GETTING_DATA", 2045: "#SPILL!", 2046: "#CONNECT!", 2047: "#BLOCKED!",
                2048: "#UNKNOWN!", 2049: "#FIELD!", 2050: "#CALC!"}
# Excel's error values as texts, as xlwings gives them with err_to_str (a blank without it: a score cell
# showing #REF! was "chưa chấm điểm" at the button, a "cell-error" in the file read)
EXCEL_ERRORS = frozenset(_CVERR_NAMES.values()) | {"#BUSY!", "#PYTHON!", "#DATA!"}


def error_text(value) -> str | None:
    """The error a live cell's value stands for, or None for a value."""
    if value.__class__ is str:
        return value if value in EXCEL_ERRORS else None
    if value.__class__ is int and _CVERR_BASE + 2000 <= value <= _CVERR_BASE + 2050:
        return _CVERR_NAMES.get(value - _CVERR_BASE, "#ERROR")
    return None


# where Excel's serial 0 falls, on which a time of day alone comes: COM counts from 1899-12-30, xlwings'
# file engine from 1899-12-31 (Excel's 1900 leap-year bug)
_EXCEL_DAY_ZERO = (dt.date(1899, 12, 30), dt.date(1899, 12, 31))


def file_like_date(moment: dt.datetime):
    """A date cell as the file readers give it (python-calamine): a date when whole, a time of day
    alone as a time, else the datetime. Excel hands every one over as a datetime; a date in an STT
    cell was then said as "2023-05-01 00:00:00" at the button, "2023-05-01" in the file read."""
    if moment.date() in _EXCEL_DAY_ZERO:
        return moment.time()
    if moment.hour == moment.minute == moment.second == moment.microsecond == 0:
        return moment.date()
    return moment


def read_sheet(sheet) -> tuple[SheetGrid, bool]:
    """The sheet's grid, and whether Excel gave its formulas (the remote engine sends none)."""
    used = sheet.used_range
    values = _matrix(used.options(ndim=2, err_to_str=True).value)
    top, left = used.row - 1, used.column - 1
    errors: dict[tuple[int, int], str] = {}
    for r, line in enumerate(values):
        for c, value in enumerate(line):
            if value.__class__ is str or value.__class__ is int:
                error = error_text(value)
                if error is not None:  # a blank with its error said apart, as the file readers give it
                    errors[(top + r, left + c)] = error
                    line[c] = None
            elif value.__class__ is dt.datetime:
                line[c] = file_like_date(value)
    rows = [[] for _ in range(top)] + [[None] * left + row for row in values]
    formulas: set[tuple[int, int]] = set()
    try:
        raw = _matrix(used.formula)  # Windows/Mac Excel: one call
    except (NotImplementedError, AttributeError):
        raw = None  # the remote engine does not send formulas
    links = {}
    for r, line in enumerate(raw or ()):
        for c, text in enumerate(line):
            if isinstance(text, str) and text.startswith("="):
                formulas.add((top + r, left + c))
                if "HYPERLINK(" in text.upper() and (target := formula_target(text)):  # =HYPERLINK("https://…")
                    links[(top + r, left + c)] = target
    # Live Excel has already calculated every formula, so none lacks a value.
    return SheetGrid(sheet.name, rows, merged=[], formula_no_value=set(), formulas=formulas, errors=errors,
                     links=links), raw is not None


def read_book(book) -> WorkbookGrid:
    from .package import NOT_A_COMMUNE, SUMMARY_SHEETS

    names = [sheet.name for sheet in book.sheets]
    if all(name in names for name in SUMMARY_SHEETS):  # bulk's summary, open in Excel: no commune's table
        raise UnreadableWorkbook(NOT_A_COMMUNE)
    saved = saved_layout(book)
    on_disk = {s.name: s for s in saved.sheets} if saved else {}
    active = _active_sheet(book)
    sheets = []
    for sheet in book.sheets:
        if sheet.name in SKIP_SHEETS:
            continue
        grid, formulas_known = read_sheet(sheet)
        if grid.name in on_disk:
            # an explanation merged over several criteria belongs to each of them, as in the file
            # read (without the merges the button warned "chưa giải trình" for all but the first)
            grid.merged = still_merged(on_disk[grid.name].merged, grid.rows)
            # (rows hidden as the saved file has them: asking Excel row by row would be a call a row)
            grid.hidden_rows = on_disk[grid.name].hidden_rows
            grid.hidden_columns = on_disk[grid.name].hidden_columns
            # (the links, Excel's one call a cell spared: those whose cell still holds what was saved)
            grid.links = {**unchanged(on_disk[grid.name].links, grid, on_disk[grid.name]), **grid.links}
            if not formulas_known:  # (=HYPERLINK(…) in the saved file, in cells that still hold what was saved)
                grid.links = {**_saved_formula_links(saved, on_disk[grid.name], grid), **grid.links}
        grid.hidden = _hidden(sheet, on_disk.get(grid.name), grid.name == active)
        grid.protected = _protected(sheet, on_disk.get(grid.name))
        sheets.append(grid)
    # (the fonts, .VnTime for TCVN3, as the saved file has them, cell by cell when asked)
    return WorkbookGrid(book.name, sheets, saved.encoding_hint if saved else None, active=active,
                        legacy_cells=saved.legacy_cells if saved else None,
                        number_formats=_number_formats(book, saved), structure_locked=_structure_locked(book, saved))


def unchanged(cells: dict, live: SheetGrid, saved: SheetGrid) -> dict:
    """Of a saved file's facts about cells, those whose cell still holds what was saved."""
    return {cell: fact for cell, fact in cells.items()
            if live.value(*cell) is not None and live.value(*cell) == saved.value(*cell)}


def _saved_formula_links(saved: WorkbookGrid, on_disk: SheetGrid, live: SheetGrid) -> dict:
    """The saved file's HYPERLINK formulas' addresses, for an engine that sends no formulas: the cells
    whose value is as saved (a few hundred formulas at most are looked up, each where it stands)."""
    cells = list(unchanged(dict.fromkeys(on_disk.formulas), live, on_disk))
    if saved.formula_texts is None or not cells or len(cells) > 500:
        return {}
    try:
        texts = saved.formula_texts({on_disk.name: cells}).get(on_disk.name, {})
    except Exception:  # (a link is never a reason to stop the button)
        return {}
    return {cell: target for cell, text in texts.items()
            if "HYPERLINK(" in text.upper() and (target := formula_target(text))}


def _number_formats(book, saved):
    """WorkbookGrid.number_formats of a live book: desktop Excel says each cell's format (one call a
    cell, so for a few cells only: the numbers typed in the explanation column); other engines, and
    more cells, take the saved file's, where the book has one."""
    from .package import LOOKED_UP

    def number_formats(wanted):
        found = {}
        for name, cells in wanted.items():
            try:
                if len(cells) > LOOKED_UP:
                    raise NotImplementedError
                sheet = book.sheets[name]
                found[name] = {cell: str(sheet.range((cell[0] + 1, cell[1] + 1)).number_format or "") for cell in cells}
            except Exception:  # the remote and file engines cannot say (never a reason to stop the button)
                if saved is not None and saved.number_formats is not None:
                    found.update(saved.number_formats({name: cells}))
        return found
    return number_formats


def _active_sheet(book) -> str | None:
    try:
        return book.sheets.active.name
    except Exception:  # an engine that cannot say (never a reason to stop the button)
        return None


def saved_layout(book) -> WorkbookGrid | None:
    """The book's file as last saved, read by the file reader, or None: a book never saved, one
    not on this computer's disk (OneDrive/SharePoint give a web address; the remote engine only a
    name), or a file the reader refuses. The live values are still read; only the layout is lost."""
    try:
        path = book.fullname
    except Exception:  # an engine that cannot say
        return None
    # (a bare name is no path: a file of that name in the current folder is another file)
    if not isinstance(path, str) or not os.path.isabs(path) or not os.path.isfile(path):
        return None
    from .files import read_grid

    try:
        return read_grid(path)
    except (UnreadableWorkbook, OSError):
        return None


def still_merged(merged, rows) -> list[tuple[int, int, int, int]]:
    """The saved file's merges that still hold in the live values: every cell of a merge but its
    first is blank (Excel keeps them so). A merge undone and typed over since the last save is
    dropped rather than spreading its first cell's text over the new ones."""
    return [(r0, c0, r1, c1) for r0, c0, r1, c1 in merged
            if not any(rows[r][c] not in (None, "")  # (cells past the live grid are blank)
                       for r in range(r0, min(r1 + 1, len(rows)))
                       for c in range(c0, min(c1 + 1, len(rows[r]))) if (r, c) != (r0, c0))]


def _hidden(sheet, on_disk: SheetGrid | None, in_front: bool) -> bool | None:
    """A hidden sheet (last period's copy kept out of sight) is not the table to check, as in the
    file read. Excel says it (COM's Visible: -1 shown, 0 hidden, 2 very hidden; other engines a
    bool); an engine that cannot, the saved file; without one, the sheet in front of the officer is
    shown and another is None: unknown (the button then works on it only once it is opened)."""
    try:
        visible = sheet.visible
    except (NotImplementedError, AttributeError, KeyError):
        if on_disk is not None:
            return on_disk.hidden
        return False if in_front else None
    return visible is not True and visible != -1


def _protected(sheet, on_disk: SheetGrid | None) -> bool:
    """The sheet is protected: desktop Excel says it now (COM's ProtectContents); another engine, the
    saved file; without one, not known (taken as not: Excel then refuses the first write, and the button
    says so before anything is changed)."""
    now = _excel_says(lambda: sheet.api.ProtectContents)
    return now if now is not None else bool(on_disk is not None and on_disk.protected)


def _structure_locked(book, saved: WorkbookGrid | None) -> bool:
    """No sheet can be added (Review → Protect Workbook): desktop Excel says it now (COM's
    ProtectStructure); another engine, the saved file; without one, taken as not."""
    now = _excel_says(lambda: book.api.ProtectStructure)
    return now if now is not None else bool(saved is not None and saved.structure_locked)


def _excel_says(ask) -> bool | None:
    """Desktop Excel's answer (a COM property), or None from an engine that has no such answer (the
    remote engine's api is its JSON; the file engine has none)."""
    try:
        answer = ask()
    except Exception:
        return None
    return answer if isinstance(answer, bool) else None


def values_of(sheet, first_row: int, last_row: int, col: int) -> list:
    """Values of one column as Excel holds them (an error as its text, so it is written back as it was)."""
    rng = sheet.range((first_row + 1, col + 1), (last_row + 1, col + 1))
    return [row[0] if row else None for row in _matrix(rng.options(ndim=2, err_to_str=True).value)]


def formulas_of(sheet, first_row: int, last_row: int, col: int):
    """Formulas of one column as Excel shows them, or None when the engine cannot say."""
    rng = sheet.range((first_row + 1, col + 1), (last_row + 1, col + 1))
    try:
        return [row[0] for row in _matrix(rng.formula)]
    except (NotImplementedError, AttributeError):
        return None
