"""Build the familiar self-assessment workbook from a criteria set (openpyxl).

Used for `cchc-xl new`, the bundled template and the example. Formatted as
officers expect: Times New Roman, borders, wrapped text, frozen header, A4
print setup, STT stored as text, data validation 0 ≤ score ≤ max.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from ..read.labels import META_LABELS
from ..text import parse_date, xml_text

HEADERS = ["STT", "Lĩnh vực, tiêu chí", "Điểm tối đa", "Điểm tự đánh giá", "Nội dung giải trình"]
WIDTHS = [8, 58, 11, 12, 62]
FIRST_META_ROW = 4
HEADER_ROW = 17  # 1-based
FONT = "Times New Roman"


def row_height(texts: list[tuple[str, float]], line_points: float = 15.75) -> float:
    """Rough height for wrapped Times New Roman 12: neither Excel nor LibreOffice
    grows rows written by a library until the cell is edited."""
    lines = 1
    for text, width in texts:
        per_line = max(int(width * 1.05), 10)
        lines = max(lines, sum(max(1, -(-len(part) // per_line)) for part in str(text).split("\n")))
    return round(lines * line_points + 2, 2)


def _text(value):
    """A set's text or a --unit as a cell can hold it: without control codes (an imported annex's
    ESC, written _x001B_ there), on which openpyxl raises IllegalCharacterError."""
    return xml_text(value) if isinstance(value, str) else value


def _put(ws, row: int, col: int, value):
    """Write a text as text: openpyxl makes any string that starts with "=" a formula, so a --unit
    or an imported annex's criterion name "=HYPERLINK(…)" became a live formula in every commune's
    workbook made from it."""
    cell = ws.cell(row, col, _text(value))
    if cell.data_type == "f":
        cell.data_type = "s"
    return cell


def _number(value):
    if value is None or value == "":
        return None
    value = Decimal(str(value))
    return int(value) if value == value.to_integral_value() else float(value)


def build_workbook(criteria_set, path, meta: dict | None = None, scores: dict | None = None,
                   guidance: bool = False) -> Path:
    """Write a workbook for ``criteria_set`` (a CriteriaSet, or its JSON as a dict); ``scores`` maps
    'I.1.1' → [self, explanation]; ``guidance`` adds the set's scoring guidance as a sixth column."""
    from ..criteria_sets.schema import CriteriaSet

    if isinstance(criteria_set, dict):
        criteria_set = CriteriaSet.from_json(criteria_set)
    if not criteria_set.criteria:  # (a set saved with --force from a table that had none)
        from ..errors import CchcError

        raise CchcError(f"bộ tiêu chí “{criteria_set.id}” không có tiêu chí nào: không có gì để lập sổ tự đánh giá")
    from ..openpyxl_without_numpy import load_openpyxl

    load_openpyxl()
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    meta = dict(meta or {})
    scores = scores or {}
    wb = Workbook()
    ws = wb.active
    ws.title = criteria_set.sheet or "Tự đánh giá"
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    normal = Font(name=FONT, size=12)
    bold = Font(name=FONT, size=12, bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    center = Alignment(horizontal="center", vertical="top", wrap_text=True)

    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=5)
    ws.cell(1, 1, "PHIẾU TỰ ĐÁNH GIÁ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH CẤP XÃ").font = Font(name=FONT, size=14, bold=True)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=5)
    _put(ws, 2, 1, criteria_set.title).font = Font(name=FONT, size=12, italic=True)
    ws.cell(2, 1).alignment = Alignment(horizontal="center")
    for offset, (key, label) in enumerate(META_LABELS.items()):
        row = FIRST_META_ROW + offset
        ws.cell(row, 2, f"{label}:").font = bold
        ws.cell(row, 2).alignment = Alignment(horizontal="right", vertical="top")
        ws.merge_cells(start_row=row, start_column=3, end_row=row, end_column=5)
        value = meta.get(key, "")
        if key == "report_date" and value:
            value = parse_date(value) or value
            if isinstance(value, dt.date):
                ws.cell(row, 3).number_format = "dd/mm/yyyy"
        cell = _put(ws, row, 3, value if value != "" else None)
        cell.font = normal
        cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
        if key == "recipients":
            ws.row_dimensions[row].height = 48
    header_fill = PatternFill("solid", fgColor="D9E1F2")
    headers = HEADERS + (["Hướng dẫn chấm điểm"] if guidance else [])
    widths = WIDTHS + ([60] if guidance else [])
    for col, title in enumerate(headers, start=1):
        cell = ws.cell(HEADER_ROW, col, title)
        cell.font = bold
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
        cell.fill = header_fill
        ws.column_dimensions[cell.column_letter].width = widths[col - 1]
    ws.row_dimensions[HEADER_ROW].height = 33
    row = HEADER_ROW
    for crit in criteria_set.criteria:
        row += 1
        part, code, name = crit.part, crit.code, crit.name
        key = crit.key
        self_value, explanation = (scores.get(key) or [None, ""])
        is_heading = code == part or "." not in code
        max_points = crit.sheet_max
        values = [code, name, _number(max_points), _number(self_value), explanation or None]
        if guidance:
            values.append(crit.guidance or None)
        for col, value in enumerate(values, start=1):
            cell = _put(ws, row, col, value)
            cell.border = border
            cell.font = bold if is_heading else normal
            cell.alignment = center if col in (1, 3, 4) else wrap
        ws.row_dimensions[row].height = row_height([(name, WIDTHS[1]), (explanation or "", WIDTHS[4])])
        ws.cell(row, 1).number_format = "@"  # STT as text: 1.10 must not become 1.1
    row += 1
    ws.cell(row, 2, "Tổng")
    ws.cell(row, 3, _number(criteria_set.base_max()))
    for col in range(1, len(headers) + 1):
        ws.cell(row, col).border = border
        ws.cell(row, col).font = bold
        ws.cell(row, col).alignment = center if col != 2 else Alignment(horizontal="center")
    last_data = row - 1
    validation = DataValidation(
        type="decimal", operator="between", formula1="0", formula2=f"C{HEADER_ROW + 1}", allow_blank=True,
        showErrorMessage=True, errorTitle="Điểm không hợp lệ",
        error="Điểm tự đánh giá phải là số từ 0 đến điểm tối đa của tiêu chí.",
        promptTitle="Điểm tự đánh giá", prompt="Nhập số từ 0 đến điểm tối đa (ví dụ 0,5).", showInputMessage=True,
    )
    validation.add(f"D{HEADER_ROW + 1}:D{last_data}")
    ws.add_data_validation(validation)
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    from .atomic import write_atomically

    return write_atomically(Path(path), wb.save, ".xlsx")


def rebuild_bundled() -> list[Path]:
    """Regenerate workbook_templates/*.xlsx and the example (run after editing the JSON)."""
    from ..criteria_sets import load_set, list_sets
    from ..resources import example_data, example_workbook, workbook_templates_dir

    written = []
    for criteria_set in list_sets():
        if criteria_set.origin == "có sẵn":
            written.append(build_workbook(criteria_set, workbook_templates_dir() / f"{criteria_set.id}.xlsx"))
    example = example_data()
    written.append(
        build_workbook(load_set(example["template"]), example_workbook(), example["meta"], example["scores"])
    )
    written.extend(build_example_communes())
    return written


# Plausible neighbours of Ngọc Kỳ for the bulk demo: (file, unit, signer, score changes, max changes)
EXAMPLE_COMMUNES = [
    ("quang_phuc.xlsx", "Xã Quang Phục", "Trần Văn Bình",
     {"I.1.6.1": [0.25, "Tổ chức 05 cuộc đối thoại trong năm."], "I.1.6.2": [0.25, "Thông báo số 12/TB-UBND ngày 15/5/2023."],
      "I.1.6.3": [0.5, "Đã xử lý 8/8 kiến nghị = 100%."], "I.3.6.2": [0.75, "120 hồ sơ chứng thực điện tử."]}, {}),
    ("tan_ky.xlsx", "Xã Tân Kỳ", "Phạm Thị Hoa",
     {"I.1.5.2": [2.5, "02 sáng kiến được công nhận."], "I.3.5.3": [0.5, "3/600 = 0,5%"]}, {}),
    ("dai_hop.xlsx", "Xã Đại Hợp", "Vũ Đức Long",
     # max of 3.5.3 lowered to hide a deduction, parents adjusted: caught only by --against
     {"I.3.5.3": [0.3, "Hồ sơ trả lại 9/700 = 1,29%"]},
     {"I.3.5.3": 0.3, "I.3.5": 3.8, "I.3": 18.3, "I": 73.8}),
    ("ha_ky.xlsx", "Xã Hà Kỳ", "Lê Minh Tuấn",
     {"I.5.4.1": [1.2, ""], "I.3.4.2": [None, ""], "I.3.4": [None, ""]}, {}),
    ("nguyen_giap.xlsx", "Xã Nguyên Giáp", "Đỗ Văn Hải",
     {"I.1.4.1": [1, "Báo cáo số 79/BC-UBND ngày 22/6/2023 về kết quả tuyên truyền CCHC."],
      "I.3.5.3": [0.3, "7/671 = 1,04%"], "I.3.6.4": [0.25, "Mới khai thác một phần dữ liệu số hóa."],
      "I.7.1.2": [1, "Báo cáo số 80/BC-UBND ngày 22/6/2023."], "I.7.1.7": [1, "Báo cáo số 80/BC-UBND ngày 22/6/2023."]},
     {}),
]


def build_example_communes() -> list[Path]:
    """examples/cac_xa/: a small reviewer's folder, some workbooks with mistakes."""
    import copy

    from ..criteria_sets import load_set
    from ..resources import example_data, examples_dir

    example = example_data()
    base_set = load_set(example["template"])
    folder = examples_dir() / "cac_xa"
    written = [build_workbook(base_set, folder / "ngoc_ky.xlsx", example["meta"], example["scores"])]
    for filename, unit, signer, score_changes, max_changes in EXAMPLE_COMMUNES:
        scores = copy.deepcopy(example["scores"])
        scores.update(score_changes)
        parents = {k for k in scores if any(other.startswith(k + ".") for other in scores)}
        for key in parents - set(score_changes):
            scores[key] = [None, scores[key][1]]  # parents blank, as officers leave them: recalc fills them
        criteria = copy.deepcopy(base_set)
        for crit in criteria.criteria:
            if crit.key in max_changes:
                crit.max = Decimal(str(max_changes[crit.key]))
        meta = dict(example["meta"], unit=unit, signer=signer, place=unit.split(" ", 1)[1], doc_number="")
        written.append(build_workbook(criteria, folder / filename, meta, scores))
    return written


if __name__ == "__main__":
    for written_path in rebuild_bundled():
        print(written_path)
