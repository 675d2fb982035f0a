"""File adapters: .xlsx/.xlsm → WorkbookGrid → Assessment.

python-calamine (Rust) is the default: it reads these workbooks about ten
times faster than openpyxl, which matters when a reviewer checks hundreds.
openpyxl is the fallback and the reference (tests check both agree).
"""
from __future__ import annotations

import os

from ..errors import UnreadableWorkbook
from ..model import Assessment
from .grid import SheetGrid, WorkbookGrid
from .package import open_package, read_sheet_part, scan_formulas
from .table import parse_workbook

FINDINGS_SHEET = "Kết quả kiểm tra"


def read_workbook(path, engine: str = "auto") -> Assessment:
    """Read one workbook into the model; raises UnreadableWorkbook with a Vietnamese reason."""
    path = os.fspath(path)
    grid = read_grid(path, engine)
    assessment = parse_workbook(grid)
    assessment.source = path
    return assessment


def read_grid(path: str, engine: str = "auto") -> WorkbookGrid:
    archive, info = open_package(path)
    try:
        formula_maps = {}
        for name, part in info.sheets:
            if name == FINDINGS_SHEET or part not in info.members:
                continue
            formula_maps[name] = scan_formulas(read_sheet_part(archive, part))
    except UnreadableWorkbook:
        raise
    except Exception:
        raise UnreadableWorkbook("tệp bị hỏng hoặc chưa tải về hết (không đọc được nội dung)") from None
    finally:
        archive.close()
    if engine == "auto":
        engine = "calamine" if _has_calamine() else "openpyxl"
    reader = _read_calamine if engine == "calamine" else _read_openpyxl
    try:
        sheets = reader(path, formula_maps)
    except UnreadableWorkbook:
        raise
    except MemoryError:
        raise UnreadableWorkbook("tệp quá lớn để đọc") from None
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # the libraries' own errors, incl. a Rust panic (a BaseException): say it simply
        raise UnreadableWorkbook(f"tệp bị hỏng, không đọc được ({type(exc).__name__})") from None
    return WorkbookGrid(path, sheets)


def _has_calamine() -> bool:
    from importlib.util import find_spec

    return find_spec("python_calamine") is not None


def _read_calamine(path: str, formula_maps) -> list[SheetGrid]:
    from python_calamine import CalamineWorkbook

    sheets = []
    book = CalamineWorkbook.from_path(path)  # faster than from_filelike (reads in Rust)
    try:
        for name in book.sheet_names:
            if name not in formula_maps:
                continue
            sheet = book.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
            merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])]
            formulas, no_value = formula_maps[name]
            sheets.append(SheetGrid(name, rows, merged, no_value, formulas))
    finally:
        book.close()
    return sheets


def _read_openpyxl(path: str, formula_maps) -> list[SheetGrid]:
    import openpyxl

    book = openpyxl.load_workbook(path, data_only=True)
    sheets = []
    try:
        for ws in book.worksheets:
            if ws.title not in formula_maps:
                continue
            rows = [list(r) for r in ws.iter_rows(min_row=1, min_col=1, values_only=True)]
            merged = [(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1) for m in ws.merged_cells.ranges]
            formulas, no_value = formula_maps[ws.title]
            sheets.append(SheetGrid(ws.title, rows, merged, no_value, formulas))
    finally:
        book.close()
    return sheets
