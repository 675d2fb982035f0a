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
        except Exception as exc:  # Excel refusing a write, or a fault of ours: a message box, not xlwings' traceback
            _tell(book, f"Chưa làm được: {_excel_refusal(exc)}")
            return None

    return run


def _excel_refusal(exc: Exception) -> str:
    """What Excel's own errors mean for the officer: a protected sheet, a cell still being edited
    (COM's "call was rejected", 0x80010001); anything else is the last resort's line."""
    from ..errors import unexpected_message

    text = str(exc).lower()
    if "workbook is protected" in text or "sổ làm việc được bảo vệ" in text:  # its structure: no sheet added
        return ("sổ tính đang bị khóa cấu trúc nên không thêm được trang kết quả: hãy bỏ khóa (Review → Protect "
                "Workbook / Xem lại → Bảo vệ sổ làm việc) rồi bấm lại")
    if "protected" in text or "bảo vệ" in text:
        return ("trang tính đang được bảo vệ nên không ghi được: hãy bỏ bảo vệ (Review → Unprotect Sheet / "
                "Xem lại → Bỏ bảo vệ trang tính) rồi bấm lại")
    if "rejected" in text or "-2147418111" in text:
        return "Excel đang bận (có ô đang được sửa dở?): nhấn Enter hoặc Esc rồi bấm lại"
    return unexpected_message(exc)


def _assessment(book):
    from ..criteria_sets.recognise import annotate
    from ..read.live import read_book
    from ..read.table import parse_workbook

    assessment = parse_workbook(read_book(book))
    annotate(assessment)  # which set it follows: survey points pending, penalties, percent
    return assessment


def _seen(assessment, not_done: str = "chưa ghi gì"):
    """The table the button works on (writes scores, colours and notes into, or reports) is one the
    officer can see: never one on a hidden sheet, as the file recalc refuses it; nor, where Excel
    cannot say which sheets are hidden and no saved file tells (xlwings' remote engine on the Office
    Scripts client), one on a sheet other than the one in front (read.live marks it ``None``)."""
    from ..errors import CchcError

    if assessment.sheet_hidden:
        raise CchcError(f"bảng tiêu chí chỉ có trên trang ẩn “{assessment.sheet}”, nên {not_done}: hãy hiện trang đó "
                        "(nhấp chuột phải vào tên một trang → Bỏ ẩn / Unhide) rồi bấm lại")
    if assessment.sheet_hidden is None:
        raise CchcError(f"bảng tiêu chí ở trang “{assessment.sheet}”, không phải trang đang mở, và Excel không cho biết "
                        f"trang đó có đang ẩn không, nên {not_done}: hãy mở trang “{assessment.sheet}” (bấm vào tên "
                        "trang ở dưới cửa sổ) rồi bấm lại")
    return assessment


@_guarded
def recalc(book=None):
    """Recalculate parents and total, mark findings, write the findings sheet."""
    from ..write.live import apply_live, cannot_write
    from ..write.plan import plan_recalc

    assessment = _seen(_assessment(book))
    if cannot_write(book, assessment):  # Excel would refuse: what check does, said in a message box
        return _check(book, assessment)
    plan = plan_recalc(assessment)
    outcome = apply_live(book, assessment.sheet, plan, assessment)
    if plan.errors == 0:
        _offer_report(book)
    return outcome


def _offer_report(book) -> None:
    """The next step after a clean recalc: the report, if the officer says yes.

    Desktop Excel answers "yes"/"no" at once; on xlwings' remote engine the dialog is shown by
    the client and nothing comes back here, so nothing more happens in this call.
    """
    from ..text import vn

    assessment = _assessment(book)  # re-read: the totals are now in the sheet
    totals = assessment.totals()
    try:
        answer = book.app.alert(f"Đã tính lại: {vn(totals.self)}/{vn(totals.max)} điểm, không có lỗi. "
                                "Lập báo cáo ngay?", title="Chỉ số CCHC", buttons="yes_no", mode="info")
    except Exception:  # an engine without dialogs
        return
    if answer == "yes":
        report(book)


@_guarded
def check(book=None):
    """Mark findings and write the findings sheet without changing any score (on a protected sheet, the
    findings sheet only, and a message box says why)."""
    return _check(book, _seen(_assessment(book)))


def _check(book, assessment):
    from ..write.live import apply_live
    from ..write.plan import plan_check

    outcome = apply_live(book, assessment.sheet, plan_check(assessment), assessment, write_values=False)
    if outcome.plan.not_written:
        _tell(book, _told(outcome))
    return outcome


def _told(outcome, shown: int = 5) -> str:
    """The message box when nothing went into the table: the summary, and the first findings when no
    findings sheet could be written either."""
    plan = outcome.plan
    if outcome.findings_written or not plan.findings:
        return outcome.summary
    lines = [f"{f.cell or f.sheet}: {f.message if len(f.message) <= 240 else f.message[:239] + '…'}"
             for f in plan.findings[:shown]]
    more = f"\n… và {len(plan.findings) - shown} mục khác." if len(plan.findings) > shown else ""
    return outcome.summary + "\n\n" + "\n".join(lines) + more


@_guarded
def report(book=None, open_after: bool = True, pdf: bool | None = None):
    """Write the Word report next to the workbook and open it (as PDF when configured:
    ``pdf=True`` or the environment variable CCHC_XL_PDF=1)."""
    import os
    from pathlib import Path

    from ..render.report import default_output, render_assessment_report
    from ..write.live import _say

    from ..settings import load_settings

    settings = load_settings()
    if pdf is None:
        pdf = os.environ.get("CCHC_XL_PDF", "").lower() in ("1", "yes", "co", "có") or bool(settings.get("pdf"))
    sign = bool(settings.get("pkcs11")) and pdf  # a token is configured: the PDF is signed as it is made
    assessment = _seen(_assessment(book), "chưa lập báo cáo")
    folder = Path(book.fullname).parent if os.path.isabs(str(book.fullname)) else Path.cwd()
    target = default_output(folder / book.name)
    outcome = render_assessment_report(assessment, target, sign_ready=sign)
    opened = outcome.docx
    if pdf:
        opened = str(word_to_pdf(Path(outcome.docx)))
        if sign:
            opened = sign_with_token(assessment, opened, settings)
    blanks = f" (còn để trống: {', '.join(outcome.blanks)})" if outcome.blanks else ""
    # why a date or a body is left off, if one is; what the table prints that is to be looked at before signing:
    # a message box (in desktop Excel the status bar showed them, one line cut at the window's edge, and Word
    # then opened over it)
    notes = [*outcome.left_off, *outcome.table_notes]
    if notes:
        _tell(book, before_signing(f"CCHC: đã lập báo cáo {opened}{blanks}.", notes))
    else:
        _say(book, f"CCHC: đã lập báo cáo {opened}{blanks}")
    if open_after and hasattr(os, "startfile"):
        os.startfile(opened)  # Windows: opens in Word / the PDF reader
    return outcome


def before_signing(head: str, notes: list[str], most: int = 1000, each: int = 220) -> str:
    """The report's message box: what to look at before the report is signed, within what Excel's
    message box shows (its text stops at 1,024 characters): each note cut at ``each``, the rest counted
    and sent to the "Kiểm tra" button, whose findings sheet has them all."""
    text = f"{head}\n\nTrước khi trình ký, hãy xem:"
    for at, note in enumerate(notes):
        line = "\n- " + (note if len(note) <= each else note[:each - 1] + "…")
        left = len(notes) - at
        more = f"\n… và {left} điều khác: bấm “Kiểm tra” để xem đủ ở trang “Kết quả kiểm tra”."
        if len(text) + len(line) + (len(more) if left > 1 else 0) > most:
            return text + more
        text += line
    return text


def sign_with_token(assessment, pdf: str, settings: dict) -> str:
    """Sign the report as the person with authority, with the USB token in cai_dat.json. The PIN
    comes from the token's own dialog (protected authentication path); a token without one is
    signed from the command line (cchc-xl sign), where the PIN can be typed."""
    import os

    from ..errors import CchcError
    from ..render.context import printed_signer_title
    from ..sign.keys import KeySource
    from ..sign.sign import sign_pdf

    if not os.environ.get("CCHC_XL_PIN_ENV") and not _token_has_pin_dialog(settings):
        raise CchcError("USB token này không có hộp thoại mã PIN riêng: hãy ký bằng lệnh "
                        f"cchc-xl sign \"{pdf}\" --as nguoi-ky --pkcs11 … (lệnh sẽ hỏi mã PIN)")
    keys = KeySource(pkcs11_lib=settings["pkcs11"], token_label=settings.get("token_label"),
                     key_label=settings.get("key_label"), pin_env=os.environ.get("CCHC_XL_PIN_ENV"))
    # the title the report printed: a vice-chair's "KT. CHỦ TỊCH" report has "PHÓ CHỦ TỊCH" over his name
    signed = sign_pdf(pdf, None, "nguoi-ky", keys, title=printed_signer_title(assessment.meta),
                      signer_name=str(assessment.meta.get("signer") or ""))
    return signed.output


def _token_has_pin_dialog(settings: dict) -> bool:
    try:
        import pkcs11

        lib = pkcs11.lib(settings["pkcs11"])
        for slot in lib.get_slots(token_present=True):
            token = slot.get_token()
            if settings.get("token_label") in (None, token.label):
                return bool(token.flags & pkcs11.TokenFlag.PROTECTED_AUTHENTICATION_PATH)
    except Exception:
        return False
    return False


def word_to_pdf(docx):
    """PDF from Word itself on Windows (docx2pdf drives Word over COM); LibreOffice elsewhere."""
    try:
        from docx2pdf import convert
    except ImportError:
        convert = None
    if convert is not None:
        target = docx.with_suffix(".pdf")
        try:
            convert(str(docx), str(target))
            if target.exists():
                return target
        except Exception:  # Word not installed or refused: fall back
            pass
    from ..render.report import convert_to_pdf

    return convert_to_pdf(docx)
