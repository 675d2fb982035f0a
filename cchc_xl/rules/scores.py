"""Rules on points: caps, signs, sums, blanks, decimals."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from ..model import Assessment, Cell, Criterion, ScoreCell
from ..model.assessment import ZERO
from ..text import clean_text, decimals_of, fold, round_points, vn
from .catalogue import Finding, make

COLUMN_VI = {"self": "Điểm tự đánh giá", "appraised": "Điểm thẩm định", "max": "Điểm tối đa"}
# a number, then words: the number as the officer wrote it ("1,5"), and the words
_LEADING_NUMBER = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(?:điểm|đ\b)?\.?\s*([^\d\s/.,].*)$", re.IGNORECASE | re.DOTALL)
_NUMBER = r"\d+(?:[.,]\d+)?"
# "0,25 + 0,25", "1 - 0,25": the score worked out in the cell as text
_SUM_TYPED = re.compile(rf"^\s*{_NUMBER}(?:\s*[+-]\s*{_NUMBER})+\s*$")
_TERM = re.compile(rf"([+-]?)\s*({_NUMBER})")
# "0,5/1": the score over the criterion's maximum, as the annex prints it
_OVER_TYPED = re.compile(rf"^\s*({_NUMBER})\s*/\s*({_NUMBER})\s*(?:điểm|đ)?\s*$", re.IGNORECASE)
# (folded) what officers type for a criterion that does not arise at their unit
_NOT_APPLICABLE = re.compile(r"^(?:[-–—x/]|kad|k/?a|n/?a|khong (?:ap dung|phat sinh|cham|danh gia)\b.*)$")


def _same_sum(typed: Decimal, computed: Decimal | None) -> bool:
    """A typed sum agrees with the computed one, or with it rounded to 2 decimals as recalc writes it
    (a leaf of 0,125 makes sums of 3 decimals: the leaf has its own too-many-decimals warning)."""
    return typed == computed or (computed is not None and computed.as_tuple().exponent < -2
                                 and round_points(computed) == typed)


def _formula_kept(cell: ScoreCell) -> str:
    """What a sum's finding adds when its cell is the officer's formula: recalc keeps formulas, so the
    wrong value stays until the formula is mended (a SUM over parts, areas and criteria counts twice)."""
    if not cell.is_formula:
        return ""
    return (" Ô này là công thức: recalc giữ nguyên công thức của bạn, nên giá trị sai vẫn còn; hãy sửa công thức "
            "(chỉ cộng các mục cùng cấp, không cộng cả mục cha lẫn mục con) hoặc xóa nó để recalc ghi số đúng.")


# (folded) how an explanation opens when the task was not done: "Chưa thực hiện", "- Chưa tổ chức đối thoại".
# Not "không có …" ("Không có hồ sơ trễ hạn" is a good thing), nor "không ban hành/tổ chức …" (a criterion
# may ask that nothing unlawful be issued or held)
_NOT_DONE = ("chua thuc hien", "khong thuc hien", "chua to chuc", "chua trien khai", "chua ban hanh",
             "chua hoan thanh", "khong hoan thanh", "chua dat", "khong dat")
# the bullets an explanation may open with, then "Chưa", "Không": the first letter decides most explanations
# before any pattern is asked (score_rules asks for every criterion at full points)
_OPENING_MARKS = " \t\n-–—+•*.:;"
_NOT_DONE_WORD = re.compile(r"(?:chưa|không|chua|khong)\b", re.IGNORECASE)


def says_not_done(explanation: str) -> str:
    """The explanation's opening words when they say the task was not done ("Chưa thực hiện"), else "".
    Not when nothing arose to be done ("chưa phát sinh": full points in most sets)."""
    text = explanation.lstrip(_OPENING_MARKS)
    if text[:1] not in "CcKk" or _NOT_DONE_WORD.match(text) is None:
        return ""  # (most explanations: decided without folding them)
    folded = fold(text)
    if not folded.startswith(_NOT_DONE) or "phat sinh" in folded:
        return ""
    words = text.split()
    return " ".join(words[:8]).rstrip(",;:.") + ("…" if len(words) > 8 else "")


def _placeholder(explanation: str) -> bool:
    """An explanation that explains nothing: a dash, a dot, "x" (typed to fill the cell, or never filled)."""
    text = explanation.strip()
    return len(text) <= 3 and (text.lower() == "x" or not any(ch.isalnum() for ch in text))


def _nearest_saying(crit: Criterion | None, text_of) -> Criterion | None:
    """``crit`` or the nearest criterion above it whose ``text_of(criterion)`` says something (not a
    placeholder): where a reason written once for a group is found."""
    while crit is not None and not ((text := text_of(crit)) and not _placeholder(text)):
        crit = crit.parent
    return crit


def _explained_above(crit: Criterion, groups: dict) -> bool:
    """A deduction explained once for its group: the nearest criterion above with an explanation ("1.6 |
    Chưa tổ chức đối thoại") has every scored item below it short of its maximum, so that text is the reason
    for each. Not when some items below have their full points: the text above then says what was done
    (the plan's number), not why this one lost points. ``groups``: each group's answer, decided once (a
    sheet of thousands of unexplained items under one stays linear)."""
    above = _nearest_saying(crit.parent, lambda c: c.explanation)
    if above is None:
        return False
    if above.key not in groups:
        groups[above.key] = all(
            score is not None and cap is not None and score < cap
            for score, cap in ((c.computed_self(), c.effective_max()) for c in above.walk()
                               if not c.children and c.self.value is not None))
    return groups[above.key]


def _at(crit: Criterion, cell: ScoreCell | None, code: str, message: str) -> Finding:
    target = cell.cell if cell is not None and cell.cell is not None else crit.code_cell
    return make(code, target.sheet, target.address, crit.part, crit.code_written or crit.code, message, target.row)


def _cell_problem(crit: Criterion, cell: ScoreCell, column: str) -> Finding | None:
    if cell.problem == "not-a-number" and isinstance(cell.raw, (dt.date, dt.datetime)):
        # Excel with Vietnamese settings turns a typed "1.5" into the date 1 May
        typed = f"{cell.raw.day}.{cell.raw.month}"
        return _at(
            crit, cell, "not-a-number",
            f"{COLUMN_VI[column]} của mục {crit.code} đang là ngày tháng ({cell.raw:%d/%m/%Y}): Excel đã hiểu "
            f"“{typed}” thành ngày. Hãy định dạng ô là số và nhập lại với dấu phẩy, ví dụ {typed.replace('.', ',')}.",
        )
    if cell.problem == "not-a-number":
        typed = clean_text(cell.raw)
        if len(typed) > 80:  # (a cell holds up to 32,767 characters: quoted whole, the message no longer fit
            typed = typed[:79] + "…"  # one cell of the summary or of the findings sheet, and Excel "repaired" them)
        if column != "max" and _NOT_APPLICABLE.match(fold(typed)):
            # "Không áp dụng", "-", "KAD": the officer's way to say the criterion does not arise here
            return _at(
                crit, cell, "not-a-number",
                f"{COLUMN_VI[column]} của mục {crit.code} là “{typed}”, không phải là số. Tiêu chí không áp dụng "
                "hay không phát sinh ở đơn vị vẫn được chấm bằng số, theo hướng dẫn của bộ tiêu chí (nhiều bộ cho "
                "điểm tối đa khi không phát sinh); ghi lý do ở cột giải trình.",
            )
        advice = _number_typed_as_text(crit, clean_text(cell.raw), column)
        if advice:
            return _at(crit, cell, "not-a-number", f"{COLUMN_VI[column]} của mục {crit.code} là “{typed}”, {advice}")
        leading = _LEADING_NUMBER.match(clean_text(cell.raw))  # (the whole text: not the one cut short)
        if leading and len(leading.group(1)) <= 16:
            # "2 điểm (đạt)", "1,5 - đạt yêu cầu": a score with words after it; the words are an explanation
            number = leading.group(1)
            return _at(
                crit, cell, "not-a-number",
                f"{COLUMN_VI[column]} của mục {crit.code} là “{typed}”, không phải là số. Nếu điểm là {number}, "
                f"hãy chỉ ghi {number} trong ô này" + ("; phần chữ ghi ở cột giải trình." if column != "max" else "."),
            )
        return _at(
            crit, cell, "not-a-number",
            f"{COLUMN_VI[column]} của mục {crit.code} là “{typed}”, không phải là số; hãy nhập số, ví dụ 0,5 hoặc 1.",
        )
    if cell.problem == "cell-error":
        return _at(
            crit, cell, "cell-error",
            f"{COLUMN_VI[column]} của mục {crit.code} là giá trị lỗi {cell.raw} của Excel (công thức hỏng, "
            "ví dụ tham chiếu tới ô đã xóa); không được coi là ô trống — hãy sửa công thức hoặc nhập số.",
        )
    if cell.problem == "formula-no-value":
        return _at(
            crit, cell, "formula-no-value",
            f"{COLUMN_VI[column]} của mục {crit.code} là công thức chưa có giá trị tính sẵn "
            "(tệp chưa được Excel tính lại): hãy mở bằng Excel, nhấn Ctrl+Alt+F9 rồi lưu lại.",
        )
    return None


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def _number_typed_as_text(crit: Criterion, text: str, column: str) -> str | None:
    """The advice for a score worked out as text in the cell ("0,25 + 0,25": the sum, not its first
    term), or typed over the maximum ("0,5/1"); None for any other text."""
    if column == "max":
        return None
    if _SUM_TYPED.match(text):
        # (below 0 too: a penalty's points are negative, and any other criterion's are then said to be)
        total = sum((-_number(n) if sign == "-" else _number(n) for sign, n in _TERM.findall(text)), Decimal(0))
        return (f"một phép tính viết thành chữ, không phải là số. Nếu điểm là {vn(total)}, hãy ghi {vn(total)} "
                "trong ô này; cách tính ghi ở cột giải trình.")
    over = _OVER_TYPED.match(text)
    if over:
        score, whole = _number(over.group(1)), _number(over.group(2))
        if whole == crit.effective_max() and score <= whole:
            return (f"không phải là số. Nếu điểm là {vn(score)} trên điểm tối đa {vn(whole)}, hãy chỉ ghi {vn(score)} "
                    "trong ô này.")
        return (f"một phân số, không phải là số điểm: ô này chỉ ghi số điểm (ví dụ 0,5); kết quả "
                f"“{over.group(0).strip()}” ghi ở cột giải trình.")
    return None


def _not_done(items) -> Finding:
    """explanation-says-not-done for the items at full points one explanation cell explains: (criterion,
    score, max, the words that say not done, the cell) each. Several under one merged explanation are
    named once there (the same finding came for each, at the one cell)."""
    crit, value, cap, said, target = items[0]
    if len(items) == 1:
        who = f"Mục {crit.code} được tối đa {vn(value)}/{vn(cap)} điểm"
    else:
        codes = [c.code for c, *_ in items]
        who = f"Các mục {', '.join(codes[:-1])} và {codes[-1]} (chung một ô giải trình) đều được điểm tối đa"
    return make("explanation-says-not-done", target.sheet, target.address, crit.part, crit.code_written or crit.code,
                f"{who} nhưng giải trình ghi “{said}”: điểm và giải trình không khớp; hãy sửa điểm, hoặc ghi rõ "
                "việc đã làm (văn bản, số liệu).", target.row)


def score_rules(assessment: Assessment, which: str = "self") -> list[Finding]:
    findings: list[Finding] = []
    column = COLUMN_VI[which]
    comment_col = assessment.columns.get("appraisal_comment") if which == "appraised" else None
    groups: dict[str, bool] = {}  # (see _explained_above)
    not_done: dict[tuple, list] = {}  # explanation-says-not-done by the explanation's cell
    for crit in assessment.criteria:
        if not crit.code_ok:
            continue
        cell: ScoreCell | None = crit.self if which == "self" else crit.appraised
        if cell is None:
            continue
        if which == "self":  # max cells are checked once
            if crit.max.problem is not None:
                problem = _cell_problem(crit, crit.max, "max")  # (None for a merged cell: said once by the reader)
                if problem:
                    findings.append(problem)
            elif crit.max.value is None and not crit.children:
                findings.append(_at(crit, crit.max, "max-missing", f"Mục {crit.code} chưa có điểm tối đa."))
            elif crit.max.value is not None and decimals_of(crit.max.value) > 2:
                findings.append(_decimals(crit, crit.max, "max"))
        if cell.problem is not None:
            problem = _cell_problem(crit, cell, which)  # (None for a merged cell: said once by the reader)
            if problem:
                findings.append(problem)
            continue
        cap = crit.effective_max()
        value = cell.value
        penalty = crit.kind == "penalty"  # (crit.is_penalty: read here for every criterion)
        if value is not None and penalty:
            # điểm trừ: a negative score down to its bound is the normal case
            floor = crit.min_score
            if value > ZERO:
                findings.append(_at(crit, cell, "negative-score",
                                    f"{column} của mục {crit.code} là điểm trừ: ghi số âm (từ "
                                    f"{vn(floor) if floor is not None else 'mức trừ tối đa'} đến 0), không ghi {vn(value)}."))
            elif floor is not None and value < floor:
                findings.append(_at(crit, cell, "over-max",
                                    f"{column} của mục {crit.code} là {vn(value)}, trừ quá mức tối đa {vn(floor)}; "
                                    f"chỉ được tính {vn(floor)}."))
            value = None if value == 0 else value  # no "missing explanation" for a penalty not incurred
        elif value is not None:
            if value < ZERO:
                findings.append(
                    _at(crit, cell, "negative-score",
                        f"{column} của mục {crit.code} là {vn(value)}, không được âm; "
                        f"điểm phải từ 0 đến {vn(cap) if cap is not None else 'điểm tối đa'}.")
                )
            elif cap is not None and value > cap:
                findings.append(
                    _at(crit, cell, "over-max",
                        f"{column} của mục {crit.code} là {vn(value)}, vượt điểm tối đa {vn(cap)}; "
                        f"chỉ được tính tối đa {vn(cap)} điểm.")
                )
            if decimals_of(value) > 2:
                findings.append(_decimals(crit, cell, which))
        if crit.children:
            findings.extend(_sum_rules(crit, cell, which))
        elif value is None:
            if which == "self" and not penalty and not crit.survey_based:
                findings.append(
                    _at(crit, cell, "unscored",
                        f"Mục {crit.code} chưa được chấm {column.lower()} (ô đang để trống).")
                )
        elif which == "self" and crit.in_survey():  # (memoised: known since effective_max() above)
            # scored by the province from its surveys (XHH, SIPAS), not by the commune: a figure typed here
            # (0 for "not yet", last year's published result, full points) is counted in the self-assessment's
            # total and bulk's ranking as if it were the result
            survey = "chỉ số hài lòng (SIPAS)" if any(w in fold(crit.name) for w in ("sipas", "hai long")) else \
                "điều tra xã hội học"
            findings.append(_at(crit, cell, "survey-self-scored",
                                f"Mục {crit.code} chấm theo kết quả {survey} do tỉnh thực hiện, xã không tự chấm, "
                                f"nhưng ô đang ghi {vn(value)}: tổng tự đánh giá "
                                f"đang tính {vn(value)}/{vn(cap) if cap is not None else '?'} điểm cho mục này như đã "
                                "có kết quả. Nếu đó không phải kết quả tỉnh đã công bố, hãy xóa số ở ô này (để trống "
                                "là chờ kết quả điều tra)."))
        elif which == "appraised":
            if comment_col is not None and crit.self.value is not None and value < crit.self.value and \
                    _nearest_saying(crit, lambda c: c.appraisal_comment) is None:
                # the province takes points off: the commune is to be told why, in the column left for it
                target = Cell(crit.columns.sheet, crit.row, comment_col)
                findings.append(make(
                    "appraisal-unexplained", target.sheet, target.address, crit.part, crit.code_written or crit.code,
                    f"Mục {crit.code} được thẩm định {vn(value)} điểm, thấp hơn điểm tự đánh giá "
                    f"{vn(crit.self.value)}, nhưng chưa ghi ý kiến thẩm định: hãy ghi lý do trừ điểm (để xã "
                    "giải trình hoặc khắc phục).", target.row))
        elif cap is not None:  # (one comparison with the maximum for every scored criterion of every workbook)
            if value < cap:
                if value >= ZERO and (not crit.explanation or _placeholder(crit.explanation)) and \
                        not _explained_above(crit, groups):
                    target = crit.explanation_cell or cell.cell
                    typed = f" (chỉ ghi “{crit.explanation.strip()}”)" if crit.explanation else ""
                    findings.append(make(
                        "missing-explanation", target.sheet, target.address, crit.part, crit.code_written or crit.code,
                        f"Mục {crit.code} được {vn(value)}/{vn(cap)} điểm nhưng chưa có nội dung giải trình "
                        f"lý do bị trừ điểm{typed}.", target.row))
            elif crit.explanation and not penalty and (said := says_not_done(crit.explanation)) and cap > ZERO:
                # full points, and the explanation says it was not done: one of the two is wrong (a reviewer's
                # first look, and the points a province takes off)
                target = crit.explanation_cell or cell.cell
                if assessment.explanations_merged:  # maybe one cell for several items
                    not_done.setdefault((target.sheet, target.row, target.col), []).append((crit, value, cap, said, target))
                else:
                    findings.append(_not_done([(crit, value, cap, said, target)]))
    for items in not_done.values():  # one explanation merged down over a group's items: said once, at its cell
        findings.append(_not_done(items))
    findings.extend(_total_rules(assessment, which))
    if which == "self" and assessment.orphans:
        from ..read.codes import split_code_prefix  # what the STT cell would have said

        for orphan in assessment.orphans:
            if orphan.code_written:  # something is written there, but not a code that can be placed
                message = (f"Hàng {orphan.row + 1} (“{orphan.name[:60]}”) có điểm nhưng ô STT ghi "
                           f"“{orphan.code_written[:30]}” — không đọc được là số thứ tự (dạng 1, 1.1, 1.1.1, I, a)), "
                           "nên không được cộng vào mục nào; hãy sửa STT cho hàng này.")
            elif (prefix := split_code_prefix(orphan.name)) is not None:  # numbered in the name, here only
                message = (f"Hàng {orphan.row + 1} (“{orphan.name[:60]}”) có điểm nhưng ô STT để trống: số thứ tự "
                           f"“{prefix[1]}” đang viết ở đầu tên, nên hàng không được cộng vào mục nào; hãy chuyển "
                           "số đó sang cột STT như các hàng khác.")
            else:
                message = (f"Hàng {orphan.row + 1} (“{orphan.name[:60]}”) có điểm nhưng không có STT, "
                           "nên không được cộng vào mục nào; hãy ghi STT cho hàng này.")
            findings.append(_at(orphan, orphan.max if not orphan.max.blank else orphan.self, "missing-code", message))
    return findings


def _decimals(crit: Criterion, cell: ScoreCell, which: str) -> Finding:
    rounded = round_points(cell.value)
    return _at(crit, cell, "too-many-decimals",
               f"{COLUMN_VI[which]} của mục {crit.code} là {vn(cell.value)}, có quá 2 chữ số thập phân; "
               f"hãy làm tròn (ví dụ {vn(rounded)}).")


def _children_list(crit: Criterion) -> str:
    codes = [c.code for c in crit.children]
    return ", ".join(codes) if len(codes) <= 4 else f"{codes[0]} … {codes[-1]}"


def _sum_rules(crit: Criterion, cell: ScoreCell, which: str) -> list[Finding]:
    findings = []
    if which == "self" and crit.max.value is not None:
        child_max = [c.effective_max() for c in crit.children]
        if all(m is not None for m in child_max):
            total = sum(child_max, ZERO)
            if total != crit.max.value:
                findings.append(
                    _at(crit, crit.max, "max-sum-mismatch",
                        f"Điểm tối đa của mục {crit.code} ghi {vn(crit.max.value)} nhưng tổng điểm tối đa "
                        f"các mục con ({_children_list(crit)}) là {vn(total)}; hai số phải bằng nhau.")
                )
    computed = crit.computed_self(which)
    if cell.value is None or _same_sum(cell.value, computed):
        return findings
    unread = unreadable_below(crit, which)
    if computed is None and not unread:
        # scored on the parent only: no sum to offer (recalc keeps it); the children are to be scored,
        # or, survey criteria, are scored by the province later
        summed = "các mục con"
        if not scored_on_its_own(crit, which):  # surveys only below: pending, as the parent is
            advice = (f"là điểm điều tra, tỉnh chấm sau (điểm chờ): mục {crit.code} để trống cho đến khi có kết quả "
                      "điều tra.")
        else:
            advice = f"đều chưa được chấm. Điểm của mục {crit.code} là tổng điểm các mục con: hãy chấm từng mục con."
    else:
        summed = "tổng các mục con"
        right = vn(computed) if computed is not None else "để trống (các mục con chưa chấm)"
        above = scored_only_above(crit, which)
        if above:  # a parent below scored on its own: its points are not in the children's sum
            named = [f"ô {address} (chưa đọc được điểm)" for address in unread] + [
                f"mục {code} (ô {address}: có điểm nhưng các mục con chưa chấm)" for code, address in above]
            shown = ", ".join(named[:3]) + (f" và {len(named) - 3} ô khác" if len(named) > 3 else "")
            advice = f"là {right} nếu bỏ qua {shown}; hãy sửa {'chỗ đó' if len(named) == 1 else 'các chỗ đó'} " \
                     "trước rồi so lại."
        elif unread:  # the sum is not known until those cells are fixed: no "right value" to offer
            if len(unread) == 1:
                advice = f"là {right} nếu bỏ qua ô {unread[0]}, nơi chưa đọc được điểm; hãy sửa ô đó trước rồi so lại."
            else:
                shown = ", ".join(unread[:3]) + (f" và {len(unread) - 3} ô khác" if len(unread) > 3 else "")
                advice = (f"là {right} nếu bỏ qua các ô {shown}, nơi chưa đọc được điểm; hãy sửa các ô đó "
                          "trước rồi so lại.")
        else:
            advice = f"là {right}; giá trị đúng là {right}.{_formula_kept(cell)}"
    findings.append(
        _at(crit, cell, "self-sum-mismatch",
            f"{COLUMN_VI[which]} của mục {crit.code} ghi {vn(cell.value)} nhưng {summed} ({_children_list(crit)}) "
            f"{advice}")
    )
    return findings


def scored_on_its_own(crit: Criterion, which: str = "self") -> bool:
    """A parent scored while its children are all blank, ordinary criteria among them (the officer
    typed 2,5 for 1.1 and left 1.1.1–1.1.3 blank): the children's sum is no score of it yet. (When
    the blank children are all surveys, scored by the province later, the sum is pending and the
    parent is blank until then.)"""
    score = getattr(crit, which)
    return bool(crit.children) and score is not None and score.value is not None and score.cell is not None \
        and crit.computed_self(which) is None and crit.unscored_max(which) > 0


def scored_only_above(crit: Criterion, which: str = "self") -> list[tuple[str, str]]:
    """Parents under ``crit`` scored on their own (scored_on_its_own): (code, cell) of each. Their
    points are not in the sum of the children, so that sum is no score of ``crit`` yet."""
    found, stack = [], list(reversed(crit.children))
    while stack:
        child = stack.pop()
        if not child.children:
            continue
        if scored_on_its_own(child, which):
            found.append((child.code, getattr(child, which).cell.address))
        else:
            stack.extend(reversed(child.children))
    return found


def _subtotal_rules(assessment: Assessment, totals, which: str = "self") -> list[Finding]:
    """A part's subtotal row ("Tổng phần I") agrees with the part it sums (``which``: "appraised" for
    the reviewer's column, its maximum being the self-assessment's)."""
    findings = []
    for sub in assessment.subtotals:
        part = totals.by_part.get(sub.part)
        if part is None:
            continue
        label = sub.label[:40]
        typed_cells = ((sub.max, "max", "điểm tối đa"), (sub.self, "self", "điểm tự đánh giá")) if which == "self" \
            else ((sub.appraised, "self", "điểm thẩm định"),)
        for typed, column, what in typed_cells:
            if typed is None:
                continue
            right = part[column]
            # (a maximum is never written by recalc: only a sum of scores may be its rounded value)
            same = _same_sum(typed.value, right) if column == "self" else typed.value == right
            if typed.value is None or right is None or same or typed.cell is None:
                continue
            cell = typed.cell
            findings.append(make(
                "max-sum-mismatch" if column == "max" else "self-sum-mismatch", cell.sheet, cell.address, sub.part,
                label, f"Dòng “{label}” ghi {what} {vn(typed.value)} nhưng phần {sub.part} có {vn(right)}; "
                f"giá trị đúng là {vn(right)}.{_formula_kept(typed) if column == 'self' else ''}", cell.row))
    return findings


def unreadable_below(crit: Criterion, which: str = "self") -> list[str]:
    """Cells under ``crit`` whose score could not be read (text, an error value, a formula with no
    value): the sum of the children leaves them out, so it is not the criterion's score yet."""
    found, stack = [], list(reversed(crit.children))
    while stack:
        child = stack.pop()
        score = getattr(child, which)
        if child.children:
            stack.extend(reversed(child.children))
        elif score is not None and score.problem is not None and score.sheet is not None:
            found.append(score.cell.address)
    return found


def _total_rules(assessment: Assessment, which: str) -> list[Finding]:
    if assessment.total_row is None:
        return []
    totals = assessment.totals(which)
    findings = []
    label = "Tổng"
    total_cell = assessment.total_self if which == "self" else assessment.total_appraised
    if which == "self" and assessment.total_max is not None:
        typed = assessment.total_max.value
        if typed is not None and typed != totals.max:
            cell = assessment.total_max.cell
            findings.append(
                make("max-sum-mismatch", cell.sheet, cell.address, "", label,
                     f"Dòng Tổng ghi điểm tối đa {vn(typed)} nhưng tổng các phần là {vn(totals.max)}.", cell.row)
            )
    if which != "self" and all(part["self"] is None for part in totals.by_part.values()):
        return findings  # an appraisal column not begun: its total row is the reviewer's, to come
    findings.extend(_subtotal_rules(assessment, totals, which))
    if total_cell is not None and total_cell.value is not None and not _same_sum(total_cell.value, totals.self):
        cell = total_cell.cell
        if which == "self":
            summed = f"tổng điểm đã chấm là {vn(totals.self)} (còn {vn(totals.pending_max)} điểm chờ kết quả điều tra)"
        else:
            left = f" (còn {vn(totals.unscored_max)} điểm chưa thẩm định)" if totals.unscored_max else ""
            summed = f"tổng điểm đã thẩm định là {vn(totals.self)}{left}"
        findings.append(
            make("self-sum-mismatch", cell.sheet, cell.address, "", label,
                 f"Dòng Tổng ghi {vn(total_cell.value)} {COLUMN_VI[which].lower()} nhưng {summed}; "
                 f"giá trị đúng là {vn(totals.self)}.{_formula_kept(total_cell)}", cell.row)
        )
    return findings
