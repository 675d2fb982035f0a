"""File adapter for LibreOffice/OpenOffice spreadsheets (.ods) → WorkbookGrid.

A commune that works in LibreOffice Calc may save in its own format. python-calamine reads the
values; it gives no merged cells for .ods and turns error values into blanks, so the sheet XML
(content.xml) is walked once here, with lxml in C, for what it leaves out: merges, cells holding
an error ("#DIV/0!"), formulas, and the extent of each sheet, checked before python-calamine
allocates it (a stray cell far away would make it allocate the whole rectangle, as it does for
.xlsx, where the sparse reader steps in).
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field

from ..errors import UnreadableWorkbook
from .files import FINDINGS_SHEET
from .formats import noted, percent_format
from .grid import SheetGrid, WorkbookGrid
from .links import LINKS_KEPT, formula_target
from .package import MEMBER_DAMAGE, open_zip, read_member, refuse_doctype, vet_members
from .sparse import MAX_COLS, MAX_DENSE_CELLS, MAX_ROWS

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
_T = f"{{{_TABLE}}}"
ROWS_REPEATED, COLUMNS_REPEATED = f"{_T}number-rows-repeated", f"{_T}number-columns-repeated"
ROWS_SPANNED, COLUMNS_SPANNED = f"{_T}number-rows-spanned", f"{_T}number-columns-spanned"
VALUE_TYPE, ERROR_TYPE, FORMULA = f"{{{_OFFICE}}}value-type", f"{{{_CALCEXT}}}value-type", f"{_T}formula"
BOOLEAN_VALUE = f"{{{_OFFICE}}}boolean-value"
LINK, LINK_TARGET = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}a", "{http://www.w3.org/1999/xlink}href"
VISIBILITY = f"{_T}visibility"  # a row hidden in the sheet: "collapse" (or "filter", by a filter)


@dataclass
class _Table:
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    formulas: set[tuple[int, int]] = field(default_factory=set)
    booleans: dict[tuple[int, int], bool] = field(default_factory=dict)  # python-calamine gives 1.0 / 0.0
    percents: dict[tuple[int, int], str] = field(default_factory=dict)  # "100%" typed is kept as 1: read.formats
    hidden_rows: set[int] = field(default_factory=set)  # rows shown collapsed (hidden), up to MAX_ROWS
    hidden_columns: set[int] = field(default_factory=set)
    links: dict[tuple[int, int], str] = field(default_factory=dict)  # a cell's link outside the workbook
    columns: int = 0  # the table-column elements counted so far
    height: int = 0  # rows and columns up to the farthest cell that holds something
    width: int = 0


def _count(element, name: str) -> int:
    try:
        return max(1, int(element.get(name, "1")))
    except ValueError:
        return 1


def _scan(content: bytes) -> dict[str, _Table]:
    """Each table's merges, error cells, formulas and extent, from content.xml. Repeated rows and
    cells (how .ods writes a million empty rows) are counted, never expanded."""
    from lxml import etree

    tables: dict[str, _Table] = {}
    table = None
    row = col = 0
    row_repeat = 1
    for event, element in etree.iterparse(io.BytesIO(content), events=("start", "end"), resolve_entities=False,
                                          no_network=True, huge_tree=True):
        tag = element.tag
        if event == "start":
            if tag == f"{_T}table":
                table = tables.setdefault(element.get(f"{_T}name", ""), _Table())
                row = 0
            elif tag == f"{_T}table-column" and table is not None:
                repeat = _count(element, COLUMNS_REPEATED)
                if element.get(VISIBILITY) == "collapse" and table.columns < MAX_COLS:
                    table.hidden_columns.update(range(table.columns, min(table.columns + repeat, MAX_COLS)))
                table.columns += repeat
            elif tag == f"{_T}table-row":
                col, row_repeat = 0, _count(element, ROWS_REPEATED)
                if table is not None and element.get(VISIBILITY) in ("collapse", "filter") and row < MAX_ROWS:
                    table.hidden_rows.update(range(row, min(row + row_repeat, MAX_ROWS, row + 10_000)))
            continue
        if table is None:
            continue
        if tag in (f"{_T}table-cell", f"{_T}covered-table-cell"):
            repeat = _count(element, COLUMNS_REPEATED)
            if tag == f"{_T}table-cell":  # (a covered cell, under a merge, holds nothing of its own)
                inside = row < MAX_ROWS and col < MAX_COLS
                rows, cols = _count(element, ROWS_SPANNED), _count(element, COLUMNS_SPANNED)
                if (rows > 1 or cols > 1) and inside:  # a merge, also of a blank spanning several cells
                    table.merged.append((row, col, min(row + rows, MAX_ROWS) - 1, min(col + cols, MAX_COLS) - 1))
                if element.get(VALUE_TYPE) is not None or len(element) > 0:  # it holds something
                    table.height = max(table.height, row + row_repeat)
                    table.width = max(table.width, col + repeat)
                    if inside:
                        if element.get(ERROR_TYPE) == "error":
                            table.errors[(row, col)] = ("".join(element.itertext()).strip() or "#ERROR")[:20]
                        formula = element.get(FORMULA)
                        if formula is not None:
                            table.formulas.add((row, col))
                            target = formula_target(formula) if "HYPERLINK" in formula else None
                            if target and len(table.links) < LINKS_KEPT:  # (of:=HYPERLINK("https://…"; "Xem"))
                                table.links[(row, col)] = target
                        kind = element.get(VALUE_TYPE)
                        if kind == "boolean":  # TRUE typed in a score cell is no 1 point
                            table.booleans[(row, col)] = element.get(BOOLEAN_VALUE, "").lower() == "true"
                        elif kind == "percentage":
                            table.percents[(row, col)] = percent_format("".join(element.itertext()))
                        if len(element) and len(table.links) < LINKS_KEPT:
                            link = next(element.iter(LINK), None)  # (Insert → Hyperlink: a text:a in the cell)
                            target = link.get(LINK_TARGET, "") if link is not None else ""
                            if target and not target.startswith("#"):  # (#Sheet1.A1: a place in the workbook)
                                table.links[(row, col)] = target
            col += repeat
            element.clear()
        elif tag == f"{_T}table-row":
            row += row_repeat
            element.clear()
        elif tag == f"{_T}table":
            table = None
            element.clear()
    return tables


def read_ods_grid(path: str) -> WorkbookGrid:
    """Every sheet of an .ods file as a grid; raises UnreadableWorkbook with a Vietnamese reason."""
    archive = open_zip(path)
    try:
        members = vet_members(archive)  # the zip-bomb checks every Office file passes
        if "content.xml" not in members:
            raise UnreadableWorkbook("bảng tính .ods bị hỏng (thiếu content.xml)")
        content = read_member(archive, "content.xml")
        refuse_doctype(archive, "content.xml", content)
        tables = _scan(content)
    except UnreadableWorkbook:
        raise
    except MEMBER_DAMAGE:
        raise UnreadableWorkbook("tệp bị hỏng hoặc chưa tải về hết (phần “content.xml” không giải nén được)") from None
    except Exception:  # lxml's errors on a damaged part
        raise UnreadableWorkbook("bảng tính .ods bị hỏng, không đọc được nội dung") from None
    finally:
        archive.close()
    for name, table in tables.items():
        if table.height > MAX_ROWS or table.width > MAX_COLS or table.height * table.width > MAX_DENSE_CELLS:
            raise UnreadableWorkbook(
                f"trang “{name}” của bảng tính .ods có ô rất xa bảng (tới hàng {table.height}, cột {table.width}); "
                "hãy xóa các ô đó, hoặc lưu lại dạng .xlsx")
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    sheets = []
    try:
        with open(path, "rb") as handle:  # from the content: from_path goes by the name (an .ods named .xlsx)
            book = CalamineWorkbook.from_filelike(handle)
        try:
            hidden = {m.name for m in book.sheets_metadata if m.visible != SheetVisibleEnum.Visible}
            for name in book.sheet_names:
                if name == FINDINGS_SHEET:
                    continue
                rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
                table = tables.get(name, _Table())
                for (r, c), value in [*((cell, None) for cell in table.errors), *table.booleans.items()]:
                    if r < len(rows) and c < len(rows[r]):  # as an .xlsx reads: errors said apart, TRUE a boolean
                        rows[r][c] = value
                sheets.append(SheetGrid(name, rows, table.merged, set(), table.formulas, table.errors, name in hidden,
                                        hidden_rows=frozenset(table.hidden_rows),
                                        hidden_columns=frozenset(table.hidden_columns), links=table.links))
        finally:
            book.close()
    except MemoryError:
        raise UnreadableWorkbook("tệp quá lớn để đọc") from None
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # python-calamine's own errors, a Rust panic included
        raise UnreadableWorkbook(f"bảng tính .ods bị hỏng, không đọc được ({type(exc).__name__})") from None
    return WorkbookGrid(path, sheets, _font_hint(content), kind="ods",
                        number_formats=noted({name: table.percents for name, table in tables.items()}))


def _font_hint(content: bytes) -> str | None:
    """.VnTime… → TCVN3, VNI-… → VNI, from the font faces content.xml declares."""
    if b'style:name=".Vn' in content or b"font-family=\".Vn" in content:
        return "tcvn3"
    if b'style:name="VNI' in content or b"font-family=\"VNI" in content:
        return "vni"
    return None
