"""Find the criteria table's header row and which column plays which role.

Roles come from the synonym table in labels.HEADER_ROLES (documented in README), matched without
case, marks or spacing, on one header row or two (a merged "Điểm" above "Tối đa | Tự đánh giá").
A user can name the columns instead (``--columns stt=A,name=B,max=C,self=D``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..errors import UnreadableWorkbook
from ..text import clean_text, column_letter, fold, period_key
from .codes import read_code, split_code_prefix
from .grid import SheetGrid
from .labels import HEADER_ROLES, ROLE_NAMES, ROLE_ORDER, SCORER_VERBS, SCORERS

HEADER_SCAN_ROWS = 500
CORE = ("code", "name", "max", "self", "explanation", "appraised", "appraisal_comment")
NEEDED = ("code", "max", "self")
_FOLDED_ROLES = {role: tuple(fold(k) for k in keys) for role, keys in HEADER_ROLES.items()}


def _role_pattern(role: str) -> str:
    """A role's synonyms as a regex: at the start of the folded text, as a whole word."""
    keys = sorted(_FOLDED_ROLES[role], key=len, reverse=True)
    if role == "code":  # "stt" exactly; a longer synonym may be followed by more words
        exact = "|".join(re.escape(k) for k in keys)
        longer = "|".join(re.escape(k) for k in keys if len(k) > 2)
        return rf"(?:{exact})$" + (rf"|(?:{longer}) " if longer else "")
    words = "|".join(re.escape(k) for k in keys)
    if role in SCORER_VERBS:  # "Điểm UBND xã tự đánh giá": who scored, between "Điểm" and the verb
        scorers = "|".join(re.escape(k) for k in sorted(SCORERS, key=len, reverse=True))
        verbs = "|".join(re.escape(k) for k in SCORER_VERBS[role])
        words += rf"|(?:(?:diem|ket qua) )?(?:(?:do|cua) )?(?:{scorers}) (?:{verbs})"
    return "(?:" + words + r")(?:$|[ /,(])"


# Every role in one regex, a named group each, in ROLE_ORDER: the alternation tries them in that
# order, so the first role that matches wins, in one call in C (letterhead texts differ in every
# commune's workbook, so role_of's cache misses them all). Compiled when first needed: importing
# the reader stays cheap for one workbook.
_ROLES_PATTERN: list = []


@dataclass
class Header:
    row: int  # last header row (0-based); data starts below it
    columns: dict[str, int]  # role → 0-based column
    extras: dict[str, int] = field(default_factory=dict)  # other header texts → column
    texts: list[str] = field(default_factory=list)  # the header texts, joined over two rows
    # a score role named by several columns (last year's self-scores kept beside this year's):
    # role → columns, the one to use chosen by choose_score_column once the period is known
    several: dict[str, list[int]] = field(default_factory=dict)


@lru_cache(maxsize=8192)
def role_of(text: str) -> str | None:
    if not text or len(text) > 80:  # header cells are short; explanations never name a column
        return None
    folded = fold(text).rstrip(":").strip().lstrip("(").rstrip(")")
    if not folded:
        return None
    found = roles_pattern().match(folded)
    return found.lastgroup if found else None


def roles_pattern() -> re.Pattern:
    """The one regex of every role (~2 ms to compile: once per process, or once before a batch
    forks its workers)."""
    if not _ROLES_PATTERN:
        _ROLES_PATTERN.append(re.compile("|".join(f"(?P<{role}>{_role_pattern(role)})" for role in ROLE_ORDER)))
    return _ROLES_PATTERN[0]


class MergeIndex:
    """Which merged range covers a cell: small merges in a dict, big ones (a whole-column
    merge, 400 large ranges) as rectangles, so memory never follows the merged area. Time does
    not follow it either: past BUDGET cells in all (100,000 overlapping merges in a 30 KB file
    took 7 s), merges count as big ones, of which the first 64 are kept."""

    SMALL = 512
    BUDGET = 200_000  # cells entered in all; a real table merges a few thousand

    def __init__(self, merged, height: int, width: int):
        self.cells: dict[tuple[int, int], tuple[int, int]] = {}
        self.big: list[tuple[int, int, int, int]] = []
        self.entered = 0
        full = False  # the budget is spent: every later merge counts as big
        for r0, c0, r1, c1 in merged:
            r1, c1 = min(r1, height - 1), min(c1, width - 1)  # nothing beyond the cells read
            if r1 < r0 or c1 < c0:
                continue
            area = (r1 - r0 + 1) * (c1 - c0 + 1)
            full = full or (area <= self.SMALL and self.entered + area > self.BUDGET)
            if area > self.SMALL or full:
                self.big.append((r0, c0, r1, c1))
                if full and len(self.big) > 64:
                    break  # nothing later would be kept
                continue
            self.entered += area
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    if (r, c) != (r0, c0):
                        self.cells[(r, c)] = (r0, c0)
        if len(self.big) > 64:  # absurd: keep the first ones, a table needs few
            self.big = self.big[:64]

    def get(self, key):
        found = self.cells.get(key)
        if found is not None or not self.big:
            return found
        r, c = key
        for r0, c0, r1, c1 in self.big:
            if r0 <= r <= r1 and c0 <= c <= c1 and (r, c) != (r0, c0):
                return (r0, c0)
        return None

    def __contains__(self, key) -> bool:
        return self.get(key) is not None


def merge_index(merged, height: int, width: int) -> MergeIndex:
    """A MergeIndex, shared by sheets merged alike: the communes of a province fill one template,
    so a batch builds it once instead of twice per workbook. (The index is never changed once
    built; the height only matters when a merge reaches past the last row.)"""
    key = tuple(merged)
    if not any(r1 >= height for _, _, r1, _ in key):
        height = 1 << 62  # nothing is cut at the last row: any height builds the same index
    return _merge_index(key, height, width)


_merge_index = lru_cache(maxsize=64)(MergeIndex)


def _texts(sheet: SheetGrid, row: int, merged: MergeIndex) -> list[str]:
    line = sheet.rows[row] if row < sheet.height else []
    texts = []
    for col, value in enumerate(line):
        if value in (None, ""):
            top = merged.get((row, col))
            if top is not None and top[0] == row:  # horizontal merge: "Điểm" over two columns
                value = sheet.value(*top)
        texts.append(clean_text(value) if isinstance(value, str) else "")
    return texts


def roles_of(texts: list[str]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for col, text in enumerate(texts):
        role = role_of(text) if text else None
        if role:
            found.setdefault(role, []).append(col)
    return found


def _infer_code_column(sheet: SheetGrid, row: int, roles: dict[str, list[int]]) -> None:
    """No "STT" header, but two text columns ("Tiêu chí, chỉ tiêu" | "Nội dung"): the one whose
    cells below read as codes is the code column."""
    if "code" in roles:
        return
    names = roles.get("name", [])
    if len(names) == 1:  # one text column, its names starting with codes: "1.1. Kế hoạch CCHC năm"
        col = names[0]
        hits = sum(1 for r in range(row + 1, min(sheet.height, row + 16))
                   if (value := sheet.value(r, col)).__class__ is str and split_code_prefix(value) is not None)
        if hits >= 3:
            roles["code"] = [col]  # the same column: the table parser splits code and name
        return
    if len(names) < 2:
        return
    best, hits_best = None, 1
    for col in roles["name"]:
        hits = sum(1 for r in range(row + 1, min(sheet.height, row + 16)) if read_code(sheet.value(r, col)))
        if hits > hits_best:
            best, hits_best = col, hits
    if best is not None:
        roles["name"].remove(best)
        roles["code"] = [best]


def _joined(above: str, below: str) -> str:
    """A column's header over two rows as one text ("Điểm" over "Tối đa": "Điểm Tối đa"), or the
    lower text alone when only it names a column: "Điểm" or "Điểm số" merged over "Điểm tối đa |
    Điểm tự đánh giá" ("Điểm Điểm tối đa" named no role, and the table was "thiếu cột")."""
    if not above or above == below:
        return below or above
    if not below:
        return above
    joined = f"{above} {below}"
    return below if role_of(joined) is None and role_of(below) is not None else joined


def _header_at(sheet: SheetGrid, row: int, merged: MergeIndex, needed) -> tuple[Header | None, dict]:
    texts = _texts(sheet, row, merged)
    candidates = [(row, texts)]
    if row + 1 < sheet.height:  # two-row header
        below = _texts(sheet, row + 1, merged)
        width = max(len(texts), len(below))
        texts_p, below_p = texts + [""] * (width - len(texts)), below + [""] * (width - len(below))
        joined = [_joined(a, b) for a, b in zip(texts_p, below_p)]
        candidates.append((row + 1, joined))
    best_partial: dict = {}
    for last_row, cand in candidates:
        roles = roles_of(cand)
        _infer_code_column(sheet, last_row, roles)
        if len(roles) > len(best_partial.get("roles", {})):
            best_partial = {"row": row, "roles": roles}
        if all(r in roles for r in needed):
            # an officer's "Tài liệu kiểm chứng" or "Ghi chú" column, with no "Nội dung giải trình": it holds
            # the explanations, the documents cited first (read as evidence or notes, every deduction was
            # "unexplained", the document rules never ran, the report's column was empty). Beside the
            # province's "Hướng dẫn", "Tài liệu kiểm chứng" is the annex's own list of what to show.
            own_evidence = "evidence" in roles and "guidance" not in roles
            if "explanation" not in roles and "self" in roles and (own_evidence or "notes" in roles):
                roles["explanation"] = roles.pop("evidence" if own_evidence else "notes")
            columns = {role: cols[0] for role, cols in roles.items()}
            # evidence, guidance, notes… are kept as they are: listed with the other extra columns
            used = {col for role, col in columns.items() if role in CORE}
            extras = {text: col for col, text in enumerate(cand) if text and col not in used}
            several = {role: roles[role] for role in SCORE_ROLES if len(roles.get(role, ())) > 1}
            return Header(last_row, columns, extras, cand, several), best_partial
    return None, best_partial


def find_header(sheet: SheetGrid, needed=NEEDED) -> tuple[Header | None, dict]:
    """The header, or None and the best partial match (for the message)."""
    merged = merge_index(sheet.merged, sheet.height, max(map(len, sheet.rows[:HEADER_SCAN_ROWS]), default=0))
    best: dict = {}
    for row in range(min(sheet.height, HEADER_SCAN_ROWS)):
        line = sheet.rows[row]
        short, named = 0, False
        for value in line:
            if value.__class__ is str and value and len(value) <= 80:
                short += 1
                named = named or role_of(value) is not None
        if short < 2 or not named:  # a header row has two short texts, one naming a column
            continue
        header, partial = _header_at(sheet, row, merged, needed)
        if header is not None:
            return header, partial
        if len(partial.get("roles", {})) > len(best.get("roles", {})):
            best = {**partial, "sheet": sheet.name}
    return None, best


SCORE_ROLES = ("self", "appraised")


def choose_score_column(sheet: SheetGrid, header: Header, period: tuple[str, str], in_excel: bool = False
                        ) -> list[str]:
    """A score role named by several columns: the one whose header names the workbook's period
    ("Điểm tự đánh giá năm 2023" in a 2023 workbook), else the first, as before. A column with no
    number below is no score column ("Điểm tự đánh giá" merged over a score and its explanation).
    Returns a message for each choice made among columns that do hold numbers, never silent: the
    officer's scores may be in the other one. ``in_excel``: said to the Excel button's user, who types no
    command option."""
    messages = []
    for role, columns in header.several.items():
        last = min(sheet.height, header.row + 301)
        scored = [c for c in columns if any(
            sheet.rows[r][c].__class__ in (float, int) for r in range(header.row + 1, last) if c < len(sheet.rows[r]))]
        if len(scored) < 2:
            continue
        exact = [c for c in scored if period_key(header.texts[c]) == period] if period[0] else []
        matching = exact if len(exact) == 1 else [c for c in scored if _names_period(header.texts[c], *period)]
        # of columns alike, the one shown (last period's scores kept in a column hidden beside this one's were
        # read, and recalc wrote into them)
        shown = [c for c in scored if c not in sheet.hidden_columns]
        chosen = matching[0] if len(matching) == 1 else shown[0] if len(shown) == 1 else scored[0]
        if header.columns[role] != chosen:
            before = header.columns[role]
            header.extras.pop(header.texts[chosen], None)
            header.extras[header.texts[before]] = before
            header.columns[role] = chosen
        listed = ", ".join(f"{column_letter(c)} (“{header.texts[c]}”)" for c in scored)
        why = " (khớp kỳ đánh giá của sổ)" if len(matching) == 1 else \
            " (cột kia đang bị ẩn)" if len(shown) == 1 and len(scored) == 2 else \
            " (các cột kia đang bị ẩn)" if len(shown) == 1 else ""
        other = next(c for c in scored if c != chosen)
        named = {"stt": "code", "name": "name", "max": "max"}
        example = ",".join(f"{key}={column_letter(header.columns[r])}" for key, r in named.items() if r in header.columns)
        how = " rồi bấm nút lại" if in_excel else \
            f", hoặc chỉ rõ bằng --columns (ví dụ --columns {example},{role}={column_letter(other)})"
        messages.append(f"Bảng có {len(scored)} cột “{ROLE_NAMES[role]}”: {listed}; đã dùng cột {column_letter(chosen)}"
                        f"{why}. Nếu điểm cần kiểm tra ở cột khác, hãy xóa hoặc đổi tên cột kia{how}.")
    return messages


def _names_period(text: str, year: str, kind: str) -> bool:
    """A column header names the workbook's period: its year, and its half when both state one."""
    stated_year, stated_kind = period_key(text)
    if stated_year != year:
        return False
    halves = ("6 thang dau", "6 thang cuoi")
    return not (stated_kind in halves and kind in halves and stated_kind != kind)


def missing_message(best: dict, needed=NEEDED, in_excel: bool = False) -> str:
    """Why no criteria table was found; ``in_excel``: said to the Excel button's user (no command options)."""
    wanted = ", ".join(f"“{ROLE_NAMES[r]}”" for r in needed)
    if not best or len(best.get("roles", {})) < 2:
        return f"không tìm thấy bảng tiêu chí (cần hàng tiêu đề có các cột {wanted})"
    found = ", ".join(f"{ROLE_NAMES[r]} ({column_letter(cols[0])})" for r, cols in best["roles"].items())
    missing = ", ".join(f"“{ROLE_NAMES[r]}”" for r in needed if r not in best["roles"])
    roles = best["roles"]
    if "self" in needed and "self" not in roles and "max" in roles and ("guidance" in roles or "evidence" in roles):
        # the province's official table (guidance, evidence, no self-score): nothing to check yet
        return (f"hàng tiêu đề ở hàng {best['row'] + 1} trang “{best['sheet']}” có {found} nhưng không có cột "
                "“Điểm tự đánh giá”: đây giống bảng tiêu chí chính thức của tỉnh. Để tự chấm, tạo sổ từ bảng này bằng "
                "`cchc-xl new -o so_tu_danh_gia.xlsx --template TỆP_NÀY`; để dùng làm bộ tiêu chí, "
                "`cchc-xl templates import TỆP_NÀY`")
    how = "rồi bấm nút lại" if in_excel else "hoặc chỉ rõ bằng --columns (ví dụ --columns stt=A,name=B,max=C,self=D)"
    return (f"hàng tiêu đề ở hàng {best['row'] + 1} trang “{best['sheet']}” có {found} nhưng thiếu cột {missing}; "
            f"hãy đặt tên cột cho đúng {how}")


def parse_columns(spec: str) -> dict[str, int]:
    """"stt=A,name=B,max=C,self=D,explanation=F" → role → 0-based column."""
    aliases = {"stt": "code", "code": "code", "ten": "name", "name": "name", "max": "max", "toi-da": "max",
               "self": "self", "tu-danh-gia": "self", "explanation": "explanation", "giai-trinh": "explanation",
               "evidence": "evidence", "appraised": "appraised", "guidance": "guidance", "notes": "notes"}
    columns: dict[str, int] = {}
    for item in filter(None, (p.strip() for p in spec.split(","))):
        key, _, letter = item.partition("=")
        role = aliases.get(key.strip().lower())
        letter = letter.strip().upper()
        if role is None or not letter.isalpha() or len(letter) > 3:
            raise UnreadableWorkbook(f"--columns: không hiểu “{item}” (dạng đúng: stt=A,name=B,max=C,self=D)")
        col = 0
        for ch in letter:
            col = col * 26 + ord(ch) - 64
        if col > 16384:  # past XFD, Excel's last column
            raise UnreadableWorkbook(f"--columns: “{letter}” quá cột cuối cùng của Excel (XFD)")
        columns[role] = col - 1
    missing = [ROLE_NAMES[r] for r in NEEDED if r not in columns]
    if missing:
        raise UnreadableWorkbook("--columns thiếu cột: " + ", ".join(missing))
    # one column, one role: "max=C,self=C" read every max as a score (the STT and the names may share
    # one, the codes typed into the names: "1.1. Kế hoạch …")
    by_column: dict[int, list[str]] = {}
    for role, col in columns.items():
        by_column.setdefault(col, []).append(role)
    for col, roles in by_column.items():
        if len(roles) > 1 and set(roles) != {"code", "name"}:
            raise UnreadableWorkbook(f"--columns: cột {column_letter(col)} được gán cho nhiều vai trò "
                                     f"({', '.join(ROLE_NAMES.get(r, r) for r in roles)}); mỗi cột một vai trò")
    return columns
