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
    """A score cell as read: raw value, parsed Decimal, and what went wrong."""

    cell: Cell | None
    raw: Any = None
    value: Decimal | None = None
    problem: str | None = None  # "not-a-number" | "formula-no-value" | "cell-error"
    is_formula: bool = False

    @classmethod
    def read(cls, cell: Cell | None, raw: Any, formula_no_value: bool = False, is_formula: bool = False):
        if formula_no_value:
            return cls(cell, raw, None, "formula-no-value", True)
        if raw.__class__ is float:  # the common case, straight from the reader
            if raw != raw or abs(raw) > MAX_MAGNITUDE:  # NaN, ±INF, absurd: never arithmetic
                return cls(cell, raw, None, "not-a-number", is_formula)
            return cls(cell, raw, to_decimal_from_float(raw), None, is_formula)
        try:
            return cls(cell, raw, parse_score(raw), None, is_formula)
        except NotANumber:
            return cls(cell, raw, None, "not-a-number", is_formula)

    @property
    def blank(self) -> bool:
        return self.value is None and self.problem is None


@dataclass(slots=True)
class Criterion:
    part: str  # "I", "II", …
    code: str  # normalised STT: "1.1.1"; for a part row, the Roman numeral
    code_written: str  # as the officer wrote it ("1.1.1.", 3.5)
    name: str
    row: int  # 0-based sheet row
    code_cell: Cell
    name_cell: Cell | None
    max: ScoreCell
    self: ScoreCell
    explanation: str = ""
    explanation_cell: Cell | None = None
    appraised: ScoreCell | None = None
    appraisal_comment: str = ""
    notes: list[str] = field(default_factory=list)
    children: list["Criterion"] = field(default_factory=list)
    parent: "Criterion | None" = field(default=None, repr=False)
    code_ok: bool = True  # False: duplicate or misplaced, kept out of the tree
    # computed values depend only on leaves and max cells, which never change after
    # reading (recalc replaces parent self cells only), so they are computed once
    _memo: dict = field(default_factory=dict, repr=False, compare=False)

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
    def key(self) -> str:
        return self.part if self.is_part else f"{self.part}.{self.code}"

    @property
    def survey_based(self) -> bool:
        """Scored by the province later (XHH survey, SIPAS), not by the commune."""
        name = fold(self.name)
        return any(word in name for word in ("xhh", "xa hoi hoc", "sipas", "hai long"))

    # -- computed scores ---------------------------------------------------
    # Memo keys are constant strings: these run for every criterion of every workbook in a batch.
    def effective_max(self) -> Decimal | None:
        """Stated max; a parent with a blank max takes the sum of its children."""
        memo = self._memo
        if "max" not in memo:
            memo["max"] = self._effective_max()
        return memo["max"]

    def _effective_max(self) -> Decimal | None:
        if self.max.value is not None:
            return self.max.value
        if self.children:
            parts = [c.effective_max() for c in self.children]
            if None not in parts:
                return sum(parts, ZERO)
        return None

    def computed_self(self, which: str = "self") -> Decimal | None:
        """Leaf: its value capped to [0, max]; parent: sum of scored children.

        None means pending (nothing scored below). ``which`` is "self" or
        "appraised" so the same rules serve the appraised column.
        """
        memo = self._memo
        if which not in memo:
            memo[which] = self._computed_self(which)
        return memo[which]

    def _computed_self(self, which: str) -> Decimal | None:
        if self.children:
            scored = [s for s in (c.computed_self(which) for c in self.children) if s is not None]
            return sum(scored, ZERO) if scored else None
        cell = self.self if which == "self" else getattr(self, which)
        if cell is None or cell.value is None:
            return None
        value = cell.value if cell.value > ZERO else ZERO
        cap = self.effective_max()
        return value if cap is None or value <= cap else cap

    def pending_max(self, which: str = "self") -> Decimal:
        key = _PENDING_KEY[which]
        memo = self._memo
        if key not in memo:
            memo[key] = self._pending_max(which)
        return memo[key]

    def _pending_max(self, which: str) -> Decimal:
        if self.children:
            return sum([c.pending_max(which) for c in self.children], ZERO)
        cell = self.self if which == "self" else getattr(self, which)
        if cell is None or cell.value is None:
            return self.effective_max() or ZERO
        return ZERO

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Totals:
    max: Decimal
    self: Decimal
    pending_max: Decimal
    by_part: dict[str, dict[str, Decimal | None]]
    by_area: dict[str, Decimal | None]  # "I.1" → computed self


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
    orphans: list[Criterion] = field(default_factory=list)  # rows with points but no STT
    sheet_hidden: bool = False
    read_problems: list[tuple[str, Cell | None, str]] = field(default_factory=list)

    def tree(self):
        for part in self.parts:
            yield from part.walk()

    def cell(self, row: int, role: str) -> Cell | None:
        col = self.columns.get(role)
        return None if col is None else Cell(self.sheet, row, col)

    def has_appraisal(self) -> bool:
        return "appraised" in self.columns

    def totals(self, which: str = "self") -> Totals:
        by_part: dict[str, dict[str, Decimal | None]] = {}
        by_area: dict[str, Decimal | None] = {}
        total_max = Decimal(0)
        total_self = Decimal(0)
        pending = Decimal(0)
        for part in self.parts:
            pmax = part.effective_max() or Decimal(0)
            pself = part.computed_self(which)
            by_part[part.part] = {"max": pmax, "self": pself, "pending_max": part.pending_max(which)}
            total_max += pmax
            total_self += pself or Decimal(0)
            pending += part.pending_max(which)
            for area in part.children:
                by_area[f"{part.part}.{area.code}"] = area.computed_self(which)
        return Totals(total_max, total_self, pending, by_part, by_area)

    @property
    def unit(self) -> str:
        return str(self.meta.get("unit") or "")

    @property
    def period(self) -> str:
        return str(self.meta.get("period") or "")
