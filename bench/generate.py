"""Fast generation of many plausible commune workbooks from the bundled example.

Edits the sheet XML of a copy (unit name and leaf scores) instead of going
through openpyxl, so a reviewer-sized folder (1,000 files) takes seconds.
Used by bench/ and by the bulk tests.
"""
from __future__ import annotations

import random
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from cchc_xl.read import read_workbook
from cchc_xl.rules.scores import says_not_done
from cchc_xl.resources import example_workbook
from cchc_xl.text import format_decimal

SHEET = "xl/worksheets/sheet1.xml"
_DOC_NUMBER = re.compile(r"(?<=[ ;>])\d{1,4}(?=/(?:[A-Z]|&#))")  # "52" of "số 52/KH-UBND" in the sheet XML


def _cells(source: Path):
    """(leaf score cells with their max and whether their explanation says the task was not done, parent
    score cells): parents are left blank, as officers do."""
    a = read_workbook(source)
    leaves = [(c.self.cell.address, c.max.value, bool(says_not_done(c.explanation))) for c in a.tree()
              if not c.children and not c.survey_based and c.self.value is not None and c.max.value]
    parents = [c.self.cell.address for c in a.tree() if c.children and c.self.value is not None]
    return leaves, parents


def generate(folder, count: int, seed: int = 2023, source: Path | None = None, units=None,
             shared_strings: bool = False) -> list[Path]:
    """Write ``count`` workbooks into ``folder``; returns their paths. ``shared_strings``: as Excel
    saves them (texts in one shared-strings part, in UTF-8), not as openpyxl and the bundled example
    do (each text in its cell, non-ASCII letters as character references); see excel_style()."""
    source = Path(source or example_workbook())
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    leaves, parents = _cells(source)
    with zipfile.ZipFile(source) as archive:
        members = [(info, archive.read(info.filename)) for info in archive.infolist()]
    sheet = next(data for info, data in members if info.filename == SHEET).decode("utf-8")
    written = []
    for index in range(count):
        unit = units[index] if units else f"Xã Mẫu {index + 1:04d}"
        text = re.sub(r'(<c r="C4"[^>]*><is><t>)[^<]*(</t>)', lambda m: m.group(1) + escape(unit) + m.group(2), sheet,
                      count=1)
        for address in parents:
            text = re.sub(rf'(<c r="{address}"[^>]*?)(?: t="n")?><v>[^<]*</v></c>', r"\g<1>></c>", text, count=1)
        for address, max_points, not_done in leaves:
            steps = int(max_points / Decimal("0.25"))
            value = Decimal("0.25") * rng.randint(max(0, steps - 2), steps) if rng.random() < 0.3 else max_points
            text = re.sub(rf'(<c r="{address}"[^>]*><v>)[^<]*(</v>)', rf"\g<1>{format_decimal(value)}\g<2>", text, count=1)
            if not_done and value == max_points:  # a task done, explained so (not the example's "Chưa thực hiện")
                text = re.sub(rf'(<c r="E{address[1:]}"[^>]*><is><t>)[^<]*(</t>)', r"\g<1>Đã thực hiện.\g<2>", text,
                              count=1)
            if value < max_points:  # officers explain a deduction in column E
                row = address[1:]
                text = re.sub(rf'<c r="E{row}"( s="\d+")?[^>]*?(?:/>|></c>)',
                              rf'<c r="E{row}"\1 t="inlineStr"><is><t>Đạt {format_decimal(value)}/{format_decimal(max_points)} do còn hạn chế.</t></is></c>',
                              text, count=1)
        # each commune cites its own documents: the numbers before "/KH-UBND", "/QĐ-UBND"… differ, so
        # no cache keyed by an explanation's text sees the same text twice (as in a real batch)
        text = _DOC_NUMBER.sub(lambda m: str(rng.randint(1, 999)), text)
        path = folder / f"xa_{index + 1:04d}.xlsx"
        parts = [(info.filename, text.encode("utf-8") if info.filename == SHEET else data) for info, data in members]
        if shared_strings:
            parts = excel_style(parts)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
            for name, data in parts:
                out.writestr(name, data)
        written.append(path)
    return written


_INLINE_CELL = re.compile(r'(<c [^>]*?) t="inlineStr"><is><t(?: [^>]*)?>(.*?)</t></is></c>', re.S)
_SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def excel_style(parts: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """A workbook's parts with its sheet's inline texts moved into xl/sharedStrings.xml, as Excel
    writes them: the sheet cells hold indexes (t="s"), the texts are plain UTF-8 (python-calamine
    reads these faster than character references, so the read floor is lower)."""
    from html import unescape

    index: dict[str, int] = {}
    total = 0

    def shared(match) -> str:
        nonlocal total
        text = escape(unescape(match.group(2)))  # "&#7870;" → "Ế"; "&amp;", "<" stay escaped
        total += 1
        return f'{match.group(1)} t="s"><v>{index.setdefault(text, len(index))}</v></c>'

    out = []
    for name, data in parts:
        if name == SHEET:
            data = _INLINE_CELL.sub(shared, data.decode("utf-8")).encode("utf-8")
        elif name == "[Content_Types].xml":
            data = data.replace(b"</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SST_TYPE}"/>'
                                "</Types>".encode())
        elif name == "xl/_rels/workbook.xml.rels":
            data = data.replace(b"</Relationships>", f'<Relationship Id="rIdSharedStrings" Type="{_SST_REL}" '
                                'Target="sharedStrings.xml"/></Relationships>'.encode())
        out.append((name, data))
    strings = "".join(f'<si><t xml:space="preserve">{text}</t></si>' for text in index)
    out.append(("xl/sharedStrings.xml", (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main" count="{total}" uniqueCount="{len(index)}">{strings}</sst>').encode("utf-8")))
    return out
