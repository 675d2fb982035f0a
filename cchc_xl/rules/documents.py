"""Rules on explanations: cited documents and quoted ratios.

"Kế hoạch số 52/KH-UBND ngày 30/12/2022": type word, number, symbol, date.
Reviewers check the date is real and not after the report, and that the type
word and the symbol agree (a "Báo cáo" numbered …/KH-UBND is a slip).
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from functools import lru_cache

from ..model import Assessment
from ..text import cell_address, file_address_shown, fold, period_key, period_start, vn, web_address
from .catalogue import Finding, at_fact, make

DOC_TYPES = {
    "ke hoach": "KH", "bao cao": "BC", "quyet dinh": "QD", "thong bao": "TB", "to trinh": "TTR",
    "chi thi": "CT", "nghi quyet": "NQ", "thong tu": "TT", "nghi dinh": "ND", "huong dan": "HD",
    "chuong trinh": "CTR", "ket luan": "KL", "bien ban": "BB", "cong van": None,
}
TYPE_VI = {
    "ke hoach": "Kế hoạch", "bao cao": "Báo cáo", "quyet dinh": "Quyết định", "thong bao": "Thông báo",
    "to trinh": "Tờ trình", "chi thi": "Chỉ thị", "nghi quyet": "Nghị quyết", "thong tu": "Thông tư",
    "nghi dinh": "Nghị định", "huong dan": "Hướng dẫn", "chuong trinh": "Chương trình", "ket luan": "Kết luận",
    "bien ban": "Biên bản", "cong van": "Công văn",
}
_ABBREV_TO_TYPE = {abbr: t for t, abbr in DOC_TYPES.items() if abbr}
# Two steps, for speed on hundreds of workbooks: from each "/", read "52/KH-UBND ngày …"
# (number before, symbol and optional date after), then the type word ("Kế hoạch số ") before it.
# every type word is two words ("kế hoạch", "bao cao"): look the last two words up in a set
_TYPE_WORDS_LOWER = {w.lower() for w in (*TYPE_VI.values(), *TYPE_VI.keys())}
# the last two words of the window, before an optional "số" (or "số:", as the letterhead writes it; one
# search: the leftmost match that reaches the end takes "số" as the optional tail, not as a word)
_TYPE_AT_END = re.compile(r"(?:^|(?<=\W))(\w+\s+\w+)(?:\s+s[ốôo]\s*[:.]?)?$", re.IGNORECASE)


def _type_before(text: str, end: int) -> tuple[str, int] | None:
    """The type word ("Kế hoạch") just before a number, optionally followed by "số"."""
    start = end - 24 if end > 24 else 0
    found = _type_in(text[start:end])
    return (found[0], start + found[1]) if found else None


@lru_cache(maxsize=4096)  # the words before a number repeat ("… Kế hoạch số "): one regex search each
def _type_in(window: str) -> tuple[str, int] | None:
    match = _TYPE_AT_END.search(window.rstrip())
    if match:
        words = match.group(1)
        if " ".join(words.lower().split()) in _TYPE_WORDS_LOWER:
            return words, match.start(1)
    return None


# the date as officers type it ("ngày 30/12/2022", "30-12-2022", "30.12.2022") or as documents write
# it ("ngày 30 tháng 12 năm 2022", which officers copy from the document's own date line)
_AFTER_SLASH = re.compile(
    r"/\s*(?:(?P<year>\d{4})\s*/\s*)?(?P<sym>[^\W\d_][\w\-]*)"
    r"(?:\s*,?\s*(?i:ng[àa]y)\s+(?P<d>\d{1,2})(?:\s*(?i:th[áa]ng)\s*|\s*[/.-]\s*)(?P<m>\d{1,2})"
    r"(?:\s*(?i:n[ăa]m)\s*|\s*[/.-]\s*)(?P<y>\d{4}))?"
)


def find_documents(text: str):
    """Cited documents as (type word, where the citation starts, the match from its "/"), found
    from each "/" that a symbol follows rather than by trying a regex at every character of long
    explanations. A number must stand right before the "/", not after another "/" or digit (so
    dates are not documents)."""
    # the regex jumps, in C, to the next "/" that a symbol follows: the slashes of dates are passed over
    after = _AFTER_SLASH.search(text)
    while after:
        pos = after.start()
        end = pos
        while end > 0 and text[end - 1].isspace():
            end -= 1
        start = end
        while start > 0 and text[start - 1].isdigit():
            start -= 1
        if start < end and (start == 0 or text[start - 1] != "/"):
            found = _type_before(text, start)
            if found:
                yield found[0], found[1], after
                after = _AFTER_SLASH.search(text, after.end())
                continue
        after = _AFTER_SLASH.search(text, pos + 1)


RATIO_RE = re.compile(
    r"(?<![\d/.,])(?P<a>\d+)\s*/\s*(?P<b>\d+)(?![\d/])(?P<gap>[^=\n%/]{0,30}?)=\s*(?P<pct>\d+(?:[.,]\d+)?)\s*%"
)
# a rate with its count in brackets, as reports write them: "664/664 hồ sơ đúng hạn (98%)", "đạt 98% (664/664
# hồ sơ)". The count may be of the others ("98,96% (7/671 hồ sơ trễ hạn)"): its complement is right too.
_PERCENT = r"(?P<pct>\d+(?:[.,]\d+)?)\s*%"
_FRACTION = r"(?<![\d/.,])(?P<a>\d+)\s*/\s*(?P<b>\d+)(?![\d/])"
BRACKETED_RATIOS = (
    re.compile(rf"{_FRACTION}[^=\n%/()\d]{{0,30}}?\(\s*(?:(?:đạt|chiếm|tỷ lệ|tỉ lệ)\s+)?{_PERCENT}\s*\)", re.IGNORECASE),
    re.compile(rf"(?<![\d.,]){_PERCENT}\s*\(\s*{_FRACTION}(?:[^()\n%]{{0,30}}\))?"),
)


def _texts(assessment: Assessment):
    """(criterion, text, who) for each explanation and note: who is how a message names the items an
    explanation merged down over a group's items explains (read once, for them all), else None ("Mục
    1.1", written only for a finding: most texts have none)."""
    shared = assessment.shared_explanations()
    group_of = {id(c): group for group in shared.values() for c in group} if shared else None
    said = set()
    for crit in assessment.criteria:
        explanation = crit.explanation
        if explanation:
            group = group_of.get(id(crit)) if group_of else None
            if group is None:
                yield crit, explanation, None
            elif id(group) not in said:
                said.add(id(group))
                yield crit, explanation, f"Các mục {_items(group)} (chung một ô giải trình)"
        for text in crit.notes:
            if text:
                yield crit, text, None


def _items(group) -> str:
    """The items that share one explanation: "3.5.1 và 3.5.2", "3.5.1–3.5.5"."""
    first, last = group[0].code, group[-1].code
    return f"{first} và {last}" if len(group) == 2 else f"{first}–{last}"


def _loc(crit, code, message) -> Finding:
    cell = crit.explanation_cell or crit.code_cell
    return make(code, cell.sheet, cell.address, crit.part, crit.code_written or crit.code, message, cell.row)


@lru_cache(maxsize=4096)  # a province's documents share few types and symbols ("KH-UBND", "QĐ-UBND")
def _symbol_advice(type_word: str, symbol: str) -> str | None:
    """Why the type word and the symbol disagree ("Báo cáo" numbered …/KH-UBND), or None."""
    type_key = fold(type_word)
    first = fold(symbol).upper().split("-")[0]
    expected = DOC_TYPES[type_key]
    if expected and first != expected and first.startswith(expected) and first not in _ABBREV_TO_TYPE:
        return None  # the issuer's longer symbol of that type: "BCTĐ" (báo cáo thẩm định), "KHLT" (liên tịch)
    if (expected and first != expected) or (expected is None and first in _ABBREV_TO_TYPE):
        right = TYPE_VI[_ABBREV_TO_TYPE[first]] if first in _ABBREV_TO_TYPE else None
        return f"ký hiệu {first} là của {right}" if right else f"{TYPE_VI[type_key]} phải có ký hiệu {expected}"
    return None


@lru_cache(maxsize=4096)
def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:  # 30/02, 31/04: no such day
        return None


@lru_cache(maxsize=4096)
def _read_text(text: str) -> tuple[tuple[tuple, ...], tuple[str, ...]]:
    """An explanation's or note's cited documents and its wrong ratios (the messages, without the
    criterion's code). Read once per distinct text in a process: a province's template repeats its
    rubric notes (which cite documents) in every commune's workbook, and officers copy phrasing."""
    documents = []  # (the citation, a type mismatch, a date that does not exist, the date)
    for type_word, begin, after in find_documents(text):
        symbol, day, month, year = after.group("sym", "d", "m", "y")
        citation = text[begin:after.end()]
        advice = _symbol_advice(type_word, symbol)
        mismatch = (f"“{_cited(citation)}” — loại văn bản “{type_word}” không khớp ký hiệu “{symbol}” ({advice}); "
                    "hãy kiểm tra lại tên hoặc số ký hiệu văn bản.") if advice else None
        date = bad_date = None
        if day:
            date = _date(int(year), int(month), int(day))
            if date is None:
                bad_date = (f"“{_cited(citation)}” ghi ngày {int(day)}/{int(month)}/{int(year)}, không có ngày này; "
                            "hãy kiểm tra lại ngày ban hành.")
        plan_at = after.end() if fold(type_word).lower() == "ke hoach" else -1  # (where its subject begins)
        documents.append((citation, mismatch, bad_date, date, plan_at))
    ratios = []
    if "%" in text:
        for match in RATIO_RE.finditer(text):
            ratios.extend(_wrong_ratio(match, complement=False))
        if "(" in text:
            for pattern in BRACKETED_RATIOS:
                for match in pattern.finditer(text):
                    ratios.extend(_wrong_ratio(match, complement=True))
    return tuple(documents), tuple(ratios)


# where a plan's subject ends: a sentence's end, a clause, a line, the next document cited
_SUBJECT_END = re.compile(r"\.(?:\s|$)|[;\n]|\s(?:s[ốô]|ngày)\s", re.IGNORECASE)
_SUBJECT_YEAR = re.compile(r"(?<!\w)n[ăa]m\s+(20\d\d)(?!\d)(?!\s*[-–]\s*\d)", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _plan_year(text: str, end: int) -> int | None:
    """The one year a plan's subject names, right after its citation: "Kế hoạch số 52/KH-UBND ngày
    30/12/2022 của UBND xã về công tác CCHC năm 2023" → 2023; a plan of several years ("giai đoạn
    2021-2025") or of none → None."""
    subject = text[end:end + 200]
    stop = _SUBJECT_END.search(subject)
    years = set(_SUBJECT_YEAR.findall(subject[:stop.start()] if stop else subject))
    return int(years.pop()) if len(years) == 1 else None


def _wrong_ratio(match: re.Match, complement: bool) -> list[str]:
    """The message for a fraction and its percent that disagree (within the percent's own rounding);
    ``complement``: 100 % less the fraction is right too."""
    a, b = int(match["a"]), int(match["b"])
    if b == 0 or (complement and a > b):  # (in brackets, more than the whole is a growth: "tăng 20% (12/10)")
        return []
    stated = Decimal(match["pct"].replace(",", "."))
    places = -stated.as_tuple().exponent if stated.as_tuple().exponent < 0 else 0
    actual = Decimal(a) * 100 / Decimal(b)
    tolerance = Decimal(5) / (Decimal(10) ** (places + 1))
    if abs(actual - stated) <= tolerance or (complement and abs(100 - actual - stated) <= tolerance):
        return []
    shown = actual.quantize(Decimal(1) / (Decimal(10) ** max(places, 2)))
    return [f"“{match.group(0).strip()}” không đúng: {a}/{b} = {vn(shown)}%, không phải {vn(stated)}%."]


def document_rules(assessment: Assessment) -> list[Finding]:
    findings = []
    report_date = assessment.meta.get("report_date")
    if report_date.__class__ is str and report_date.strip():  # typed, but no date ("26/13/2023")
        findings.append(_bad_report_date(assessment, report_date))
    if not isinstance(report_date, dt.date):
        report_date = None
    elif (why := report_date_outside_period(assessment.meta)) is not None:
        findings.append(_report_date_outside(assessment, report_date, why))
        report_date = None  # (a date that is not this report's: documents are not judged against it)
    findings.extend(_period_conflict(assessment))
    period_year = period_key(" ".join(str(assessment.meta.get("period") or "").split()))[0]
    period_year = int(period_year) if period_year else None
    seen = set()
    for crit, text, who in _texts(assessment):
        if "/" not in text:  # (no document number, no ratio)
            continue
        documents, ratios = _read_text(text)
        if who is None and (documents or ratios):
            who = f"Mục {crit.code}"
        earlier_plans = []
        for citation, mismatch, bad_date, date, plan_at in documents:
            key = (crit.row, citation)
            if key in seen:
                continue
            seen.add(key)
            # a plan dated before the period's year: of which year? (one dated last December is this year's,
            # as in nearly every workbook: not read)
            if plan_at >= 0 and period_year and (date is None or date.year < period_year - 1 or (
                    date.year == period_year - 1 and date.month < 12)):
                plan_year = _plan_year(text, plan_at)
                if plan_year and plan_year < period_year:
                    earlier_plans.append((citation, plan_year))
            if mismatch:
                findings.append(_loc(crit, "doc-type-mismatch", f"{who}: {mismatch}"))
            if bad_date:
                findings.append(_loc(crit, "doc-bad-date", f"{who}: {bad_date}"))
            elif report_date and date is not None and date > report_date:
                findings.append(_loc(crit, "doc-after-report", f"{who}: “{_cited(citation)}” ghi ngày "
                                     f"{date.day:02d}/{date.month:02d}/{date.year}, sau ngày báo cáo "
                                     f"{report_date:%d/%m/%Y}; văn bản viện dẫn không thể ban hành sau báo cáo."))
        if earlier_plans:
            findings.append(_earlier_plans(crit, who, earlier_plans, assessment.meta.get("period")))
        for message in ratios:
            findings.append(_loc(crit, "ratio-mismatch", f"{who}: {message}"))
    if assessment.explanation_links:
        findings.extend(_links_to_this_computer(assessment))
    return findings


def _links_to_this_computer(assessment: Assessment) -> list[Finding]:
    """An explanation linked to a file on the officer's computer (D:\\TLKC\\…): whoever receives the workbook
    or its report cannot open it. Once for each cell."""
    findings, said = [], set()
    for crit in assessment.criteria:
        link = assessment.explanation_link(crit)
        if link is None or web_address(link[0]) or crit.explanation_at in said:
            continue
        said.add(crit.explanation_at)
        findings.append(_loc(crit, "evidence-link-local", (
            f"Giải trình của mục {crit.code} liên kết tới “{file_address_shown(link[0])}”, một tệp trên máy này: người "
            "thẩm định nhận sổ tính hay báo cáo không mở được, và báo cáo chỉ in chữ. Hãy đưa tài liệu lên mạng (trang "
            "văn bản, thư mục dùng chung…) và đặt liên kết tới địa chỉ đó.")))
    return findings


def _earlier_plans(crit, who: str, plans: list[tuple[str, int]], period) -> Finding:
    """A plan of a year before the period cited as its evidence (one finding for the criterion): last
    period's explanation copied into this one, and the plan of this year not cited."""
    citation, year = plans[0]
    more = f" (và {len(plans) - 1} kế hoạch khác như vậy)" if len(plans) > 1 else ""
    period = " ".join(str(period).split())
    return _loc(crit, "doc-of-earlier-year",
                f"{who}: “{_cited(citation)}” là kế hoạch năm {year}{more}, mà kỳ đánh giá là “{period[:60]}”: "
                "có lẽ giải trình của kỳ trước được chép lại. Hãy dẫn kế hoạch của năm đánh giá.")


def _bad_report_date(assessment: Assessment, typed: str) -> Finding:
    """The report's date as typed is no real day: the report leaves its date line blank, and no cited
    document can be found to be dated after it."""
    shown = typed if len(typed) <= 60 else typed[:59] + "…"
    return at_fact(assessment, "report_date", "bad-report-date",
                f"Ngày báo cáo “{shown}” không phải một ngày có thật: hãy ghi dạng 26/06/2023 hoặc “ngày 26 tháng 6 "
                "năm 2023”. Chưa sửa thì báo cáo để trống dòng ngày tháng và không kiểm tra được văn bản viện dẫn "
                "có ngày sau ngày báo cáo.")


def _period_conflict(assessment: Assessment) -> list[Finding]:
    """"Kỳ đánh giá" of one year, the title above the table of another (last year's workbook, one of
    the two changed), or a title of a half, a quarter or nine months over another period ("6 THÁNG ĐẦU
    NĂM 2024" over "Năm 2024"; a title of the year alone may head any period of it). The report prints
    the label's period and bulk ranks the commune by it."""
    period = " ".join(str(assessment.meta.get("period") or "").split())
    where = assessment.meta_cells.get("period")
    year, kind = period_key(period) if period and where else ("", "")
    for stated, cell, title in assessment.title_periods if year else ():
        title_year, title_kind = period_key(stated)
        if cell != where and (title_year != year or title_kind not in ("nam", kind)):
            shown = title if len(title) <= 80 else title[:79] + "…"
            return [at_fact(assessment, "period", "period-conflict",
                            f"Kỳ đánh giá ghi “{period[:60]}” nhưng tiêu đề ở ô {cell_address(cell[1], cell[2])} ghi "
                            f"“{shown}”: báo cáo ghi kỳ “{period[:60]}” và sổ được xếp hạng theo kỳ đó. Có lẽ sổ kỳ "
                            "trước được dùng lại và mới sửa một trong hai chỗ: hãy sửa cho khớp.")]
    return []


def report_date_outside_period(meta: dict) -> str | None:
    """Why the report's date cannot be this period's report's, or None: dated before the period
    began (last period's workbook used again, its period changed and its date not), or more than a
    year after it (a year mistyped). The report then leaves its date line blank."""
    date, period = meta.get("report_date"), " ".join(str(meta.get("period") or "").split())
    start = period_start(period) if isinstance(date, dt.date) else None
    if start is None:
        return None
    shown = period if len(period) <= 60 else period[:59] + "…"
    if date < start:
        return f"có trước kỳ đánh giá “{shown}” (kỳ bắt đầu {start:%d/%m/%Y}): có lẽ là ngày của sổ kỳ trước chưa sửa"
    if date.year > start.year + 1:
        return f"muộn hơn kỳ đánh giá “{shown}” quá một năm: có lẽ gõ nhầm năm"
    return None


def _report_date_outside(assessment: Assessment, date: dt.date, why: str) -> Finding:
    return at_fact(assessment, "report_date", "report-date-outside-period",
                   f"Ngày báo cáo {date:%d/%m/%Y} {why}. Hãy ghi ngày lập báo cáo của kỳ này. Chưa sửa thì báo cáo để "
                   "trống dòng ngày tháng và không kiểm tra được văn bản viện dẫn có ngày sau ngày báo cáo.")


def _cited(citation: str) -> str:
    return " ".join(citation.split())
