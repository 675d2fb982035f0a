"""File adapters: .xlsx/.xlsm → WorkbookGrid → Assessment.

python-calamine (Rust) is the default: it reads these workbooks about ten
times faster than openpyxl, which matters when a reviewer checks hundreds.
openpyxl is the fallback and the reference (tests check both agree).
"""
from __future__ import annotations

import os
from contextlib import contextmanager

from ..errors import UnreadableWorkbook
from ..model import Assessment
from .grid import SheetGrid, WorkbookGrid
from .links import formula_texts as formula_texts_in, has_hyperlinks, relationships_of, scan_hyperlinks
from .package import (OldExcelFile, OpenDocumentFile, open_package, read_sheet_part, refuse_xml_parts, scan_errors,
                      scan_formulas, scan_hidden_columns, scan_hidden_rows, scan_sheet_protection)
from .legacy import font_hint, legacy_font_cells, style_fonts
from .sparse import needs_sparse, read_sparse, shared_strings
from .table import parse_workbook

FINDINGS_SHEET = "Kết quả kiểm tra"


@contextmanager
def named(path):
    """Reading the workbook a command was given: its name leads the reason it cannot be read ("Lỗi: tệp
    bị hỏng" said nothing of which file, beside a criteria set's, or in a script's log)."""
    try:
        yield
    except UnreadableWorkbook as exc:
        raise UnreadableWorkbook(f"{os.fspath(path)}: {exc}") from None


def read_workbook(path, engine: str = "auto", columns: dict[str, int] | None = None,
                  sheet: str | None = None, pass_over=None) -> Assessment:
    """Read one workbook into the model; raises UnreadableWorkbook with a Vietnamese reason.

    ``columns``: role → column, when the user names them (--columns); ``sheet``: which sheet
    holds the table (--sheet), when several do; ``pass_over``: see open_package.
    """
    path = os.fspath(path)
    grid = read_grid(path, engine, pass_over, only=sheet)
    assessment = parse_workbook(grid, columns=columns, sheet=sheet)
    assessment.source = path
    chosen = next((s for s in grid.sheets if s.name == assessment.sheet), None)
    if chosen is not None and chosen.stray:
        assessment.read_problems.append((
            "stray-cells", None,
            f"Trang “{chosen.name}” có ô lạc rất xa bảng ({', '.join(chosen.stray)}); các ô đó không được đọc. "
            "Hãy xóa chúng (Ctrl+End trong Excel chỉ tới ô cuối cùng)."))
    return assessment


def read_grid(path: str, engine: str = "auto", pass_over=None, only: str | None = None) -> WorkbookGrid:
    """``only``: the one sheet wanted (--sheet; each unit of a workbook that gathers several, in bulk), the
    others not read; all of them when the workbook has no sheet of that name (the parser then names them)."""
    if engine == "auto":
        engine = "calamine" if _has_calamine() else "openpyxl"
    # python-calamine refuses XML entities itself: shared strings and styles are vetted here only
    # for openpyxl, or to explain why calamine failed (a per-workbook saving in a batch)
    try:
        archive, info = open_package(path, vet_xml_parts=engine != "calamine", pass_over=pass_over)
    except OldExcelFile:  # an Excel 97–2003 file: read as it is (old TCVN3 workbooks often are)
        from .xls import read_xls_grid

        return read_xls_grid(path)
    except OpenDocumentFile:  # a LibreOffice/OpenOffice spreadsheet
        from .ods import read_ods_grid

        return read_ods_grid(path)
    try:
        formula_maps = {}
        layout = {}  # sheet → (its hidden rows, its hidden columns, whether it is protected)
        links = {}  # sheet → {cell: the address it links to}, for the sheets that have links
        sparse = {}
        # the fonts: .VnTime… or VNI-… name an old 8-bit encoding (read in the zip already open, 17 µs;
        # a workbook that mixes such text with Unicode is told by them, cell by cell)
        styles = read_sheet_part(archive, "xl/styles.xml") if "xl/styles.xml" in info.members else None
        hint = font_hint(styles)
        parts = {}  # (each sheet's XML, kept for the cell formats asked later: held, never read again)
        wanted = only if only is not None and any(name == only for name, _ in info.sheets) else None
        for name, part in info.sheets:
            if name == FINDINGS_SHEET or part not in info.members or (wanted is not None and name != wanted):
                continue
            data = parts[name] = read_sheet_part(archive, part)
            formula_maps[name] = (*scan_formulas(data), scan_errors(data), name in info.hidden)
            layout[name] = (scan_hidden_rows(data), scan_hidden_columns(data), scan_sheet_protection(data))
            if has_hyperlinks(data):
                links[name] = _links(archive, info, part, data)
            if needs_sparse(data):
                if "strings" not in sparse:
                    strings_part = "xl/sharedStrings.xml"
                    sparse["strings"] = shared_strings(
                        read_sheet_part(archive, strings_part) if strings_part in info.members else None)
                sparse[name] = read_sparse(data, sparse["strings"])
    except UnreadableWorkbook:
        raise
    except Exception:
        raise UnreadableWorkbook("tệp bị hỏng hoặc chưa tải về hết (không đọc được nội dung)") from None
    finally:
        archive.close()
    sparse.pop("strings", None)
    reader = _read_calamine if engine == "calamine" else _read_openpyxl
    dense_maps = {name: maps for name, maps in formula_maps.items() if name not in sparse}
    try:
        sheets = reader(path, dense_maps) if dense_maps else []
    except UnreadableWorkbook:
        raise
    except MemoryError:
        raise UnreadableWorkbook("tệp quá lớn để đọc") from None
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # the libraries' own errors, incl. a Rust panic (a BaseException): say it simply
        _explain_xml_parts(path)  # a DOCTYPE/ENTITY in shared strings or styles gets its own message
        raise UnreadableWorkbook(f"tệp bị hỏng, không đọc được ({type(exc).__name__})") from None
    for name, (rows, merged, stray) in sparse.items():
        formulas, no_value, errors, hidden = formula_maps[name]
        sheets.append(SheetGrid(name, rows, merged, no_value, formulas, errors, hidden, stray))
    order = [name for name, _ in info.sheets]
    sheets.sort(key=lambda s: order.index(s.name))
    for sheet in sheets:
        sheet.hidden_rows, sheet.hidden_columns, sheet.protected = layout.get(
            sheet.name, (frozenset(), frozenset(), False))
        sheet.links = links.get(sheet.name, {})
    legacy_cells = None
    if hint:
        def legacy_cells(wanted=None):  # asked only when the texts alone do not say the workbook is old
            by_style = style_fonts(styles)  # (once for all the sheets asked)
            return {name: legacy_font_cells(by_style, data, None if wanted is None else wanted.get(name, []))
                    for name, data in parts.items() if wanted is None or name in wanted}

    def number_formats(wanted):  # asked only for the numbers typed in the explanation column
        from .formats import style_formats
        from .package import cell_styles

        codes = style_formats(styles)
        return {name: {cell: codes[index] for cell, index in cell_styles(parts[name], cells).items() if index < len(codes)}
                for name, cells in wanted.items() if name in parts}

    def formula_texts(wanted):  # asked only for the explanations that are formulas (=HYPERLINK(…))
        return {name: formula_texts_in(parts[name], cells) for name, cells in wanted.items() if name in parts}
    return WorkbookGrid(path, sheets, hint, legacy_cells=legacy_cells, number_formats=number_formats,
                        structure_locked=info.structure_locked, formula_texts=formula_texts)


def _links(archive, info, part: str, data: bytes) -> dict:
    """The sheet's hyperlinks to outside addresses; none when their relationships cannot be read (a link
    is never a reason to refuse a workbook)."""
    rels = relationships_of(part)
    try:
        return scan_hyperlinks(data, read_sheet_part(archive, rels) if rels in info.members else None)
    except UnreadableWorkbook:
        raise  # (a DOCTYPE: the workbook is refused, as for any of its parts)
    except Exception:
        return {}


def _explain_xml_parts(path: str) -> None:
    try:
        archive, info = open_package(path, vet_xml_parts=False)
    except UnreadableWorkbook:
        return
    try:
        refuse_xml_parts(archive, info)
    except UnreadableWorkbook:
        raise
    except Exception:  # the generic message is said by the caller
        return
    finally:
        archive.close()


_CALAMINE: list[bool] = []


def _has_calamine() -> bool:
    if not _CALAMINE:  # asked once per process, not for every workbook of a batch
        from importlib.util import find_spec

        _CALAMINE.append(find_spec("python_calamine") is not None)
    return _CALAMINE[0]


def _read_calamine(path: str, formula_maps) -> list[SheetGrid]:
    from python_calamine import CalamineWorkbook

    sheets = []
    if path.lower().endswith((".xlsx", ".xlsm")) and _utf8(path):
        book = CalamineWorkbook.from_path(path)  # faster than from_filelike (reads in Rust)
    else:
        # a name with bytes that are not UTF-8 (Rust takes no such path), or one python-calamine's
        # from_path would go by (an .xlsx renamed .xls was read as an old .xls, and failed): by content
        with open(path, "rb") as handle:
            book = CalamineWorkbook.from_filelike(handle)
    try:
        for name in book.sheet_names:
            if name not in formula_maps:
                continue
            sheet = book.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
            merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])]
            formulas, no_value, errors, hidden = formula_maps[name]
            sheets.append(SheetGrid(name, rows, merged, no_value, formulas, errors, hidden))
    finally:
        book.close()
    return sheets


def _utf8(path: str) -> bool:
    try:
        path.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def _read_openpyxl(path: str, formula_maps) -> list[SheetGrid]:
    from ..openpyxl_without_numpy import load_openpyxl

    openpyxl = load_openpyxl()

    with open(path, "rb") as handle:  # (a file, not a name: openpyxl refuses an .xlsx named .xls by its name)
        book = openpyxl.load_workbook(handle, data_only=True)
    sheets = []
    try:
        for ws in book.worksheets:
            if ws.title not in formula_maps:
                continue
            rows = [list(r) for r in ws.iter_rows(min_row=1, min_col=1, values_only=True)]
            merged = [(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1) for m in ws.merged_cells.ranges]
            formulas, no_value, errors, hidden = formula_maps[ws.title]
            sheets.append(SheetGrid(ws.title, rows, merged, no_value, formulas, errors, hidden))
    finally:
        book.close()
    return sheets
