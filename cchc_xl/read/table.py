"""Find the criteria table in a WorkbookGrid and build the model from it.

Shared by every adapter, so a file, a fast read and a live Excel book give the same tree.
Tolerates what officers' workbooks really hold: the header anywhere in the first 500 rows (named by
the synonym table in labels.py, on one row or two), columns in any order, headers repeated at page
breaks with their column numbers, codes of every style (read.codes), notes and bullets under a
criterion, merged explanations, text scores with a decimal comma, old TCVN3/VNI text (read.legacy),
several tables in one workbook (a visible one, the latest period, or --sheet).
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from ..errors import UnreadableWorkbook
from ..model import Assessment, Criterion, ScoreCell, Subtotal, TableColumns
from ..model.assessment import MAX_MAGNITUDE, Cell
from ..text import cell_address, clean_str, clean_text, fold, period_key, to_decimal_from_float, unit_key, vn
from .codes import (Code, WordNumbering, is_list_marker, next_part, normalise_code, numbered_keys, part_rank,
                    read_code, sibling_key, split_code_prefix)
from .grid import SheetGrid, WorkbookGrid
from .headers import Header, choose_score_column, find_header, merge_index, missing_message, role_of
from .meta import SET_WORDS, read_meta, title_periods

__all__ = ["parse_workbook", "build_tree", "read_meta", "normalise_code", "find_header"]

_COLUMN_NUMBER = re.compile(r"^\(?\d{1,2}\)?$")
# the table's columns whose header words, in two cells of a row, make it a repeated header: the
# explanation too ("Nội dung | Số điểm | | Giải trình" over a two-row header names one other only)
_HEADER_ROLES = ("code", "name", "max", "self", "explanation", "appraised")


@lru_cache(maxsize=4096)  # the same STT texts ("1.1", "I") come back in every workbook of a batch
def _code_cell(raw: str) -> tuple[Code | None, str]:
    """A text STT cell: what it says, and its text as written."""
    return read_code(raw), clean_str(raw)


_PARENTHESES = re.compile(r"\([^()]*\)")  # innermost only: "\([^)]*\)" scanned to the end from every unclosed "("
# what follows "Tổng"/"Cộng" on a total row ("Tổng điểm tự đánh giá của xã", "Cộng (I + II)");
# "phần"/"mục" make it a part's subtotal ("Tổng phần I", "Cộng mục II")
_TOTAL_NEXT = {"cong", "diem", "so", "chung"}
_SUBTOTAL_NEXT = {"phan", "muc"}
_ROMAN_LETTERS = set("ivxlc")  # (a label's words are lower-cased)


def _label_words(text: str) -> list[str]:
    """A total row's label as words, without what it puts in brackets or after colons."""
    return _PARENTHESES.sub(" ", text).replace(":", " ").split()


def total_kind(*texts: str) -> str | None:
    """"total" for the table's total row, "subtotal" for a part's, None for anything else.
    "Cộng" is told from "Công" (công tác…) by its mark; a text typed without marks ("TONG
    CONG") is read folded."""
    for text in texts:
        if not text:
            continue
        lowered = _label_words(text.lower())
        if not lowered:
            continue
        first = lowered[0]
        if not (first in ("tổng", "cộng") or (first in ("tong", "cong") and text.isascii())):
            continue  # "công tác…", "tống đạt…": other words
        following = fold(lowered[1]) if len(lowered) > 1 else ""
        if not following:
            return "total"
        if following in _SUBTOTAL_NEXT:
            return "subtotal"
        if following == "so" and fold(next((w for w in lowered[2:] if w.isalpha() and not set(w) <= _ROMAN_LETTERS),
                                           "diem")) != "diem":
            continue  # "Tổng số hồ sơ tiếp nhận: 120" counts things: a note, not "Tổng số (điểm)", "Tổng số I + II"
        if following in _TOTAL_NEXT or (fold(first) == "tong" and len(" ".join(lowered)) <= 20):
            return "total"
    return None


def _subtotal_part(label: str, current: str) -> str:
    """The part a subtotal names ("Tổng phần II", "Cộng mục B"), else the part above it."""
    for word in _label_words(label)[2:3]:
        code = read_code(word)
        if code is not None and code.kind == "part":
            return code.value
    return current


def next_criterion(rows, start: int, col_code: int, col_name: int | None, col_max: int, codes_in_names: bool
                   ) -> int | None:
    """The first row below ``start`` that holds a criterion (a code and a max), or None: a "Tổng"
    row with criteria below it is not the end of the table (a total typed on top, a subtotal)."""
    for index in range(start + 1, len(rows)):
        line = rows[index]
        value = line[col_max] if col_max < len(line) else None
        if value is None or value == "" or isinstance(value, bool):
            continue
        code = row_code(line, col_code, col_name, codes_in_names)
        if code is not None and code.kind in ("part", "number"):
            return index
    return None


def row_code(line, col_code: int, col_name: int | None, codes_in_names: bool) -> Code | None:
    """The code a row holds: in its STT cell, or at the start of its name (a table numbered in its names)."""
    if codes_in_names:
        name = line[col_name] if col_name is not None and col_name < len(line) else None
        split = split_code_prefix(name) if name.__class__ is str else None
        return split[0] if split is not None else None
    return read_code(line[col_code]) if col_code < len(line) else None


def header_lines(rows, header_row: int) -> set[tuple]:
    """The header's own rows (both of a two-row header) as is_repeated_header compares them: the
    texts of a row with two or more, by column."""
    lines = set()
    for r in (header_row - 1, header_row):
        if r >= 0:
            texts = _texts_by_column(rows[r])
            if len(texts) >= 2:
                lines.add(texts)
    return lines


def _texts_by_column(line) -> tuple:
    return tuple((col, value.strip()) for col, value in enumerate(line) if value.__class__ is str and value.strip())


def is_repeated_header(line, core_columns, header=frozenset()) -> bool:
    """A header row repeated at a page break ("STT | Lĩnh vực, tiêu chí | Điểm tối đa …"): two of
    the table's own columns hold header words (a criterion's max is a number: rejected at once),
    or the row is one of the header's own rows (``header``: header_lines) as typed. A two-row
    header's upper row, "Nội dung | Điểm | Giải trình" (the "Điểm" merged over "Tối đa | Tự chấm"),
    names one core column only, and was read as a criterion without a code."""
    if header and _texts_by_column(line) in header:
        return True
    hits = 0
    for col in core_columns:
        value = line[col]
        if value.__class__ is str and role_of(value.strip()):
            hits += 1
            if hits >= 2:
                return True
    return False


def is_column_numbers(line, name_col) -> bool:
    """A row of column numbers under the header: "1 | 2 | 3 | 4 | 5" or "(1) | (2) …"."""
    if name_col is not None:  # a criterion has a name: the common case is rejected here
        name = line[name_col]
        if name.__class__ is str and not _COLUMN_NUMBER.match(name.strip()):
            return False
    numbers = []
    for value in line:
        if value is None or value == "":
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value == int(value):
            numbers.append(int(value))
        elif value.__class__ is str and _COLUMN_NUMBER.match(value.strip()):
            numbers.append(int(value.strip().strip("()")))
        else:
            return False
    return len(numbers) >= 3 and numbers == sorted(numbers) and len(set(numbers)) == len(numbers)


# what a signature block under the table says (folded): who signs for whom, the signer's title, the
# "(Ký, ghi rõ họ tên)" line, the place-and-date line
_SIGNATURE = re.compile(
    r"^(?:tm|kt|tl|tuq|q)\. |"  # "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"
    r"^(?:nguoi lap(?: bieu)?|(?:pho )?chu tich(?: ubnd(?: xa| phuong| thi tran)?)?|thu truong(?: don vi)?|"
    r"nguoi ky|can bo lap(?: bieu)?|cong chuc lap(?: bieu)?)$|"  # a title line, alone
    r"^\(ky,? (?:ghi ro )?ho ten|"
    # "Ngọc Kỳ, ngày 26 tháng 6 năm 2023" ending there ("Ngày 15 tháng 3 năm 2023, UBND xã ban hành…" is an
    # explanation)
    r"^(?:[^,\d]{1,40}, )?ngay\s+\S{0,4}\s*thang\s+\S{0,4}\s*nam\s*\S{0,6}$")


def is_signature_block(line) -> bool:
    """A row of the signature block: one of its texts is a signature line (see _SIGNATURE)."""
    for value in line:
        if value.__class__ is str and 3 <= len(value) <= 120 and _SIGNATURE.search(fold(value)):
            return True
    return False


def total_ahead(rows, start: int, columns) -> bool:
    """The table's "Tổng" row among the next few rows with content below ``start`` (``columns``: where
    its label may be, the STT's and the name's): a signature-like line above it ("Chủ tịch UBND xã"
    alone as a note) is inside the table, which goes on to its total."""
    seen = 0
    for index in range(start + 1, len(rows)):
        line = rows[index]
        if not any(v not in (None, "") for v in line):
            continue
        texts = [line[c] for c in columns if c is not None and c < len(line) and line[c].__class__ is str]
        if texts and total_kind(*texts) == "total":
            return True
        seen += 1
        if seen == 3:
            return False
    return False


def _same_name(text: str, criteria) -> bool:
    """``text`` names one of ``criteria`` (folded; a summary may shorten "Công tác chỉ đạo, điều hành CCHC"
    to "Công tác chỉ đạo, điều hành", or the other way round)."""
    key = fold(text).strip(" .:;")
    if len(key) < 6:
        return False
    for crit in criteria:
        other = fold(crit.name).strip(" .:;")
        shorter, longer = sorted((key, other), key=len)
        if len(shorter) >= 6 and longer.startswith(shorter):
            return True
    return False


def _padded(line, width: int):
    return line if len(line) >= width else list(line) + [None] * (width - len(line))


def opening_part(code: Code) -> Code | None:
    """The letter code of a table's first row as a part: "i" is part I typed in lower case (the next,
    "ii", reads as a part already), not a letter item with nothing above it; another letter is none."""
    return Code("part", "I", code.word) if code.value == "i" else None


def name_goes_on(name: str, text: str) -> bool:
    """``text``, on the row below a criterion (no STT, no points), is the rest of its name: it starts
    in lower case and the name does not end a sentence ("Xử lý các vấn đề" / "phát hiện qua kiểm tra",
    a name wrapped when pasted from a PDF)."""
    return text[:1].islower() and bool(name) and name[-1] not in ".:;!?…"


def _words_only(cell: ScoreCell) -> bool:
    """Blank, or words that are no number ("CHỦ TỊCH", "Ngọc Kỳ, ngày 26 tháng 6 năm 2023"), not a
    score typed wrong ("1,5,", "0,5đ/1")."""
    if cell.blank:
        return True
    raw = cell.raw
    if cell.problem != "not-a-number" or raw.__class__ is not str:
        return False
    return not any(ch.isdigit() for ch in raw) or sum(word.isalpha() for word in raw.split()) >= 3


def _is_title(line) -> bool:
    """A page title pasted inside the table: one upper-case text cell and nothing else."""
    texts = [v for v in line if v not in (None, "")]
    if len(texts) != 1 or texts[0].__class__ is not str:
        return False
    text = texts[0].strip()
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 12 and all(ch.isupper() for ch in letters)


def numbered_in_names(rows, header_row: int, col_code: int, col_name: int | None) -> bool:
    """The codes are read from the start of the names ("1.1. Kế hoạch CCHC năm"): the table has no
    STT column (the names' column stands for it), or its STT column is empty all the way down while
    names start with codes, the officer having typed the numbering into them. A table that uses its
    STT column stops this at its first row."""
    if col_name is None:
        return False
    if col_code == col_name:
        return True
    prefixed = 0
    for line in rows[header_row + 1:]:
        if is_column_numbers(line, col_name if col_name < len(line) else None):
            continue  # "(1) | (2) | (3)…" under the header: no code typed in the STT column
        if col_code < len(line):
            code = read_code(line[col_code])
            if code is not None and code.kind != "bullet":
                return False
        name = line[col_name] if col_name < len(line) else None
        if name.__class__ is str and split_code_prefix(name) is not None:
            prefixed += 1
    return prefixed >= 2


def parse_workbook(grid: WorkbookGrid, columns: dict[str, int] | None = None, sheet: str | None = None
                   ) -> Assessment:
    """The criteria table of a workbook as the model.

    Several sheets may hold a table (last period's copy on a hidden sheet): a visible one is used,
    the latest period when stated, else the first visible; ``sheet`` picks one by name.
    """
    from .legacy import ENCODING_NAMES, to_unicode

    encoding, converted = to_unicode(grid)
    in_excel = grid.active is not None  # the Excel button (the sheet in front known): its advice types no option
    sheets = grid.sheets
    if sheet is not None:
        sheets = [s for s in grid.sheets if s.name == sheet]
        if not sheets:
            names = ", ".join(f"“{s.name}”" for s in grid.sheets)
            raise UnreadableWorkbook(f"không có trang “{sheet}” trong sổ tính (các trang: {names})")
    found: list[tuple[SheetGrid, Header]] = []
    best: dict = {}
    best_visible: dict = {}  # the nearest to a table on a visible sheet, for hidden_table_message
    for candidate in sheets:
        if columns is not None:
            header = _explicit_header(candidate, columns)
        else:
            header, partial = find_header(candidate)
            if len(partial.get("roles", {})) > len(best.get("roles", {})):
                best = {**partial, "sheet": candidate.name}
            if header is None and not candidate.hidden and \
                    len(partial.get("roles", {})) > len(best_visible.get("roles", {})):
                best_visible = {**partial, "sheet": candidate.name}
        if header is not None:
            found.append((candidate, header))
    if not found:
        raise UnreadableWorkbook(missing_message(best, in_excel=in_excel))
    chosen, header = _choose_table(found, explicit=sheet is not None, active=grid.active)
    choices = choose_score_column(chosen, header, _stated_period(chosen, header), in_excel) if header.several else []
    assessment = _parse_table(grid, chosen, header)
    assessment.read_problems.extend(("several-score-columns", None, message) for message in choices)
    if chosen.hidden and sheet is None:
        assessment.read_problems.append(("hidden-table", None, hidden_table_message(chosen.name, best_visible)))
    if converted:
        assessment.read_problems.append((
            "legacy-encoding", None,
            f"Chữ trong sổ tính viết bằng mã cũ {ENCODING_NAMES[encoding]}: đã đọc thành Unicode ở trang "
            f"{', '.join(converted)}; sổ tính không bị sửa. "
            # (the Excel button's user types no command: the converter every officer's Unikey has)
            + (f"Để chuyển hẳn sang Unicode, dùng công cụ chuyển mã của Unikey ({encoding.upper()} → Unicode)."
               if in_excel else "Lệnh `cchc-xl convert` tạo bản Unicode"
               f"{' (sau khi sổ được mở bằng Excel và lưu lại dạng .xlsx)' if grid.kind in ('xls', 'ods') else ''}.")))
    # the other tables on sheets in view, read (a workbook of several tables is rare: its cost is theirs)
    shown = {sheet.name: _parse_table(grid, sheet, header) for sheet, header in found
             if sheet is not chosen and sheet.hidden is False}
    split = _parts_elsewhere(shown, chosen, assessment)
    units = assessment.other_units = _other_units(shown, split, assessment)
    if units:
        assessment.read_problems.append(
            ("several-units", None, _several_units_message(chosen.name, assessment, units, in_excel)))
    others = [s.name + (" (ẩn)" if s.hidden else "") for s, _ in found
              if s is not chosen and s.name not in split and s.name not in units]
    if others:
        assessment.read_problems.append((
            "other-tables", None,
            f"Sổ tính có {len(found)} bảng tiêu chí; đã dùng trang “{chosen.name}”"
            f"{' (trang ẩn, theo --sheet)' if chosen.hidden else ''}. Các trang khác: {', '.join(others)}. "
            + ("Muốn dùng trang khác, hãy mở trang đó rồi bấm nút lại." if in_excel
               else "Chọn trang khác bằng --sheet TÊN.")))
    return assessment


def hidden_table_message(hidden: str, near: dict) -> str:
    """The table was read on a hidden sheet because no visible sheet holds one: a copy of last
    period kept hidden was checked (and ranked) in place of the officer's table, whose header the
    reader did not know, without a word. ``near``: the visible sheet's nearest header, if any."""
    if len(near.get("roles", {})) >= 2:
        why = f"bảng ở các trang đang hiện không đọc được: {missing_message(near)}"
    else:
        why = "các trang đang hiện không có bảng tiêu chí"
    return (f"Bảng tiêu chí được đọc ở trang ẩn “{hidden}”, vì {why}. Nếu bảng cần kiểm tra đúng là trang ẩn này, "
            "hãy bỏ ẩn trang (chuột phải vào tên trang → Unhide) rồi kiểm tra lại.")


def _parts_elsewhere(shown: dict[str, Assessment], chosen: SheetGrid, assessment: Assessment) -> set[str]:
    """Visible sheets (``shown``: their tables, read) that hold only parts the table read lacks: an
    officer who put part II on a sheet of its own. Its points were left out without a word (a 74-point
    table, 0 errors); each such part is now an error at its cell. Returns those sheets' names. (A sheet
    the live engine cannot say is shown, hidden None, is not among them: it may be last period's hidden copy.)"""
    mine = {part.code for part in assessment.parts}
    split = set()
    for sheet, table in shown.items():
        theirs = table.parts
        if not theirs or any(part.code in mine for part in theirs):
            continue  # another copy of the table (or of one of its parts): other-tables says so
        split.add(sheet)
        for part in theirs:
            maximum = part.effective_max()
            name = part.name if len(part.name) <= 60 else part.name[:59] + "…"
            assessment.read_problems.append((
                "parts-on-other-sheet", part,
                f"Phần {part.code}{f' (“{name}”)' if name else ''}"
                f"{f', tối đa {vn(maximum)} điểm,' if maximum is not None else ''} nằm ở trang “{sheet}” nên chưa "
                f"được tính: bảng tiêu chí chỉ được đọc trên một trang (trang “{chosen.name}”). Hãy chép phần này về "
                f"nối tiếp bảng ở trang “{chosen.name}” rồi kiểm tra lại."))
    return split


def _other_units(shown: dict[str, Assessment], split: set[str], assessment: Assessment) -> dict[str, str]:
    """Sheets in view whose table states a unit of its own, not the one read, for the same period (sheet
    → unit): a workbook that gathers several communes, one sheet each. A sheet that states no unit is not
    among them (its "Tên đơn vị" is read from the table's sheet), nor one of another period (the former
    commune's table of last year, kept beside this year's after a merger)."""
    mine = unit_key(assessment.unit)
    if not mine:
        return {}
    period = period_key(assessment.period)
    return {name: table.unit for name, table in shown.items()
            if name not in split and table.unit and unit_key(table.unit) != mine
            and period_key(table.period) == period}


def _several_units_message(chosen: str, assessment: Assessment, units: dict[str, str], in_excel: bool) -> str:
    named = ", ".join(f"{unit} (trang “{name}”)" for name, unit in list(units.items())[:5])
    more = f" và {len(units) - 5} đơn vị khác" if len(units) > 5 else ""
    # (the Excel button checks the sheet in front; `bulk` checks every unit of such a workbook)
    how = "mở từng trang rồi bấm nút" if in_excel else \
        "kiểm tra từng trang bằng --sheet TÊN (lệnh `cchc-xl bulk` kiểm tra, xếp hạng mọi đơn vị của sổ)"
    return (f"Sổ tính có bảng tiêu chí của {len(units) + 1} đơn vị: chỉ {assessment.unit} (trang “{chosen}”) được kiểm "
            f"tra; {named}{more} chưa được kiểm tra, xếp hạng. Hãy tách mỗi đơn vị thành một tệp, hoặc {how}.")


def _explicit_header(sheet: SheetGrid, columns: dict[str, int]) -> Header | None:
    """--columns: the data starts after the header row if one is found, else at the first code."""
    header, _ = find_header(sheet)
    if header is not None:
        return Header(header.row, dict(columns), {}, header.texts)
    for r in range(min(sheet.height, 2000)):
        if read_code(sheet.value(r, columns["code"])) is not None and (
                sheet.value(r, columns["max"]) is not None):
            return Header(r - 1, dict(columns), {}, [])
    return None


def _period_rank(sheet: SheetGrid, header: Header) -> tuple[int, int]:
    """(year, 1 for a whole year / 0 for six months) stated above the table; (0, 0) if none."""
    year, kind = _stated_period(sheet, header)
    return (int(year), 0 if kind.startswith("6 thang") else 1) if year else (0, 0)


def _stated_period(sheet: SheetGrid, header: Header) -> tuple[str, str]:
    """The period stated above the table, as period_key gives it: its latest year, six months when
    a text of that year says so (the title's "năm 2023" beside "6 tháng đầu năm 2023"). The set's own
    year ("Bộ tiêu chí … năm 2023") is no period: last year's table on this year's set ranked above this
    year's, as a whole year."""
    stated = [period_key(text) for line in sheet.rows[: header.row] for v in line if v.__class__ is str
              for text in [clean_text(v)] if not any(word in fold(text) for word in SET_WORDS)]
    stated = [key for key in stated if key[0]]
    if not stated:
        return ("", "")
    year = max(key[0] for key in stated)
    of_year = [key for key in stated if key[0] == year]
    return next((key for key in of_year if key[1].startswith("6 thang")), of_year[0])


def _choose_table(found, explicit: bool, active: str | None = None):
    if explicit or len(found) == 1:
        return found[0]
    visible = [(s, h) for s, h in found if not s.hidden] or found
    if len(visible) == 1:
        return visible[0]
    for sheet, header in visible:
        # the Excel button: the table the officer is looking at (a hidden sheet is never the active one;
        # the remote engine cannot say which sheets are hidden, so last period's hidden copy placed first
        # was the table checked and written into)
        if sheet.name == active:
            return sheet, header
    ranked = [(_period_rank(s, h), -i, (s, h)) for i, (s, h) in enumerate(visible)]
    top = max(ranked, key=lambda item: (item[0], item[1]))
    if top[0] == (0, 0):
        return visible[0]
    return top[2]


_SHOWN_TYPES = frozenset((float, int, dt.date, dt.datetime))  # (a set: most cells are none of them)


def _shown_numbers(grid: WorkbookGrid, sheet: SheetGrid, header_row: int, col: int | None) -> dict:
    """The numbers and dates typed in the explanation column below the header, as their cells show
    them where the format says more than the value ("100%" is kept as 1, "6/2023" as 1/6/2023):
    read.formats. The workbook's formats are asked for only when the column holds such a value."""
    if col is None or grid.number_formats is None:
        return {}
    rows = sheet.rows
    cells = [(r, col) for r, line in enumerate(rows[header_row + 1:], header_row + 1)
             if len(line) > col and line[col].__class__ in _SHOWN_TYPES]
    if not cells:
        return {}
    from .formats import shown_as

    try:
        codes = grid.number_formats({sheet.name: cells}).get(sheet.name, {})
    except Exception:  # a damaged styles part: the numbers are read as values, as before
        return {}
    shown = {}
    for (r, c), code in codes.items():
        text = shown_as(rows[r][c], code)
        if text is not None:
            shown[(r, c)] = text
    return shown


def _parse_table(grid, sheet: SheetGrid, header: Header) -> Assessment:
    columns = header.columns
    header_row = header.row
    width = max(columns.values()) + 1
    merged = merge_index(sheet.merged, sheet.height, max(width, 1))
    name = sheet.name
    rows = sheet.rows
    formulas, no_value, errors = sheet.formulas, sheet.formula_no_value, sheet.errors
    col_code = columns["code"]
    col_name = columns.get("name")
    col_expl = columns.get("explanation")
    col_comment = columns.get("appraisal_comment")
    col_max, col_self, col_appraised = columns["max"], columns["self"], columns.get("appraised")
    core_columns = list(dict.fromkeys(columns[r] for r in _HEADER_ROLES if r in columns))
    repeated = header_lines(rows, header_row)
    # no STT column, or an empty one: the codes are read from the start of the names, and a
    # finding about a code points at the name cell, where the code is written
    codes_in_names = numbered_in_names(rows, header_row, col_code, col_name)
    code_at = col_name if codes_in_names else col_code
    table_columns = TableColumns(name, code_at, col_name, col_expl)
    orphan_columns = TableColumns(name, code_at, col_name)  # a row without a code explains nothing

    shown = _shown_numbers(grid, sheet, header_row, col_expl)

    def text_at(r, line, col):
        """Text of a cell; a merged explanation belongs to every row it covers. An Excel error value
        (#VALUE!, a picture placed in the cell) is no text: python-calamine gave "", openpyxl "#VALUE!".
        A number or date in the explanation column as Excel shows it ("100%", not 1)."""
        value = line[col]
        if errors and (r, col) in errors:
            return ""
        if value.__class__ is str and value:  # most cells: their own text
            return clean_str(value)
        key = (r, col)
        if value is None or value == "":
            top = merged.get(key)
            # merged down this column only: a part's name merged across the row to the explanation
            # column ("II | ĐÁNH GIÁ TÁC ĐỘNG …" over C:E) is the name, not an explanation
            if top is not None and top[1] == col:
                key, value = top, sheet.value(*top)
        if shown and key in shown:
            return shown[key]
        return clean_text(value)

    def score_checked(r, line, col) -> ScoreCell:
        value = line[col]
        key = (r, col)
        if key in errors:
            return ScoreCell(name, r, col, errors[key], None, "cell-error", key in formulas)
        return ScoreCell.read(name, r, col, None if value == "" else value, key in no_value, key in formulas)

    def score_plain(r, line, col) -> ScoreCell:
        value = line[col]
        if value.__class__ is float and -MAX_MAGNITUDE <= value <= MAX_MAGNITUDE:  # most cells: a number
            return ScoreCell(name, r, col, value, to_decimal_from_float(value))
        if value is None or value == "":  # the next most: blank (a parent's self, a survey item)
            return ScoreCell(name, r, col)
        return ScoreCell.read(name, r, col, value)

    # chosen once: most sheets have neither formulas nor error values
    score = score_checked if (formulas or errors) else score_plain

    assessment = Assessment(
        source=grid.source, sheet=name, header_row=header_row, columns=columns, extra_columns=header.extras,
        criteria=[], parts=[], meta={}, sheet_hidden=sheet.hidden, sheet_protected=sheet.protected,
        structure_locked=grid.structure_locked,
    )
    last: Criterion | None = None
    last_line = -1
    last_number: Criterion | None = None  # the latest numbered criterion: parent of letter items
    words = WordNumbering()  # "Tiêu chí 1" then "Chỉ tiêu 1": 1.1
    title_notes: list[tuple[Criterion, str]] = []
    ended = None  # the total row that ends the table
    current_part = "I"  # a table without parts is one implicit part I
    criterion_ahead = -1  # the next criterion row below the latest row asked about (len(rows): none)

    def criterion_below(r) -> bool:
        """A criterion follows row ``r`` (a "Tổng" row, a signature line…): one scan for a run of such
        rows, not one each."""
        nonlocal criterion_ahead
        if r >= criterion_ahead:
            ahead = next_criterion(rows, r, col_code, col_name, col_max, codes_in_names)
            criterion_ahead = len(rows) if ahead is None else ahead
        return criterion_ahead < len(rows)

    # the rows below a criterion that go on its name or its explanation, and every text already taken
    # from them: gathered, and joined once the table is read (joined at each row, a sheet of 30,000 such
    # rows took minutes)
    lines_below: dict[int, tuple[list[str], list[str], set[str]]] = {}

    def lines_of(crit):
        found = lines_below.get(crit.row)
        if found is None:
            found = lines_below[crit.row] = ([], [], {*crit.notes, crit.explanation, *crit.explanation.split("\n")})
        return found

    def name_so_far(crit) -> str:
        found = lines_below.get(crit.row)
        return found[0][-1] if found and found[0] else crit.name

    # criterion row → (the last header above it, numbered again, named as a criterion of that code read above)
    tables_below: dict[int, tuple[int, bool, bool]] = {}

    def another_table_below(r) -> bool:
        """Below the "Tổng" row at ``r``, criteria numbered again from a code this table has read ("1"
        again, "I" again) under a header of their own, or named as the criteria of that code read
        above ("1 | Công tác chỉ đạo, điều hành | 15 | 14"): another table (a summary by area under the
        self-assessment), not the rest of this one. Its rows were read as a part III: the total
        doubled, with false errors, and recalc wrote into it."""
        ahead = criterion_ahead
        if ahead not in tables_below:  # once for a run of "Tổng" rows (a hostile file has 30,000)
            header = next((i for i in range(ahead - 1, r, -1)
                           if is_repeated_header(_padded(rows[i], width), core_columns, repeated)), -1)
            code = row_code(rows[ahead], col_code, col_name, codes_in_names)
            same_code = [c for c in assessment.criteria if c.code == code.value] if code is not None else []
            named_again = bool(same_code) and _same_name(name_of(ahead), same_code)
            tables_below[ahead] = (header, bool(same_code), named_again)
        header, again, named_again = tables_below[ahead]
        return again and (header > r or named_again)

    def name_of(i) -> str:
        """Row ``i``'s criterion name, without the code a table numbered in its names puts before it."""
        value = rows[i][col_name] if col_name is not None and col_name < len(rows[i]) else None
        text = clean_text(value)
        if codes_in_names:
            split = split_code_prefix(text)
            text = split[2] if split is not None else text
        return text

    number_problem = ""  # an STT "1.10" that Excel stored as the number 1.1: said once the row is read
    for r in range(header_row + 1, len(rows)):
        line = rows[r]
        if len(line) < width:  # one padding instead of a bounds check per cell
            line = _padded(line, width)
        code_raw = line[col_code]
        if code_raw == "":
            code_raw = None
        if (code_raw is None or code_raw.__class__ is str) and line[col_max].__class__ is not float:
            # rows that are not criteria: a header repeated at a page break, its column numbers,
            # a page title pasted with it (a criterion row's max is a number: skipped at once)
            if is_repeated_header(line, core_columns, repeated) or is_column_numbers(line, col_name):
                for crit, note in title_notes:
                    if note in crit.notes:
                        crit.notes.remove(note)
                        lines_of(crit)[2].discard(note)
                title_notes = []
                continue
        elif col_name is None or (line[col_name].__class__ is not str or (
                not line[col_name][:1].isalpha() and _COLUMN_NUMBER.match(line[col_name].strip()))):
            # (a criterion's name that is text starting with a letter, so not a number: the common
            # case, decided here without stripping it)
            if is_column_numbers(line, col_name):
                continue
        if col_name is None:
            text = ""
        else:
            text = line[col_name]
            text = clean_str(text) if text.__class__ is str else clean_text(text)
        if codes_in_names and (code_raw is None or col_code == col_name):
            split = split_code_prefix(text) if text else None
            if split is None:
                code, written = None, ""
            else:
                code, written, text = split
        elif code_raw.__class__ is str:
            code, written = _code_cell(code_raw)
        else:
            code, written = read_code(code_raw), clean_text(code_raw)
            if code_raw.__class__ is float and last_number is not None and code is not None:
                tenth = tenth_sibling(code.value, last_number.code)
                if tenth is not None:
                    number_problem = (
                        f"STT ở ô {cell_address(r, col_code)} là số {vn(to_decimal_from_float(code_raw))}, nối tiếp mục "
                        f"{last_number.code}: Excel đã đổi “{tenth}” gõ vào thành số (bỏ số 0 cuối), nên đã đọc là {tenth}. "
                        f"Hãy định dạng cột STT là Văn bản (Text) rồi gõ lại “{tenth}”.")
                    code, written = Code("number", tenth), tenth
        if code is not None and code.kind == "letter":
            if last_number is None:  # nothing above for it to belong to: no code, but an opening "i"
                code = opening_part(code) if last is None else None
            else:
                code = Code("number", f"{last_number.code}.{code.value}", code.word)
        if code is not None and code.word:  # "Tiêu chí 1" then "Chỉ tiêu 1": a second word numbers inside the first
            code = words.place(code)
        if code is None or code.kind == "bullet":
            kind = total_kind(written if code_raw.__class__ is str else "", text) if code is None else None
            if kind == "subtotal":  # "Tổng phần I": checked against the part, written by recalc
                assessment.subtotals.append(Subtotal(
                    r, _subtotal_part(text or written, current_part), text or written, score(r, line, col_max),
                    score(r, line, col_self), score(r, line, col_appraised) if col_appraised is not None else None))
                continue
            if kind == "total" and last is not None and score(r, line, col_max).blank and \
                    score(r, line, col_self).blank and (criterion_below(r) or total_ahead(rows, r, (col_code, col_name))):
                # no points, criteria above and criteria or the total below: a note that opens like a total
                # ("Tổng kết năm 2022", "TỔNG HỢP CHUNG", "Tổng cộng có 15 hồ sơ"), of the criterion above; it
                # was dropped, and under the last criterion it ended the table, its real total unread
                kind = None
            if kind == "total":
                more = criterion_below(r) and not another_table_below(r)
                if assessment.total_row is None or not more:
                    assessment.total_row = r
                    assessment.total_max = score(r, line, col_max)
                    assessment.total_self = score(r, line, col_self)
                    if col_appraised is not None:
                        assessment.total_appraised = score(r, line, col_appraised)
                if not more:
                    ended = r
                    break
                continue
            if code is None and last is not None and is_signature_block(line):
                # "TM. ỦY BAN NHÂN DÂN", "NGƯỜI LẬP BIỂU", "…, ngày 26 tháng 6 năm 2023" with no criterion
                # below, nor its total: the table ended above (no "Tổng" row closed it); these were notes of
                # the last criterion, printed in the report's "Nội dung giải trình" column
                if not criterion_below(r) and not total_ahead(rows, r, (col_code, col_name)):
                    ended = r - 1
                    break
            max_cell, self_cell = score(r, line, col_max), score(r, line, col_self)
            explanation = text_at(r, line, col_expl) if col_expl is not None else ""
            has_points = not max_cell.blank or not self_cell.blank
            # a scoring option typed under a criterion ("a) …: 1", "- …"); a numbered line that has
            # its own self score is a criterion whose STT went into its name, reported as such
            rubric = code is None and not written and text and is_list_marker(text) and (
                self_cell.blank or not text.lstrip()[:1].isdigit())
            if has_points and not rubric and code is None and last is not None and \
                    _words_only(max_cell) and _words_only(self_cell):
                # words, no number, in the score columns, and no criterion below: the signature block
                # under a table with no "Tổng" row to end it ("NGƯỜI LẬP BIỂU | TM. ỦY BAN NHÂN DÂN"
                # was missing-code at each of its rows)
                if not criterion_below(r) and not total_ahead(rows, r, (col_code, col_name)):
                    continue
            if has_points and not rubric:
                # points without a code that can be placed: reported, quoting what is written
                assessment.orphans.append(
                    Criterion(
                        part=last.part if last else "", code="", code_written=written, name=text, row=r,
                        columns=orphan_columns, max=max_cell, self=self_cell, explanation=explanation,
                    )
                )
            elif last is not None and code_raw is None and not codes_in_names and (
                    merged.get((r, col_code)) == (last.row, col_code)):
                # the criterion's second line: its STT merged down over this row, the name or the
                # explanation going on below (text pasted from Word); part of it, not a note
                names, explained, seen = lines_of(last)
                if text and not is_list_marker(text):
                    names.append(text)
                elif text and text not in seen:
                    seen.add(text)
                    last.notes.append(text)
                if explanation and explanation not in seen:
                    seen.add(explanation)
                    explained.append(explanation)
            elif last is not None and code is None and not written and r == last_line + 1 and \
                    name_goes_on(name_so_far(last), text):
                # the name going on below, in lower case, with no STT and no points (a name wrapped over
                # two rows when pasted from a PDF or typed so): part of the name, not a note (notes fill
                # the report's "Nội dung giải trình" column: "phát hiện qua kiểm tra" went there)
                names, explained, seen = lines_of(last)
                names.append(text)
                if explanation and explanation not in seen:
                    seen.add(explanation)
                    explained.append(explanation)
                last_line = r
            elif last is not None:
                # note, bullet, rubric option: its text belongs to the criterion above
                if rubric and not max_cell.blank:
                    text = f"{text}: {clean_text(line[col_max])}"
                prefix = f"{written} " if code is not None else ""
                title = _is_title(line)
                names, explained, seen = lines_of(last)
                for piece, explains in ((text, False), (explanation, True)):
                    piece = (prefix + piece) if piece and prefix else piece
                    if not piece or piece in seen:
                        continue
                    seen.add(piece)
                    if explains and not title:
                        # the explanation column goes on below the criterion (a longer text typed on the
                        # next row): its explanation, which a deduction asks for, not a note
                        explained.append(piece)
                        continue
                    last.notes.append(piece)
                    if title:
                        title_notes.append((last, piece))
            continue
        title_notes = []
        # positional arguments: half the cost of keywords, for every row of every workbook (order
        # as in Criterion: part, code, code_written, name, row, columns, max, self, explanation,
        # appraised, appraisal_comment)
        criterion = Criterion(
            "", code.value, written, text, r, table_columns,
            score(r, line, col_max), score(r, line, col_self),
            text_at(r, line, col_expl) if col_expl is not None else "",
            score(r, line, col_appraised) if col_appraised is not None else None,
            text_at(r, line, col_comment) if col_comment is not None else "",
        )
        assessment.criteria.append(criterion)
        if errors and col_expl is not None and (r, col_expl) in errors:
            assessment.read_problems.append(("explanation-error", criterion, (
                f"Nội dung giải trình của mục {criterion.code} (ô {cell_address(r, col_expl)}) là giá trị lỗi "
                f"{errors[(r, col_expl)]} của Excel (một công thức hỏng, hoặc hình ảnh đặt trong ô): báo cáo để trống "
                "ô này. Hãy ghi nội dung giải trình bằng chữ (hình kiểm chứng để ở cột khác hoặc gửi kèm)."),
                criterion.explanation_cell))
        last = criterion
        last_line = r  # the row its name ends on, so far
        if number_problem:
            assessment.read_problems.append(("code-number-tenth", criterion, number_problem))
            number_problem = ""
        if code.kind == "number" and not code.value[-1:].isalpha():
            last_number = criterion
        elif code.kind == "part":
            last_number = None
            words.new_part()
            current_part = code.value
    for crit in assessment.criteria:  # the lines gathered below each criterion, joined once
        more = lines_below.get(crit.row)
        if more is not None:
            crit.name = " ".join(t for t in (crit.name, *more[0]) if t)
            crit.explanation = "\n".join(t for t in (crit.explanation, *more[1]) if t)
    end = ended if ended is not None else len(rows) - 1
    assessment.meta = read_meta(grid, (name, header_row + 1, end), assessment.meta_cells)
    # (a header cell's year is its column's: "Điểm tự đánh giá năm 2022", last year's scores kept beside;
    # a header has one or two rows)
    assessment.title_periods = [found for found in title_periods(grid, (name, header_row + 1, end))
                                if found[1][1] < header_row - 1 or role_of(found[2]) is None]
    build_tree(assessment)
    if sheet.hidden_rows:
        _hidden_criteria(assessment, sheet.hidden_rows)
    if sheet.merged:
        _scores_merged_over_criteria(assessment, sheet, (col_max, col_self, col_appraised))
        if col_expl is not None:
            _explanations_merged_over_criteria(assessment, sheet.merged, merged, col_expl, end)
    if col_expl is not None and (sheet.links or any(c == col_expl for _, c in formulas)):
        _explanation_links(assessment, grid, sheet, col_expl)
    return assessment


def _explanation_links(assessment: Assessment, grid, sheet: SheetGrid, col: int) -> None:
    """The explanation cells linked to a document (Insert → Link, or =HYPERLINK("https://…"; "Xem")): the
    report links their text as the sheet does (the link was lost, and with it the way to the evidence the
    text cites)."""
    # (each cell once: an explanation merged over a group's items is theirs all)
    rows = list(dict.fromkeys(crit.explanation_at for crit in assessment.criteria))
    links = sheet.links
    formulas = [(row, col) for row in rows if (row, col) in sheet.formulas and (row, col) not in links]
    if formulas and grid.formula_texts is not None:
        from .links import formula_target

        try:
            texts = grid.formula_texts({sheet.name: formulas}).get(sheet.name, {})
        except Exception:  # (a link is never a reason to refuse a workbook)
            texts = {}
        found = {cell: formula_target(text) for cell, text in texts.items()}
        links = {**links, **{cell: target for cell, target in found.items() if target}}
    for row in rows:
        target = links.get((row, col))
        text = clean_text(sheet.value(row, col)) if target is not None else ""
        if text:
            assessment.explanation_links[row] = (target, text)


def _hidden_criteria(assessment: Assessment, hidden_rows) -> None:
    """Criteria on rows the officer hid in Excel are read as any other: counted in their parent's sum and the
    total, and printed in the report, while the sheet does not show them (a row of last year's set hidden
    rather than deleted made a sum the officer could not see the reason of). Said once, naming them."""
    hidden = [crit for crit in assessment.criteria if crit.row in hidden_rows]
    if not hidden:
        return
    named = ", ".join(f"{crit.code} (hàng {crit.row + 1})" for crit in hidden[:6]) + \
        (f" và {len(hidden) - 6} mục khác" if len(hidden) > 6 else "")
    which = "Mục" if len(hidden) == 1 else f"{len(hidden)} mục"
    assessment.read_problems.append(("hidden-row", hidden[0], (
        f"{which} {named} đang bị ẩn trong Excel nhưng vẫn được đọc: điểm được cộng vào mục trên và tổng, và in "
        "trong báo cáo. Nếu mục không còn dùng, hãy xóa hàng; nếu còn, hãy bỏ ẩn (chọn các hàng quanh đó, chuột "
        "phải, Unhide; hàng bị ẩn do bộ lọc thì Data → Clear) để thấy và kiểm tra.")))


def _explanations_merged_over_criteria(assessment: Assessment, merges, index, col: int, end: int) -> None:
    """One explanation merged down over several criteria (a group's items, often from their parent's
    row): each item's explanation is that text (text_at), and its cell is the merged one's first, the
    one an officer can click. Findings on the text are then said once for the group, at that cell, and
    the report merges the group's explanation cells as the sheet does. (Found from the sheet's few
    merges, not by asking for each criterion: most workbooks have merges, in their letterhead.)"""
    spans = [(r0, min(r1, end)) for r0, c0, r1, c1 in merges if c0 == col and r1 > r0 and r0 < end]
    if not spans:
        return
    if len(spans) > 256 or sum(bottom - top for top, bottom in spans) > 4 * (end + 1):
        # (overlapping merges by the thousand, a hostile file: asked per criterion, as text_at asks)
        for crit in assessment.criteria:
            top = index.get((crit.row, col))
            if top is not None and top[1] == col and top[0] != crit.row:
                crit.explanation_row = top[0]
                assessment.explanations_merged = True
        return
    by_row = {crit.row: crit for crit in assessment.criteria}
    for top, bottom in spans:
        for row in range(top + 1, bottom + 1):
            crit = by_row.get(row)
            if crit is not None:
                crit.explanation_row = top
                assessment.explanations_merged = True


_SCORE_FIELDS = ("max", "self", "appraised")
_SCORE_NAMES = {"max": "Điểm tối đa", "self": "Điểm tự đánh giá", "appraised": "Điểm thẩm định"}


def _scores_merged_over_criteria(assessment: Assessment, sheet: SheetGrid, columns) -> None:
    """A score typed once in a cell merged down over several criteria (Merge & Center over 1.1.1–1.1.3,
    2,5 typed for the group; the cells below it empty, as Excel leaves them): no criterion's own score.
    One merged-score error at the first, and every cell of the range unreadable, so a parent above keeps
    its typed score rather than a sum of 1.1.1's capped share. Leaves only (so read once the tree is
    built): a parent's blank cell is its sum's. A merge over a criterion's own rubric rows has one
    criterion in it: its score. Cells below the first that hold values of their own are read as
    before (a file written so shows only the first; Excel itself empties them)."""
    from bisect import bisect_left, bisect_right

    if len(sheet.merged) > _MERGES_JUDGED:  # a real table merges a few hundred cells; a hostile file 100,000,
        return  # overlapping (Excel repairs such a file): none of them says what the officer meant
    criteria = assessment.criteria  # (in sheet order)
    starts = [crit.row for crit in criteria]
    taken: set[int] = set()
    for r0, c0, r1, c1 in sheet.merged:
        if r1 == r0 or not any(col is not None and c0 <= col <= c1 for col in columns):
            continue
        covered = criteria[bisect_left(starts, r0):bisect_right(starts, r1)]
        if len(covered) < 2 or any(crit.row in taken or crit.children or not crit.code_ok for crit in covered):
            continue
        first = covered[0]
        for field_name, col in zip(_SCORE_FIELDS, columns):
            if col is None or not c0 <= col <= c1:
                continue
            cells = [getattr(crit, field_name) for crit in covered]
            if first.row != r0 or cells[0].blank or not all(cell.blank for cell in cells[1:]):
                continue
            raw = cells[0].raw
            for crit, cell in zip(covered, cells):
                setattr(crit, field_name, ScoreCell(cell.sheet, crit.row, col, cell.raw, None, "merged-over",
                                                    cell.is_formula))
            taken.update(crit.row for crit in covered)
            codes = ", ".join(c.code_written or c.code for c in covered[:8]) + (" …" if len(covered) > 8 else "")
            typed = vn(to_decimal_from_float(raw)) if raw.__class__ is float else clean_text(raw)
            assessment.read_problems.append((
                "merged-score", first,
                f"{_SCORE_NAMES[field_name]} ở ô {cell_address(r0, col)}:{cell_address(r1, col)} là một ô "
                f"gộp qua các mục {codes}{f' ({typed[:20]})' if typed else ''}: mỗi mục phải có điểm riêng trong ô của "
                "mình. Hãy bỏ gộp ô (Home → Merge & Center / Trang đầu → Hợp nhất và Căn giữa) rồi ghi điểm từng mục; "
                "chưa sửa thì các mục cha phía trên giữ nguyên điểm đã ghi.",
                Cell(first.columns.sheet, first.row, col)))


_MERGES_JUDGED = 5000


def tenth_sibling(read: str, previous: str) -> str | None:
    """ "1.10" when an STT cell holds the number 1.1 right after criterion 1.9 (or a row below it):
    where "." is the decimal point (Windows set to English), Excel stores a typed "1.10" as the
    number 1.1, and "1.20" as 1.2. None when the number reads as it is."""
    head, dot, last = read.partition(".")
    if not dot or len(last) != 1 or last == "0":
        return None
    before = f"{head}.{int(last) * 10 - 1}"
    if previous == before or previous.startswith(before + "."):
        return f"{head}.{int(last) * 10}"
    return None


def _implicit_part(code: str, first: Criterion) -> Criterion:
    """A part no row of the table names: its cell is the code cell of the row it starts at; it has
    no name, max or explanation of its own."""
    part = Criterion(part=code, code=code, code_written="", name="", row=first.row,
                     columns=TableColumns(first.columns.sheet, first.columns.code),
                     max=ScoreCell(None), self=ScoreCell(None))
    part.place(code)
    return part


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
    lettered = next((c.code == "A" for c in assessment.criteria if c.code[:1].isalpha()), False)
    lettered_items = False
    for crit in assessment.criteria:
        if crit.code[:1].isalpha():  # normalise_code leaves only Roman parts or Arabic codes
            crit.place(crit.code)
            if any(p.part == crit.code for p in assessment.parts):
                crit.code_ok = False
                problems.append(("duplicate-code", crit, f"Phần {crit.code} xuất hiện hai lần."))
                continue
            previous = assessment.parts[-1] if assessment.parts else None
            if previous is not None and part_rank(crit.code, lettered) <= part_rank(previous.code, lettered):
                problems.append(
                    ("misplaced-code", crit, f"Phần {crit.code} đứng sau phần {previous.code}: sai thứ tự.")
                )
            part = crit
            assessment.parts.append(crit)
            by_code, latest = {}, {0: crit}
            continue
        if part is None:
            # a table without Roman parts: everything belongs to one implicit part I
            part = _implicit_part("I", crit)
            assessment.parts.append(part)
            latest = {0: part}
        elif crit.code == "1" and "1" in by_code and len(part.children) > 1:
            # the numbering starts again at 1 with no part row above it: the next part (an officer who
            # left out the "II" row); its criteria were duplicates of part I's, their points left out
            following = next_part(part.code, lettered)
            if following and not any(c.code == following for c in assessment.criteria):  # (no such row below)
                part = _implicit_part(following, crit)
                assessment.parts.append(part)
                by_code, latest = {}, {0: part}
                problems.append((
                    "part-inferred", crit,
                    f"STT bắt đầu lại từ 1 ở hàng {crit.row + 1} mà phía trên không có dòng phần: đã đọc từ hàng "
                    f"này là phần {following}. Hãy thêm dòng “{following}” (tên phần, điểm tối đa) phía trên cho rõ."))
        # crit.place(part.part), inlined: an Arabic code is never a part, so its key is "II.1.2"
        crit.part = part.part
        crit.key = f"{part.part}.{crit.code}"
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
        code = crit.code
        if code[-1] >= "a":  # "1.4.a": a lettered item (see _number_lettered_keys)
            lettered_items = True
        depth = code.count(".") + 1  # crit.depth, known not to be a part here
        parent_code = code.rsplit(".", 1)[0] if depth > 1 else None
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
        if siblings and sibling_key(crit.code) <= sibling_key(siblings[-1].code):
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
        if len(latest) > depth + 1:  # levels 0..depth are always there: deeper ones are stale
            for deeper in [d for d in latest if d > depth]:
                del latest[deeper]
    if lettered or lettered_items:
        # keys as the sets number: "a)" under 1.4 is I.1.4.1, part B is II (codes stay as typed, for messages).
        # A workbook lettering its sub-criteria followed no known set (122 criterion-extra errors --against
        # it), and its items were counted apart from every other commune's in bulk's statistics.
        tree = [crit for part in assessment.parts for crit in part.walk()]
        for crit, key in zip(tree, numbered_keys([(crit.key, crit.is_part) for crit in tree])):
            crit.key = key
