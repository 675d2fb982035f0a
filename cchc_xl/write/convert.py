"""`cchc-xl convert`: a Unicode copy of a workbook typed in TCVN3 or VNI.

Only the parts that hold text are rewritten (shared strings, inline strings in the sheets, the text
of formulas and the text they show, notes, text boxes, print headers and footers) and the font names
(.VnTime…, VNI-… → Times New Roman); every other part, macros and buttons included, is copied byte
for byte. Sheet names stay as they are: formulas and links name them. The original is never touched.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..errors import CchcError, RefusedWrite
from ..read import read_grid
from ..read.files import named
from ..read.legacy import ENCODING_NAMES, convert, detect, font_encoding, texts_of
from ..read.package import READ_ONLY_FORMATS, misnamed_advice, misnamed_xlsx, open_package
from ..text import cell_address
from .atomic import write_atomically
from .package import CT_COMMENTS, CT_DRAWING, Package, parse, serialise

FONT = "Times New Roman"


@dataclass
class ConvertOutcome:
    output: str
    encoding: str
    texts: int
    fonts: int

    def lines(self) -> list[str]:
        return [f"Đã chuyển {self.texts} đoạn chữ từ {ENCODING_NAMES[self.encoding]} sang Unicode, "
                f"đổi {self.fonts} phông sang {FONT} → {self.output}"]


def convert_file(path, output, encoding: str | None = None, overwrite: bool = False) -> ConvertOutcome:
    source = Path(path)
    target = Path(output)
    if source.suffix.lower() in READ_ONLY_FORMATS and misnamed_xlsx(source):
        raise RefusedWrite(misnamed_advice(source))
    if source.suffix.lower() in READ_ONLY_FORMATS:
        what, how = READ_ONLY_FORMATS[source.suffix.lower()]
        raise RefusedWrite(f"{source.name} là {what}: convert viết lại các phần chữ của sổ .xlsx — {how}. "
                           "(`check`, `report` đọc được chữ TCVN3/VNI trong tệp như nó là.)")
    if target.suffix.lower() != source.suffix.lower():
        if source.suffix.lower() not in (".xlsx", ".xlsm"):
            with named(source):
                read_grid(str(source))  # (a Word file, a PDF: what it is, first; it said "same suffix as .docx")
        raise RefusedWrite(f"tệp ra phải có cùng đuôi {source.suffix} với tệp gốc")
    if target.exists() and (os.path.realpath(target) == os.path.realpath(source) or not overwrite):
        raise RefusedWrite(f"tệp {target} đã có; convert không bao giờ ghi đè tệp gốc — hãy chọn tên khác"
                           + ("" if os.path.realpath(target) == os.path.realpath(source) else " hoặc thêm --overwrite"))
    with named(source):
        grid = read_grid(str(source))  # vets the package (bombs, entities, damage) like every reader
    archive, info = open_package(str(source))
    archive.close()
    encoding = encoding or detect(texts_of(grid), grid.encoding_hint)
    legacy = None  # a workbook that mixes Unicode with old text: only the cells in an old font
    if encoding is None and grid.legacy_cells is not None:
        legacy = {name: {cell_address(*cell): found for cell, found in cells.items()}
                  for name, cells in grid.legacy_cells().items()}
        encoding = grid.encoding_hint if any(legacy.values()) else None
    if encoding is None:
        raise CchcError(f"{source.name}: không thấy chữ mã TCVN3 hay VNI; sổ tính đã là Unicode, không cần chuyển")
    pkg = Package(source)
    texts = 0
    # what officers type: the cells (shared and inline strings), and what else holds their words in
    # the same encoding: a formula's text and the text it shows, notes, text boxes, print headers
    shared: dict[int, str] = {}  # (mixed) shared strings shown in a cell in an old font → its encoding
    parts = [(part, name) for name, part in info.sheets] + [("xl/sharedStrings.xml", None)]
    parts += [(part, None) for part in pkg.parts_of_type(CT_COMMENTS, CT_DRAWING)]  # notes; text boxes
    for part, sheet in parts:
        if not pkg.has(part):
            continue
        root = pkg.xml(part)
        if legacy is None:
            def encoding_of(element):
                return encoding
        elif sheet is not None:
            encoding_of = _cell_encoding(root, legacy.get(sheet, {}), shared)
        elif part == "xl/sharedStrings.xml":
            encoding_of = _shared_encoding(root, shared)
        else:
            encoding_of = _run_encoding(root)
        count, changed = _convert_part(root, encoding_of)
        texts += count
        if changed:
            pkg.write(part, serialise(root))
    fonts = 0
    if pkg.has("xl/styles.xml"):
        styles = pkg.xml("xl/styles.xml")
        for name in styles.iter("{*}name"):
            if font_encoding(name.get("val", "")):
                name.set("val", FONT)
                fonts += 1
        if fonts:
            pkg.write("xl/styles.xml", serialise(styles))

    def save(temp: str) -> None:
        with open(temp, "wb") as handle:
            pkg.save_to(handle)

    write_atomically(target, save, source.suffix)
    return ConvertOutcome(str(target), encoding, texts, fonts)


_HEADER_FOOTER = {"oddHeader", "oddFooter", "evenHeader", "evenFooter", "firstHeader", "firstFooter"}
_STRING_LITERAL = re.compile(r'"((?:[^"]|"")*)"')  # in a formula: "Vượt điểm" ("" is a quote)
# a header's font code: &".VnTimeH,Bold" (the font before the comma)
_HEADER_FONT = re.compile(r'&"([^",]*)')


def _convert_part(root, encoding_of) -> tuple[int, bool]:
    """Convert the texts of one XML part in place, each from ``encoding_of(element)`` (None: not
    converted): (texts converted, anything changed)."""
    texts, changed = 0, False

    def converted(text: str | None, encoding: str) -> str | None:
        nonlocal texts
        if not text or text.isascii():
            return text
        new = convert(text, encoding)
        if new != text:
            texts += 1
        return new

    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        local = etree.QName(element).localname
        text = element.text
        if local in ("rFont", "latin", "ea", "cs", "sym"):  # a run's own font (cells, notes, drawings)
            attribute = "val" if local == "rFont" else "typeface"
            if font_encoding(element.get(attribute, "")):
                element.set(attribute, FONT)
                changed = True
            continue
        is_text = local == "t" or (local == "v" and element.getparent().get("t") == "str")
        is_formula = local in ("f", "formula1", "formula2") and text and not text.isascii()
        is_header = local in _HEADER_FOOTER and text
        if not (is_text or is_formula or is_header):
            continue
        encoding = encoding_of(element)
        if encoding is None:
            continue
        if is_text:  # cell and note text; a formula's text result, shown until Excel computes it again
            new = converted(text, encoding)
        elif is_formula:  # (and a drop-down's list)
            new = _STRING_LITERAL.sub(lambda m: '"' + converted(m.group(1).replace('""', '"'), encoding)
                                      .replace('"', '""') + '"', text)
        else:
            new = _HEADER_FONT.sub(lambda m: '&"' + (FONT if font_encoding(m.group(1)) else m.group(1)),
                                   converted(text, encoding))
        if new != text:
            element.text = new
            changed = True
    return texts, changed


def _ancestor(element, local: str):
    while element is not None and not (isinstance(element.tag, str) and etree.QName(element).localname == local):
        element = element.getparent()
    return element


def _cell_encoding(root, cells: dict[str, str], shared: dict[int, str]):
    """(A sheet of a mixed workbook) a text's encoding is its cell's font's; a print header's, the
    font it names. The shared strings its old-font cells show are noted in ``shared``."""
    for cell in root.iter("{*}c"):
        found = cells.get(cell.get("r", ""))
        value = cell.find("{*}v")
        if found and cell.get("t") == "s" and value is not None and (value.text or "").isdigit():
            shared.setdefault(int(value.text), found)

    def encoding_of(element):
        if etree.QName(element).localname in _HEADER_FOOTER:
            fonts = [font_encoding(m.group(1)) for m in _HEADER_FONT.finditer(element.text)]
            return next((f for f in fonts if f), None)
        cell = _ancestor(element, "c")
        return cells.get(cell.get("r", "")) if cell is not None else None

    return encoding_of


def _shared_encoding(root, shared: dict[int, str]):
    """(Mixed) a shared string is converted when a cell in an old font shows it."""
    index = {id(si): (si, shared[i]) for i, si in enumerate(root.iterfind("{*}si")) if i in shared}

    def encoding_of(element):  # (the elements kept in the index: lxml gives the same objects back)
        si = _ancestor(element, "si")
        return index[id(si)][1] if id(si) in index else None

    return encoding_of


def _run_encoding(root):
    """(Mixed: notes, text boxes) a run's text is converted when the run's own font is an old one
    (read before _convert_part renames the fonts)."""
    runs = {}
    for props in root.iter("{*}rPr"):
        for font in props:
            if isinstance(font.tag, str) and etree.QName(font).localname in ("rFont", "latin"):
                found = font_encoding(font.get("val") or font.get("typeface") or "")
                if found:
                    run = props.getparent()
                    runs[id(run)] = (run, found)  # (the element kept: lxml gives the same object back)

    def encoding_of(element):
        run = _ancestor(element, "r")
        return runs[id(run)][1] if id(run) in runs else None

    return encoding_of


__all__ = ["convert_file", "ConvertOutcome", "parse"]
