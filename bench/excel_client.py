"""The Excel button's client, without Excel: what xlwings' JavaScript client sends for a workbook, and a
real xlwings Book on xlwings' remote engine built from it. The engine records the calls the button makes
(values, colours, notes, sheets, alerts), so the tests and bench/presentations.py check what the button
writes, through xlwings' own machinery."""
from __future__ import annotations

import os
from pathlib import Path

import openpyxl

# xlwings' own noncommercial key (tests, benches): xlwings registers its remote engine when it is imported
# with a key set, so before the import
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
import xlwings  # noqa: E402


def xlwings_payload(path, client="Microsoft Office Scripts"):
    """What xlwings' JavaScript client sends for a workbook (see xlwings/js/xlwings.ts):
    the values of every sheet from A1, dates as ISO strings, empty cells as ""."""
    import datetime as dt

    wb = openpyxl.load_workbook(path, data_only=True)
    sheets = []
    for ws in wb.worksheets:
        values = []
        for row in ws.iter_rows(min_row=1, min_col=1, max_row=max(ws.max_row, 1), max_col=max(ws.max_column, 1)):
            line = []
            for cell in row:
                value = cell.value
                if isinstance(value, dt.datetime):
                    value = value.strftime("%Y-%m-%dT%H:%M:%S.000Z")
                line.append("" if value is None else value)
            values.append(line)
        sheet = {"name": ws.title, "values": values, "pictures": [], "tables": []}
        if client == "Office.js":
            sheet["notes"] = []
        sheets.append(sheet)
    # the sheet in front of the officer: the saved active tab (never a hidden one, as in Excel)
    shown = [i for i, ws in enumerate(wb.worksheets) if ws.sheet_state == "visible"] or [0]
    active = wb.index(wb.active) if wb.active is not None and wb.active.sheet_state == "visible" else shown[0]
    return {
        "client": client,
        "version": xlwings.__version__,
        "book": {"name": Path(path).name, "active_sheet_index": active, "selection": "A1"},
        "names": [],
        "sheets": sheets,
    }


def remote_book(path, client="Microsoft Office Scripts", by_path=False):
    """A real xlwings Book on xlwings' remote engine (no Excel needed). ``by_path``: named by its full
    path, as desktop Excel names a saved book, so the live reader finds its saved file."""
    payload = xlwings_payload(path, client)
    if by_path:
        payload["book"]["name"] = str(path)
    return xlwings.Book(json=payload)
