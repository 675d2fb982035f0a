"""Errors a user sees: always a one-line Vietnamese reason, never a traceback."""


class CchcError(Exception):
    """Base: the message is Vietnamese and meant for the officer or reviewer."""

    exit_code = 2


class UnreadableWorkbook(CchcError):
    """The file cannot be read as a self-assessment workbook (CLI exit 2)."""


class RefusedWrite(CchcError):
    """A write was refused before anything was written (open in Excel, read-only…)."""


class ReportRefused(CchcError):
    """The workbook has errors: no report to sign until they are fixed (or --force)."""

    exit_code = 1
