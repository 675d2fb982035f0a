"""How Excel shows a number or date an officer typed into a text column.

Excel keeps "100%" typed in a cell as the number 1 formatted 0%, "98,5%" as 0.985 formatted 0.0%,
"1.500" as 1500 formatted #,##0 and "6/2023" as the date 1/6/2023 formatted mmm-yy. Read as values,
an explanation "100%" was printed "1" in the report, and "6/2023" became "01/06/2023", a day the
officer never wrote. The readers give values only (python-calamine has no number formats), so the
few numbers found in the explanation column are looked up in the workbook's cell formats: the
formats are asked for only when there are such numbers, never for the rest of a batch.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from decimal import ROUND_HALF_UP, Decimal

# the built-in formats (ECMA-376 18.8.30) that show a number otherwise than General does
BUILTIN_FORMATS = {3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%", 17: "mmm-yy"}

_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')  # literal text, [colours]/[$-locale], escapes, padding
_DECIMALS = re.compile(r"\.([0#?]+)")


def style_formats(styles_xml: bytes | None) -> list[str]:
    """Each cell format of a workbook (cellXfs, by index) → its number format code ("" for General)."""
    if not styles_xml:
        return []
    from lxml import etree

    root = etree.fromstring(styles_xml, etree.XMLParser(resolve_entities=False, no_network=True))
    custom = {}
    for fmt in root.iterfind("{*}numFmts/{*}numFmt"):
        number = fmt.get("numFmtId", "")
        if number.isdigit():
            custom[int(number)] = fmt.get("formatCode", "")
    codes = []
    for xf in root.iterfind("{*}cellXfs/{*}xf"):
        number = xf.get("numFmtId", "0")
        index = int(number) if number.isdigit() else 0
        codes.append(custom.get(index, BUILTIN_FORMATS.get(index, "")))
    return codes


def shown_as(value, code: str) -> str | None:
    """``value`` as a cell formatted ``code`` shows it, in Vietnamese (decimal comma, thousands dot),
    or None where the plain reading says the same (General, or a format this does not need)."""
    if not code or value is None or value.__class__ is bool:
        return None
    section = _QUOTED.sub("", code.split(";")[0])  # (the positive numbers' section)
    if isinstance(value, (dt.date, dt.datetime)):
        lowered = section.lower()
        if "y" in lowered and "m" in lowered and "d" not in lowered:  # "6/2023" typed: a month, no day
            return f"{value.month:02d}/{value.year}"
        return None
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    percent = "%" in section
    grouped = "#,##" in section or "0,0" in section
    if not (percent or grouped):
        return None
    found = _DECIMALS.search(section)
    places = len(found.group(1)) if found else 0
    try:
        number = Decimal(format(value, ".15g")) * (100 if percent else 1)
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)  # Excel rounds half up
    except ArithmeticError:  # (a number too large for its decimals, or no number: read plainly)
        return None
    whole, _, fraction = format(abs(number), "f").partition(".")
    if grouped:
        whole = f"{int(whole):,}".replace(",", ".")
    text = ("-" if number < 0 else "") + whole + ("," + fraction if fraction else "")
    return text + ("%" if percent else "")


def noted(formats: dict[str, dict[tuple[int, int], str]]):
    """WorkbookGrid.number_formats for a reader that noted the formats as it read the cells (.xls, .ods)."""
    def number_formats(wanted):
        return {name: {cell: formats[name][cell] for cell in cells if cell in formats.get(name, ())}
                for name, cells in wanted.items()}
    return number_formats


_SHOWN_DECIMALS = re.compile(r"[.,](\d+)\s*%")


def percent_format(shown: str) -> str:
    """The format code of a percent an .ods cell shows ("98,5 %" → "0.0%"): .ods marks the cell a
    percentage and keeps the text it shows, in the saver's language."""
    found = _SHOWN_DECIMALS.search(shown)
    return "0." + "0" * len(found.group(1)) + "%" if found else "0%"
