"""The local government of before 1 July 2025, named in a workbook of a later period. Since then there
are two levels, province and commune (no huyện, quận or thị xã), and 34 provinces (Nghị quyết
202/2025/QH15 merged 52 into 23). A workbook of a later period that still carries the old order (a
criteria set naming the district's plan and the tasks it assigns, a body above named as a district,
a province merged into another) is last year's template used again: its report would go to a body
that no longer exists."""
from __future__ import annotations

import datetime as dt
import re

from ..model import Assessment
from ..text import agency, fold, level_in_full, party_place, period_start, without_council
from .catalogue import Finding, at_fact, make
from .documents import report_date_outside_period

TWO_LEVELS_FROM = dt.date(2025, 7, 1)
_DISTRICT = re.compile(r"(?<!\w)(?:huyện|quận|thị xã)(?!\w)", re.IGNORECASE)
_DISTRICT_LEVELS = ("huyện ", "quận ", "thị xã ")
_PROVINCE_NAMED = re.compile(r"(?<!\w)tỉnh\s+([^;,.()\n]+)", re.IGNORECASE)
# a criterion of today that names the district it replaced: "do cấp huyện cũ chuyển giao", "trước đây"
_FORMER = re.compile(r"(?<!\w)(?:cũ|trước đây|chuyển giao|bàn giao|kết thúc hoạt động)(?!\w)", re.IGNORECASE)
# the province now → the 29 merged into it on 1/7/2025
_NOW_IN = {
    "tỉnh Tuyên Quang": ["Hà Giang"], "tỉnh Lào Cai": ["Yên Bái"], "tỉnh Thái Nguyên": ["Bắc Kạn"],
    "tỉnh Phú Thọ": ["Vĩnh Phúc", "Hòa Bình"], "tỉnh Bắc Ninh": ["Bắc Giang"], "tỉnh Hưng Yên": ["Thái Bình"],
    "thành phố Hải Phòng": ["Hải Dương"], "tỉnh Ninh Bình": ["Hà Nam", "Nam Định"], "tỉnh Quảng Trị": ["Quảng Bình"],
    "thành phố Đà Nẵng": ["Quảng Nam"], "tỉnh Quảng Ngãi": ["Kon Tum"], "tỉnh Gia Lai": ["Bình Định"],
    "tỉnh Khánh Hòa": ["Ninh Thuận"], "tỉnh Lâm Đồng": ["Đắk Nông", "Bình Thuận"], "tỉnh Đắk Lắk": ["Phú Yên"],
    "Thành phố Hồ Chí Minh": ["Bình Dương", "Bà Rịa - Vũng Tàu"], "tỉnh Đồng Nai": ["Bình Phước"],
    "tỉnh Tây Ninh": ["Long An"], "thành phố Cần Thơ": ["Sóc Trăng", "Hậu Giang"],
    "tỉnh Vĩnh Long": ["Bến Tre", "Trà Vinh"], "tỉnh Đồng Tháp": ["Tiền Giang"], "tỉnh Cà Mau": ["Bạc Liêu"],
    "tỉnh An Giang": ["Kiên Giang"],
}


def province_key(text: str) -> str:
    """A province as its spellings share it: "UBND tỉnh Hải Dương", "HẢI DƯƠNG", "TP. Hải Phòng", "thành phố
    Hải Phòng", "Bà Rịa-Vũng Tàu", "Đăk Nông" (for "Đắk Nông")."""
    place = level_in_full(without_council(" ".join(text.split()))).lower()
    for level in ("tỉnh ", "thành phố "):
        if place.startswith(level):
            place = place[len(level):]
    return re.sub(r"\W", "", fold(place))


_MERGED = {province_key(old): (old, now) for now, olds in _NOW_IN.items() for old in olds}  # → (its name, now in)


def merged_into(province: str) -> tuple[str, str] | None:
    """(its name, the province it is in now) for one of the 29 merged on 1/7/2025 ("Hải Dương" →
    ("Hải Dương", "thành phố Hải Phòng")); None for any other."""
    return _MERGED.get(province_key(province)) if province.strip() else None


def after_reform(assessment: Assessment) -> bool:
    """The workbook's period begins on or after 1/7/2025."""
    start = period_start(" ".join(assessment.period.split()))
    return start is not None and start >= TWO_LEVELS_FROM


def _after_reform_because(assessment: Assessment) -> str | None:
    """Why the workbook is of after the reform ("kỳ đánh giá … là sau ngày 01/07/2025", or its report's
    date), or None: its period began on or after 1/7/2025, or its report is dated so (the report of
    "Năm 2025", dated 15/12/2025, goes to a body of today)."""
    if after_reform(assessment):
        return f"kỳ đánh giá {' '.join(assessment.period.split())} là sau ngày 01/07/2025"
    date = assessment.meta.get("report_date")
    if not isinstance(date, dt.date) or date < TWO_LEVELS_FROM or report_date_outside_period(assessment.meta):
        return None
    return f"báo cáo ngày {date:%d/%m/%Y} là sau ngày 01/07/2025"


def _district(text: str) -> bool:
    """A district, or an agency of one ("Phòng Nội vụ huyện Tứ Kỳ")."""
    if agency(text):
        text = party_place(text)  # ("Huyện ủy Tứ Kỳ": the district's own words)
        return _DISTRICT.search(text) is not None and not _FORMER.search(text)
    return level_in_full(without_council(text)).lower().startswith(_DISTRICT_LEVELS)


def _merged_body(text: str) -> tuple[str, str] | None:
    """merged_into for a province, or for an agency of one ("Sở Nội vụ tỉnh Hải Dương")."""
    if agency(text):
        text = party_place(text)  # ("Tỉnh ủy Hải Dương": the province's own words)
        return next((found for name in _PROVINCE_NAMED.findall(text) for found in [merged_into(name)] if found), None)
    return merged_into(text)


def superior_gone(assessment: Assessment) -> bool:
    """The body above, as typed, no longer exists when the report is issued (a district, a merged
    province): the report leaves its line off rather than print it (ND 30 shows it if there is one)."""
    superior = " ".join(str(assessment.meta.get("superior") or "").split())
    return bool(superior) and (_district(superior) or _merged_body(superior) is not None) and \
        _after_reform_because(assessment) is not None


_LEFT_OFF = "báo cáo bỏ dòng cơ quan cấp trên ở đầu trang (và khỏi nơi nhận mặc định) cho đến khi sửa"


def reform_findings(assessment: Assessment) -> list[Finding]:
    """The criteria of a period begun after the reform; the bodies named by a report issued after it."""
    when = _after_reform_because(assessment)
    if when is None:
        return []
    findings = _district_criteria(assessment, when) if after_reform(assessment) and not _set_of_today(assessment) \
        else []
    superior = " ".join(str(assessment.meta.get("superior") or "").split())
    if _district(superior):
        findings.append(at_fact(
            assessment, "superior", "district-after-reform",
            f"Cấp trên ghi “{superior[:60]}”, nhưng {when}, khi không còn cấp huyện: {_LEFT_OFF}. Hãy ghi cấp "
            "trên hiện nay (UBND tỉnh hoặc thành phố; cơ quan thẩm định là Sở Nội vụ)."))
    for key, label in (("province", "Tỉnh"), ("superior", "Cấp trên")):
        typed = " ".join(str(assessment.meta.get(key) or "").split())
        merged = _merged_body(typed) if key == "superior" else merged_into(typed)
        if merged is not None:
            findings.append(at_fact(
                assessment, key, "province-merged",
                f"{label} ghi “{typed[:60]}”: từ 01/07/2025 tỉnh {merged[0]} đã hợp nhất vào {merged[1]}, mà "
                f"{when.replace('sau ngày 01/07/2025', 'sau ngày đó')}"
                f"{f'; {_LEFT_OFF}' if key == 'superior' else ''}. Có lẽ mẫu sổ năm trước được dùng lại: hãy ghi "
                # (an agency typed as the body above: the body above it, as superior-is-agency would ask)
                f"{f'UBND {merged[1]} (cơ quan thẩm định ghi ở “Nơi nhận”)' if agency(typed) else merged[1]}."))
    findings.extend(_recipients_gone(assessment, when))
    return findings


def _recipients_gone(assessment: Assessment, when: str) -> list[Finding]:
    """"Nơi nhận" lines that send the report to a district, or to a province merged into another: as
    typed, they stay (the officer's words); said once for each kind, at the recipients' cell."""
    lines = [line.strip().lstrip("-–+•").strip().rstrip(";.,") for line in
             str(assessment.meta.get("recipients") or "").replace(";", "\n").splitlines()]
    districts = [line for line in lines if _DISTRICT.search(line) and not _FORMER.search(line)]
    merged = [(line, found) for line in lines for name in _PROVINCE_NAMED.findall(line)
              for found in [merged_into(name)] if found]
    findings = []
    if districts:
        findings.append(at_fact(
            assessment, "recipients", "district-after-reform",
            f"Nơi nhận còn ghi “{districts[0][:80]}”{f' (và {len(districts) - 1} dòng khác)' if len(districts) > 1 else ''}"
            f", nhưng {when}, khi không còn cấp huyện: báo cáo in nơi nhận như đã ghi. Hãy sửa nơi nhận (cơ quan "
            "thẩm định là Sở Nội vụ)."))
    if merged:
        line, (old, now) = merged[0]
        findings.append(at_fact(
            assessment, "recipients", "province-merged",
            f"Nơi nhận còn ghi “{line[:80]}”: từ 01/07/2025 tỉnh {old} đã hợp nhất vào {now}, mà "
            f"{when.replace('sau ngày 01/07/2025', 'sau ngày đó')}; báo cáo in nơi nhận như đã ghi. Hãy sửa nơi nhận."))
    return findings


def _set_of_today(assessment: Assessment) -> bool:
    """The workbook follows a known set issued for a year after the reform (its names, whatever they
    say, are the province's choice for today)."""
    followed = assessment.criteria_set
    if not followed:
        return False
    from ..criteria_sets.store import find_set

    known = find_set(followed["id"])
    return known is not None and bool(known.year) and known.year > TWO_LEVELS_FROM.year


def _district_criteria(assessment: Assessment, when: str) -> list[Finding]:
    """One finding, at the first criterion whose name mentions the district, naming the others."""
    named = [(crit, found) for crit in assessment.criteria if crit.code_ok
             for found in [_DISTRICT.search(crit.name)] if found and not _FORMER.search(crit.name)]
    if not named:
        return []
    crit, found = named[0]
    others = ", ".join(c.code_written or c.code for c, _ in named[1:6]) + (" …" if len(named) > 6 else "")
    cell = crit.name_cell or crit.code_cell
    return [make(
        "district-after-reform", cell.sheet, cell.address, crit.part, crit.code_written or crit.code,
        f"Tên mục {crit.code} còn nhắc “{_quoted(crit.name, found)}”{f' (cả các mục {others})' if others else ''}: "
        f"bộ tiêu chí này có từ khi còn cấp huyện, mà {when}, khi không còn cấp huyện. Có lẽ mẫu sổ năm trước được "
        "dùng lại: hãy dùng bộ tiêu chí hiện hành của tỉnh (nhập bằng `cchc-xl templates import`, tạo sổ mới bằng "
        "`cchc-xl new --template`).", cell.row)]


def _quoted(name: str, found: re.Match) -> str:
    """The words that name the district, from the clause they stand in: "kế hoạch CCHC của huyện"."""
    before = re.split(r"[,;:(]", name[:found.start()])[-1].split()[-4:]
    return " ".join([*before, found.group(0)])
