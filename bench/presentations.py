"""The same table typed the ways officers type it: each seed lays the bundled example's criteria out
anew, in a random mix of the presentations seen in real workbooks (../shared/guide/domain.md):
column orders and header words, a header on two rows, a row of column numbers, the header repeated at
page breaks, codes of every style (I / I. / Phần I / A; 1 / 1. / Lĩnh vực 1 / a number; 1.1 typed as a
number; 1.1.1 / a) / b.) or typed at the start of the names, scores as text with a decimal comma and
their unit ("0,5 điểm", "2đ"), the rows of the later parts left out (the numbering starting again at 1),
explanations going on below their row after a bullet ("- …", "+ …"),
blank rows, explanations wrapped onto the row below or merged down over a group's items, names wrapped
in lower case, "Tổng phần I" rows, a left margin, a letterhead or a label block or none, total row
labels, a signature block, extra sheets, old TCVN3/VNI encodings, a reviewer's appraisal columns, the
official annex's guidance column with scoring options on rows of their own under a criterion,
explanation cells linked to their document online (Insert → Link).

The reading must not depend on the presentation: the workbook follows the example's criteria set
(and --against it, nothing is missing, extra or changed); every criterion's key, max, self-score and
explanation, and the totals, must be those of the example (the appraised points as written); the
period and the unit too, where the layout states them; no text of the table becomes a note. Then
recalc to a new file and check again: the same totals, no wrong sum left. One seed in five is also read
as the Excel button reads it (xlwings' own engine: the same reading and findings) and recalculated by the
button (xlwings' remote engine: the same sums at the same cells, the same cells marked), and one in five
is reported (the report's table lists every criterion with its STT as typed, and links each linked
explanation once, to its address, on the cell's own text).

  python bench/presentations.py FIRST_SEED COUNT [--keep] [--annex | --bulk]

--annex: the example's criteria set typed as the province's official annex (no score columns) in the
same ways, as a workbook (even seeds) or a Word table (odd seeds), and `templates import` must read it as
the bundled set (keys, max points, names, kinds). --bulk: the six communes of examples/cac_xa, each typed
its own way, checked in bulk: the same units, totals, ranks, errors and losses by criterion as the
workbooks as they are.

Prints one block per seed that fails (with the presentation it drew), the findings the presentations
added (a reading to review: each is either right for that presentation or a fault), then
"done N, failed M"; exit 1 when any failed. --keep leaves each failing workbook in bench/_presentations/.
"""
from __future__ import annotations

import random
import re
import shutil
import sys
import tempfile
import traceback
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

try:
    from _common import ROOT
except ImportError:  # (imported as bench.presentations, by the tests)
    from bench._common import ROOT

import openpyxl
from openpyxl.styles import Font

from cchc_xl.api import check_file
from cchc_xl.errors import CchcError
from cchc_xl.write.recalc import recalc_file

EXAMPLE = ROOT / "examples" / "ngoc_ky_6thang_2023.xlsx"

HEADER_WORDS = {
    "code": ["STT", "TT", "Số TT", "Số thứ tự"],
    "name": ["Lĩnh vực, tiêu chí", "Nội dung", "Tiêu chí", "Nội dung tiêu chí", "Lĩnh vực/Tiêu chí/Tiêu chí thành phần"],
    "max": ["Điểm tối đa", "Điểm chuẩn", "Thang điểm", "Điểm quy định", "Điểm tối đa (điểm)"],
    "self": ["Điểm tự đánh giá", "Điểm tự chấm", "Tự chấm", "Điểm UBND xã tự đánh giá", "Kết quả tự đánh giá"],
    "explanation": ["Nội dung giải trình", "Giải trình", "Thuyết minh", "Nội dung giải trình, tài liệu kiểm chứng"],
    "evidence": ["Tài liệu kiểm chứng", "TLKC"],
    "notes": ["Ghi chú"],
    "guidance": ["Hướng dẫn chấm điểm", "Cách chấm", "Phương pháp chấm"],
    "appraised": ["Điểm thẩm định", "Kết quả thẩm định", "Điểm Sở Nội vụ thẩm định"],
    "appraisal_comment": ["Ý kiến thẩm định", "Nhận xét thẩm định"],
}
LAYOUTS = [
    ("code", "name", "max", "self", "explanation"),
    ("code", "name", "max", "self", "evidence", "explanation"),
    ("code", "name", "max", "self", "explanation", "notes"),
    ("code", "name", "max", "evidence", "self", "explanation"),
    ("name", "max", "self", "explanation"),  # no STT column: codes typed at the start of the names
    ("code", "name", "max", "guidance", "self", "explanation"),  # the official annex's guidance kept
]
TOTAL_LABELS = ["Tổng", "Tổng cộng", "TỔNG CỘNG", "Tổng điểm", "TỔNG SỐ ĐIỂM"]
ROMAN = ["I", "II", "III", "IV"]


class Presentation:
    """The choices one seed draws (printed with a failure, so a seed is read without running it)."""

    def __init__(self, rng: random.Random):
        self.layout = rng.choice(LAYOUTS)
        if rng.random() < 0.2:  # a reviewer's appraisal beside the self-scores, and their comments last
            at = self.layout.index("self") + 1
            self.layout = self.layout[:at] + ("appraised",) + self.layout[at:] + ("appraisal_comment",)
        self.headers = {role: rng.choice(HEADER_WORDS[role]) for role in self.layout}
        shape = rng.choice(["as is", "as is", "upper", "broken"])  # "ĐIỂM TỐI ĐA", "Điểm\ntối đa" (Alt+Enter)
        for role, text in self.headers.items():
            if shape == "upper":
                self.headers[role] = text.upper()
            elif shape == "broken" and " " in text:
                self.headers[role] = text.replace(" ", "\n", 1)
        self.text_decimal = rng.choice([",", ",", "."])  # scores typed as text: "0,5", or "0.5" in a text cell
        self.code_spaces = rng.random() < 0.15  # " 1.1 ", "1.1\u00a0": spaces typed or pasted around the STT
        self.two_row_header = "code" in self.layout and rng.random() < 0.25
        self.column_numbers = rng.choice([None, None, "(n)", "n", "int"])
        self.repeat_every = rng.choice([None, None, None, 30, 45])
        self.part_style = rng.choice(["I", "I.", "Phần I", "PHẦN I", "A"])
        self.area_style = rng.choice(["1", "1.", "Lĩnh vực 1", "number"])
        self.criterion_style = rng.choice(["1.1", "1.1.", "number"])
        self.sub_style = rng.choice(["1.1.1", "1.1.1.", "a)", "a.", "a)"])
        self.scores_as_text = rng.choice([0, 0, 0.2, 1.0])  # the share of scores typed as text with a comma
        self.blank_rows = rng.choice([0, 0, 0.05])
        self.wrap_explanations = rng.choice([0, 0, 0.2])
        self.head = rng.choice(["labels", "letterhead", "title", "none"])
        self.total = rng.choice(TOTAL_LABELS + [None])
        self.total_self = rng.random() < 0.5
        self.signature = rng.random() < 0.5
        self.blank_parents = rng.random() < 0.2
        self.sheets_before = rng.choice([[], [], ["Hướng dẫn"], ["Sheet1", "Hướng dẫn"]])
        self.encoding = rng.choice(["unicode"] * 6 + ["tcvn3", "vni"])
        self.margin = rng.choice([0, 0, 1, 2])  # empty columns left of the table
        if rng.random() < 0.12:  # words at every level: "Lĩnh vực 1", "Tiêu chí 1", "Chỉ tiêu 1"
            self.area_style, self.criterion_style, self.sub_style = "Lĩnh vực 1", "Tiêu chí 1", "Chỉ tiêu 1"
        self.subtotals = rng.random() < 0.2  # "Tổng phần I" under each part
        self.subtotal_self = rng.random() < 0.5
        self.wrap_names = rng.choice([0, 0, 0.15])  # a long name's end on the row below, in lower case
        self.merge_group_explanations = rng.choice([0, 0, 0.3])  # one explanation merged down a group's items
        # the rows of the parts after the first left out: the numbering starts again at 1 below.
        # Drawn without advancing rng, so that every seed still lays out the table it did before this choice
        self.later_part_rows_left_out = random.Random(str(rng.getstate()[1][:8])).random() < 0.12
        # scores typed as text with their unit: "0,5 điểm", "2đ" (drawn so too)
        self.score_suffix = random.Random(str(rng.getstate()[1][8:16])).choice(["", "", "", " điểm", "đ", " đ"])
        # an explanation's lines below its row opened by a bullet: "- Kế hoạch số …", "+ …" (drawn so too)
        self.bullet = random.Random(str(rng.getstate()[1][16:24])).choice(["", "", "-", "+", "•"])
        # the evidence column (TLKC) after the explanation, or the explanation before the scores (drawn so too)
        order = random.Random(str(rng.getstate()[1][24:32])).choice(["as drawn", "as drawn", "evidence last",
                                                                     "explanation first"])
        if order == "evidence last" and "evidence" in self.layout:
            self.layout = tuple(r for r in self.layout if r != "evidence") + ("evidence",)
        elif order == "explanation first" and "appraised" not in self.layout:
            rest = tuple(r for r in self.layout if r != "explanation")
            at = rest.index("max")
            self.layout = rest[:at] + ("explanation",) + rest[at:]
        # the share of explanation cells linked to their document online (Insert → Link; drawn so too)
        self.links = random.Random(str(rng.getstate()[1][32:40])).choice([0, 0, 0, 0.3, 1.0])

    def describe(self) -> str:
        return ", ".join(f"{k}={v!r}" for k, v in vars(self).items())


def code_text(crit, style: Presentation, siblings_index: int):
    """The STT as this presentation types it."""
    code, depth = crit.code, crit.depth
    if depth == 0:
        if style.part_style == "A":
            return "AB"[ROMAN.index(code)]
        return {"I": code, "I.": code + ".", "Phần I": "Phần " + code, "PHẦN I": "PHẦN " + code}[style.part_style]
    if depth == 1:
        return {"1": code, "1.": code + ".", "Lĩnh vực 1": "Lĩnh vực " + code, "number": int(code)}[style.area_style]
    if style.criterion_style == "Tiêu chí 1":  # (words at every level: each numbered inside the one above)
        return ("Tiêu chí " if depth == 2 else "Chỉ tiêu ") + code.rsplit(".", 1)[1]
    if depth == 2:
        if style.criterion_style == "number" and not code.endswith("0"):
            return float(code)
        return code + "." if style.criterion_style == "1.1." else code
    if style.sub_style in ("a)", "a.") and siblings_index < 26:
        return "abcdefghijklmnopqrstuvwxyz"[siblings_index] + style.sub_style[1]
    return code + "." if style.sub_style == "1.1.1." else code


def score_value(value: Decimal | None, style: Presentation, rng: random.Random):
    if value is None:
        return None
    if rng.random() < style.scores_as_text:
        return format(value.normalize(), "f").replace(".", style.text_decimal) + style.score_suffix
    return int(value) if value == value.to_integral_value() else float(value)


def score_text(value) -> str:
    return format(value.normalize(), "f").replace(".", ",") if value is not None else "0"


def encoder(name: str):
    if name == "tcvn3":
        from viparse.normalize.tcvn3 import TCVN3

        reverse = {letter: seq for seq, letter in TCVN3.pairs if len(seq) == 1}

        def encode(text: str) -> str:
            return "".join(reverse.get(ch, reverse.get(ch.lower(), ch) if ch.isupper() else ch) for ch in text)
        return encode, ".VnTime"
    if name == "vni":
        from viparse.normalize.vni import VNI

        reverse = {letter: seq for seq, letter in VNI.pairs}
        return (lambda text: "".join(reverse.get(ch, ch) for ch in text)), "VNI-Times"
    return (lambda text: text), None


def build(original, style: Presentation, rng: random.Random, path: Path, annex: bool = False
          ) -> tuple[dict[str, str], dict]:
    """Writes the workbook; returns the explanations this presentation gives items (merged down a group),
    and the appraised points written for the leaves (none without an appraisal column). ``annex``: the
    province's official table instead, laid out alike, with no column for the commune's scores."""
    wb = openpyxl.Workbook()
    first = wb.active
    for title in style.sheets_before:
        ws = first if first is not None else wb.create_sheet()
        first = None
        ws.title = title
        if title == "Hướng dẫn":
            ws["A1"] = "Hướng dẫn: nhập điểm tự đánh giá vào cột điểm, ghi rõ nội dung giải trình."
    ws = first if first is not None else wb.create_sheet()
    ws.title = "Tự đánh giá"
    encode, font = encoder(style.encoding)
    meta = original.meta
    rows: list[list] = []
    layout = style.layout
    width = len(layout)
    col = {role: i for i, role in enumerate(layout)}

    def blank():
        return [None] * width

    if style.head == "labels":
        rows.append(["PHIẾU TỰ ĐÁNH GIÁ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH CẤP XÃ"] + [None] * (width - 1))
        for label, key in (("Tên đơn vị:", "unit"), ("Tỉnh:", "province"), ("Kỳ đánh giá:", "period"),
                           ("Số văn bản:", "doc_number"), ("Người ký:", "signer")):
            rows.append([None, label, meta.get(key)] + [None] * (width - 3))
        rows.append(blank())
    elif style.head == "letterhead":
        unit, period = str(meta["unit"]), str(meta["period"])
        place = unit.split(" ", 1)[1] if " " in unit else unit
        rows.append(["UBND HUYỆN TỨ KỲ", None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"] + [None] * (width - 3))
        rows.append([f"UBND {unit.upper()}", None, "Độc lập - Tự do - Hạnh phúc"] + [None] * (width - 3))
        rows.append([f"Số: {meta.get('doc_number', '86/BC-UBND')}", None, f"{place}, ngày 26 tháng 6 năm 2023"]
                    + [None] * (width - 3))
        rows.append(blank())
        rows.append(["BÁO CÁO"] + [None] * (width - 1))
        rows.append([f"Kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính {period}"] + [None] * (width - 1))
        rows.append(blank())
    elif style.head == "title":
        unit, period = str(meta["unit"]), str(meta["period"])
        rows.append([f"BẢNG TỰ CHẤM ĐIỂM CHỈ SỐ CCHC {period.upper()} CỦA UBND {unit.upper()}"] + [None] * (width - 1))
        rows.append(blank())

    head_rows = style.head_rows = len(rows)  # (the letterhead stays at column A; the table may start further right)
    merges: list[tuple[int, int, int, int]] = []  # 0-based rows of `rows`, 0-based columns

    def header_rows() -> list[list]:
        top = len(rows)
        if style.two_row_header:
            first_row, second = blank(), blank()
            for role in layout:
                if role in ("max", "self"):
                    continue
                first_row[col[role]] = style.headers[role]
                merges.append((top, col[role], top + 1, col[role]))
            first_row[col["max"]] = "Điểm"
            second[col["max"]], second[col["self"]] = "Tối đa", "Tự đánh giá"
            if col["self"] == col["max"] + 1:
                merges.append((top, col["max"], top, col["self"]))
            else:  # (evidence between them: no merge over it)
                first_row[col["self"]] = "Điểm"
            made = [first_row, second]
        else:
            made = [[style.headers[role] for role in layout]]
        if style.column_numbers:
            made.append([{"(n)": f"({i + 1})", "n": str(i + 1), "int": i + 1}[style.column_numbers] for i in range(width)])
        return made

    def add_subtotal(last):
        part = last
        while part.parent is not None:
            part = part.parent
        line = blank()
        line[col["name"]] = f"Tổng phần {part.code}"
        line[col["max"]] = score_value(part.max.value, style, rng)
        if style.subtotal_self:
            line[col["self"]] = score_value(part.computed_self(), style, rng)
        rows.append(line)

    merge_state: dict[str, int] = {}
    written_appraisal: dict[str, Decimal] = {}
    for line in header_rows():
        rows.append(line)
    since_header = 0
    siblings: dict[int, int] = {}
    merged_from: dict[int, tuple[int, int]] = {}  # a group's first item → (its row in `rows`, items merged)
    expected_explanations: dict[str, str] = {}  # what a merged explanation makes each item's explanation
    criteria = original.criteria
    for number, crit in enumerate(criteria):
        if crit.depth == 0 and number and style.subtotals:
            add_subtotal(criteria[number - 1])
        if crit.depth == 0 and number and style.later_part_rows_left_out:
            continue
        if style.repeat_every and since_header >= style.repeat_every:
            for line in header_rows():
                rows.append(line)
            since_header = 0
        if style.blank_rows and rng.random() < style.blank_rows:
            rows.append(blank())
        parent = crit.parent
        index = 0 if parent is None else parent.children.index(crit)
        siblings[crit.row] = index
        code = code_text(crit, style, index)
        line = blank()
        name = crit.name
        if "code" in col:
            if style.code_spaces and isinstance(code, str):
                code = rng.choice([f" {code} ", f"{code}\u00a0", f"\u00a0{code}"])
            line[col["code"]] = code
        else:
            typed = code if isinstance(code, str) else format(code, "g")
            name = f"{typed} {name}" if typed[-1:] in ".)" else f"{typed}. {name}"
        line[col["name"]] = name
        line[col["max"]] = score_value(crit.max.value, style, rng)
        self_value = crit.self.value
        if style.blank_parents and crit.children:
            self_value = None
        line[col["self"]] = score_value(self_value, style, rng)
        if "appraised" in col and crit.is_leaf and crit.self.value is not None:
            appraised = crit.self.value
            if crit.max.value is not None and appraised > crit.max.value:  # (a reviewer gives the max at most)
                appraised = crit.max.value
            if appraised > 0 and rng.random() < 0.15:  # points taken off, and said why
                appraised = max(Decimal(0), appraised - Decimal("0.25"))
                line[col["appraisal_comment"]] = "Tài liệu kiểm chứng chưa đầy đủ."
            written_appraisal[crit.key] = appraised
            line[col["appraised"]] = score_value(appraised, style, rng)
        explanation = crit.explanation
        group = crit.parent.children if crit.parent is not None else []
        if merge_state.get("left"):  # covered by the explanation merged down from the group's first item
            merge_state["left"] -= 1
            explanation = ""
        elif crit.is_leaf and group and group[0] is crit and len(group) > 1 and all(c.is_leaf for c in group) \
                and style.merge_group_explanations and rng.random() < style.merge_group_explanations \
                and not style.repeat_every and not style.blank_rows and not style.wrap_explanations \
                and not style.wrap_names:
            explanation = "; ".join(c.explanation for c in group if c.explanation) or "Đã thực hiện."
            merge_state["left"] = len(group) - 1
            merged_from[len(rows)] = len(group)
            for c in group:
                expected_explanations[c.key] = explanation
        name_rest = None
        words = name.split(" ")
        if style.wrap_names and len(words) >= 8 and rng.random() < style.wrap_names:
            cut = next((i for i in range(len(words) // 2, len(words)) if words[i][:1].islower()), None)
            if cut is not None:
                line[col["name"]], name_rest = " ".join(words[:cut]), " ".join(words[cut:])
        wrapped = None
        if explanation and style.wrap_explanations and rng.random() < style.wrap_explanations and ". " in explanation:
            head, _, rest = explanation.partition(". ")
            if rest.strip():
                explanation, wrapped = head + ".", rest
                if style.bullet:  # the line below read as part of the explanation, its bullet kept
                    wrapped = f"{style.bullet} {rest}"
                    expected_explanations[crit.key] = f"{explanation} {wrapped}"
        if explanation:
            line[col["explanation"]] = explanation
        rows.append(line)
        if name_rest is not None:
            extra = blank()
            extra[col["name"]] = name_rest
            rows.append(extra)
        if wrapped is not None:
            extra = blank()
            extra[col["explanation"]] = wrapped
            rows.append(extra)
        elif "guidance" in col and crit.is_leaf and not merged_from.get(len(rows) - 1) and \
                not merge_state.get("left") and rng.random() < 0.3:
            # the annex's scoring options, a row each in the guidance column, the criterion's other cells
            # merged down over them (as the official table has it)
            first = len(rows) - 1
            line[col["guidance"]] = "Căn cứ tài liệu kiểm chứng."
            for option in (f"Thực hiện đầy đủ: {score_text(crit.max.value)}", "Không thực hiện: 0"):
                extra = blank()
                extra[col["guidance"]] = option
                rows.append(extra)
            for role in layout:
                if role != "guidance":
                    merges.append((first, col[role], len(rows) - 1, col[role]))
        since_header += 1
    if style.subtotals:
        add_subtotal(criteria[-1])
    for first_row, count in merged_from.items():
        merges.append((first_row, col["explanation"], first_row + count - 1, col["explanation"]))
    if style.total is not None:
        line = blank()
        line[col["name"]] = style.total
        line[col["max"]] = score_value(original.totals().max, style, rng)
        if style.total_self:
            line[col["self"]] = score_value(original.totals().self, style, rng)
        rows.append(line)
    if style.signature:
        rows.append(blank())
        for text in ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", None, "Nguyễn Xuân Thoang"):
            line = blank()
            line[col["explanation"]] = text
            rows.append(line)
    # an annex (the province's official table) has no column for the commune's scores or explanations
    dropped = {i for i, role in enumerate(layout)
               if annex and role in ("self", "explanation", "appraised", "appraisal_comment", "notes")}
    kept = [i for i in range(width) if i not in dropped]
    if dropped:
        rows = [line if r < head_rows else [line[i] for i in kept] for r, line in enumerate(rows)]
        merges = [(r0, kept.index(c0), r1, kept.index(max(c for c in kept if c <= c1)))
                  for r0, c0, r1, c1 in merges if c0 in kept]
        merges = [m for m in merges if m[0] != m[2] or m[1] != m[3]]
    for r, line in enumerate(rows, 1):
        for c, value in enumerate(line, 1 + (style.margin if r > head_rows else 0)):
            if value is None:
                continue
            cell = ws.cell(r, c)
            if isinstance(value, str):
                cell.value = encode(value)
                if font:
                    cell.font = Font(name=font)
            else:
                cell.value = value
                if font:
                    cell.font = Font(name=font)
    if style.links and "explanation" in col and col["explanation"] in kept:
        linking = random.Random(f"links {style.describe()}")  # (the seed's generator is not advanced)
        at = 1 + style.margin + kept.index(col["explanation"])
        for r in range(head_rows + 1, len(rows) + 1):
            cell = ws.cell(r, at)
            if isinstance(cell.value, str) and linking.random() < style.links:
                cell.hyperlink = f"https://vanban.example.vn/tlkc/{r}.pdf"
    for r0, c0, r1, c1 in merges:
        ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1 + style.margin, end_row=r1 + 1,
                       end_column=c1 + 1 + style.margin)
    if style.sheets_before and style.sheets_before[0] == "Sheet1":
        wb.active = len(wb.sheetnames) - 1
    wb.save(path)
    return expected_explanations, written_appraisal


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def _numbered(key: str) -> str:
    """A lettered item's key as its number: "I.2.2.b" → "I.2.2.2", "B.1" → "II.1" (the reader keeps the letters)."""
    part, dot, rest = key.partition(".")
    if part in ("A", "B"):  # parts lettered A, B: the reader keys them so
        key = ROMAN["AB".index(part)] + dot + rest
    head, _, last = key.rpartition(".")
    if head and len(last) == 1 and last.isalpha() and last.islower():
        return f"{head}.{ord(last) - ord('a') + 1}"
    return key


def reading(result) -> tuple[dict, tuple]:
    a = result.assessment
    criteria = {_numbered(c.key): (c.max.value, c.self.value if c.is_leaf else None, _flat(c.explanation), _flat(c.name))
                for c in a.criteria if c.code_ok}
    t = a.totals()
    return criteria, (t.max, t.self, t.pending_max)


def live_problems(path: Path, result) -> list[str]:
    """The book as the Excel button reads it (xlwings opens it with its own engine, values only, as Excel
    gives them; merges and hidden sheets from the saved file): what the file read gives."""
    import os

    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # (xlwings' own key for its file engine)
    import xlwings as xw

    from cchc_xl.criteria_sets.recognise import annotate
    from cchc_xl.read.live import read_book
    from cchc_xl.read.table import parse_workbook
    from cchc_xl.rules import check_assessment

    with xw.Book(path, mode="r") as book:
        live = parse_workbook(read_book(book))
    annotate(live)
    found = sorted((f.code, f.cell) for f in check_assessment(live))
    problems = compare(reading(result), reading(type("Live", (), {"assessment": live})()), False)
    if found != sorted((f.code, f.cell) for f in result.findings):
        problems.append(f"live findings {found} where the file gives "
                        f"{sorted((f.code, f.cell) for f in result.findings)}")
    return problems


def button_problems(path: Path, recalculated, client: str = "Microsoft Office Scripts") -> list[str]:
    """The Excel button's recalc (xlwings' remote engine records its calls; the book named by its path, as
    desktop Excel names a saved one) writes into the table the sums the file recalc writes, at the same
    cells, and marks the cells the file recalc marks (with a note each, on a client that takes notes:
    Office.js). ``recalculated``: the file recalc's outcome."""
    import cchc_xl
    try:
        from excel_client import remote_book
    except ImportError:  # (imported as bench.presentations, by the tests)
        from bench.excel_client import remote_book

    book = remote_book(path, client, by_path=True)
    at = next(i for i, sheet in enumerate(book.sheets) if sheet.name == recalculated.plan.sheet)
    outcome = cchc_xl.main(book)
    done = book.json()["actions"]
    if outcome is None:
        said = [a["args"][0] for a in done if a["func"] == "alert"]
        return [f"the button did nothing: {said[:1]}"]
    written = {}
    for action in done:
        if action["func"] == "setValues" and action["sheet_position"] == at:
            for i, line in enumerate(action["values"]):
                for j, value in enumerate(line):  # (the remote engine sends a blank as "")
                    written[(action["start_row"] + i, action["start_column"] + j)] = None if value == "" else value
    painted = set()
    for action in done:
        if action["func"] == "setRangeColors" and action["sheet_position"] == at:
            for i, line in enumerate(action["args"][0]):
                painted |= {(action["start_row"] + i, action["start_column"] + j) for j, v in enumerate(line)
                            if v not in ("keep", None)}
    problems = [f"button wrote {written.get(cell)!r} at {cell}, the file recalc {value}"
                for cell, value in recalculated.plan.values.items()
                if written.get(cell) != (float(value) if value is not None else None)]
    if painted != set(recalculated.plan.marks):
        problems.append(f"button marked {sorted(painted ^ set(recalculated.plan.marks))[:6]} unlike the file recalc")
    if client == "Office.js":
        from cchc_xl.text import cell_address

        noted = {a["args"][0].replace("$", "") for a in done if a["func"] == "addNote"}
        marked = {cell_address(*cell) for cell in recalculated.plan.marks}
        if noted != marked:
            problems.append(f"button noted {sorted(noted ^ marked)[:6]} unlike the cells the file recalc marks")
    return problems[:6]


def report_problems(path: Path, out: Path, assessment) -> list[str]:
    """The report's table lists every criterion with its STT as typed (letters too), in order."""
    from docx import Document

    from cchc_xl.render.report import render_report_file

    render_report_file(path, out, force=True)
    doc = Document(out)
    main = doc.tables[1]
    nested = main.rows[-1].cells[0].tables
    rows = list(main.rows[1:-1]) + (list(nested[0].rows[:-1]) if nested else [])
    printed = [row.cells[0].text.strip() for row in rows]
    typed = [(c.code_written or c.code).strip() for c in assessment.criteria if c.code_ok]
    if printed != typed:
        wrong = next(i for i, (a, b) in enumerate(zip(printed + [""] * len(typed), typed + [""] * len(printed)))
                     if a != b)
        return [f"report row {wrong}: {printed[wrong:wrong + 3]} where the table has {typed[wrong:wrong + 3]}"]
    return link_problems(path, doc, rows, assessment)


def link_problems(path: Path, doc, rows, assessment) -> list[str]:
    """Each explanation cell linked in the sheet is linked once in the report, to the same address, on the
    cell's own text, which starts the row's explanation (a merged one: in one of its group's rows; once
    more in the row kept with the signature block, when the group reaches it: that row prints its own copy)."""
    from docx.oxml.ns import qn

    ws = openpyxl.load_workbook(path)[assessment.sheet]
    criteria = [c for c in assessment.criteria if c.code_ok]
    groups: dict[tuple[int, int], list[int]] = {}
    for i, crit in enumerate(criteria):
        cell = crit.explanation_cell
        if cell is not None:
            groups.setdefault((cell.row, cell.col), []).append(i)
    problems = []
    for (r, c), members in groups.items():
        link = ws.cell(r + 1, c + 1).hyperlink
        found = []
        for i in members:
            for tag in rows[i]._tr.iter(qn("w:hyperlink")):
                text = "".join(n.text if n.tag == qn("w:t") else "\n" for n in tag.iter(qn("w:t"), qn("w:br")))
                found.append((doc.part.rels[tag.get(qn("r:id"))].target_ref, _lines(text), i))
        if link is None or not criteria[members[0]].explanation:
            if found:
                problems.append(f"{criteria[members[0]].code}: linked in the report, not in the sheet: {found}")
            continue
        own = assessment.explanation_links.get(r, ("", ""))[1]
        copies = {id(rows[i]._tr.getparent()) for i in members}  # (the table, or the part kept with the signature)
        printed = [_lines(rows[i].cells[-1].text) for _, _, i in found]
        if [(a, t) for a, t, _ in found] != [(link.target, _lines(own))] * len(copies) or not own or \
                any(lines[:len(_lines(own))] != _lines(own) for lines in printed):
            problems.append(f"{criteria[members[0]].code} (row {r + 1}): linked {found} for {link.target} on {own!r}")
    return problems[:3]


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def compare_appraisal(written: dict, result) -> list[str]:
    """Each leaf's appraised points as written (none: the table has no appraisal column)."""
    if not written:
        return []
    read = {_numbered(c.key): (c.appraised.value if c.appraised is not None else None)
            for c in result.assessment.criteria if c.code_ok and c.is_leaf}
    return [f"{key} appraised {value} read as {read.get(key)!r}" for key, value in written.items()
            if read.get(key) != value][:6]


def compare(expected, got, blank_parents: bool) -> list[str]:
    (want, want_totals), (have, have_totals) = expected, got
    problems = []
    for key in want.keys() | have.keys():
        if key not in have:
            problems.append(f"{key} not read")
        elif key not in want:
            problems.append(f"{key} read, not in the table: {have[key]}")
        else:
            for what, a, b in zip(("max", "self", "explanation", "name"), want[key], have[key]):
                if what == "name":
                    a, b = a.casefold(), b.casefold()
                if a != b:
                    problems.append(f"{key} {what}: {a!r} read as {b!r}")
    if want_totals != have_totals:
        problems.append(f"totals {want_totals} read as {have_totals}")
    return problems[:12]


def run(seed: int, folder: Path, expected, original_codes: Counter, added: Counter) -> str | None:
    rng = random.Random(seed)
    style = Presentation(rng)
    original = check_file(EXAMPLE).assessment
    path = folder / f"p{seed}.xlsx"
    changed, appraised = build(original, style, rng, path)
    if changed or style.later_part_rows_left_out:
        want, totals = expected
        want = dict(want)
        for key, text in changed.items():
            max_, self_, _, name = want[key]
            want[key] = (max_, self_, _flat(text), name)
        if style.later_part_rows_left_out:  # a part no row names is no criterion of the table
            for key in [k for k in want if k != "I" and "." not in k]:
                del want[key]
        expected = (want, totals)
    try:
        result = check_file(path)
        if not result.readable:
            return f"unreadable: {result.error}\n  {style.describe()}"
        problems = compare(expected, reading(result), style.blank_parents)
        problems += compare_appraisal(appraised, result)
        # (a note is printed in the report's explanation column: nothing of this table is one)
        problems += [f"{c.code} has notes {c.notes}" for c in result.assessment.criteria if c.notes][:3]
        followed = result.assessment.criteria_set
        if not followed or followed["id"] != "cap_xa_2023":  # (the example's set, however it is typed)
            problems.append(f"follows {followed and followed['id']}, not cap_xa_2023")
        against = [f"{f.code} {f.cell}: {f.message[:120]}" for f in check_file(path, against="cap_xa_2023").findings
                   if f.code in ("criterion-extra", "criterion-missing", "max-changed", "name-changed")]
        problems += against[:5]
        meta = result.assessment.meta
        if style.head in ("labels", "letterhead"):
            for key in ("unit", "period"):
                if _flat(str(meta.get(key, ""))).casefold() != _flat(original.meta[key]).casefold():
                    problems.append(f"meta {key}: {meta.get(key)!r}")
        codes = Counter(f.code for f in result.findings)
        for code, n in codes.items():
            if n > original_codes.get(code, 0):
                added[code] += 1
                added_by[code].append(seed)
        if problems:
            return "\n  ".join([f"seed {seed}: {style.describe()}", *problems])
        if seed % 5 == 1:  # the Excel button's reader (xlwings' own engine): the same reading and findings
            problems += live_problems(path, result)
            if problems:
                return "\n  ".join([f"seed {seed} live: {style.describe()}", *problems])
        if seed % 5 == 0:  # (one in five: a report takes a while) its table: every criterion, as typed
            problems += report_problems(path, folder / f"p{seed}.docx", result.assessment)
            if problems:
                return "\n  ".join([f"seed {seed} report: {style.describe()}", *problems])
        fixed = folder / f"p{seed}_recalc.xlsx"
        recalculated = recalc_file(path, fixed)
        if seed % 5 == 1:  # the Excel button's recalc writes and marks what the file recalc does
            problems += button_problems(path, recalculated, "Office.js" if seed % 10 == 1 else "Microsoft Office Scripts")
            if problems:
                return "\n  ".join([f"seed {seed} button: {style.describe()}", *problems])
        again = check_file(fixed)
        problems = compare(expected, reading(again), style.blank_parents) + compare_appraisal(appraised, again)
        if appraised and again.assessment.appraisal() is not None and result.assessment.appraisal() is not None \
                and again.assessment.appraisal().self != result.assessment.appraisal().self:
            problems.append(f"appraised total {result.assessment.appraisal().self} became {again.assessment.appraisal().self}")
        wrong_sums = [f.message for f in again.findings if f.code in ("sum-mismatch", "total-mismatch", "self-sum-mismatch")]
        if problems or wrong_sums:
            return "\n  ".join([f"seed {seed} after recalc: {style.describe()}", *problems, *wrong_sums[:5]])
    except CchcError as exc:
        return f"seed {seed}: CchcError {exc}\n  {style.describe()}"
    except Exception:
        return f"seed {seed}: {traceback.format_exc()}\n  {style.describe()}"
    return None


def bulk_summary(outcome) -> tuple:
    """What a reviewer takes from a batch: each unit's totals, rank and errors, and where units lose points."""
    units = sorted((r.unit, r.self, r.max, r.pending, r.rank, r.errors, r.criteria_set, r.duplicate_of is None)
                   for r in outcome.records)
    losses = [(s["part"], s["code"], s["max"], s["mean"], s["below_max"], s["unscored"]) for s in outcome.criteria_stats]
    return units, losses


def run_bulk(seed: int, folder: Path, expected: tuple) -> str | None:
    """The communes of examples/cac_xa, each typed its own way (seed), checked in bulk: the same units,
    totals, ranks, errors and losses by criterion as those workbooks as they are (``expected``)."""
    from cchc_xl.summarise.bulk import bulk_check

    rng = random.Random(seed)
    target = folder / f"bulk{seed}"
    target.mkdir()
    styles = []
    for source in sorted((ROOT / "examples" / "cac_xa").glob("*.xlsx")):
        style = Presentation(rng)
        if style.head == "none":  # (a unit must name itself for a batch to tell it from the others)
            style.head = "labels"
        styles.append(f"{source.name}: {style.describe()}")
        build(check_file(source).assessment, style, rng, target / source.name)
    try:
        got = bulk_summary(bulk_check([target], output=None, jobs=1))
    except Exception:
        return f"bulk seed {seed}: {traceback.format_exc()}"
    problems = []
    for name, want, have in (("units", expected[0], got[0]), ("losses", expected[1], got[1])):
        if want != have:
            diff = [f"  {w} → {h}" for w, h in zip(want + [None] * len(have), have + [None] * len(want)) if w != h]
            problems.append(f"{name} differ:\n" + "\n".join(diff[:6]))
    if problems:
        return "\n  ".join([f"bulk seed {seed}:", *problems, *styles])
    return None


def word_annex(xlsx: Path, out: Path, style: Presentation) -> Path:
    """The built annex as a Word document: the lines above the table as paragraphs, the table as a Word
    table with the sheet's merges (numbers as the decision prints them, "0,5"), in the sheet's font."""
    from docx import Document

    ws = openpyxl.load_workbook(xlsx)["Tự đánh giá"]
    values = [[cell.value for cell in row] for row in ws.iter_rows()]
    doc = Document()
    for line in values[:style.head_rows]:
        text = " ".join(str(v) for v in line if v is not None)
        if text:
            doc.add_paragraph(text)
    body = [line[style.margin:] for line in values[style.head_rows:]]
    width = max((len(line) for line in body), default=1)
    table = doc.add_table(rows=len(body), cols=width)
    grid = [row.cells for row in table.rows]  # (table.cell() walks the whole table at each call)
    _, font = encoder(style.encoding)
    for r, line in enumerate(body):
        for c, value in enumerate(line):
            if value is None:
                continue
            text = value if isinstance(value, str) else format(Decimal(str(value)).normalize(), "f").replace(".", ",")
            run = grid[r][c].paragraphs[0].add_run(text)
            if font:
                run.font.name = font
    for merged in ws.merged_cells.ranges:
        r0, r1 = merged.min_row - 1 - style.head_rows, merged.max_row - 1 - style.head_rows
        c0, c1 = merged.min_col - 1 - style.margin, merged.max_col - 1 - style.margin
        if r0 >= 0 and c0 >= 0 and c1 < width:
            grid[r0][c0].merge(grid[r1][c1])
    doc.save(out)
    return out


def run_annex(seed: int, folder: Path) -> str | None:
    """The example's criteria set typed as an official annex, this seed's way: `templates import` must read
    the same criteria (keys, max points, names) as the bundled set."""
    from cchc_xl.criteria_sets.importer import import_table
    from cchc_xl.criteria_sets.store import load_set

    rng = random.Random(seed)
    style = Presentation(rng)
    original = check_file(EXAMPLE).assessment
    path = folder / f"annex{seed}.xlsx"
    build(original, style, rng, path, annex=True)
    if seed % 2:  # odd seeds: the annex as a Word table, as decisions publish it
        path = word_annex(path, folder / f"annex{seed}.docx", style)
    official = load_set("cap_xa_2023")
    left_out = {key for key, c in official.by_key().items() if c.is_part and key != "I"} \
        if style.later_part_rows_left_out else set()
    try:
        if left_out:  # refused, naming the row where each part left out starts, and nothing else
            try:
                import_table(path, set_id=f"annex{seed}")
                return f"annex seed {seed}: parts left out, yet imported without --force\n  {style.describe()}"
            except CchcError as exc:
                said = str(exc)
                if f"({len(left_out)} vấn đề)" not in said or said.count("STT bắt đầu lại từ 1") != len(left_out):
                    return f"annex seed {seed}: parts left out said as: {said}\n  {style.describe()}"
        imported = import_table(path, set_id=f"annex{seed}", force=True)
    except CchcError as exc:
        return f"annex seed {seed}: {exc}\n  {style.describe()}"
    except Exception:
        return f"annex seed {seed}: {traceback.format_exc()}\n  {style.describe()}"
    # (a part inferred is named for what it is, as the table numbers its parts: "Phần II", "Phần B")
    inferred = {key: f"Phần {'AB'[ROMAN.index(key)] if style.part_style == 'A' else key}" for key in left_out}
    want = {key: (c.sheet_max, _flat(inferred.get(key, c.name)).casefold()) for key, c in official.by_key().items()}
    have = {key: (c.sheet_max, _flat(c.name).casefold()) for key, c in imported.by_key().items()}
    problems = [f"{key}: {want.get(key)} imported as {have.get(key)}" for key in sorted(want.keys() | have.keys())
                if want.get(key) != have.get(key)]
    kinds = {key: c.kind for key, c in imported.by_key().items()}
    problems += [f"{key} imported as {kinds.get(key)}, the set says {c.kind}" for key, c in official.by_key().items()
                 if kinds.get(key) != c.kind]
    if problems:
        return "\n  ".join([f"annex seed {seed}: {style.describe()}", *problems[:10]])
    return None


added_by: dict[str, list[int]] = defaultdict(list)


def main(argv: list[str]) -> int:
    keep = "--keep" in argv
    args = [a for a in argv if not a.startswith("--")]
    first, count = int(args[0]), int(args[1])
    if "--bulk" in argv:  # the six communes, each typed its own way, checked in bulk
        from cchc_xl.summarise.bulk import bulk_check

        expected = bulk_summary(bulk_check([ROOT / "examples" / "cac_xa"], output=None, jobs=1))
        failed = 0
        with tempfile.TemporaryDirectory() as tmp:
            for seed in range(first, first + count):
                problem = run_bulk(seed, Path(tmp), expected)
                if problem:
                    failed += 1
                    print(problem, flush=True)
        print(f"done {count}, failed {failed}")
        return 1 if failed else 0
    if "--annex" in argv:  # the official table typed these ways, imported
        failed = 0
        with tempfile.TemporaryDirectory() as tmp:
            for seed in range(first, first + count):
                problem = run_annex(seed, Path(tmp))
                if problem:
                    failed += 1
                    print(problem, flush=True)
        print(f"done {count}, failed {failed}")
        return 1 if failed else 0
    base = check_file(EXAMPLE)
    expected = reading(base)
    original_codes = Counter(f.code for f in base.findings)
    added: Counter = Counter()
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for seed in range(first, first + count):
            problem = run(seed, folder, expected, original_codes, added)
            if problem:
                failed += 1
                print(problem, flush=True)
                if keep:
                    target = ROOT / "bench" / "_presentations"
                    target.mkdir(exist_ok=True)
                    shutil.copy(folder / f"p{seed}.xlsx", target / f"p{seed}.xlsx")
    if added:
        print("findings the presentations added (seeds):")
        for code, n in added.most_common():
            print(f"  {code}: {n} ({', '.join(map(str, added_by[code][:8]))})")
    print(f"done {count}, failed {failed}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
