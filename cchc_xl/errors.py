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


def os_reason(exc: OSError) -> str:
    """Why a file could not be opened or read, in Vietnamese (the system's own words are English:
    "No such file or directory"). Writing has its own, fuller message: write.atomic.write_failure."""
    import errno

    code = exc.errno
    if code == errno.ENOENT:
        return "không tìm thấy tệp"
    if code in (errno.EACCES, errno.EPERM):
        return "không có quyền đọc"
    if code == errno.EISDIR:
        return "đây là thư mục, không phải tệp"
    if code == errno.ENOTDIR:
        return "một phần của đường dẫn là tệp, không phải thư mục"
    if code == errno.ENAMETOOLONG:
        return "tên tệp quá dài"
    if code == errno.ELOOP:
        return "liên kết vòng quanh, không trỏ tới tệp nào"
    if code == errno.EIO:
        return "lỗi đọc đĩa"
    return f"lỗi hệ thống {errno.errorcode.get(code, code)}" if code else type(exc).__name__


def missing_file(path, what: str) -> str:
    """Why ``path``, asked for as a file of ``what`` kind, is not one: a folder is not "not found"."""
    import os

    return f"{path}: đây là thư mục, không phải tệp {what}" if os.path.isdir(path) else f"không tìm thấy tệp {path}"


def unexpected_message(exc: BaseException) -> str:
    """The last resort's one line, for a fault no check foresaw (the command line's and Excel's)."""
    return f"Lỗi không mong đợi ({type(exc).__name__}): {exc}. Hãy gửi tệp và thông báo này cho bộ phận hỗ trợ."
