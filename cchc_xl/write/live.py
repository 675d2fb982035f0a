"""Carry out a RecalcPlan in an open workbook through xlwings.

Excel calls are slow, so the number of calls does not grow with the number of
rows: one write for the score column, one colour matrix per 10,000 cells,
one write for the findings sheet; notes are one call per finding (the API has
no bulk note call). Excel saves the file itself, so nothing is lost.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..read.files import FINDINGS_SHEET
from ..text import cell_address, sheet_ref, split_address
from .plan import (FINDINGS_HEADERS, MARKED_FILL, MARKED_NOTE, MARK_COLOURS, RecalcPlan, findings_rows,
                   refuse_foreign_findings_sheet)

MAX_COLOUR_CELLS = 10_000  # xlwings' limit per set_colors call


@dataclass
class LiveOutcome:
    plan: RecalcPlan
    filled: set[str] = field(default_factory=set)
    noted: set[str] = field(default_factory=set)
    notes_supported: bool = True
    findings_written: bool = False

    @property
    def summary(self) -> str:
        where = f" — xem trang “{FINDINGS_SHEET}”" if self.findings_written else ""
        said = f"CCHC: {self.plan.describe()}; {self.plan.errors} lỗi, {self.plan.warnings} cảnh báo{where}."
        return f"{said} {self.plan.not_written}" if self.plan.not_written else said


def _hex(argb: str) -> str:
    return "#" + argb[-6:]


def _previous_marks(book) -> dict[str, str]:
    """Cells our last run marked, read back from its findings sheet (one range read)."""
    sheet = _sheet(book, FINDINGS_SHEET)
    if sheet is None:
        return {}
    rows = sheet.used_range.options(ndim=2).value or []
    marks: dict[str, str] = {}
    header_at = None
    for index, row in enumerate(rows):
        if header_at is None:
            if row and row[0] == FINDINGS_HEADERS[0] and len(row) >= 2 and row[1] == FINDINGS_HEADERS[1]:
                header_at = index
            continue
        if len(row) >= 7 and isinstance(row[1], str) and row[6]:
            cell = row[1]
            if cell.startswith("=HYPERLINK"):
                cell = cell.rsplit(",", 1)[-1].strip(' ")')
            marks[cell] = str(row[6])
    return marks


def cannot_write(book, assessment) -> str:
    """Why the button can write nothing into the table, or "": Excel refuses to change a protected sheet's
    locked cells (values, fills, notes: a province's template often is one), and to add our findings
    sheet to a workbook whose structure is protected (marks without it would never be taken off)."""
    if assessment.sheet_protected:
        return (f"Trang “{assessment.sheet}” đang được bảo vệ (khóa) nên chưa ghi điểm, tô màu hay ghi chú vào bảng; "
                "các lỗi nêu ra là của bảng như đang có. Muốn ghi vào bảng: Xem lại → Bỏ bảo vệ trang tính (Review "
                "→ Unprotect Sheet), rồi bấm lại.")
    if assessment.structure_locked and _sheet(book, FINDINGS_SHEET) is None:
        return (f"Sổ tính đang bị khóa cấu trúc nên không thêm được trang “{FINDINGS_SHEET}”; chưa ghi gì vào sổ. "
                "Muốn ghi: Xem lại → Bảo vệ sổ làm việc (Review → Protect Workbook) để bỏ khóa, rồi bấm lại.")
    return ""


def _sheet(book, name: str):
    """The book's sheet of that name, or None."""
    try:
        return book.sheets[name]
    except Exception:
        return None


def apply_live(book, sheet_name: str, plan: RecalcPlan, assessment, write_values: bool = True) -> LiveOutcome:
    findings = _sheet(book, FINDINGS_SHEET)  # (none yet: it is added at the end)
    if findings is not None:  # before any write: the officer's own sheet of that name is left alone
        refuse_foreign_findings_sheet(findings.range("A1").value)
    outcome = LiveOutcome(plan)
    plan.not_written = cannot_write(book, assessment)
    if plan.not_written:
        # nothing into the table (the findings of the table as it stands: see plan_check); the findings
        # sheet where Excel lets one be written. The button stopped at Excel's first refusal, after
        # some writes or none, telling no finding; the door now tells them in a message box.
        plan.values.clear()
        plan.marks.clear()
        if findings is not None or not assessment.structure_locked:
            _write_findings_sheet(book, sheet_name, plan, assessment.unit, outcome)
        return outcome  # (before any read of the table or of our last marks: none is needed)
    sheet = book.sheets[sheet_name]
    previous = _previous_marks(book)
    first = assessment.header_row + 1
    # down to the last row recalc writes or marks: a "Tổng phần II" below the last criterion, with no
    # grand total, was left out of the range (its sum computed, never written)
    last = max([assessment.total_row if assessment.total_row is not None else -1,
                *(c.row for c in assessment.criteria), *(s.row for s in assessment.subtotals),
                *(row for row, _ in plan.values), *(row for row, _ in plan.marks)])
    if write_values and plan.values:
        written = {col for _, col in plan.values}
        for role in ("self", "appraised"):  # (the appraisal column's sums once the reviewer has begun)
            if assessment.columns.get(role) in written:
                _write_score_column(sheet, assessment.columns[role], plan, first, last)
    _write_colours(sheet, assessment, plan, previous, first, last, outcome)
    _write_notes(sheet, plan, previous, outcome)
    _write_findings_sheet(book, sheet_name, plan, assessment.unit, outcome)
    _say(book, outcome.summary)
    return outcome


def _write_score_column(sheet, col, plan, first, last) -> None:
    from ..read.live import formulas_of, values_of

    rng = sheet.range((first + 1, col + 1), (last + 1, col + 1))
    current = formulas_of(sheet, first, last, col)
    as_formulas = current is not None
    if not as_formulas:
        # an engine that cannot give formulas (the remote one): the column's values as it holds them,
        # every row of the range (a column-number "(4)" or a header repeated at a page break is the
        # officer's too: writing only what the criteria read left those rows blank)
        current = values_of(sheet, first, last, col)
    values = []
    for r in range(first, last + 1):
        if (r, col) in plan.values:
            value = plan.values[(r, col)]
            values.append([float(value) if value is not None else None])
        else:
            values.append([current[r - first] if r - first < len(current) else None])  # as Excel holds it
    if as_formulas:
        rng.formula = values
    else:
        rng.value = values


def _write_colours(sheet, assessment, plan, previous, first, last, outcome) -> None:
    cols = sorted(set(assessment.columns.values()))
    left, right = cols[0], cols[-1]
    ours = {_hex(v).lower() for v in MARK_COLOURS.values()}
    matrix = []
    for r in range(first, last + 1):
        line = []
        for c in range(left, right + 1):
            address = cell_address(r, c)
            mark = plan.marks.get((r, c))
            if mark is not None and _officer_fill(sheet, address, ours) is None:
                line.append(_hex(mark.colour))
                outcome.filled.add(address)
            elif MARKED_FILL in previous.get(address, "") and mark is None:
                line.append(None)  # our old mark on a fixed mistake goes
            else:
                line.append(...)
        matrix.append(line)
    _write_colours_outside(sheet, plan, previous, first, last, ours, outcome)
    if not any(v is not ... for line in matrix for v in line):
        return
    width = right - left + 1
    step = max(1, MAX_COLOUR_CELLS // width)
    for start in range(0, len(matrix), step):
        chunk = matrix[start:start + step]
        if any(v is not ... for line in chunk for v in line):
            top = first + start
            sheet.range((top + 1, left + 1), (top + len(chunk), right + 1)).set_colors(chunk)


def _write_colours_outside(sheet, plan, previous, first, last, ours, outcome) -> None:
    """The few marks outside the table's rows (a fact typed above it: "Ngày báo cáo", "Cấp trên"), and
    our old marks there on facts since mended: one call each."""
    marks = {cell_address(r, c): mark for (r, c), mark in plan.marks.items() if not first <= r <= last}
    gone = [address for address, what in previous.items() if MARKED_FILL in what and address not in marks
            and _outside(address, first, last)]
    for address, mark in marks.items():
        if _officer_fill(sheet, address, ours) is None:
            sheet.range(address).set_colors([[_hex(mark.colour)]])
            outcome.filled.add(address)
    for address in gone:
        sheet.range(address).set_colors([[None]])


def _outside(address: str, first: int, last: int) -> bool:
    """A cell our findings sheet names ("C10") lies outside the table's rows; an address that is no
    cell does not (nothing is cleared on its account)."""
    try:
        row = split_address(address)[0]
    except ValueError:
        return False
    return not first <= row <= last


def _officer_fill(sheet, address, ours):
    """The officer's own fill on a cell, where the engine can tell (one call per marked cell)."""
    try:
        colour = sheet.range(address).color
    except NotImplementedError:
        return None  # the remote engine cannot read fills synchronously
    if colour is None:
        return None
    text = "#%02x%02x%02x" % tuple(colour) if isinstance(colour, tuple) else str(colour).lower()
    return None if text in ours else text


def _write_notes(sheet, plan, previous, outcome) -> None:
    for address, what in previous.items():
        if MARKED_NOTE in what:
            note = sheet.range(address).note
            if note is not None:
                note.delete()
    for (row, col), mark in sorted(plan.marks.items()):
        address = cell_address(row, col)
        rng = sheet.range(address)
        try:
            if rng.note is not None and MARKED_NOTE not in previous.get(address, ""):
                continue  # the officer's own note stays
            rng.add_note(mark.note)
            outcome.noted.add(address)
        except NotImplementedError:
            outcome.notes_supported = False  # e.g. the Office Scripts client: findings sheet only
            return
        except ValueError:
            continue


def _write_findings_sheet(book, sheet_name, plan, unit, outcome) -> None:
    target = _sheet(book, FINDINGS_SHEET)
    if target is None:
        target = book.sheets.add(FINDINGS_SHEET, after=book.sheets[len(book.sheets) - 1])
    else:
        target.clear_contents()
    summary, table = findings_rows(plan, unit, outcome.filled, outcome.noted)
    width = len(FINDINGS_HEADERS)
    rows = [_pad([_cell(v) for v in line], width) for line in summary]
    rows.append([None] * width)
    rows.append(list(FINDINGS_HEADERS))
    for line, finding in zip(table, plan.findings):
        line = [_cell(v) for v in line]
        if finding.cell and finding.sheet == sheet_name:
            link = "#" + sheet_ref(finding.sheet, finding.cell)
            line[1] = '=HYPERLINK("{}","{}")'.format(link.replace('"', '""'), finding.cell)
        rows.append(line)
    if not table:
        rows.append(_pad(["Không có lỗi hay cảnh báo nào."], width))
    target.range("A1").value = rows  # one call for the whole sheet
    outcome.findings_written = True


def _cell(value):
    from decimal import Decimal

    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value  # text from a workbook never becomes a formula
    return value


def _pad(line, width):
    return list(line) + [None] * (width - len(line))


def _say(book, text: str) -> None:
    try:
        book.app.status_bar = text
    except (NotImplementedError, AttributeError):
        try:
            book.app.alert(text, title="Chỉ số CCHC")
        except Exception:
            pass


__all__ = ["apply_live", "cannot_write", "LiveOutcome"]
