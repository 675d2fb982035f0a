"""`cchc-xl convert`: a Unicode copy of a workbook typed in TCVN3 or VNI.

Only the parts that hold text are rewritten (shared strings, inline strings in the sheets) and the
font names (.VnTime…, VNI-… → Times New Roman); every other part, macros and buttons included, is
copied byte for byte. The original is never touched.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import CchcError, RefusedWrite
from ..read import read_grid
from ..read.legacy import ENCODING_NAMES, convert, detect, font_hint, texts_of
from ..read.package import READ_ONLY_FORMATS, misnamed_advice, misnamed_xlsx, open_package
from .atomic import write_atomically
from .package import Package, parse, serialise

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
    parts = [part for _, part in info.sheets] + ["xl/sharedStrings.xml"]
    for part in parts:
        if not pkg.has(part):
            continue
        root = pkg.xml(part)
        changed = False
        for t in root.iter("{*}t"):
            if t.text and not t.text.isascii():
                new = convert(t.text, encoding)
                if new != t.text:
                    t.text = new
                    texts += 1
                    changed = True
        for run_font in root.iter("{*}rFont"):  # rich text runs name their own font
            if font_hint(f'val="{run_font.get("val", "")}"'.encode()):
                run_font.set("val", FONT)
                changed = True
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


__all__ = ["convert_file", "ConvertOutcome", "parse"]
