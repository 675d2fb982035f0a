"""The Excel doors: functions the ribbon button and RunPython macros call.

    RunPython "import cchc_xl; cchc_xl.main()"             ' the CCHC ribbon button
    RunPython "import cchc_xl.excel as x; x.report()"     ' any macro

Same engine, rules and write-back decisions as the file path; only the
adapter differs. Kept light: no openpyxl, python-docx or jinja2 on this path.
"""
from __future__ import annotations


def _book(book=None):
    if book is not None:
        return book
    import xlwings as xw

    try:
        return xw.Book.caller()
    except Exception:  # run from a console: the active workbook
        return xw.books.active


def _assessment(book):
    from ..read.live import read_book
    from ..read.table import parse_workbook

    return parse_workbook(read_book(book))


def recalc(book=None):
    """Recalculate parents and total, mark findings, write the findings sheet."""
    from ..errors import CchcError
    from ..write.live import _say, apply_live
    from ..write.plan import plan_recalc

    book = _book(book)
    try:
        assessment = _assessment(book)
    except CchcError as exc:
        _say(book, f"CCHC: {exc}")
        raise
    plan = plan_recalc(assessment)
    return apply_live(book, assessment.sheet, plan, assessment)


def check(book=None):
    """Mark findings and write the findings sheet without changing any score."""
    from ..write.live import apply_live
    from ..write.plan import plan_recalc

    book = _book(book)
    assessment = _assessment(book)
    plan = plan_recalc(assessment)
    plan.values.clear()
    return apply_live(book, assessment.sheet, plan, assessment, write_values=False)


def report(book=None, open_after: bool = True):
    """Write the Word report next to the workbook and open it."""
    import os
    from pathlib import Path

    from ..render.report import default_output, render_assessment_report
    from ..write.live import _say

    book = _book(book)
    assessment = _assessment(book)
    folder = Path(book.fullname).parent if os.path.isabs(str(book.fullname)) else Path.cwd()
    target = default_output(folder / book.name)
    outcome = render_assessment_report(assessment, target)
    _say(book, f"CCHC: đã lập báo cáo {outcome.docx}")
    if open_after and hasattr(os, "startfile"):
        os.startfile(outcome.docx)  # Windows: opens in Word
    return outcome
