"""What recalc writes, decided once for every door (file and live Excel).

Pure: from an Assessment to the cell values, marks and findings to write. The
file path (xlsx package edit) and the xlwings path only carry this out.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from ..model import Assessment, ScoreCell, Totals
from ..model.assessment import appraisal_unfinished, totals_line
from ..read.files import FINDINGS_SHEET
from ..rules import ERROR, WARNING, Finding, check_assessment, count, finding_order
from ..rules.scores import scored_on_its_own, scored_only_above, unreadable_below
from ..text import cell_address, round_points, split_address

MARK_COLOURS = {ERROR: "FFFFC7C7", WARNING: "FFFFF2B0"}  # ARGB; distinctive, so a re-run knows its own marks
NOTE_PREFIX = "[cchc-xl] "


@dataclass
class Mark:
    severity: str
    messages: list[str] = field(default_factory=list)

    @property
    def colour(self) -> str:
        return MARK_COLOURS[self.severity]

    @property
    def note(self) -> str:
        return NOTE_PREFIX + "\n".join(self.messages)


@dataclass
class RecalcPlan:
    sheet: str
    values: dict[tuple[int, int], Decimal | None]  # computed parent/total cells
    marks: dict[tuple[int, int], Mark]  # cells of the criteria sheet
    findings: list[Finding]
    totals: Totals
    checked_at: dt.datetime
    skipped_formulas: list[str] = field(default_factory=list)
    # cells whose typed value recalc replaced: (address, old, new), so nothing changes untraced;
    # old is the text as typed when it was text ("71,2 điểm", "chưa chấm"), else its number
    replaced: list[tuple[str, Decimal | str, Decimal | None]] = field(default_factory=list)
    # parent cells left as typed: a cell below them holds no readable score, so their sum is unknown
    held: list[str] = field(default_factory=list)
    appraisal: Totals | None = None  # the reviewer's appraised totals, once begun
    # why nothing was written into the table (see write.live.cannot_write): said first on the findings sheet
    not_written: str = ""

    def describe(self) -> str:
        return totals_line(self.totals, self.appraisal)

    def replaced_text(self) -> list[str]:
        from ..text import vn

        return [f"{address}: {vn(old) if isinstance(old, Decimal) else f'“{old}”'} → "
                f"{vn(new) if new is not None else '(trống)'}" for address, old, new in self.replaced]

    @property
    def errors(self) -> int:
        return count(self.findings)[0]

    @property
    def warnings(self) -> int:
        return count(self.findings)[1]


def plan_recalc(assessment: Assessment, against=None, known_sets=()) -> RecalcPlan:
    """Compute parents and total, apply them to the model, then check what results. The reviewer's
    appraisal column gets its sums too, once the appraisal is begun (a column left empty for them
    stays empty)."""
    values: dict[tuple[int, int], Decimal | None] = {}
    skipped, held = [], []
    replaced: list[tuple[str, Decimal | str, Decimal | None]] = []
    # what was wrong in the typed subtotals before they are replaced stays on the record
    before = [f for f in check_assessment(assessment, against, known_sets) if f.code == "self-sum-mismatch"]
    columns = ["self"] + (["appraised"] if assessment.appraisal() is not None else [])

    def write(typed: ScoreCell, sum_unknown, new: Decimal | None, computed: Decimal | None = None) -> ScoreCell:
        """``typed`` replaced by ``new``, or kept (the officer's formula; a sum not known yet: asked by
        ``sum_unknown()`` only of a cell that is no formula)."""
        cell = typed.cell
        if typed.is_formula:  # the officer's own formula: theirs, Excel recomputes it
            skipped.append(cell.address)
            return typed
        if sum_unknown():  # a sum known to be short is never written over what was typed
            held.append(cell.address)
            return typed
        if _typed_differently(typed, new):
            replaced.append((cell.address, _as_typed(typed), new))
        values[(cell.row, cell.col)] = new
        return ScoreCell.at(cell, computed if computed is not None else new, new)

    for which in columns:
        for crit in assessment.tree():
            typed = getattr(crit, which)
            if not crit.children or typed is None or typed.cell is None or not crit.code_ok:
                continue
            computed = crit.computed_self(which)
            setattr(crit, which, write(typed, lambda: _sum_unknown(crit, which), _round(computed), computed))
        totals = assessment.totals(which)
        for sub in assessment.subtotals:  # "Tổng phần I": the part's sum, like the total
            part = next((p for p in assessment.parts if p.part == sub.part), None)
            typed = getattr(sub, which)
            if part is None or typed is None or typed.cell is None:
                continue
            setattr(sub, which, write(typed, lambda: _sum_unknown(part, which),
                                      _round(totals.by_part[sub.part]["self"])))
        total = "total_self" if which == "self" else "total_appraised"
        typed = getattr(assessment, total)
        if typed is not None and typed.cell is not None:
            setattr(assessment, total, write(typed, lambda: any(_sum_unknown(p, which) for p in assessment.parts),
                                             _round(totals.self), totals.self))
    totals = assessment.totals()
    findings = check_assessment(assessment, against, known_sets)
    # a cell recalc did not write (kept as typed, the officer's formula) keeps its finding as it is now
    written = {cell_address(*key) for key in values}
    before = [f for f in before if f.cell in written and f.sheet == assessment.sheet]
    for finding in before:
        # (the old value is on the findings sheet every door writes; a backup exists only for a file
        # recalculated in place, not for -o, --no-backup or the Excel button)
        finding.message = (f"Trước khi tính lại: {finding.message} Đã ghi giá trị đúng; giá trị cũ còn ghi ở dòng "
                           f"“{REPLACED_LABEL}” của trang “{FINDINGS_SHEET}”.")
    findings = sorted(findings + before, key=finding_order)
    return RecalcPlan(assessment.sheet, values, _marks(assessment, findings), findings, totals,
                      dt.datetime.now().replace(microsecond=0), skipped, replaced, held, assessment.appraisal())


def plan_check(assessment: Assessment, against=None, known_sets=()) -> RecalcPlan:
    """Marks and findings with no score written (the button's "Kiểm tra", or a table on a protected sheet):
    the findings are the table's as it stands, as `cchc-xl check` says them. (The button's check took
    recalc's plan and dropped its values: a wrong sum it did not write was told "Đã ghi giá trị đúng".)"""
    findings = sorted(check_assessment(assessment, against, known_sets), key=finding_order)
    return RecalcPlan(assessment.sheet, {}, _marks(assessment, findings), findings, assessment.totals(),
                      dt.datetime.now().replace(microsecond=0), appraisal=assessment.appraisal())


def _marks(assessment: Assessment, findings: list[Finding]) -> dict[tuple[int, int], Mark]:
    marks: dict[tuple[int, int], Mark] = {}
    for finding in findings:
        if finding.sheet != assessment.sheet or not finding.cell or finding.severity not in MARK_COLOURS:
            continue
        key = split_address(finding.cell)
        mark = marks.setdefault(key, Mark(finding.severity))
        if finding.severity == ERROR:
            mark.severity = ERROR
        mark.messages.append(finding.message)
    return marks


def _sum_unknown(crit, which: str = "self") -> bool:
    """The sum of a criterion's (or a part's) children is not its score yet: a cell below is
    unreadable, or a parent (this one or one below) is scored while its children are not. Recalc
    then keeps what was typed there, and in the subtotal and total above."""
    return bool(unreadable_below(crit, which) or scored_only_above(crit, which) or scored_on_its_own(crit, which))


def _typed_differently(typed: ScoreCell, new: Decimal | None) -> bool:
    """The cell holds something other than the number recalc writes: another number, or text
    (“71,2 điểm”, “chưa chấm”: the number may agree, the words are still the officer's)."""
    if typed.raw.__class__ is str and typed.raw.strip():
        return True
    return typed.value is not None and typed.value != new


def _as_typed(typed: ScoreCell) -> Decimal | str:
    return typed.raw.strip() if typed.raw.__class__ is str else typed.value


def _round(value: Decimal | None) -> Decimal | None:
    """At most 2 decimals, as the criteria sets publish them."""
    if value is None:
        return None
    if value.as_tuple().exponent < -2:
        return round_points(value).normalize()
    return value.normalize()


FINDINGS_HEADERS = ["STT", "Ô", "Mức độ", "Mã", "Tiêu chí", "Nội dung", "Đánh dấu"]
REPLACED_LABEL = "Ô đã thay (cũ → mới)"
FINDINGS_TITLE = "KẾT QUẢ KIỂM TRA CHỈ SỐ CCHC"  # A1 of our findings sheet: how a rerun knows it is ours


def refuse_foreign_findings_sheet(first_cell) -> None:
    """A sheet named like our findings sheet whose A1 is not our title is the officer's own
    ("Kết quả kiểm tra" is a common name): it is never cleared or written over."""
    from ..errors import RefusedWrite

    if not (isinstance(first_cell, str) and first_cell.startswith(FINDINGS_TITLE)):
        raise RefusedWrite(f"sổ tính đã có trang “{FINDINGS_SHEET}” của riêng bạn (ô A1 không phải “{FINDINGS_TITLE}…”), "
                           "nơi cchc-xl ghi kết quả kiểm tra; hãy đổi tên trang đó rồi chạy lại — chưa ghi gì.")
MARKED_FILL, MARKED_NOTE = "tô màu", "ghi chú"


def marks_text(cell: str, filled: set[str], noted: set[str]) -> str:
    """What this run put on the cell, so the next run takes off only its own marks."""
    return " + ".join(word for word, done in ((MARKED_FILL, cell in filled), (MARKED_NOTE, cell in noted)) if done)


def findings_rows(plan: RecalcPlan, unit: str = "", filled: set[str] = frozenset(),
                  noted: set[str] = frozenset()) -> tuple[list[list], list[list]]:
    """(summary lines, findings table) for the "Kết quả kiểm tra" sheet, as plain values."""
    from ..rules.catalogue import SEVERITY_VI

    t = plan.totals
    summary = [
        [FINDINGS_TITLE + (f" — {unit}" if unit else "")],
        *([["Chưa ghi vào bảng", plan.not_written]] if plan.not_written else []),
        ["Thời điểm kiểm tra", plan.checked_at.strftime("%d/%m/%Y %H:%M")],
        ["Điểm tối đa", t.max],
        ["Điểm tự đánh giá (đã chấm)", t.self],
        *([["Điểm thẩm định", appraisal_unfinished(plan.appraisal.unscored_max) if plan.appraisal.unscored_max
            else plan.appraisal.self]] if plan.appraisal else []),
        ["Điểm chờ kết quả điều tra", t.pending_max],
        *([["Điểm tiêu chí chưa chấm", t.unscored_max]] if t.unscored_max else []),
        *([["Điểm thưởng / điểm trừ", f"{t.bonus} / {t.penalty}"]] if t.bonus or t.penalty else []),
        *([["Tỷ lệ (%)", t.percent_value]] if t.percent else []),
        *[[f"Phần {part}", v["self"] if v["self"] is not None else "", f"/ {v['max']}"] for part, v in t.by_part.items()],
        ["Số lỗi / cảnh báo", f"{plan.errors} lỗi, {plan.warnings} cảnh báo"],
        *[[REPLACED_LABEL, line] for line in plan.replaced_text()],
        *([["Chưa tính lại (mục con chưa đọc được điểm, hoặc chỉ mục cha có điểm)", ", ".join(plan.held)]]
          if plan.held else []),
    ]
    table = [
        [index, f.cell, SEVERITY_VI[f.severity], f.code, f"{f.part} / {f.criterion}".strip(" /"), f.message,
         marks_text(f.cell, filled, noted) if f.sheet == plan.sheet else ""]
        for index, f in enumerate(plan.findings, start=1)
    ]
    return summary, table
