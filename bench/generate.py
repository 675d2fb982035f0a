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
from cchc_xl.resources import example_workbook
from cchc_xl.text import format_decimal

SHEET = "xl/worksheets/sheet1.xml"
_DOC_NUMBER = re.compile(r"(?<=[ ;>])\d{1,4}(?=/(?:[A-Z]|&#))")  # "52" of "số 52/KH-UBND" in the sheet XML


def _cells(source: Path):
    """(leaf score cells with their max, parent score cells): parents are left blank, as officers do."""
    a = read_workbook(source)
    leaves = [(c.self.cell.address, c.max.value) for c in a.tree() if not c.children and not c.survey_based
              and c.self.value is not None and c.max.value]
    parents = [c.self.cell.address for c in a.tree() if c.children and c.self.value is not None]
    return leaves, parents


def generate(folder, count: int, seed: int = 2023, source: Path | None = None, units=None) -> list[Path]:
    """Write ``count`` workbooks into ``folder``; returns their paths."""
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
        for address, max_points in leaves:
            steps = int(max_points / Decimal("0.25"))
            value = Decimal("0.25") * rng.randint(max(0, steps - 2), steps) if rng.random() < 0.3 else max_points
            text = re.sub(rf'(<c r="{address}"[^>]*><v>)[^<]*(</v>)', rf"\g<1>{format_decimal(value)}\g<2>", text, count=1)
            if value < max_points:  # officers explain a deduction in column E
                row = address[1:]
                text = re.sub(rf'<c r="E{row}"( s="\d+")?[^>]*?(?:/>|></c>)',
                              rf'<c r="E{row}"\1 t="inlineStr"><is><t>Đạt {format_decimal(value)}/{format_decimal(max_points)} do còn hạn chế.</t></is></c>',
                              text, count=1)
        # each commune cites its own documents: the numbers before "/KH-UBND", "/QĐ-UBND"… differ, so
        # no cache keyed by an explanation's text sees the same text twice (as in a real batch)
        text = _DOC_NUMBER.sub(lambda m: str(rng.randint(1, 999)), text)
        path = folder / f"xa_{index + 1:04d}.xlsx"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
            for info, data in members:
                out.writestr(info, text.encode("utf-8") if info.filename == SHEET else data)
        written.append(path)
    return written
