"""Console output that never crashes: Vietnamese where the console can show it,
the same text without diacritics where it cannot (e.g. PYTHONIOENCODING=ascii)."""
from __future__ import annotations

import re
import sys
import unicodedata

_SAMPLE = "ếộữỹĐđ“”…—"


def can_print_vietnamese(stream=None) -> bool:
    stream = stream or sys.stdout
    encoding = getattr(stream, "encoding", None) or "ascii"
    try:
        _SAMPLE.encode(encoding)
        return True
    except (UnicodeEncodeError, LookupError):
        return False


def plain(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    text = text.replace("“", '"').replace("”", '"').replace("…", "...").replace("—", "-").replace("−", "-")
    text = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn").encode("ascii", "replace").decode()


def printable(text: str) -> str:
    """File names with bytes that are not UTF-8 (a Windows zip unpacked on Linux) reach Python as
    lone surrogates, which no console or file can encode: shown as replacement characters."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


# control characters but the line breaks and tabs we print: an ESC or a carriage return in a file
# name or a cell ("_x001B_" in the sheet XML) would otherwise drive the reviewer's terminal
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def say(text: str = "", stream=None) -> None:
    stream = stream or sys.stdout
    text = _CONTROL.sub("?", printable(text))
    if not can_print_vietnamese(stream):
        text = plain(text)
    try:
        print(text, file=stream)
    except UnicodeEncodeError:
        print(plain(text), file=stream)


def err(text: str) -> None:
    say(text, sys.stderr)


def findings_table(result) -> None:
    """Print one workbook's findings as a readable table (rich when the console allows it)."""
    from .rules.catalogue import SEVERITY_VI

    rows = [(f.cell, f.criterion, SEVERITY_VI[f.severity], f.code, f.message) for f in result.findings]
    if can_print_vietnamese() and sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        table = Table(show_lines=False, expand=True)
        for title in ("Ô", "STT", "Mức độ", "Mã", "Nội dung"):
            table.add_column(title, overflow="fold")
        for row in rows:
            style = "red" if row[2] == "lỗi" else "yellow" if row[2] == "cảnh báo" else None
            # Text, not str: a cell's "[/]" is not rich markup (it was a MarkupError); control codes go
            table.add_row(*(Text(_CONTROL.sub("?", value)) for value in row), style=style)
        Console().print(table)
        return
    for cell, crit, severity, code, message in rows:
        say(f"  {cell:<6} {crit:<8} {severity:<9} {code:<20} {message}")
