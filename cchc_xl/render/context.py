"""The plain data a report template receives. Pure: no python-docx here.

Layout (bold rows, upper case, wording of the title) lives in the .docx
template; this only provides values, formatted as Vietnamese documents write
them (decimal comma, ND 30/2020 dates with leading zeros).
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from ..model import Assessment
from ..rules.documents import report_date_outside_period
from ..rules.reform import superior_gone
from ..text import (LEVELS_ABOVE_COMMUNE, agency, fold, format_decimal, level_in_full, title_case, unit_name, unit_place,
                    without_council)


def nd30_date(date: dt.date) -> dict[str, str]:
    """ND 30/2020: days below 10 and months 1 and 2 take a leading zero."""
    day = f"{date.day:02d}"
    month = f"{date.month:02d}" if date.month <= 2 else str(date.month)
    return {"day": day, "month": month, "year": str(date.year)}


def place_date_line(place: str, date: dt.date | None) -> str:
    if date is None:
        return f"{place}, ngày     tháng     năm      " if place else ""
    parts = nd30_date(date)
    return f"{place}, ngày {parts['day']} tháng {parts['month']} năm {parts['year']}"


def short_unit(unit: str) -> str:
    """'Xã Ngọc Kỳ' stays, 'UBND phường Hải Tân' is 'Phường Hải Tân'; a bare 'Ngọc Kỳ' becomes 'Xã Ngọc Kỳ'
    (commune level)."""
    named = unit_name(unit)
    if named:
        return named
    unit = without_council(unit)
    return f"Xã {unit}" if unit else "Xã ……"


# a number and the word after it ("6 tháng"), and "năm"/"quý" and their number ("năm 2023", "quý II"):
# one word for line breaking, so a wrapped title never leaves "6" at a line's end and "THÁNG" below it
_KEPT_TOGETHER = re.compile(r"(?<=\d) (?=\w)|(?<=\bnăm) (?=\d)|(?<=\bquý) (?=[IVX\d])", re.IGNORECASE)
NO_BREAK_SPACE = "\u00a0"


def kept_together(period: str) -> str:
    """"6 tháng đầu năm 2023" with no-break spaces where a line must not break (see _KEPT_TOGETHER)."""
    return _KEPT_TOGETHER.sub(NO_BREAK_SPACE, " ".join(period.split()))


def report_context(assessment: Assessment, decimal: str = "comma", today: dt.date | None = None,
                   reviewing_body: str | None = None) -> dict:
    comma = decimal != "point"

    def num(value: Decimal | None) -> str:
        return format_decimal(value, comma=comma) if value is not None else ""

    meta = assessment.meta
    date = meta.get("report_date") if isinstance(meta.get("report_date"), dt.date) else None
    if date is not None and report_date_outside_period(meta):
        date = None  # not this period's date (last period's, kept): the line is left to write by hand
    unit = short_unit(str(meta.get("unit", "")))
    # ND 30: the place is the unit's own name, "Ngọc Kỳ, ngày …" (typed "Xã Ngọc Kỳ"); "Phường 5" keeps its kind
    place = unit_place(str(meta.get("place") or unit))
    rows = []
    for crit in assessment.criteria:
        if not crit.code_ok:
            continue
        explanation = one_break("\n".join(x for x in [crit.explanation, *crit.notes] if x))
        rows.append({
            "code": crit.code_written or crit.code,
            "name": one_break(crit.name),
            "max": num(crit.effective_max()),
            "self": num(crit.computed_self()),
            "explanation": explanation,
            "level": crit.depth,
            "bold": crit.depth <= 1,
        })
    # the last criterion is printed with the total and the signature block, in one row that cannot
    # split, unless it is too tall for that row to fit a page (see fits_with_signature)
    tail = rows[-1:] if rows and fits_with_signature(rows[-1]) else []
    totals = assessment.totals()
    recipients = recipient_lines(str(meta.get("recipients", "")))
    # a district, a merged province: a body that no longer exists is left off (and not sent the report)
    superior = "" if superior_gone(assessment) else str(meta.get("superior", ""))
    # an agency typed as the body above (the Sở Nội vụ the report goes to): a recipient, not a letterhead line
    heading = "" if agency(superior) else superior_body(superior)
    pending = num(totals.pending_max) if totals.pending_max else ""
    return {
        "unit": unit,
        "superior": heading,
        "province": str(meta.get("province", "")),
        "period": kept_together(str(meta.get("period", ""))),
        "doc_number": str(meta.get("doc_number", "")) or "      /BC-UBND",
        "place": place,
        "date": nd30_date(date) if date else {"day": "    ", "month": "    ", "year": "      "},
        "place_date": place_date_line(place, date),
        **signature_lines(str(meta.get("authority", "")), str(meta.get("signer_title", ""))),
        "signer": signer_name(str(meta.get("signer", ""))),
        "recipients": recipients or default_recipients(superior, unit, reviewing_body),
        "rows": rows[:len(rows) - len(tail)],
        "tail_rows": tail,  # printed with the total row and the signature block, never apart
        "totals": {
            "max": num(totals.max),
            # blank, not 0, when no criterion is scored yet (a form printed to fill in by hand)
            "self": num(totals.self) if any(p["self"] is not None for p in totals.by_part.values()) else "",
            "pending": pending,
            "percent": num(totals.percent_value) if totals.percent else "",
            "note": " ".join(part for part in (
                f"Tỷ lệ: {num(totals.percent_value)} % điểm tối đa." if totals.percent else "",
                f"Điểm thưởng {num(totals.bonus)}, điểm trừ {num(totals.penalty)}." if totals.bonus or totals.penalty
                else "",
                f"Chưa gồm {pending} điểm chờ kết quả điều tra xã hội học và SIPAS" if pending else "",
            ) if part),
        },
        "stamp_image": "",  # the renderer puts the signature/seal picture here when given
        "draft": False,
        "open_findings": [],
    }


COMMITTEE = "TM. ỦY BAN NHÂN DÂN"


def signature_lines(authority: str, title: str) -> dict[str, str]:
    """The authority lines and the signer's title (ND 30/2020). A committee works collectively: a
    vice-chair signing for the chair ("KT. CHỦ TỊCH") and an acting chair ("Q. CHỦ TỊCH", which is his
    title) sign on the committee's behalf, "TM. ỦY BAN NHÂN DÂN" above. None given: the committee's
    authority and "CHỦ TỊCH"."""
    # "TM. UBND" as typed: ND 30 writes the committee's name in full on the authority line
    lines = [re.sub(r"\bUBND\b", "ỦY BAN NHÂN DÂN", line.strip(), flags=re.IGNORECASE)
             for line in authority.splitlines() if line.strip()]
    if lines and not title and fold(lines[-1]).startswith("q."):  # "Thẩm quyền ký: Q. CHỦ TỊCH" alone
        title = lines.pop()
    if lines and fold(lines[0]).startswith("kt.") or (not lines and fold(title).startswith("q.")):
        lines.insert(0, COMMITTEE)
    if not title and lines and fold(lines[-1]).startswith("kt."):  # "KT. CHỦ TỊCH" is signed by a vice-chair
        title = "PHÓ CHỦ TỊCH"
    return {"authority": "\n".join(lines) or COMMITTEE, "signer_title": title or "CHỦ TỊCH"}


# The default template's name and explanation columns (56 and 55 mm, 13 pt) hold about 28 letters a
# line; fewer are counted, so that a row is never thought shorter than it prints.
_LETTERS_A_LINE = 24
TAIL_LINES = 14


def fits_with_signature(row: dict) -> bool:
    """Whether the last criterion goes in the unsplittable row with the total and the signature block:
    14 lines or fewer in its name and its explanation. A long explanation there made that row taller
    than the room left on a page, and LibreOffice cut the block off at the page's foot: the signed PDF
    lost the signer's name (its signature had nowhere to go). Taller, it is printed with the others,
    and the total row alone stays with the signature block."""
    def lines(text: str) -> int:
        return sum(max(1, -(-len(line) // _LETTERS_A_LINE)) for line in text.split("\n"))
    return max(lines(row["name"]), lines(row["explanation"])) <= TAIL_LINES


def printed_signer_title(meta: dict) -> str:
    """The signer's title as the report prints it over his name: where his signature goes."""
    return signature_lines(str(meta.get("authority") or ""), str(meta.get("signer_title") or ""))["signer_title"]


def signer_name(name: str) -> str:
    """ND 30/2020: the signer's name in ordinary letters, bold: "NGUYỄN XUÂN THOANG" typed in capitals is
    printed "Nguyễn Xuân Thoang"; a name typed otherwise stays as typed."""
    name = " ".join(name.split())
    return title_case(name) if name.isupper() else name


_LEVELS_ABOVE = tuple(f"{level} " for level in LEVELS_ABOVE_COMMUNE)


def one_break(text: str) -> str:
    """Line ends as Word takes them: text pasted from Windows ends its lines "\r\n" (or "\r"), which
    printed an empty line between every two of the explanation's lines."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def superior_body(superior: str) -> str:
    """The body above the commune as a letterhead names it: "huyện Tứ Kỳ" typed → "UBND huyện Tứ Kỳ"
    (the letterhead said "HUYỆN TỨ KỲ", a place, not a body), "TP. Hải Phòng" → "UBND thành phố Hải
    Phòng", "UBND TP.HCM" → "UBND thành phố Hồ Chí Minh" (the council as typed); anything else as typed."""
    superior = " ".join(superior.split())
    place = without_council(superior)
    if place and place != superior:  # the body typed with its council: the level after it in full
        return f"{superior[:len(superior) - len(place)].strip()} {level_in_full(place)}"
    superior = level_in_full(superior)
    return f"UBND {superior}" if superior.lower().startswith(_LEVELS_ABOVE) else superior


_BULLETS = "-–—+•*·"


def recipient_lines(typed: str) -> list[str]:
    """"Nơi nhận" as ND 30/2020 writes it, from the lines as typed (or one line of them, parted by ";"):
    each line opens with "- ", the others end with ";" and the last ("- Lưu: VT.") with "."; the
    words stay as typed."""
    lines = [line.strip().lstrip(_BULLETS).strip() for line in typed.replace(";", "\n").splitlines()]
    lines = [line for line in lines if line]
    return [f"- {line.rstrip(';,.')}{'.' if i == len(lines) - 1 else ';'}" for i, line in enumerate(lines)]


def default_recipients(superior: str, unit: str, reviewing: str | None = None) -> list[str]:
    """Nơi nhận when the workbook names none: the body the report goes to, the body that reviews it
    (``reviewing``, the "reviewing_body" setting; the province's Sở Nội vụ when neither is named), then
    the file copy."""
    superior = " ".join(superior.split())
    reviewer = [f"- {reviewing} (cơ quan thẩm định);"] if reviewing else []
    if not superior:
        return [*(reviewer or ["- Sở Nội vụ (cơ quan thẩm định);"]), "- Lưu: VT."]
    if agency(superior):  # the reviewing agency typed as the body above: named once
        same = reviewing and fold(" ".join(reviewing.split())).lower() == fold(superior).lower()
        return [f"- {superior};", *([] if same else reviewer), "- Lưu: VT."]
    body = superior_body(superior)
    if not body.lower().startswith(("ubnd", "ủy ban", "uỷ ban")):
        body = f"UBND {body}"
    return [f"- {body};", *reviewer, "- Lưu: VT."]
