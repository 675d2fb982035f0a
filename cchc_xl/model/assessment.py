"""Criteria tree and totals.

A blank leaf is *pending* (not scored yet), never zero; an over-max leaf counts
at most its max. The officer's typed values are kept as typed: computed values
live beside them, so nothing they entered is ever silently changed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..text import NotANumber, fold, parse_score, to_decimal_from_float

ZERO = Decimal(0)
MAX_MAGNITUDE = 1e6  # no criterion is worth a million points: bigger is a typing or file error
_PENDING_KEY = {"self": "pending:self", "appraised": "pending:appraised"}
_UNSCORED_KEY = {"self": "unscored:self", "appraised": "unscored:appraised"}
SURVEY_WORDS = ("xhh", "xa hoi hoc", "sipas", "hai long")
CODE_ROMAN = re.compile(r"^(?=[IVXLC]+$)M*(C[MD]|D?C{0,3})(X[CL]|L?X{0,3})(I[XV]|V?I{0,3})$")


@dataclass(slots=True)
class Cell:
    """Where a value sits: sheet name and 0-based row/col."""

    sheet: str
    row: int
    col: int

    @property
    def address(self) -> str:
        from ..text import cell_address

        return cell_address(self.row, self.col)


@dataclass(slots=True)
class ScoreCell:
    """A score cell as read: where it is, raw value, parsed Decimal, and what went wrong.

    Its place is kept as sheet, row and col (``cell`` makes the Cell when asked): two or three
    score cells are read on every row of every workbook, and few of them ever get a finding."""

    sheet: str | None  # None: no cell in the sheet (the total row of a table that has none)
    row: int = -1  # 0-based
    col: int = -1
    raw: Any = None
    value: Decimal | None = None
    problem: str | None = None  # "not-a-number" | "formula-no-value" | "cell-error" | "merged-over"
    is_formula: bool = False

    @property
    def cell(self) -> Cell | None:
        return None if self.sheet is None else Cell(self.sheet, self.row, self.col)

    @classmethod
    def at(cls, cell: Cell | None, raw: Any = None, value: Decimal | None = None, problem: str | None = None,
           is_formula: bool = False) -> "ScoreCell":
        """A score cell at ``cell`` (None: nowhere in the sheet)."""
        if cell is None:
            return cls(None, -1, -1, raw, value, problem, is_formula)
        return cls(cell.sheet, cell.row, cell.col, raw, value, problem, is_formula)

    @classmethod
    def read(cls, sheet: str, row: int, col: int, raw: Any, formula_no_value: bool = False,
             is_formula: bool = False) -> "ScoreCell":
        if formula_no_value:
            return cls(sheet, row, col, raw, None, "formula-no-value", True)
        if raw.__class__ is float:  # the common case, straight from the reader
            if raw != raw or abs(raw) > MAX_MAGNITUDE:  # NaN, ±INF, absurd: never arithmetic
                return cls(sheet, row, col, raw, None, "not-a-number", is_formula)
            return cls(sheet, row, col, raw, to_decimal_from_float(raw), None, is_formula)
        try:
            return cls(sheet, row, col, raw, parse_score(raw), None, is_formula)
        except NotANumber:
            return cls(sheet, row, col, raw, None, "not-a-number", is_formula)

    @property
    def blank(self) -> bool:
        return self.value is None and self.problem is None


@dataclass(frozen=True, slots=True)
class TableColumns:
    """Where a table's text columns are (0-based), shared by all its criteria: a criterion's code,
    name and explanation cells follow from its row, made only when a finding or a message asks."""

    sheet: str
    code: int
    name: int | None = None
    explanation: int | None = None


@dataclass(slots=True)
class Criterion:
    part: str  # "I", "II", …
    code: str  # normalised STT: "1.1.1"; for a part row, the Roman numeral
    code_written: str  # as the officer wrote it ("1.1.1.", 3.5)
    name: str
    row: int  # 0-based sheet row
    columns: TableColumns  # gives code_cell, name_cell and explanation_cell
    max: ScoreCell
    self: ScoreCell
    explanation: str = ""
    appraised: ScoreCell | None = None
    appraisal_comment: str = ""
    notes: list[str] = field(default_factory=list)
    children: list["Criterion"] = field(default_factory=list)
    parent: "Criterion | None" = field(default=None, repr=False)
    code_ok: bool = True  # False: duplicate or misplaced, kept out of the tree
    # scored | survey | bonus | penalty, from the criteria set the workbook follows; None: not known
    kind: str | None = None
    min_score: Decimal | None = None  # penalty: the lowest score allowed (negative)
    key: str = ""  # "II", "I.1.2": part and code, unique in a workbook; set by place()
    # the row of the cell that holds the explanation when it is another row's: one explanation merged
    # down over a group's items (their own cells lie under the merge, where no officer can click)
    explanation_row: int = -1
    # computed values depend only on leaves and max cells, which never change after
    # reading (recalc replaces parent self cells only), so they are computed once
    _memo: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def code_cell(self) -> Cell:
        return Cell(self.columns.sheet, self.row, self.columns.code)

    @property
    def name_cell(self) -> Cell | None:
        col = self.columns.name
        return None if col is None else Cell(self.columns.sheet, self.row, col)

    @property
    def explanation_at(self) -> int:
        """The row of the cell that holds its explanation: its own, or the merged one's above it."""
        return self.row if self.explanation_row < 0 else self.explanation_row

    @property
    def explanation_cell(self) -> Cell | None:
        col = self.columns.explanation
        if col is None:
            return None
        return Cell(self.columns.sheet, self.explanation_at, col)

    @property
    def is_part(self) -> bool:
        # codes are normalised to Roman parts ("II") or Arabic STT ("1.2"): a letter means a part
        return self.code == self.part and self.code[:1].isalpha()

    @property
    def depth(self) -> int:
        """0 part, 1 area, 2 criterion, 3 sub-criterion, …"""
        return 0 if self.is_part else self.code.count(".") + 1

    @property
    def is_leaf(self) -> bool:
        return not self.children

    @property
    def survey_based(self) -> bool:
        """Scored by the province later (XHH survey, SIPAS), not by the commune: as the criteria
        set says, else as the criterion's own name says."""
        if self.kind is not None:
            return self.kind == "survey"
        name = fold(self.name)
        return any(word in name for word in SURVEY_WORDS)

    @property
    def is_penalty(self) -> bool:
        return self.kind == "penalty"

    def set_kind(self, kind: str, min_score: Decimal | None = None) -> None:
        """What the criteria set says of this criterion; computed scores depend on it."""
        self.kind, self.min_score = kind, min_score
        self._memo.clear()

    def place(self, part: str) -> None:
        """Put the criterion in its part, which gives its key ("II", "I.1.2"): once the tree is
        built. A plain attribute, not a property: recognition, rules and statistics read it
        several times per criterion of every workbook."""
        self.part = part
        self.key = part if self.is_part else f"{part}.{self.code}"

    # -- computed scores ---------------------------------------------------
    # Computed once per criterion and kept in _memo (constant string keys): a batch asks for them
    # for every criterion of every workbook. A first question fills the criterion's whole subtree
    # in one pass (fill_scores), instead of a chain of recursive calls per quantity.
    def effective_max(self) -> Decimal | None:
        """Stated max; a parent with a blank max takes the sum of its children."""
        memo = self._memo
        if "max" not in memo:
            self.fill_scores("self")
        return memo["max"]

    def computed_self(self, which: str = "self") -> Decimal | None:
        """Leaf: its value capped to [0, max] (a penalty: between its bound and 0); parent: sum
        of scored children.

        None means pending (nothing scored below). ``which`` is "self" or
        "appraised" so the same rules serve the appraised column.
        """
        memo = self._memo
        if which not in memo:
            self.fill_scores(which)
        return memo[which]

    # (effective_max and computed_self test the memo themselves: they are asked for every
    # criterion; these two only for parts and totals, so fill_scores' own test serves them)
    def pending_max(self, which: str = "self") -> Decimal:
        """Points awaiting survey results: blank survey criteria only."""
        self.fill_scores(which)
        return self._memo[_PENDING_KEY[which]]

    def unscored_max(self, which: str = "self") -> Decimal:
        """Points of ordinary criteria left blank (not surveys): counted apart from pending."""
        self.fill_scores(which)
        return self._memo[_UNSCORED_KEY[which]]

    def in_survey(self) -> bool:
        """Survey-based itself or under a survey-based criterion."""
        memo = self._memo
        found = memo.get("in_survey")
        if found is None:
            parent = self.parent
            found = memo["in_survey"] = self.survey_based or (parent is not None and parent.in_survey())
        return found

    def fill_scores(self, which: str = "self") -> None:
        """Effective max, computed score, pending and unscored points of this criterion and every
        criterion below it that does not know them yet, children first, in one pass.

        _fill writes a column's score, pending and unscored points together, and the effective
        max with them if missing; set_kind clears them all. So a criterion that knows its score
        for ``which`` knows the rest for it too: one key tells whether it was filled."""
        if which not in self._memo:
            self._fill(which, _PENDING_KEY[which], _UNSCORED_KEY[which], None)

    def _fill(self, which: str, pending_key: str, unscored_key: str, survey_above: bool | None) -> None:
        memo = self._memo
        survey = memo.get("in_survey")
        if survey is None:
            if survey_above is None:  # where the pass starts: ask the parent
                survey_above = self.parent is not None and self.parent.in_survey()
            kind = self.kind  # (self.survey_based, without a property call when the set says)
            survey = memo["in_survey"] = (kind == "survey" if kind is not None else self.survey_based) or survey_above
        children = self.children
        if not children:
            cap = memo.get("max", self)
            if cap is self:
                cap = memo["max"] = self.max.value
            cell = self.self if which == "self" else getattr(self, which)
            value = None if cell is None else cell.value
            if value is None:  # pending when a survey will score it, else not scored yet
                memo[which] = None
                memo[pending_key] = (cap or ZERO) if survey else ZERO
                memo[unscored_key] = (cap or ZERO) if not survey and self.kind != "penalty" else ZERO
                return
            if self.kind == "penalty":  # điểm trừ: between its bound (negative) and 0
                floor = self.min_score if self.min_score is not None else value
                score = min(ZERO, max(value, floor))
            else:
                score = value if value > ZERO else ZERO
                if cap is not None and score > cap:
                    score = cap
            memo[which] = score
            memo[pending_key] = memo[unscored_key] = ZERO
            return
        maxes = []
        scored = []
        pending = unscored = ZERO
        for child in children:
            known = child._memo
            if which not in known:
                child._fill(which, pending_key, unscored_key, survey)
            maxes.append(known["max"])
            score = known[which]
            if score is not None:
                scored.append(score)
            pending += known[pending_key]
            unscored += known[unscored_key]
        if "max" not in memo:
            if self.max.value is not None:
                memo["max"] = self.max.value
            else:
                memo["max"] = sum(maxes, ZERO) if None not in maxes else None
        memo[which] = sum(scored, ZERO) if scored else None
        memo[pending_key] = pending
        memo[unscored_key] = unscored

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


def totals_line(totals: "Totals", appraisal: "Totals | None") -> str:
    """The totals as every door says them: "73,2/100 điểm, chờ 24 điểm điều tra; thẩm định 72,65/100 điểm"."""
    return totals.describe() + (f"; {appraisal.describe_appraisal()}" if appraisal else "")


def appraisal_unfinished(left: Decimal) -> str:
    """An appraisal begun with ``left`` points not yet appraised, as every output words it."""
    from ..text import vn

    return f"chưa xong (còn {vn(left)} điểm chưa chấm)"


@dataclass
class Totals:
    max: Decimal  # the base maximum (bonus and penalty parts are not in it)
    self: Decimal  # base + bonus + penalty
    pending_max: Decimal  # awaiting survey results
    by_part: dict[str, dict[str, Decimal | None]]
    by_area: dict[str, Decimal | None]  # "I.1" → computed self
    unscored_max: Decimal = Decimal(0)  # ordinary criteria left blank
    base: Decimal = Decimal(0)
    bonus: Decimal = Decimal(0)
    penalty: Decimal = Decimal(0)  # ≤ 0
    percent: bool = False  # the set states the result as percent of the maximum

    def describe(self) -> str:
        """"73,2/100 điểm (73,2 %); chờ 24 điểm điều tra; chưa chấm 2 điểm" — for every door."""
        from ..text import vn

        text = f"{vn(self.self)}/{vn(self.max)} điểm"
        if self.bonus or self.penalty:
            text += f" (cơ bản {vn(self.base)}, thưởng {vn(self.bonus)}, trừ {vn(self.penalty)})"
        if self.percent and self.percent_value is not None:
            text += f" = {vn(self.percent_value)} %"
        text += f", chờ {vn(self.pending_max)} điểm điều tra"
        if self.unscored_max:
            text += f", chưa chấm {vn(self.unscored_max)} điểm"
        return text

    def describe_appraisal(self) -> str:
        """"thẩm định 72,65/100 điểm", or "thẩm định chưa xong (còn 0,5 điểm chưa chấm)": no total yet."""
        from ..text import vn

        if self.unscored_max:
            return f"thẩm định {appraisal_unfinished(self.unscored_max)}"
        return f"thẩm định {vn(self.self)}/{vn(self.max)} điểm"

    @property
    def percent_value(self) -> Decimal | None:
        if not self.max:
            return None
        from ..text import round_points

        return round_points(self.self * 100 / self.max)


@dataclass
class Subtotal:
    """A part's subtotal row between the parts ("Tổng phần I | 74 | 71,2"): not a criterion, but
    numbers the officer typed, checked against the part and written by recalc like a total."""

    row: int  # 0-based
    part: str  # the part it sums: named in its label, else the part above it
    label: str
    max: ScoreCell
    self: ScoreCell
    appraised: ScoreCell | None = None  # the reviewer's, when the table has an appraisal column


@dataclass
class Assessment:
    """One commune's self-assessment as read from one workbook."""

    source: str  # path or book name
    sheet: str
    header_row: int
    columns: dict[str, int]  # role → 0-based column
    extra_columns: dict[str, int]
    criteria: list[Criterion]  # every row with an STT, in sheet order
    parts: list[Criterion]  # roots
    meta: dict[str, Any]
    total_row: int | None = None
    total_max: ScoreCell | None = None
    total_self: ScoreCell | None = None
    total_appraised: ScoreCell | None = None  # the total row's appraisal cell, when the table has that column
    orphans: list[Criterion] = field(default_factory=list)  # rows with points but no STT
    sheet_hidden: bool | None = False  # None: the live engine cannot say (see read.live._hidden)
    sheet_protected: bool = False  # its sheet is protected: Excel refuses to change its locked cells
    structure_locked: bool = False  # the workbook's structure is protected: Excel refuses to add a sheet
    criteria_set: dict | None = None  # {"id", "title", "agreement"} of the set it follows, when known
    result_in_percent: bool = False
    # (code, the criterion or None for the whole workbook, message[, the cell, when not its STT's])
    read_problems: list[tuple] = field(default_factory=list)
    subtotals: list[Subtotal] = field(default_factory=list)
    # where a fact of ``meta`` was typed (its value's cell), for a finding about it: key → (sheet, row, col)
    meta_cells: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    # the periods the titles above the table state: (period, its cell, the title), to compare with "Kỳ đánh giá"
    title_periods: list[tuple[str, tuple[str, int, int], str]] = field(default_factory=list)
    # the other sheets in view whose table is another unit's, for the same period (sheet → unit): a workbook
    # that gathers several communes, one sheet each (said by several-units; bulk checks each of them)
    other_units: dict[str, str] = field(default_factory=dict)
    # some criterion's explanation is a cell merged down from another row (Criterion.explanation_row)
    explanations_merged: bool = False
    # the criteria's explanation cells linked to a document (Insert → Link on "Kế hoạch số 17/KH-UBND"):
    # the cell's row → (the address, the cell's own text), for the report to keep the link
    explanation_links: dict[int, tuple[str, str]] = field(default_factory=dict)

    def tree(self):
        for part in self.parts:
            yield from part.walk()

    def unlink_tree(self) -> None:
        """Drop the child → parent links, the model's only reference cycles, for a caller that is
        done with the assessment: it is then freed at once by reference counting, instead of
        waiting, with hundreds of others, for the cyclic garbage collector (measured: 12 % of a
        batch's time went to collecting them)."""
        for crit in self.criteria:
            crit.parent = None
        for part in self.parts:
            part.parent = None

    def explanation_link(self, crit: Criterion) -> tuple[str, str] | None:
        """(the address, the cell's own text) its explanation cell links to, or None."""
        return self.explanation_links.get(crit.explanation_at) if self.explanation_links else None

    def shared_explanations(self) -> dict[int, list[Criterion]]:
        """Criteria that one explanation cell merged down over them explains, by that cell's row, in
        sheet order (the criterion on that row first, when it is one): groups of two or more, of the
        same text. Empty for nearly every workbook: said without a walk when the reader found no such merge."""
        if not self.explanations_merged:
            return {}
        criteria = self.criteria
        groups: dict[int, list[Criterion]] = {}
        for crit in criteria:
            groups.setdefault(crit.explanation_at, []).append(crit)
        return {row: [c for c in group if c.explanation == group[0].explanation]
                for row, group in groups.items()
                if len(group) > 1 and sum(c.explanation == group[0].explanation for c in group) > 1}

    def has_appraisal(self) -> bool:
        return "appraised" in self.columns

    def appraisal(self) -> Totals | None:
        """The appraised totals, once the reviewer has begun: a column left empty for them (a province's
        template has one) is no appraisal of 0 points."""
        if not self.has_appraisal():
            return None
        totals = self.totals("appraised")
        return totals if any(part["self"] is not None for part in totals.by_part.values()) else None

    def totals(self, which: str = "self") -> Totals:
        by_part: dict[str, dict[str, Decimal | None]] = {}
        by_area: dict[str, Decimal | None] = {}
        total_max = Decimal(0)
        pending = unscored = base = bonus = penalty = Decimal(0)
        for part in self.parts:
            pmax = part.effective_max() or Decimal(0)
            pself = part.computed_self(which)
            by_part[part.part] = {"max": pmax, "self": pself, "pending_max": part.pending_max(which)}
            if part.kind == "bonus":
                bonus += pself or Decimal(0)
            elif part.kind == "penalty":
                penalty += pself or Decimal(0)
            else:
                total_max += pmax
                base += pself or Decimal(0)
            pending += part.pending_max(which)
            unscored += part.unscored_max(which)
            for area in part.children:
                by_area[f"{part.part}.{area.code}"] = area.computed_self(which)
        return Totals(total_max, base + bonus + penalty, pending, by_part, by_area, unscored, base, bonus, penalty,
                      self.result_in_percent)

    @property
    def unit(self) -> str:
        return str(self.meta.get("unit") or "")

    @property
    def period(self) -> str:
        return str(self.meta.get("period") or "")
