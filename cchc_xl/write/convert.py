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
from ..read.legacy import ENCODING_NAMES, convert, detect, font_hint, texts_of
from ..read.package import READ_ONLY_FORMATS, misnamed_advice, misnamed_xlsx, open_package
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
        raise RefusedWrite(f"tệp ra phải có cùng đuôi {source.suffix} với tệp gốc")
    if target.exists() and (os.path.realpath(target) == os.path.realpath(source) or not overwrite):
        raise RefusedWrite(f"tệp {target} đã có; convert không bao giờ ghi đè tệp gốc — hãy chọn tên khác"
                           + ("" if os.path.realpath(target) == os.path.realpath(source) else " hoặc thêm --overwrite"))
    grid = read_grid(str(source))  # vets the package (bombs, entities, damage) like every reader
    archive, info = open_package(str(source))
    archive.close()
    encoding = encoding or detect(texts_of(grid), grid.encoding_hint)
    if encoding is None:
        raise CchcError(f"{source.name}: không thấy chữ mã TCVN3 hay VNI; sổ tính đã là Unicode, không cần chuyển")
    pkg = Package(source)
    texts = 0
    # what officers type: the cells (shared and inline strings), and what else holds their words in
    # the same encoding: a formula's text and the text it shows, notes, text boxes, print headers
    parts = [part for _, part in info.sheets] + ["xl/sharedStrings.xml"]
    parts += pkg.parts_of_type(CT_COMMENTS, CT_DRAWING)  # notes; text boxes and shapes drawn on a sheet
    for part in parts:
        if not pkg.has(part):
            continue
        root = pkg.xml(part)
        count, changed = _convert_part(root, encoding)
        texts += count
        if changed:
            pkg.write(part, serialise(root))
    fonts = 0
    if pkg.has("xl/styles.xml"):
        styles = pkg.xml("xl/styles.xml")
        for name in styles.iter("{*}name"):
            if font_hint(f'val="{name.get("val", "")}"'.encode()):
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


def _convert_part(root, encoding: str) -> tuple[int, bool]:
    """Convert the texts of one XML part in place: (texts converted, anything changed)."""
    texts, changed = 0, False

    def converted(text: str | None) -> str | None:
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
        if local == "t" or (local == "v" and element.getparent().get("t") == "str"):
            # cell and note text; a formula's text result, shown until Excel computes it again
            new = converted(text)
        elif local in ("f", "formula1", "formula2") and text and not text.isascii():  # (and a drop-down's list)
            new = _STRING_LITERAL.sub(lambda m: '"' + converted(m.group(1).replace('""', '"')).replace('"', '""')
                                      + '"', text)
        elif local in _HEADER_FOOTER and text:
            new = _HEADER_FONT.sub(lambda m: '&"' + (FONT if font_hint(f'val="{m.group(1)}"'.encode()) else m.group(1)),
                                   converted(text))
        elif local in ("rFont", "latin", "ea", "cs", "sym"):  # a run's own font (cells, notes, drawings)
            attribute = "val" if local == "rFont" else "typeface"
            if font_hint(f'val="{element.get(attribute, "")}"'.encode()):
                element.set(attribute, FONT)
                changed = True
            continue
        else:
            continue
        if new != text:
            element.text = new
            changed = True
    return texts, changed


__all__ = ["convert_file", "ConvertOutcome", "parse"]
