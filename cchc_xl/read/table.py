"""Find the criteria table in a WorkbookGrid and build the model from it.

Shared by every adapter, so a file, a fast read and a live Excel book give the
same tree. Tolerates what Excel and officers do: header anywhere, two-line
headers, columns in any order, numeric STT (3.5), "1.1.1.", spacer rows, notes
without STT, merged explanations, text scores with a decimal comma.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ..errors import UnreadableWorkbook
from ..model import CODE_ROMAN, Assessment, Cell, Criterion, ScoreCell
from ..text import clean_text, fold, parse_date, to_decimal_from_float, format_decimal
from .grid import SheetGrid, WorkbookGrid
from .labels import HEADER_ROLES, META_LABELS, TOTAL_WORDS

HEADER_SCAN_ROWS = 80
_ARABIC = re.compile(r"^\d+(\.\d+)*$")
_FOLDED_META = {fold(label): key for key, label in META_LABELS.items()}


@lru_cache(maxsize=4096)
def _role_of(text: str) -> str | None:
    if len(text) > 60:  # header cells are short; explanations never name a column
        return None
    folded = fold(text).rstrip(":").strip()
    if not folded:
        return None
    if folded in HEADER_ROLES["code"]:
        return "code"
    for role in ("self", "max", "appraised", "appraisal_comment", "explanation", "name"):
        if any(folded.startswith(key) for key in HEADER_ROLES[role]):
            return role
    return None


def _merged_lookup(sheet: SheetGrid) -> dict[tuple[int, int], tuple[int, int]]:
    """(row, col) of every covered cell → its merge range's top-left."""
    lookup = {}
    for r0, c0, r1, c1 in sheet.merged:
        if (r1 - r0 + 1) * (c1 - c0 + 1) > 20000:  # guard against absurd merges
            continue
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    lookup[(r, c)] = (r0, c0)
    return lookup


def _header_texts(sheet: SheetGrid, row: int, merged: dict) -> list[str]:
    line = sheet.rows[row] if row < sheet.height else []
    texts = []
    for col in range(len(line)):
        value = line[col]
        if value in (None, "") and (row, col) in merged:
            r0, c0 = merged[(row, col)]
            if r0 == row:  # horizontal merge: "Điểm" over two columns
                value = sheet.value(r0, c0)
        texts.append(clean_text(value) if isinstance(value, str) else "")
    return texts


def _roles(texts: list[str]) -> dict[str, int]:
    roles: dict[str, int] = {}
    for col, text in enumerate(texts):
        role = _role_of(text) if text else None
        if role and role not in roles:
            roles[role] = col
    return roles


def find_header(sheet: SheetGrid) -> tuple[int, dict[str, int], dict[str, int]] | None:
    """(last header row, role → col, extra header → col) or None."""
    merged = _merged_lookup(sheet)
    needed = {"code", "max", "self"}
    for row in range(min(sheet.height, HEADER_SCAN_ROWS)):
        line = sheet.rows[row]
        # a header row has an "STT" cell (possibly merged down from the row above)
        if not any(isinstance(v, str) and _role_of(v) == "code" for v in line) and not any(
            (row, c) in merged and _role_of(clean_text(sheet.value(*merged[(row, c)]))) == "code"
            for c in range(len(line))
        ):
            continue
        texts = _header_texts(sheet, row, merged)
        candidates = [(row, texts)]
        if row + 1 < sheet.height:  # two-row header: "Điểm" above "Tối đa" / "Tự đánh giá"
            below = _header_texts(sheet, row + 1, merged)
            width = max(len(texts), len(below))
            joined = [
                " ".join(t for t in ((texts + [""] * width)[i], (below + [""] * width)[i]) if t)
                for i in range(width)
            ]
            candidates.append((row + 1, joined))
        for last_row, cand in candidates:
            roles = _roles(cand)
            if needed <= roles.keys():
                extras = {
                    text: col for col, text in enumerate(cand) if text and col not in roles.values()
                }
                return last_row, roles, extras
    return None


def normalise_code(value: Any) -> str | None:
    """STT cell → '1.1.1', 'II', or None when the cell is not a code."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if value.__class__ is str:
        return _normalise_code_text(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_decimal(to_decimal_from_float(value)) if value >= 0 else None
    return _normalise_code_text(str(value))


@lru_cache(maxsize=4096)
def _normalise_code_text(value: str) -> str | None:
    text = clean_text(value).replace(" ", "").rstrip(".").upper()
    if not text:
        return None
    if _ARABIC.match(text) or CODE_ROMAN.match(text):
        return text
    return None


def _is_total(*texts: str) -> bool:
    for text in texts:
        folded = fold(text).rstrip(":").strip()
        if folded in TOTAL_WORDS or (folded.startswith("tong ") and len(folded) <= 20):
            return True
    return False


def read_meta(grid: WorkbookGrid, table: tuple[str, int, int] | None = None) -> dict[str, Any]:
    """Label/value pairs anywhere: a cell whose text is a label, value to its right.

    ``table`` (sheet, first row, last row) is the criteria table, whose cells are
    criteria and explanations, never labels: skipped to save time on big batches.
    """
    meta: dict[str, Any] = {}
    for sheet in grid.sheets:
        for r, line in enumerate(sheet.rows):
            if table and sheet.name == table[0] and table[1] <= r <= table[2]:
                continue
            for c, value in enumerate(line):
                if not isinstance(value, str) or not value or len(value) > 40:
                    continue
                key = _FOLDED_META.get(fold(value).rstrip(":").strip())
                if key is None or key in meta:
                    continue
                for right in line[c + 1 :]:
                    if right not in (None, ""):
                        meta[key] = right
                        break
    for key, value in list(meta.items()):
        if key == "report_date":
            parsed = parse_date(value)
            meta[key] = parsed if parsed else clean_text(value)
        else:
            meta[key] = clean_text(value)
    return meta


def parse_workbook(grid: WorkbookGrid) -> Assessment:
    for sheet in grid.sheets:
        found = find_header(sheet)
        if found:
            break
    else:
        raise UnreadableWorkbook(
            "không tìm thấy bảng tiêu chí (cần hàng tiêu đề có các cột "
            "“STT”, “Điểm tối đa”, “Điểm tự đánh giá”)"
        )
    header_row, columns, extras = found
    return _parse_table(grid, sheet, header_row, columns, extras)


def _parse_table(grid, sheet: SheetGrid, header_row, columns, extras) -> Assessment:
    merged = _merged_lookup(sheet)
    name = sheet.name
    rows = sheet.rows
    formulas, no_value = sheet.formulas, sheet.formula_no_value
    col_code = columns["code"]
    col_name = columns.get("name")
    col_expl = columns.get("explanation")
    col_comment = columns.get("appraisal_comment")

    width = max(columns.values()) + 1
    col_max, col_self, col_appraised = columns["max"], columns["self"], columns.get("appraised")

    def text_at(r, line, col):
        """Text of a cell; a merged explanation belongs to every row it covers."""
        value = line[col]
        if (value is None or value == "") and (r, col) in merged:
            value = sheet.value(*merged[(r, col)])
        return clean_text(value)

    def score(r, line, col) -> ScoreCell:
        value = line[col]
        if formulas:
            key = (r, col)
            return ScoreCell.read(Cell(name, r, col), None if value == "" else value, key in no_value, key in formulas)
        return ScoreCell.read(Cell(name, r, col), None if value == "" else value)

    assessment = Assessment(
        source=grid.source,
        sheet=name,
        header_row=header_row,
        columns=columns,
        extra_columns=extras,
        criteria=[],
        parts=[],
        meta={},
    )
    last: Criterion | None = None
    for r in range(header_row + 1, len(rows)):
        line = rows[r]
        if len(line) < width:  # one padding instead of a bounds check per cell
            line = list(line) + [None] * (width - len(line))
        code_raw = line[col_code]
        if code_raw == "":
            code_raw = None
        text = clean_text(line[col_name]) if col_name is not None else ""
        code = normalise_code(code_raw)
        if code is None:
            if _is_total(clean_text(code_raw) if isinstance(code_raw, str) else "", text):
                assessment.total_row = r
                assessment.total_max = score(r, line, col_max)
                assessment.total_self = score(r, line, col_self)
                break
            max_cell, self_cell = score(r, line, col_max), score(r, line, col_self)
            explanation = text_at(r, line, col_expl) if col_expl is not None else ""
            if not max_cell.blank or not self_cell.blank:
                # points without an STT: cannot be placed in the tree, reported
                assessment.orphans.append(
                    Criterion(
                        part=last.part if last else "",
                        code="",
                        code_written=clean_text(code_raw),
                        name=text,
                        row=r,
                        code_cell=Cell(name, r, col_code),
                        name_cell=assessment.cell(r, "name"),
                        max=max_cell,
                        self=self_cell,
                        explanation=explanation,
                    )
                )
            elif last is not None:
                # note / continuation row: its text belongs to the criterion above
                for piece in (text, explanation):
                    if piece and piece not in last.notes and piece != last.explanation:
                        last.notes.append(piece)
            continue
        criterion = Criterion(
            part="",
            code=code,
            code_written=clean_text(code_raw),
            name=text,
            row=r,
            code_cell=Cell(name, r, col_code),
            name_cell=Cell(name, r, col_name) if col_name is not None else None,
            max=score(r, line, col_max),
            self=score(r, line, col_self),
            explanation=text_at(r, line, col_expl) if col_expl is not None else "",
            explanation_cell=Cell(name, r, col_expl) if col_expl is not None else None,
            appraised=score(r, line, col_appraised) if col_appraised is not None else None,
            appraisal_comment=text_at(r, line, col_comment) if col_comment is not None else "",
        )
        assessment.criteria.append(criterion)
        last = criterion
    end = assessment.total_row if assessment.total_row is not None else len(rows) - 1
    assessment.meta = read_meta(grid, (name, header_row + 1, end))
    build_tree(assessment)
    return assessment


def build_tree(assessment: Assessment) -> None:
    """Attach criteria to parents by STT; flag duplicates and misplaced codes.

    Numbering restarts in every part. A code whose parent is not the most
    recent row of the level above (3.1.4 inside area 2) is kept out of the
    sums and reported; a code out of order (2.4 before 2.3) is reported but
    still counts under its right parent.
    """
    part: Criterion | None = None
    by_code: dict[str, Criterion] = {}
    latest: dict[int, Criterion] = {}
    problems = assessment.read_problems
    for crit in assessment.criteria:
        if crit.code[:1].isalpha():  # normalise_code leaves only Roman parts or Arabic codes
            crit.part = crit.code
            if any(p.part == crit.code for p in assessment.parts):
                crit.code_ok = False
                problems.append(("duplicate-code", crit, f"Phần {crit.code} xuất hiện hai lần."))
                continue
            previous = assessment.parts[-1] if assessment.parts else None
            if previous is not None and _roman_value(crit.code) <= _roman_value(previous.code):
                problems.append(
                    ("misplaced-code", crit, f"Phần {crit.code} đứng sau phần {previous.code}: sai thứ tự.")
                )
            part = crit
            assessment.parts.append(crit)
            by_code, latest = {}, {0: crit}
            continue
        if part is None:
            # a table without Roman parts: everything belongs to one implicit part I
            part = Criterion(
                part="I", code="I", code_written="", name="", row=crit.row, code_cell=crit.code_cell,
                name_cell=None, max=ScoreCell(None), self=ScoreCell(None),
            )
            assessment.parts.append(part)
            latest = {0: part}
        crit.part = part.part
        if crit.code in by_code:
            crit.code_ok = False
            first = by_code[crit.code]
            problems.append(
                (
                    "duplicate-code",
                    crit,
                    f"STT {crit.code} đã có ở ô {first.code_cell.address} (phần {part.part}); "
                    "mỗi STT chỉ được dùng một lần trong một phần.",
                )
            )
            continue
        depth = crit.depth
        parent_code = crit.code.rsplit(".", 1)[0] if "." in crit.code else None
        parent = latest.get(depth - 1)
        expected_parent = part if parent_code is None else by_code.get(parent_code)
        if expected_parent is None or parent is not expected_parent:
            crit.code_ok = False
            if expected_parent is None:
                why = f"không có mục {parent_code} đứng trước nó trong phần {part.part}"
            else:
                where = parent.code if parent is not None and parent is not part else f"phần {part.part}"
                why = f"nó đang nằm trong mục {where}, không phải trong mục {parent_code}"
            problems.append(("misplaced-code", crit, f"STT {crit.code} đặt sai chỗ: {why}."))
            continue
        siblings = expected_parent.children
        if siblings and _last_number(crit.code) <= _last_number(siblings[-1].code):
            problems.append(
                (
                    "misplaced-code",
                    crit,
                    f"STT {crit.code} đứng sau {siblings[-1].code}: sai thứ tự đánh số.",
                )
            )
        crit.parent = expected_parent
        siblings.append(crit)
        by_code[crit.code] = crit
        latest[depth] = crit
        for deeper in [d for d in latest if d > depth]:
            del latest[deeper]


@lru_cache(maxsize=4096)
def _last_number(code: str) -> int:
    return int(code.rsplit(".", 1)[-1])


_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def _roman_value(text: str) -> int:
    total = 0
    for i, ch in enumerate(text):
        value = _ROMAN[ch]
        total += -value if i + 1 < len(text) and _ROMAN[text[i + 1]] > value else value
    return total
