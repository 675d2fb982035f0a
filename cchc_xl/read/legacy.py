"""Old Vietnamese 8-bit encodings: TCVN3 (ABC, fonts .VnTime/.VnTimeH; TCVN 5712:1993) and VNI
(VNI-Times). Such text reaches us as Latin-1 letters ("Tæng ®iÓm" for "Tổng điểm").

Recognised by the workbook's fonts (.Vn*, VNI-*) and by character statistics, and converted to
Unicode for reading and reporting only: check never changes the workbook (`cchc-xl convert`
writes a Unicode copy). The conversion tables are viparse's, validated on real government
documents; our tests check every letter of the TCVN3 table against the standard.
"""
from __future__ import annotations

import re

# any Vietnamese letter as Unicode writes it: such a workbook is not in a legacy encoding
_VIETNAMESE = re.compile("[\u1ea0-\u1ef9\u0102\u0103\u0110\u0111\u01a0\u01a1\u01af\u01b0]")
_SURFACE = re.compile("[\u00a1-\u00ff]")
_WORD = re.compile(r"\S+")
ENCODING_NAMES = {"tcvn3": "TCVN3 (ABC, phông .VnTime)", "vni": "VNI (phông VNI-Times)"}


def font_hint(styles_xml: bytes | None) -> str | None:
    """The encoding the workbook's fonts imply: .VnTime… → TCVN3, VNI-… → VNI."""
    if not styles_xml:
        return None
    if b'val=".Vn' in styles_xml or b"val='.Vn" in styles_xml:
        return "tcvn3"
    if b'val="VNI' in styles_xml or b"val='VNI" in styles_xml:
        return "vni"
    return None


def font_encoding(name: str) -> str | None:
    """The encoding one font name implies, as font_hint reads the styles: .VnTime… → "tcvn3", VNI-… → "vni"."""
    if name.startswith(".Vn"):
        return "tcvn3"
    if name.startswith("VNI"):
        return "vni"
    return None


def font_name_hint(names) -> str | None:
    """The same from a list of font names (an old .xls names its fonts in its own records)."""
    if any(name.startswith(".Vn") for name in names):
        return "tcvn3"
    if any(name.upper().startswith("VNI") for name in names):
        return "vni"
    return None


def style_fonts(styles_xml: bytes) -> list[str | None]:
    """Each cell format of a workbook (cellXfs, by index) → the old encoding its font names, or None."""
    from lxml import etree

    root = etree.fromstring(styles_xml, etree.XMLParser(resolve_entities=False, no_network=True))
    fonts = []
    for font in root.iterfind("{*}fonts/{*}font"):
        name = font.find("{*}name")
        fonts.append(font_encoding(name.get("val", "")) if name is not None else None)
    by_style = []
    for xf in root.iterfind("{*}cellXfs/{*}xf"):
        font_id = xf.get("fontId", "0")
        index = int(font_id) if font_id.isdigit() else 0
        by_style.append(fonts[index] if index < len(fonts) else None)
    return by_style


def legacy_font_cells(by_style: list[str | None], sheet_xml: bytes, wanted=None) -> dict[tuple[int, int], str]:
    """The cells of a sheet whose font names an old encoding ((row, col) → "tcvn3"/"vni", 0-based),
    from the workbook's cell formats (style_fonts) and the sheet's XML; only the ``wanted`` cells when
    given. A workbook that mixes Unicode with text pasted from an old file (a new template around last
    decade's table) is read cell by cell: a text alone cannot tell "Có" typed in Unicode from TCVN3, its
    font can."""
    from .package import CELL_REF, CELL_TAG, STYLE_INDEX, cell_of, cell_styles

    cells: dict[tuple[int, int], str] = {}
    if not any(by_style):
        return cells

    def font_of(attributes: bytes) -> str | None:
        style = STYLE_INDEX.search(attributes)
        index = int(style.group(1)) if style else 0  # a cell without a style has the first
        return by_style[index] if index < len(by_style) else None

    if wanted is not None:
        # a Unicode workbook whose styles name an old font (an old template's): its few texts a legacy
        # encoding could have written ("Không có"), each looked up where it stands
        for cell, index in cell_styles(sheet_xml, wanted).items():
            if index < len(by_style) and by_style[index]:
                cells[cell] = by_style[index]
        return cells
    for tag in CELL_TAG.finditer(sheet_xml):
        attributes = tag.group(1)
        encoding = font_of(attributes)
        ref = CELL_REF.search(attributes) if encoding else None
        if ref is not None:
            cells[cell_of(ref.group(1), ref.group(2))] = encoding
    return cells


def suspicious_cells(grid) -> dict[str, list[tuple[int, int]]]:
    """Sheet → the cells whose text an old encoding could have written: not ASCII, no letter only
    Unicode has, some letter of the Latin-1 range ("Không có", "Tæng")."""
    found: dict[str, list[tuple[int, int]]] = {}
    for sheet in grid.sheets:
        for row, line in enumerate(sheet.rows):
            for col, value in enumerate(line):
                if value.__class__ is str and not value.isascii() and not _VIETNAMESE.search(value) and \
                        _SURFACE.search(value):
                    found.setdefault(sheet.name, []).append((row, col))
    return found


def convert_cells(grid, cells_by_sheet: dict) -> list[str]:
    """Convert the texts of the cells legacy_font_cells found, each from its own font's encoding
    (a text that already has a Unicode Vietnamese letter stays); returns the sheets that had any."""
    touched = []
    for sheet in grid.sheets:
        count = 0
        rows = sheet.rows
        for (row, col), encoding in cells_by_sheet.get(sheet.name, {}).items():
            if row < len(rows) and col < len(rows[row]):
                value = rows[row][col]
                if value.__class__ is str and not value.isascii():
                    new = convert(value, encoding)
                    if new != value:
                        rows[row][col] = new
                        count += 1
        if count:
            touched.append(f"“{sheet.name}” ({count} ô)")
    return touched


def to_unicode(grid) -> tuple[str | None, list[str]]:
    """Read a grid's old-encoded text in Unicode, in place: the whole workbook when its texts say it
    is old, else the cells in an old font (Unicode around last decade's table). (encoding, the sheets
    converted with their counts), or (None, [])."""
    encoding = detect(texts_of(grid), grid.encoding_hint)
    if encoding:
        return encoding, convert_grid(grid, encoding)
    if grid.legacy_cells is not None:
        # the cells in an old font are that text (its names were read as "Tæng", the total row unread)
        wanted = suspicious_cells(grid)
        converted = convert_cells(grid, grid.legacy_cells(wanted)) if wanted else []
        if converted:
            return grid.encoding_hint, converted
    return None, []


def detect(texts, hint: str | None = None) -> str | None:
    """"tcvn3", "vni" or None, from the cell texts (an iterable of str)."""
    suspicious, unicode_hits = [], 0
    for text in texts:
        if text.isascii():
            continue
        if _VIETNAMESE.search(text):
            unicode_hits += 1
            if unicode_hits >= 3:
                return None
        elif _SURFACE.search(text):
            suspicious.append(text)
            if len(suspicious) >= 60:
                break
    if not suspicious or unicode_hits > len(suspicious):
        return None
    if callable(hint):  # the workbook's fonts, read only now that they matter
        hint = hint()
    if hint:
        return hint
    from viparse import detect_text_encoding

    found = detect_text_encoding("\n".join(suspicious))
    return found if found in ENCODING_NAMES else None


def _all_capitals(text: str) -> bool:
    letters = [ch for ch in text if ch.isascii() and ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def _restore_case(text: str) -> str:
    """TCVN3 has no accented capitals: .VnTimeH headings are typed as ASCII capitals plus the
    lower-case accented bytes ("TæNG"). A cell, else a word, whose ASCII letters (two or more)
    are all capitals is written in capitals ("TỔNG"). A word with one ASCII letter ("Kú") cannot
    be told apart and stays as it reads ("Kỳ")."""
    if _all_capitals(text):
        return text.upper()
    return _WORD.sub(lambda m: m.group(0).upper() if _all_capitals(m.group(0)) else m.group(0), text)


def convert(text: str, encoding: str) -> str:
    """One text from ``encoding`` to Unicode (NFC); plain ASCII comes back unchanged."""
    if text.isascii() or _VIETNAMESE.search(text):
        return text
    from viparse import fix

    converted = fix(text, encoding=encoding)
    return _restore_case(converted) if encoding == "tcvn3" else converted


def convert_grid(grid, encoding: str) -> list[str]:
    """Convert every text cell of a WorkbookGrid in place; returns the sheets that had any."""
    touched = []
    for sheet in grid.sheets:
        count = 0
        for line in sheet.rows:
            for i, value in enumerate(line):
                if value.__class__ is str and not value.isascii():
                    new = convert(value, encoding)
                    if new != value:
                        line[i] = new
                        count += 1
        if count:
            touched.append(f"“{sheet.name}” ({count} ô)")
    return touched


def texts_of(grid):
    for sheet in grid.sheets:
        for line in sheet.rows:
            for value in line:
                if value.__class__ is str:
                    yield value
