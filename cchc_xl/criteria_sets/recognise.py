"""Which known criteria set does a workbook follow? Measured by its codes and max points.

agreement = criteria of the set found in the workbook with the same max, over the larger of the
two counts: 1.0 is a faithful copy; a set of another province or year scores far lower.
"""
from __future__ import annotations

from decimal import Decimal

from ..model import Assessment
from .schema import CriteriaSet, guess_kind

FOLLOWS = 0.6  # a workbook at or above this agreement follows the set
CLEARLY_NOT = 0.5  # checked --against a set it agrees with below this, while another set fits


def _keys(assessment: Assessment) -> dict[str, Decimal | None]:
    return {c.key: c.max.value for c in assessment.criteria if c.code_ok}


def agreement(assessment: Assessment, criteria_set: CriteriaSet) -> float:
    ours = _keys(assessment)
    theirs = criteria_set.sheet_max_by_key()
    if not ours or not theirs:
        return 0.0
    same = sum(1 for key, maximum in theirs.items() if key in ours and (ours[key] == maximum or (
        ours[key] is None and maximum is None)))
    return same / max(len(ours), len(theirs))


def closest(assessment: Assessment, sets: list[CriteriaSet], year: int | None = None) -> tuple[CriteriaSet | None, float]:
    """The set the workbook agrees with most; of sets it agrees with as much (a province reissuing its
    criteria unchanged), the latest one in force in ``year``, the period's."""
    best, score = None, 0.0
    for candidate in sets:
        value = agreement(assessment, candidate)
        if value > score or (value == score and best is not None and year and candidate.year and
                             candidate.year <= year and (not best.year or best.year < candidate.year)):
            best, score = candidate, value
    return best, score


def period_year(assessment: Assessment) -> int | None:
    from ..text import period_key

    year = period_key(assessment.period or "")[0]
    return int(year) if year else None


def apply_set(assessment: Assessment, criteria_set: CriteriaSet, score: float) -> None:
    """Tell the model what the set says of each criterion: its kind (survey, bonus, penalty), a
    penalty's bound, and whether results are stated in percent."""
    by_key = criteria_set.by_key()
    for crit in assessment.criteria:
        model = by_key.get(crit.key)
        if model is not None:
            crit.set_kind(model.kind, model.min)
    assessment.criteria_set = {"id": criteria_set.id, "title": criteria_set.title, "agreement": round(score, 3)}
    assessment.result_in_percent = criteria_set.result == "percent"


def kinds_from_words(assessment: Assessment) -> None:
    """Bonus and penalty points no known set names ("III. ĐIỂM THƯỞNG", "IV. ĐIỂM TRỪ" added to the
    set, or a province's set not imported): a part's kind from its own words, passed down to its
    criteria, and a criterion whose max is negative (its bound, "-2") is a penalty. Without them a
    penalty of -1 with max -2 was scored -2, said "không được âm", and the bonus counted in the base."""
    for part in assessment.parts:
        if part.kind is not None:
            continue
        kind = guess_kind(part.name, True)
        if kind in ("bonus", "penalty"):
            for crit in part.walk():
                if crit.kind is None:
                    crit.set_kind(kind, _bound(crit) if kind == "penalty" else None)
    for crit in assessment.criteria:
        if crit.kind is None and crit.max.value is not None and crit.max.value < 0:
            crit.set_kind("penalty", crit.max.value)


def _bound(crit) -> Decimal | None:
    """A penalty's lowest score: its max typed negative ("-2") or as the size of the deduction ("2")."""
    return -abs(crit.max.value) if crit.max.value is not None else None


def annotate(assessment: Assessment, against=None):
    """Find the set the workbook follows (or check the one given: a CriteriaSet, an id, a set's
    JSON or an official table) and apply it; returns (the set to compare with or None, every known set).
    Bonus and penalty parts the set does not name are known by their words (kinds_from_words)."""
    found = _annotate(assessment, against)
    kinds_from_words(assessment)
    return found


def _annotate(assessment: Assessment, against):
    from .store import list_sets, load_set

    sets = list_sets()
    if against is not None and not isinstance(against, CriteriaSet):
        against = load_set(against)
    if against is not None:
        score = agreement(assessment, against)
        if score >= CLEARLY_NOT:
            apply_set(assessment, against, score)
            return against, sets
        other, other_score = closest(assessment, [s for s in sets if s.id != against.id], period_year(assessment))
        if other is not None and other_score >= FOLLOWS:
            apply_set(assessment, other, other_score)
        return against, sets
    best, score = closest(assessment, sets, period_year(assessment))
    if best is not None and score >= FOLLOWS:
        apply_set(assessment, best, score)
    return None, sets
