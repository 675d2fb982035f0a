"""Errors a user sees: always a one-line Vietnamese reason, never a traceback."""


class CchcError(Exception):
    """Base: the message is Vietnamese and meant for the officer or reviewer."""

    exit_code = 2


class UnreadableWorkbook(CchcError):
    """The file cannot be read as a self-assessment workbook (CLI exit 2)."""


class PassedOver(Exception):
    """Not an error: the caller's ``pass_over`` test said to leave this file aside (bulk: a
    summary of an earlier run), told from the package the reader had open anyway."""


class RefusedWrite(CchcError):
    """A write was refused before anything was written (open in Excel, read-only…)."""


class ReportRefused(CchcError):
    """The workbook has errors: no report to sign until they are fixed (or --force)."""

    exit_code = 1


def unexpected_message(exc: BaseException) -> str:
    """The last resort's one line, for a fault no check foresaw (the command line's and Excel's)."""
    return f"Lỗi không mong đợi ({type(exc).__name__}): {exc}. Hãy gửi tệp và thông báo này cho bộ phận hỗ trợ."
