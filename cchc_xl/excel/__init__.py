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


def _tell(book, text: str) -> None:
    """A message box in Excel (an officer does not read tracebacks)."""
    try:
        book.app.alert(text, title="Chỉ số CCHC")
    except Exception:
        from ..write.live import _say

        _say(book, text)


def _guarded(action):
    """Run an Excel action; a workbook problem becomes a Vietnamese message box, not a traceback."""
    import functools

    @functools.wraps(action)
    def run(book=None, *args, **kwargs):
        from ..errors import CchcError

        book = _book(book)
        try:
            return action(book, *args, **kwargs)
        except CchcError as exc:
            _tell(book, f"Chưa làm được: {exc}")
            return None

    return run


def _assessment(book):
    from ..read.live import read_book
    from ..read.table import parse_workbook

    return parse_workbook(read_book(book))


@_guarded
def recalc(book=None):
    """Recalculate parents and total, mark findings, write the findings sheet."""
    from ..write.live import apply_live
    from ..write.plan import plan_recalc

    assessment = _assessment(book)
    plan = plan_recalc(assessment)
    return apply_live(book, assessment.sheet, plan, assessment)


@_guarded
def check(book=None):
    """Mark findings and write the findings sheet without changing any score."""
    from ..write.live import apply_live
    from ..write.plan import plan_recalc

    assessment = _assessment(book)
    plan = plan_recalc(assessment)
    plan.values.clear()
    return apply_live(book, assessment.sheet, plan, assessment, write_values=False)


@_guarded
def report(book=None, open_after: bool = True):
    """Write the Word report next to the workbook and open it."""
    import os
    from pathlib import Path

    from ..render.report import default_output, render_assessment_report
    from ..write.live import _say

    assessment = _assessment(book)
    folder = Path(book.fullname).parent if os.path.isabs(str(book.fullname)) else Path.cwd()
    target = default_output(folder / book.name)
    outcome = render_assessment_report(assessment, target)
    _say(book, f"CCHC: đã lập báo cáo {outcome.docx}")
    if open_after and hasattr(os, "startfile"):
        os.startfile(outcome.docx)  # Windows: opens in Word
    return outcome
