"""The report's facts from the workbook: unit, number, place and date, period, signer…

Three sources, in this order of precedence (the first that states a fact wins):
1. label/value pairs: a cell "Tên đơn vị:" and the value in the next cell with content to its right;
2. one-cell lines "Tên đơn vị: Xã Ngọc Kỳ";
3. the document itself as officers type it (ND 30 layout): the letterhead above the table
   ("UBND HUYỆN TỨ KỲ / UBND XÃ NGỌC KỲ", "Số: 86/BC-UBND", "Ngọc Kỳ, ngày 26 tháng 6 năm 2023"),
   the title ("… 6 THÁNG ĐẦU NĂM 2023 CỦA UBND XÃ NGỌC KỲ") and the signature block below it
   ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", the signer's name).
Only the criteria sheet's letterhead and signature block are read as a document; pairs anywhere,
the criteria sheet's first (a workbook with a 6-month and a year table states two periods).
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..text import DAY_MONTH_YEAR, LEVELS_ABOVE_COMMUNE, clean_text, date_place, fold, level_in_full, parse_date, title_case, unit_name, without_council
from .grid import WorkbookGrid
from .labels import META_LABELS, META_SYNONYMS

_FOLDED_META = {fold(label): key for key, label in META_LABELS.items()}
_FOLDED_META.update({fold(label): key for key, labels in META_SYNONYMS.items() for label in labels})
_SUPERIOR_WORDS = tuple(fold(level) for level in LEVELS_ABOVE_COMMUNE)
# "Ngọc Kỳ, ngày 26 tháng 6 năm 2023", or as some type it, "Ngọc Kỳ, ngày 26/6/2023" (folded)
_DATE_LINE = re.compile(rf"^(?P<place>[^,]{{2,40}}),\s*ngay\s*{DAY_MONTH_YEAR}")
# a date whose day (or month) is left to be written by hand when the report is signed (folded): "Ngọc Kỳ,
# ngày    tháng 6 năm 2023", "ngày … tháng … năm 2023", "…/6/2023"
_UNFILLED_DATE = re.compile(r"^(?:[^,]{2,40},\s*)?(?:ngay\b[\s.…_]*(?:\d{1,2}[\s.…_]*)?thang\b.*\bnam\b"
                            r"|[\s.…_]*/\s*(?:\d{1,2}|[.…_]*)\s*/\s*\d{4}\s*$)")
_PERIOD = re.compile(r"((?:6|sau) thang (?:(?:dau|cuoi) )?nam|(?:9|chin) thang nam|quy [ivx1-4]+ nam|ca nam|nam)\s+(\d{4})")
# "… NĂM 2023 (6 THÁNG ĐẦU NĂM)": the half-year said after the year
_HALF_AFTER = re.compile(r"\b(?:6|sau) thang(?: (dau|cuoi))?\b")
_AUTHORITY = re.compile(r"^(tm|kt|q|tl|th)\.\s*\S")
# signing for someone, a line between the authority and the signer's title ("KT. CHỦ TỊCH" over "PHÓ CHỦ
# TỊCH"); "Q. CHỦ TỊCH" (acting) is the title itself
_SIGNING_FOR = re.compile(r"^(kt|tl|tuq)\.\s*\S")
DOCUMENT_KEYS = {"unit", "doc_number", "report_date", "place", "period", "authority", "signer_title", "signer"}
_NUMBER_WORD = re.compile(r"^s[ốôo]\s*(?:[:.]\s*|\s+(?=\d))", re.IGNORECASE)  # "Số: " / "Số " before a number
_TITLES = ("chu tich", "pho chu tich", "q. chu tich", "truong ban", "cong chuc", "nguoi lap bieu", "nguoi lap")


def _pairs(grid: WorkbookGrid, table, cells: dict) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    sheets = grid.sheets
    if table and len(sheets) > 1:  # the table's own sheet first: its "Kỳ đánh giá" is the table's
        sheets = sorted(sheets, key=lambda sheet: sheet.name != table[0])
    for sheet in sheets:
        rows = sheet.rows
        if table and sheet.name == table[0]:  # the criteria rows are skipped, not visited
            lines = (*range(min(table[1], len(rows))), *range(table[2] + 1, len(rows)))
        else:
            lines = range(len(rows))
        for r in lines:
            line = rows[r]
            for c, value in enumerate(line):
                if value.__class__ is not str or not value or len(value) > 200:
                    continue
                folded = fold(value)
                key = _FOLDED_META.get(folded.rstrip(":").strip()) if len(value) <= 40 else None
                if key is not None:
                    below = _lines_below(rows, r, c) if key == "recipients" else None
                    if below and key not in meta:  # ND 30's "Nơi nhận:", its lines under it
                        meta[key] = "\n".join(below)
                        cells[key] = (sheet.name, r + 1, c)
                    elif key not in meta:
                        for offset, right in enumerate(line[c + 1:], start=c + 1):
                            if key == "recipients" and right.__class__ is str and _AUTHORITY.match(fold(right)):
                                break  # the signature block's authority beside "Nơi nhận:", no recipient
                            if right not in (None, ""):
                                meta[key] = right
                                cells[key] = (sheet.name, r, offset)
                                break
                    continue
                label, sep, rest = value.partition(":")  # one cell: "Tên đơn vị: Xã Ngọc Kỳ"
                if sep and rest.strip():
                    key = _FOLDED_META.get(fold(label).strip())
                    if key is not None and key not in meta:
                        meta[key] = rest.strip()
                        cells[key] = (sheet.name, r, c)
    return meta


_BULLET_LINE = re.compile(r"^\s*[-–+•]\s*\S")


def _lines_below(rows, r: int, c: int) -> list[str]:
    """The lines listed under a label in its column ("Nơi nhận:" over "- UBND huyện Tứ Kỳ;", "- Lưu: VT."),
    as the signature block below a table lays them out; the cell to the label's right is then the
    authority ("TM. ỦY BAN NHÂN DÂN"), which was taken for the recipients."""
    lines = []
    for line in rows[r + 1: r + 30]:
        value = line[c] if c < len(line) else None
        if value.__class__ is not str or not (_BULLET_LINE.match(value) or value.rstrip().endswith(";")
                                                or fold(value).startswith("luu")):
            break
        lines.extend(part.strip() for part in value.splitlines() if part.strip())
    return lines


def _superior_name(text: str) -> str | None:
    """"UBND HUYỆN TỨ KỲ" → "UBND huyện Tứ Kỳ"."""
    folded = fold(text)
    words = text.split()
    for prefix in ("ubnd ", "uy ban nhan dan "):
        if folded.startswith(prefix):
            rest_words = level_in_full(" ".join(words[len(prefix.split()):])).split()  # "UBND TP. HẢI PHÒNG"
            rest = fold(" ".join(rest_words))
            for word in _SUPERIOR_WORDS:
                if rest.startswith(word + " ") and len(rest_words) > len(word.split()):
                    n = len(word.split())
                    return "UBND " + " ".join(rest_words[:n]).lower() + " " + title_case(" ".join(rest_words[n:]))
    return None


_FULL_DATE = re.compile(DAY_MONTH_YEAR)


def _unfilled(folded: str) -> bool:
    """A date line (or a date typed) with its day or month left blank (see _UNFILLED_DATE); one with all
    three numbers is a date, real or not."""
    return _UNFILLED_DATE.match(folded) is not None and _FULL_DATE.search(folded) is None


def _lines(values) -> list[str]:
    out = []
    for value in values:
        if value.__class__ is str:
            out.extend(clean_text(part) for part in value.splitlines() if part.strip())
    return out


def _document(grid: WorkbookGrid, table, cells: dict) -> dict[str, Any]:
    """Facts from the letterhead and title above the table and the signature block below it."""
    if not table:
        return {}
    sheet = next((s for s in grid.sheets if s.name == table[0]), None)
    if sheet is None:
        return {}
    meta: dict[str, Any] = {}
    placed = [(r, c, text) for r, line in enumerate(sheet.rows[: table[1]]) for c, value in enumerate(line)
              for text in _lines([value])]
    above = [text for _, _, text in placed]
    # where "ỦY BAN NHÂN DÂN" stands: the unit's name is the line under it, in its cell or in the cell
    # below (the national motto beside it on the same rows comes between them, read row by row)
    council = {(r, c) for r, c, text in placed if fold(text) == "uy ban nhan dan"}
    for i, text in enumerate(above):
        folded = fold(text)
        if "superior" not in meta and _superior_name(text):
            meta["superior"] = _superior_name(text)
            continue
        if "unit" not in meta and len(text) <= 60:
            unit = unit_name(text)
            r, c = placed[i][:2]
            if unit and (folded.startswith(("ubnd", "uy ban")) or (i and fold(above[i - 1]) == "uy ban nhan dan")
                         or (r - 1, c) in council or (r - 2, c) in council):
                meta["unit"] = unit
                continue
        if folded.startswith(("so:", "so ")) and len(text) <= 40:
            number = text.split(":", 1)[-1].strip() if ":" in text else text[3:].strip()
            if number[:1].isdigit():  # "Số:   /BC-UBND" (no number yet) states nothing
                meta.setdefault("doc_number", number)
            continue
        match = _DATE_LINE.match(folded)
        if match and "report_date" not in meta:
            try:
                meta["report_date"] = dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:  # "ngày 31 tháng 2 năm 2023": kept as typed, said (bad-report-date)
                meta["report_date"] = text.split(",", 1)[1].strip()
            cells["report_date"] = (table[0], *placed[i][:2])
            meta.setdefault("place", text.split(",", 1)[0].strip())
            continue
        if _unfilled(folded):
            # "Ngọc Kỳ, ngày    tháng 6 năm 2023": the day is written by hand when the report is signed.
            # No date yet, but the place; and its "năm 2023" is no period (it titled a 6-month report
            # for the whole year, the title below it coming second)
            if "," in text:
                meta.setdefault("place", text.split(",", 1)[0].strip())
            continue
        period = _PERIOD.search(folded)
        if period and "period" not in meta and len(folded) > 20:  # the title
            kind = period.group(1)
            half = _HALF_AFTER.search(folded, period.end()) if kind in ("nam", "ca nam") else None
            if half is not None:
                kind = f"6 thang {half.group(1) or 'dau'} nam"
            meta["period"] = _period_text(kind, period.group(2))
            of = re.search(r"\bcua (ubnd |uy ban nhan dan )?((xa|phuong|thi tran|dac khu) .+)$", folded)
            if of and "unit" not in meta:  # "… CỦA UBND XÃ NGỌC KỲ": folding keeps the words
                words = text.split()
                unit = unit_name(" ".join(words[len(words) - len(of.group(2).split()):]))
                if unit:
                    meta["unit"] = unit
    below = []
    for line in sheet.rows[table[2] + 1: table[2] + 40]:
        below.extend((c, text) for c, value in enumerate(line) if value.__class__ is str
                     for text in _lines([value]))
    # the authority line, and under it in its column the lines of signing for someone: "TM. ỦY BAN NHÂN DÂN"
    # then "KT. CHỦ TỊCH" over "PHÓ CHỦ TỊCH" (a vice-chair signs for the chair on the committee's behalf;
    # the second line was dropped, and the report had him sign as if he were the committee's own)
    authority_at = next((i for i, (_, text) in enumerate(below) if _AUTHORITY.match(fold(text))), None)
    titles = [i for i, (_, text) in enumerate(below) if fold(text) in _TITLES and i != authority_at]
    if authority_at is not None:
        col = below[authority_at][0]
        lines = [below[authority_at][1].upper()]
        for later_col, later in below[authority_at + 1:]:
            if later_col != col:
                continue
            if not _SIGNING_FOR.match(fold(later)):
                break
            lines.append(later.upper())
        meta["authority"] = "\n".join(lines)
        # the signer's title under the authority, before one elsewhere: "NGƯỜI LẬP BIỂU" on the left of
        # the same rows made the clerk the signer of the chairman's report
        titles.sort(key=lambda i: below[i][0] != col)
    if titles:
        col, title = below[titles[0]]
        meta["signer_title"] = title.upper()
        meta["signer"] = next((later for later_col, later in below[titles[0] + 1:]
                               if later_col == col and _looks_like_name(later)), None)
    return {k: v for k, v in meta.items() if v}


# (folded) a text that names the criteria set or its decision: its year is the set's, not a period
SET_WORDS = ("bo tieu chi", "bo chi so", "quyet dinh", "kem theo", "ban hanh")


def title_periods(grid: WorkbookGrid, table: tuple[str, int, int]) -> list[tuple[str, tuple[str, int, int], str]]:
    """The periods the titles above the table state: (period, its cell, the title as typed). The set's
    own year ("Bộ tiêu chí … năm 2023", "kèm theo Quyết định …") and a date ("ngày 05 tháng 02 năm
    2024") are no period."""
    sheet = next((s for s in grid.sheets if s.name == table[0]), None)
    found = []
    for r, line in enumerate(sheet.rows[: table[1]] if sheet is not None else ()):
        for c, value in enumerate(line):
            if value.__class__ is not str or not 20 < len(value) <= 300:
                continue
            folded = fold(value)
            period = _PERIOD.search(folded)
            if period and not any(word in folded for word in SET_WORDS) and not _FULL_DATE.search(folded) \
                    and not _unfilled(folded):
                found.append((_period_text(period.group(1), period.group(2)), (sheet.name, r, c), clean_text(value)))
    return found


def _period_text(kind: str, year: str) -> str:
    """The period as Vietnamese documents write it; "6 tháng năm 2023" (no "đầu") is the first half,
    as period_key reads it, never the year."""
    kind = kind.replace("sau thang", "6 thang").replace("chin thang", "9 thang")
    words = {"6 thang dau nam": "6 tháng đầu năm", "6 thang cuoi nam": "6 tháng cuối năm", "6 thang nam": "6 tháng đầu năm",
             "9 thang nam": "9 tháng năm", "ca nam": "năm", "nam": "năm"}
    if kind.startswith("quy "):
        return f"quý {kind.split()[1].upper()} năm {year}"
    return f"{words.get(kind, kind)} {year}"


def _looks_like_name(text: str) -> bool:
    """A person's name under the signer's title: 2 to 5 capitalised words; in capitals too ("NGUYỄN XUÂN
    THOANG", as some type it), unless they are a title or the "ĐÃ KÝ" of a copy."""
    words = text.split()
    if not (2 <= len(words) <= 5 and all(w[:1].isupper() and w.isalpha() for w in words)):
        return False
    return not text.isupper() or fold(text) not in _NOT_NAMES


_NOT_NAMES = {*_TITLES, "da ky", "uy ban nhan dan", "ky ten", "dong dau"}


def read_meta(grid: WorkbookGrid, table: tuple[str, int, int] | None = None,
              cells: dict | None = None) -> dict[str, Any]:
    """Every fact the workbook states (see the module docstring for the order of precedence).

    ``table`` (sheet, first row, last row) is the criteria table: its cells are criteria, never
    labels; the letterhead is above it and the signature block below it.
    """
    cells = {} if cells is None else cells  # ``cells``: filled with where each fact was typed (see Assessment)
    meta = _pairs(grid, table, cells)
    if not DOCUMENT_KEYS <= meta.keys():  # the labelled block says it all in most workbooks
        found: dict = {}
        for key, value in _document(grid, table, found).items():
            if key not in meta:
                meta[key] = value
                if key in found:
                    cells[key] = found[key]
    typed_date = meta.get("report_date")
    place = date_place(typed_date) if typed_date.__class__ is str else None
    if place:  # "Ngọc Kỳ, ngày 26 tháng 6 năm 2023" typed as the date
        meta.setdefault("place", place)
    elif typed_date.__class__ is str and _unfilled(fold(typed_date)):
        # "ngày    tháng 6 năm 2023": to be written by hand at signing, no mistake (left blank, as said)
        del meta["report_date"]
        if "," in typed_date:
            meta.setdefault("place", typed_date.split(",", 1)[0].strip())
    for key, value in list(meta.items()):
        parsed = parse_date(value) if key == "report_date" else None
        meta[key] = parsed if parsed else clean_text(value)
    if re.fullmatch(r"(?:19|20)\d\d", str(meta.get("period", ""))):  # "Kỳ đánh giá: 2023": the year
        meta["period"] = f"năm {meta['period']}"
    if meta.get("doc_number"):  # typed "Số: 86/BC-UBND": the report's letterhead says "Số:" itself
        number = _NUMBER_WORD.sub("", meta["doc_number"])
        if number[:1].isdigit():  # "86 /BC-UBND", "86/ BC - UBND": one symbol, as ND 30 writes it
            number = re.sub(r"\s*([/-])\s*", r"\1", number)
        if number.isdigit():  # "86" typed alone (or a cell keeping it as a number): the report's own symbol
            number += "/BC-UBND"
        # "Số:   /BC-UBND": the number is written by hand when the report is issued; room kept for it
        meta["doc_number"] = "      " + number if number.startswith("/") else number
    if meta.get("unit"):  # typed "UBND xã Ngọc Kỳ, huyện Tứ Kỳ": "Xã Ngọc Kỳ, huyện Tứ Kỳ" (the report's
        # letterhead says "XÃ NGỌC KỲ"; the district tells two communes of one name apart in a batch)
        meta["unit"] = unit_name(meta["unit"], keep_tail=True) or without_council(meta["unit"])
    return meta
