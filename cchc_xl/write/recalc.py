"""`cchc-xl recalc`: write computed totals, marks and a findings sheet into the file.

Only the parts that must change are rewritten (the criteria sheet, styles,
its notes, the workbook index and the findings sheet); everything else in the
package is copied byte for byte. Writes go to a temporary file in the same
folder and are renamed into place, so a crash never leaves a half-written file.
"""
from __future__ import annotations

import datetime as dt
import os
import stat
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from lxml import etree

from ..errors import RefusedWrite
from ..read import FINDINGS_SHEET, read_workbook
from ..read.files import named
from ..read.package import NS_MAIN, NS_REL, READ_ONLY_FORMATS, misnamed_advice, misnamed_xlsx, open_package
from ..text import cell_address, sheet_ref
from .atomic import exclusive_copy, lock_file_for, nearest_existing, refuse_if_open, write_atomically
from .package import CT_WORKSHEET, REL_WORKSHEET, R_ID, Package, q, serialise
from .plan import (MARK_COLOURS, FINDINGS_HEADERS, RecalcPlan, findings_rows, plan_recalc,
                   refuse_foreign_findings_sheet)
from .workbook_builder import row_height
from .xlsx_edit import SheetXml, Styles, inline_cell, number_cell, write_notes

PAUSE_ENV = "CCHC_XL_TEST_WRITE_PAUSE"  # tests: seconds to pause between zip members


@dataclass
class RecalcOutcome:
    path: str
    plan: RecalcPlan
    backup: str | None = None
    notes_skipped: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return self.plan.errors

    def lines(self) -> list[str]:
        out = [
            f"Đã ghi {self.path}: tổng {self.plan.describe()}; "
            f"{self.plan.errors} lỗi, {self.plan.warnings} cảnh báo — xem trang “{FINDINGS_SHEET}”.",
        ]
        if self.plan.replaced:
            out.append("Đã thay giá trị bạn gõ ở các ô (cũ → mới): " + "; ".join(self.plan.replaced_text()))
        if self.backup:
            out.append(f"Bản sao lưu tệp gốc: {self.backup}")
        if self.plan.held:
            out.append("Chưa tính lại các ô (có mục con chưa đọc được điểm, hoặc mục cha có điểm mà các mục con chưa "
                       "chấm; xem cảnh báo ở các ô đó, sửa rồi tính lại): "
                       + ", ".join(self.plan.held))
        if self.plan.skipped_formulas:
            out.append("Giữ nguyên công thức của bạn ở các ô: " + ", ".join(self.plan.skipped_formulas))
        if self.notes_skipped:
            out.append("Các ô đã có ghi chú của bạn nên không thêm ghi chú: " + ", ".join(self.notes_skipped))
        return out


def _refuse_unsafe(source: Path, target: Path) -> None:
    for path in {source, target}:
        refuse_if_open(path)
    if target.exists() and (not os.access(target, os.W_OK) or not target.stat().st_mode & stat.S_IWUSR):
        raise RefusedWrite(f"tệp {target} chỉ cho phép đọc (read-only); không ghi được — chưa ghi gì.")
    folder = nearest_existing(target.parent)  # a missing folder is created: check its parent
    if not os.access(folder, os.W_OK):
        raise RefusedWrite(f"không có quyền ghi vào thư mục {folder} — chưa ghi gì.")


def recalc_file(path, output=None, backup: bool = True, against=None, overwrite: bool = False,
                columns: dict[str, int] | None = None, sheet: str | None = None) -> RecalcOutcome:
    """Recalculate a workbook file (in place unless ``output``) and mark its findings.

    Paths are compared resolved: ``-o`` naming the input itself (another spelling, a link) is an
    in-place recalc with its backup. An existing unrelated ``output`` is replaced only with
    ``overwrite`` or when it is an earlier recalc output (it has our findings sheet).
    """
    source = Path(os.path.realpath(path))  # a symlink: the file it points to is recalculated
    target = Path(os.path.realpath(output)) if output else source
    suffix = source.suffix.lower()
    if suffix not in (".xlsx", ".xlsm") and misnamed_xlsx(source):
        if target == source or target.suffix.lower() not in (".xlsx", ".xlsm"):  # (Excel warns of such a name)
            raise RefusedWrite(f"{misnamed_advice(path)}, hoặc ghi ra tệp khác (-o TÊN.xlsx). Chưa ghi gì.")
    elif suffix in READ_ONLY_FORMATS:
        what, how = READ_ONLY_FORMATS[suffix]
        raise RefusedWrite(f"{Path(path).name} là {what}: `check` và `report` đọc được, nhưng recalc ghi vào tệp nên "
                           f"cần dạng .xlsx — {how}. Chưa ghi gì.")
    elif suffix not in (".xlsx", ".xlsm"):
        if os.path.isdir(path):  # (a folder is said as the readers say it: bulk checks a folder)
            from ..read.package import check_file

            check_file(str(path))
        raise RefusedWrite(f"{Path(path).name}: recalc chỉ làm việc với sổ tính .xlsx/.xlsm")
    if target.suffix.lower() not in (".xlsx", ".xlsm"):
        raise RefusedWrite("tệp ra phải có đuôi .xlsx hoặc .xlsm")
    if target != source and target.exists() and not overwrite and not _our_output(target):
        raise RefusedWrite(f"tệp {target} đã có và không phải kết quả recalc trước đây; hãy chọn tên khác "
                           "hoặc thêm --overwrite — chưa ghi gì.")
    if source.suffix.lower() == ".xlsm" and target.suffix.lower() != ".xlsm":
        raise RefusedWrite("tệp gốc có macro (.xlsm): tệp ra cũng phải là .xlsm để giữ macro")
    with named(path):  # (as the user named it; the file read is the one a link points to)
        assessment = read_workbook(source, columns=columns, sheet=sheet)  # vets the package too (bombs, entities…)
    if assessment.sheet_hidden and sheet is None:
        raise RefusedWrite(f"bảng tiêu chí chỉ có trên trang ẩn “{assessment.sheet}”; không ghi vào trang ẩn khi "
                           f"chưa được chỉ rõ — dùng --sheet \"{assessment.sheet}\" nếu đúng là trang này. Chưa ghi gì.")
    _refuse_unsafe(source, target)
    from ..criteria_sets.recognise import annotate

    against, known_sets = annotate(assessment, against)
    plan = plan_recalc(assessment, against, known_sets)
    archive, info = open_package(str(source))
    archive.close()
    sheet_part = dict(info.sheets)[assessment.sheet]
    pkg = Package(source)
    try:
        skipped = apply_plan(pkg, sheet_part, plan, assessment.unit)
    except (etree.XMLSyntaxError, KeyError, ValueError, AttributeError) as exc:
        # a package laid out unlike Excel's (e.g. no styles part): refuse rather than guess
        raise RefusedWrite(f"không ghi được vào tệp này một cách an toàn ({type(exc).__name__}: {exc}); "
                           "hãy mở bằng Excel, lưu lại rồi chạy lại — chưa ghi gì.") from None
    backup_path = None
    if backup and target == source:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        backup_path = exclusive_copy(source, source.with_name(f"{source.stem}.sao-luu-{stamp}{source.suffix}"))
    try:
        atomic_write(pkg, target)
    except RefusedWrite:
        if backup_path is not None:  # nothing was changed: the backup is not needed
            backup_path.unlink(missing_ok=True)
        raise
    return RecalcOutcome(str(target), plan, str(backup_path) if backup_path else None, skipped)


def _our_output(path: Path) -> bool:
    """An earlier recalc output: a workbook with our findings sheet."""
    try:
        archive, info = open_package(str(path))
        archive.close()
    except Exception:
        return False
    return any(name == FINDINGS_SHEET for name, _ in info.sheets)


def atomic_write(pkg: Package, target: Path) -> None:
    pause = float(os.environ.get(PAUSE_ENV, "0") or 0)

    def save(temp: str) -> None:
        with open(temp, "wb") as handle:
            pkg.save_to(handle, pause)
            handle.flush()
            os.fsync(handle.fileno())

    write_atomically(target, save, ".tmp")


def apply_plan(pkg: Package, sheet_part: str, plan: RecalcPlan, unit: str = "") -> list[str]:
    """Carry out a plan on the package; returns cells whose note was left to the officer."""
    sheet_root = pkg.xml(sheet_part)
    sheet = SheetXml(sheet_root)
    styles = Styles(pkg.xml("xl/styles.xml"))
    for (row, col), value in plan.values.items():
        sheet.set_number(row, col, value)
    filled = _apply_fills(sheet, styles, plan)
    notes = {cell: mark.note for cell, mark in plan.marks.items()}
    noted = write_notes(pkg, sheet_part, sheet_root, notes)
    _write_findings_sheet(pkg, styles, plan, unit, {cell_address(*c) for c in filled},
                          {cell_address(*c) for c in noted})
    pkg.write("xl/styles.xml", serialise(styles.root))
    pkg.write(sheet_part, serialise(sheet_root))
    return [cell_address(*cell) for cell in sorted(set(notes) - noted)]


def _apply_fills(sheet: SheetXml, styles: Styles, plan: RecalcPlan) -> set[tuple[int, int]]:
    ours = {rgb.upper() for rgb in MARK_COLOURS.values()}
    # 1. take our old marks off (a fixed mistake loses its colour)
    for row_el in sheet.rows.values():
        for c in row_el.iter(q("c")):
            index = SheetXml.style(c)
            if index and styles.fill_rgb(styles.xf_fill(index)) in ours:
                c.set("s", str(styles.with_fill(index, 0)))
    # 2. mark this run's findings, leaving the officer's own fills alone
    filled = set()
    for (row, col), mark in plan.marks.items():
        c = sheet.cell(row, col, create=True)
        index = SheetXml.style(c)
        if styles.fill_rgb(styles.xf_fill(index)) != "":
            continue
        sheet.set_style(row, col, styles.with_fill(index, styles.ensure_fill(mark.colour)))
        filled.add((row, col))
    return filled


def _write_findings_sheet(pkg: Package, styles: Styles, plan: RecalcPlan, unit: str, filled: set[str],
                          noted: set[str]) -> None:
    book = pkg.xml("xl/workbook.xml")
    sheets_el = book.find(q("sheets"))
    rels = pkg.relationships("xl/workbook.xml")
    part = None
    for sheet_el in sheets_el:
        if sheet_el.get("name") == FINDINGS_SHEET and sheet_el.get(R_ID) in rels:
            part = rels[sheet_el.get(R_ID)][1]
            refuse_foreign_findings_sheet(_first_cell_text(pkg, part))
    if part is None:
        part = pkg.free_name("xl/worksheets/sheet{}.xml")
        rid = pkg.add_relationship("xl/workbook.xml", REL_WORKSHEET, part)
        pkg.ensure_content_type(part, CT_WORKSHEET)
        new = etree.SubElement(sheets_el, q("sheet"), name=FINDINGS_SHEET,
                               sheetId=str(max(int(s.get("sheetId", "0")) for s in sheets_el) + 1))
        new.set(R_ID, rid)
    calc = book.find(q("calcPr"))
    if calc is None:
        calc = etree.Element(q("calcPr"), calcId="191029")
        # CT_Workbook order: … sheets, functionGroups, externalReferences, definedNames, calcPr, …
        anchor = sheets_el
        for tag in ("functionGroups", "externalReferences", "definedNames"):
            found = book.find(q(tag))
            if found is not None:
                anchor = found
        anchor.addnext(calc)
    calc.set("fullCalcOnLoad", "1")  # formulas that use our totals recompute when Excel opens it
    pkg.write("xl/workbook.xml", serialise(book))
    pkg.write(part, _findings_sheet_xml(styles, plan, unit, filled, noted))


def _first_cell_text(pkg: Package, part: str) -> str | None:
    """A1's text: inline, as recalc writes it, or a shared string, once Excel or LibreOffice saved it."""
    if not pkg.has(part):
        return None
    cell = pkg.xml(part).find(f".//{q('c')}[@r='A1']")
    if cell is None:
        return None
    kind = cell.get("t")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(q("t")))
    value = cell.find(q("v"))
    if value is None or value.text is None:
        return None
    if kind == "str":
        return value.text
    if kind == "s" and pkg.has("xl/sharedStrings.xml") and value.text.strip().isdigit():
        strings = pkg.xml("xl/sharedStrings.xml").findall(q("si"))
        index = int(value.text)
        return "".join(t.text or "" for t in strings[index].iter(q("t"))) if index < len(strings) else None
    return None


def _findings_sheet_xml(styles: Styles, plan: RecalcPlan, unit: str, filled: set[str], noted: set[str]) -> bytes:
    bold = styles.report_style(bold=True, border=False)
    text = styles.report_style(border=False)
    header = styles.report_style(bold=True, fill="FFD9E1F2")
    cell_style = styles.report_style()
    link = styles.report_style(link=True)
    colour = {sev: styles.report_style(fill=rgb) for sev, rgb in MARK_COLOURS.items()}
    root = etree.Element(q("worksheet"), nsmap={None: NS_MAIN, "r": NS_REL})
    pr = etree.SubElement(root, q("sheetPr"))
    etree.SubElement(pr, q("tabColor"), rgb="FFC00000")
    etree.SubElement(pr, q("pageSetUpPr"), fitToPage="1")
    views = etree.SubElement(root, q("sheetViews"))
    etree.SubElement(views, q("sheetView"), workbookViewId="0")
    etree.SubElement(root, q("sheetFormatPr"), defaultRowHeight="15")
    cols = etree.SubElement(root, q("cols"))
    for index, width in enumerate([30, 16, 11, 20, 14, 100, 16], start=1):
        etree.SubElement(cols, q("col"), min=str(index), max=str(index), width=str(width), customWidth="1")
    data = etree.SubElement(root, q("sheetData"))
    summary, table = findings_rows(plan, unit, filled, noted)
    row = 0
    for line in summary:
        row_el = etree.SubElement(data, q("row"), r=str(row + 1))
        if row == 0:  # the title: its own height, so it never prints over the next line
            row_el.set("ht", "21")
            row_el.set("customHeight", "1")
        for col, value in enumerate(line):
            style = bold if col == 0 else text
            if isinstance(value, Decimal):
                row_el.append(number_cell(row, col, value, style))
            else:
                row_el.append(inline_cell(row, col, value, style))
        row += 1
    row += 1
    row_el = etree.SubElement(data, q("row"), r=str(row + 1))
    for col, title in enumerate(FINDINGS_HEADERS):
        row_el.append(inline_cell(row, col, title, header))
    links = []
    for line, finding in zip(table, plan.findings):
        row += 1
        row_el = etree.SubElement(data, q("row"), r=str(row + 1), customHeight="1",
                                  ht=str(row_height([(line[4], 14), (line[5], 100)])))
        for col, value in enumerate(line):
            style = link if col == 1 and finding.cell else colour.get(finding.severity, cell_style) if col == 2 else cell_style
            if isinstance(value, int):
                row_el.append(number_cell(row, col, Decimal(value), cell_style))
            else:
                row_el.append(inline_cell(row, col, value, style))
        if finding.cell:
            links.append((cell_address(row, 1), sheet_ref(finding.sheet, finding.cell)))
    if not table:
        row += 1
        row_el = etree.SubElement(data, q("row"), r=str(row + 1))
        row_el.append(inline_cell(row, 0, "Không có lỗi hay cảnh báo nào.", text))
    if links:
        hyperlinks = etree.SubElement(root, q("hyperlinks"))
        for ref, location in links:
            etree.SubElement(hyperlinks, q("hyperlink"), ref=ref, location=location, display=location)
    etree.SubElement(root, q("pageMargins"), left="0.5", right="0.5", top="0.75", bottom="0.75",
                     header="0.3", footer="0.3")
    etree.SubElement(root, q("pageSetup"), paperSize="9", orientation="landscape", fitToWidth="1", fitToHeight="0")
    return serialise(root)


__all__ = ["recalc_file", "RecalcOutcome", "apply_plan", "lock_file_for"]
