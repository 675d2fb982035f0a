"""The district era after it ended. Since 1 July 2025 local government has two levels, province and
commune: no huyện, quận or thị xã. A workbook of a later period that still carries that era (a
criteria set naming the district's plan and the tasks it assigns, a body above named as a district)
is last years' template used again: its report would go to a body that no longer exists."""
from __future__ import annotations

import datetime as dt
import re

from ..model import Assessment
from ..text import cell_address, level_in_full, period_start, without_council
from .catalogue import Finding, make

TWO_LEVELS_FROM = dt.date(2025, 7, 1)
_DISTRICT = re.compile(r"(?<!\w)(?:huyện|quận|thị xã)(?!\w)", re.IGNORECASE)
_DISTRICT_LEVELS = ("huyện ", "quận ", "thị xã ")


def reform_findings(assessment: Assessment) -> list[Finding]:
    period = " ".join(assessment.period.split())
    start = period_start(period)
    if start is None or start < TWO_LEVELS_FROM:
        return []
    findings = []
    named = [(crit, found) for crit in assessment.criteria if crit.code_ok
             for found in [_DISTRICT.search(crit.name)] if found]
    if named:
        crit, found = named[0]
        others = ", ".join(c.code_written or c.code for c, _ in named[1:6]) + (" …" if len(named) > 6 else "")
        cell = crit.name_cell or crit.code_cell
        findings.append(make(
            "district-after-reform", cell.sheet, cell.address, crit.part, crit.code_written or crit.code,
            f"Tên mục {crit.code} còn nhắc “{_quoted(crit.name, found)}”{f' (cả các mục {others})' if others else ''}: "
            f"bộ tiêu chí này có từ khi còn cấp huyện, mà kỳ đánh giá {period} là sau ngày 01/07/2025, khi không còn "
            "cấp huyện. Có lẽ mẫu sổ năm trước được dùng lại: hãy dùng bộ tiêu chí hiện hành của tỉnh (nhập bằng "
            "`cchc-xl templates import`, tạo sổ mới bằng `cchc-xl new --template`).", cell.row))
    superior = " ".join(str(assessment.meta.get("superior") or "").split())
    if level_in_full(without_council(superior)).lower().startswith(_DISTRICT_LEVELS):
        sheet, row, col = assessment.meta_cells.get("superior", (assessment.sheet, -1, -1))
        findings.append(make(
            "district-after-reform", sheet, cell_address(row, col) if row >= 0 else "", "", "",
            f"Cấp trên ghi “{superior[:60]}”, nhưng kỳ đánh giá {period} là sau ngày 01/07/2025, khi không còn cấp "
            "huyện: báo cáo sẽ ghi cơ quan này ở đầu trang và ở nơi nhận. Hãy ghi cấp trên hiện nay (UBND tỉnh hoặc "
            "thành phố; cơ quan thẩm định là Sở Nội vụ).", row))
    return findings


def _quoted(name: str, found: re.Match) -> str:
    """The words that name the district, from the clause they stand in: "kế hoạch CCHC của huyện"."""
    before = re.split(r"[,;:(]", name[:found.start()])[-1].split()[-4:]
    return " ".join([*before, found.group(0)])
