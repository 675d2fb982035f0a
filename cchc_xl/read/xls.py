"""File adapter for old Excel 97–2003 workbooks (.xls, BIFF) → WorkbookGrid, through xlrd.

Communes that still type in TCVN3 (.VnTime fonts) often still save in the old format too. A
reviewer's batch or an officer's check reads them as they are; only recalc, which writes into the
file, asks for the workbook to be saved as .xlsx first. xlrd (pure Python, read-only, .xls only)
gives what python-calamine does not for this format: the cells holding an error value ("#REF!",
which calamine turns into blanks), and the fonts, which say whether the text is TCVN3 or VNI.
Formulas themselves are not read: a .xls keeps the value Excel last computed for each.
"""
from __future__ import annotations

import datetime as dt
import io
import os
from itertools import islice

from ..errors import UnreadableWorkbook
from .files import FINDINGS_SHEET
from .formats import noted, shown_as
from .grid import SheetGrid, WorkbookGrid
from .links import LINKS_KEPT
from .legacy import font_name_hint

DAMAGED = "tệp Excel cũ (.xls) bị hỏng, không đọc được; hãy mở bằng Excel và lưu lại dạng .xlsx"
MAX_XLS_BYTES = 64 * 1024 * 1024  # a commune's workbook: 50 KB – 2 MB; xlrd holds the whole file
_A_DAY = dt.date(2023, 6, 1)  # (a date to ask read.formats whether a format shows a month without its day)


def read_xls_grid(path: str) -> WorkbookGrid:
    """Every sheet of a .xls file as a grid; raises UnreadableWorkbook with a Vietnamese reason."""
    import xlrd
    from xlrd.biffh import (XL_CELL_BOOLEAN, XL_CELL_DATE, XL_CELL_EMPTY, XL_CELL_ERROR, XL_CELL_NUMBER, XL_CELL_TEXT,
                            error_text_from_code)

    try:
        size = os.path.getsize(path)
    except OSError:
        raise UnreadableWorkbook("không mở được tệp") from None
    if size > MAX_XLS_BYTES:
        raise UnreadableWorkbook(f"tệp .xls quá lớn ({size // (1024 * 1024)} MB) để là sổ tự đánh giá; hãy mở bằng "
                                 "Excel và lưu lại dạng .xlsx")
    try:
        # ragged rows: each row as long as its content (a stray cell at IV65536 costs one row, not a
        # 256-column rectangle); xlrd's warnings go nowhere (it prints to stdout by default)
        book = xlrd.open_workbook(path, formatting_info=True, on_demand=True, ragged_rows=True,
                                  logfile=io.StringIO())
    except MemoryError:
        raise UnreadableWorkbook("tệp quá lớn để đọc") from None
    except Exception as exc:  # xlrd's own errors on damaged or unusual files
        text = str(exc).lower()
        if "encrypt" in text or "password" in text:
            raise UnreadableWorkbook("tệp được đặt mật khẩu: hãy gỡ mật khẩu trong Excel rồi gửi lại") from None
        raise UnreadableWorkbook(DAMAGED) from None
    try:
        fonts = [font.name for font in book.font_list]
        hint = font_name_hint(fonts)
        legacy: dict[str, dict[tuple[int, int], str]] = {}  # (only when the fonts name an old encoding)
        # the number formats that show a number otherwise than its value ("0%": read.formats), by cell
        # format; the cells holding a number in one are noted as they are read (the book is closed after)
        special = _special_formats(book)
        formats: dict[str, dict[tuple[int, int], str]] = {}
        sheets = []
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            if sheet.name == FINDINGS_SHEET:
                continue
            rows: list[list] = []
            errors: dict[tuple[int, int], str] = {}
            for r in range(sheet.nrows):
                types, values = sheet.row_types(r), sheet.row_values(r)
                line = list(values)
                for c, kind in enumerate(types):
                    if kind == XL_CELL_EMPTY:
                        continue
                    if kind == XL_CELL_DATE:
                        line[c] = _date_value(values[c], book.datemode)
                    elif kind == XL_CELL_BOOLEAN:
                        line[c] = bool(values[c])
                    elif kind == XL_CELL_ERROR:
                        errors[(r, c)] = error_text_from_code.get(values[c], "#ERROR")
                        line[c] = None
                rows.append(line)
                if special:
                    for c, kind in enumerate(types):
                        if kind in (XL_CELL_NUMBER, XL_CELL_DATE):
                            code = special.get(sheet.cell_xf_index(r, c))
                            if code:
                                formats.setdefault(sheet.name, {})[(r, c)] = code
                if hint:  # which texts are in an old font (a Unicode letterhead over an old table)
                    cells = legacy.setdefault(sheet.name, {})
                    for c, kind in enumerate(types):
                        if kind == XL_CELL_TEXT:
                            found = _font_encoding(book, sheet.cell_xf_index(r, c))
                            if found:
                                cells[(r, c)] = found
            # xlrd's merges are half-open (rlo, rhi, clo, chi); the grids' are inclusive (r0, c0, r1, c1)
            merged = [(rlo, clo, rhi - 1, chi - 1) for rlo, rhi, clo, chi in sheet.merged_cells
                      if rhi > rlo and chi > clo]
            hidden_rows = frozenset(r for r, info in sheet.rowinfo_map.items() if info.hidden)  # (formatting_info)
            hidden_columns = frozenset(c for c, info in sheet.colinfo_map.items() if info.hidden)
            # (a link to a place in the workbook has no address to give)
            links = {cell: link.url_or_path.rstrip("\x00") for cell, link in
                     islice(sheet.hyperlink_map.items(), LINKS_KEPT)
                     if link.type in ("url", "unc", "local file") and link.url_or_path}
            sheets.append(SheetGrid(sheet.name, rows, merged, errors=errors, hidden=sheet.visibility != 0,
                                    hidden_rows=hidden_rows, hidden_columns=hidden_columns, links=links))
            book.unload_sheet(index)
    except MemoryError:
        raise UnreadableWorkbook("tệp quá lớn để đọc") from None
    except Exception:
        raise UnreadableWorkbook(DAMAGED) from None
    finally:
        book.release_resources()
    return WorkbookGrid(path, sheets, hint, kind="xls", legacy_cells=(lambda wanted=None: legacy) if hint else None,
                        number_formats=noted(formats))


def _special_formats(book) -> dict[int, str]:
    """Cell format index → its number format code, for the formats read.formats shows otherwise than
    the value (percent, thousands, a month without its day)."""
    special = {}
    for index, xf in enumerate(book.xf_list):
        fmt = book.format_map.get(xf.format_key)
        code = fmt.format_str if fmt is not None else ""
        if code and (shown_as(1.5, code) is not None or shown_as(_A_DAY, code) is not None):
            special[index] = code
    return special


def _font_encoding(book, xf_index: int) -> str | None:
    """"tcvn3"/"vni" when the cell format ``xf_index`` uses a font of that encoding."""
    try:
        return font_name_hint([book.font_list[book.xf_list[xf_index].font_index].name])
    except (IndexError, AttributeError):
        return None


def _date_value(serial: float, datemode: int):
    """A date-formatted cell as python-calamine gives it from an .xlsx, so both formats read and
    word alike: a time of day below 1, a date when whole, else a datetime; the number itself when
    it is no date (negative, past year 9999)."""
    import xlrd

    try:
        moment = xlrd.xldate_as_datetime(serial, datemode)
    except (ValueError, OverflowError, xlrd.xldate.XLDateError):
        return serial
    if 0 <= serial < 1:
        return moment.time()
    return moment.date() if serial == int(serial) else moment
