"""Compare a workbook with the official criteria set: who edited the max points,
deleted or added a criterion, or rewrote a criterion's text."""
from __future__ import annotations

import re
from functools import lru_cache

from ..model import Assessment
from ..text import fold, vn
from .catalogue import Finding, make
from .reform import after_reform, merged_into, province_key

_NOT_WORD = re.compile(r"[\W_]+")


@lru_cache(maxsize=16384)  # the same criterion names come back in every workbook of a batch
def _name_key(text: str) -> str:
    return _NOT_WORD.sub("", fold(text))


def _same_name(a: str, b: str) -> bool:
    return a == b or _name_key(a) == _name_key(b)


def _label(model) -> str:
    """How a message names an official criterion: "1.2", or "phần II"."""
    return model.code if not model.is_part else f"phần {model.part}"


def compare_with_template(assessment: Assessment, official, known_sets=()) -> list[Finding]:
    """Findings against the official CriteriaSet. A workbook that clearly follows another known
    set gets one wrong-criteria-set error naming it, not a flood of max-changed."""
    from ..criteria_sets.recognise import CLEARLY_NOT, FOLLOWS, agreement, closest

    followed = assessment.criteria_set
    score = followed["agreement"] if followed and followed["id"] == official.id else agreement(assessment, official)
    if score < CLEARLY_NOT:
        other, other_score = closest(assessment, [s for s in known_sets if s.id != official.id])
        if other is not None and other_score >= FOLLOWS:
            return [make("wrong-criteria-set", assessment.sheet, "", "", "",
                         f"Sổ tính theo bộ tiêu chí “{other.title}” (mã {other.id}, khớp {other_score:.0%}), không "
                         f"theo bộ “{official.title}” (mã {official.id}, khớp {score:.0%}) đang dùng để so sánh; "
                         f"hãy so với đúng bộ (--against {other.id}) hoặc dùng đúng mẫu sổ.")]
    findings = []
    ours = {c.key: c for c in assessment.criteria if c.code_ok}
    theirs = official.by_key()
    official_maxes = official.sheet_max_by_key()  # built once per set, not a property per criterion
    sheet = assessment.sheet
    # parts the reader placed with no row of their own (numbering starting again at 1: part-inferred says
    # to add the row; a table with no part rows at all): there, their criteria read and counted; an error
    # "Thiếu mục phần II" for a heading row was the part-inferred note again, at error level
    placed = {part.key for part in assessment.parts if part.key not in ours}
    for key, model in theirs.items():
        crit = ours.get(key)
        if crit is None:
            if key in placed:
                continue
            findings.append(make(
                "criterion-missing", sheet, "", model.part, model.code,
                f"Thiếu mục {_label(model)} “{model.name[:80]}” (điểm tối đa {vn(model.sheet_max)}) "
                "so với bộ tiêu chí chính thức."))
            continue
        official_max, max_here = official_maxes[key], crit.max.value
        if official_max is not None and max_here is not None and official_max != max_here:
            cell = crit.max.cell
            findings.append(make(
                "max-changed", cell.sheet, cell.address, crit.part, crit.code_written or crit.code,
                f"Điểm tối đa của mục {_label(model)} đã bị sửa thành {vn(max_here)}; bộ tiêu chí {official.id} "
                f"quy định {vn(official_max)}.", cell.row))
        if model.name and model.name != crit.name and not _same_name(model.name, crit.name):
            cell = crit.name_cell or crit.code_cell
            findings.append(make(
                "name-changed", cell.sheet, cell.address, crit.part, crit.code_written or crit.code,
                f"Tên mục {_label(model)} khác bộ tiêu chí chính thức: đang ghi “{crit.name[:80]}”, "
                f"chính thức là “{model.name[:80]}”.", cell.row))
    for key, crit in ours.items():
        if key not in theirs:
            cell = crit.code_cell
            findings.append(make(
                "criterion-extra", cell.sheet, cell.address, crit.part, crit.code_written or crit.code,
                f"Mục {crit.code} “{crit.name[:80]}” không có trong bộ tiêu chí chính thức.", cell.row))
    return findings


def newer_set_findings(assessment: Assessment, known_sets) -> list[Finding]:
    """A workbook of this period that follows its province's set of an earlier year, where a later
    one of that province and level, not later than the period, is known: last year's template used
    again after the province reissued its set (sets are reissued every year or two). Said once, for the
    whole workbook; provinces unknown on either side say nothing."""
    from ..criteria_sets.recognise import period_year

    followed = assessment.criteria_set
    if not followed or not known_sets:
        return []
    year = period_year(assessment)
    used = next((s for s in known_sets if s.id == followed["id"]), None)
    if not year or used is None or not used.year or not used.province:
        return []
    provinces = {province_key(used.province)}
    # a province merged into another on 1/7/2025: for a later period, the one it is in now issues its sets
    merged = merged_into(used.province) if after_reform(assessment) else None
    if merged is not None:
        provinces.add(province_key(merged[1]))
    newer = [s for s in known_sets if s.year and used.year < s.year <= year and s.level == used.level
             and province_key(s.province) in provinces]
    if not newer:
        return []
    latest = max(newer, key=lambda s: s.year)
    whose = f"tỉnh {latest.province}" if province_key(latest.province) == province_key(used.province) else \
        f"{merged[1]} (tỉnh {merged[0]} đã hợp nhất vào đó từ 01/07/2025)"
    return [make("newer-criteria-set", assessment.sheet, "", "", "",
                 f"Sổ tính theo bộ tiêu chí năm {used.year} (mã {used.id}) nhưng kỳ đánh giá là {assessment.period}, "
                 f"và đã có bộ mới hơn của {whose}: “{latest.title}” (mã {latest.id}, năm {latest.year}). "
                 f"Hãy xem bộ nào đang áp dụng; sổ mới theo bộ đó: cchc-xl new --template {latest.id}.")]
