"""Targeted edits inside the parts recalc must change: cells, styles, notes."""
from __future__ import annotations

import re
from decimal import Decimal

from lxml import etree

from ..read.package import NS_MAIN
from ..text import cell_address, format_decimal, split_address, xml_text
from .package import CT_COMMENTS, CT_VML, REL_COMMENTS, REL_VML, R_ID, Package, q, serialise
from .plan import NOTE_PREFIX

NOTE_AUTHOR = "cchc-xl"


def _col_of(ref: str) -> int:
    return split_address(ref)[1]


def _number_rows_and_cells(sheet_data) -> None:
    """Rows and cells may omit r (it is optional: the next row, the next column). Writing it out
    lets new rows and cells go in their right place; Excel reads both forms alike."""
    expected_row = 1
    for row in sheet_data.iter(q("row")):
        if row.get("r"):
            expected_row = int(row.get("r"))
        else:
            row.set("r", str(expected_row))
        expected_col = 0
        for c in row.iter(q("c")):
            if c.get("r"):
                expected_col = _col_of(c.get("r"))
            else:
                c.set("r", cell_address(expected_row - 1, expected_col))
            expected_col += 1
        expected_row += 1


class SheetXml:
    """The cells of one worksheet part, editable in place."""

    def __init__(self, root):
        self.root = root
        self.sheet_data = root.find(q("sheetData"))
        _number_rows_and_cells(self.sheet_data)
        self.rows = {int(row.get("r")): row for row in self.sheet_data.iter(q("row"))}

    def cell(self, row: int, col: int, create: bool = False):
        """0-based row/col → the <c> element (created in column order when asked)."""
        number = row + 1
        ref = cell_address(row, col)
        row_el = self.rows.get(number)
        if row_el is None:
            if not create:
                return None
            row_el = etree.Element(q("row"))
            row_el.set("r", str(number))
            following = [r for n, r in self.rows.items() if n > number]
            if following:
                min(following, key=lambda r: int(r.get("r"))).addprevious(row_el)
            else:
                self.sheet_data.append(row_el)
            self.rows[number] = row_el
        for c in row_el.iter(q("c")):
            if c.get("r") == ref:
                return c
        if not create:
            return None
        new = etree.Element(q("c"))
        new.set("r", ref)
        for c in row_el.iter(q("c")):
            if c.get("r") and _col_of(c.get("r")) > col:
                c.addprevious(new)
                break
        else:
            row_el.append(new)
        return new

    def has_formula(self, row: int, col: int) -> bool:
        c = self.cell(row, col)
        return c is not None and c.find(q("f")) is not None

    def set_number(self, row: int, col: int, value: Decimal | None) -> None:
        c = self.cell(row, col, create=value is not None)
        if c is None:
            return
        for child in list(c):
            if child.tag in (q("v"), q("is"), q("f")):
                c.remove(child)
        c.attrib.pop("t", None)
        if value is not None:
            v = etree.SubElement(c, q("v"))
            v.text = format_decimal(value)

    @staticmethod
    def style(c) -> int:
        return int(c.get("s", "0")) if c is not None else 0

    def set_style(self, row: int, col: int, index: int) -> None:
        c = self.cell(row, col, create=True)
        if index:
            c.set("s", str(index))
        else:
            c.attrib.pop("s", None)


def _canonical(element) -> tuple:
    """An element's content without namespace prefixes or attribute order: what Excel means by it."""
    return (etree.QName(element).localname, tuple(sorted(element.attrib.items())), (element.text or "").strip(),
            tuple(_canonical(child) for child in element if isinstance(child.tag, str)))


class Styles:
    """styles.xml: fills and cell formats, reusing identical entries."""

    def __init__(self, root):
        self.root = root
        self.fills = root.find(q("fills"))
        self.fonts = root.find(q("fonts"))
        self.borders = root.find(q("borders"))
        self.xfs = root.find(q("cellXfs"))

    @staticmethod
    def _count(parent):
        parent.set("count", str(len(parent)))

    def fill_rgb(self, fill_id: int) -> str | None:
        """ARGB of a solid fill, '' for no fill, None for another kind of fill."""
        fills = list(self.fills)
        if fill_id >= len(fills):
            return ""
        pattern = fills[fill_id].find(q("patternFill"))
        if pattern is None:
            return None
        kind = pattern.get("patternType", "none")
        if kind in ("none", "gray125") and fill_id < 2:
            return ""
        if kind == "none":
            return ""
        color = pattern.find(q("fgColor"))
        if kind == "solid" and color is not None and color.get("rgb"):
            return color.get("rgb").upper()
        return None

    def xf_fill(self, xf_index: int) -> int:
        xfs = list(self.xfs)
        if xf_index >= len(xfs):
            return 0
        return int(xfs[xf_index].get("fillId", "0"))

    def ensure_fill(self, argb: str) -> int:
        for index in range(len(self.fills)):
            if self.fill_rgb(index) == argb:
                return index
        fill = etree.SubElement(self.fills, q("fill"))
        pattern = etree.SubElement(fill, q("patternFill"), patternType="solid")
        etree.SubElement(pattern, q("fgColor"), rgb=argb)
        etree.SubElement(pattern, q("bgColor"), indexed="64")
        self._count(self.fills)
        return len(self.fills) - 1

    def _ensure(self, parent, element) -> int:
        """Index of an entry equal to ``element`` in ``parent``, appending it if there is none,
        so re-running recalc reuses its own fonts, borders and formats instead of piling them up."""
        wanted = _canonical(element)
        for index, existing in enumerate(parent):
            if _canonical(existing) == wanted:
                return index
        parent.append(element)
        self._count(parent)
        return len(parent) - 1

    def _ensure_xf(self, xf) -> int:
        return self._ensure(self.xfs, xf)

    def with_fill(self, xf_index: int, fill_id: int) -> int:
        xfs = list(self.xfs)
        base = xfs[xf_index] if xf_index < len(xfs) else xfs[0]
        xf = etree.fromstring(etree.tostring(base))
        xf.set("fillId", str(fill_id))
        if fill_id:
            xf.set("applyFill", "1")
        else:
            xf.attrib.pop("applyFill", None)
        return self._ensure_xf(xf)

    def _ensure_font(self, bold=False, underline=False, color=None, size="12") -> int:
        font = etree.Element(q("font"))
        if bold:
            etree.SubElement(font, q("b"))
        if underline:
            etree.SubElement(font, q("u"))
        etree.SubElement(font, q("sz"), val=size)
        if color:
            etree.SubElement(font, q("color"), rgb=color)
        etree.SubElement(font, q("name"), val="Times New Roman")
        etree.SubElement(font, q("family"), val="1")
        return self._ensure(self.fonts, font)

    def _ensure_thin_border(self) -> int:
        border = etree.Element(q("border"))
        for side in ("left", "right", "top", "bottom"):
            el = etree.SubElement(border, q(side), style="thin")
            etree.SubElement(el, q("color"), indexed="64")
        etree.SubElement(border, q("diagonal"))
        return self._ensure(self.borders, border)

    def report_style(self, bold=False, link=False, fill: str | None = None, border=True, number=False) -> int:
        """A cell format for the findings sheet."""
        font = self._ensure_font(bold=bold, underline=link, color="FF0563C1" if link else None)
        xf = etree.Element(q("xf"), numFmtId="2" if number else "0", fontId=str(font),
                           fillId=str(self.ensure_fill(fill) if fill else 0),
                           borderId=str(self._ensure_thin_border() if border else 0), xfId="0",
                           applyFont="1", applyAlignment="1")
        if fill:
            xf.set("applyFill", "1")
        if border:
            xf.set("applyBorder", "1")
        etree.SubElement(xf, q("alignment"), vertical="top", wrapText="1")
        return self._ensure_xf(xf)


# ---------------------------------------------------------------- notes ----
# a shape, up to its end or the next shape's start: "<v:shape\b.*?</v:shape>" scanned to the end of
# the part from every unclosed shape (quadratic on a damaged drawing of an officer's notes)
_SHAPE = re.compile(r"<v:shape\b(?:(?!<v:shape\b).)*?</v:shape>", re.S)
_IDMAP = re.compile(r'<o:idmap\b[^<>]*?\bdata="(\d+)')  # (within its tag: linear on any part)
_SHAPETYPE_202 = (
    '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
    '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
)
_VML_HEAD = (
    '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:x="urn:schemas-microsoft-com:office:excel">'
    '<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{block}"/></o:shapelayout>'
)
# CT_Worksheet order: legacyDrawing must stand before these
_AFTER_LEGACY = ["legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems",
                 "tableParts", "extLst"]


def _note_shape(shape_id: int, row: int, col: int) -> str:
    return (
        f'<v:shape id="_x0000_s{shape_id}" type="#_x0000_t202" style="position:absolute;margin-left:80pt;'
        f'margin-top:2pt;width:260pt;height:110pt;z-index:{shape_id % 1024};visibility:hidden" '
        'fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/>'
        '<v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>'
        '<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox>'
        '<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
        f"<x:Anchor>{col + 1}, 15, {row}, 2, {col + 5}, 15, {row + 7}, 4</x:Anchor>"
        f"<x:AutoFill>False</x:AutoFill><x:Row>{row}</x:Row><x:Column>{col}</x:Column></x:ClientData></v:shape>"
    )


def _shape_cell(shape: str) -> tuple[int, int] | None:
    if 'ObjectType="Note"' not in shape:
        return None
    row = re.search(r"<x:Row>(\d+)</x:Row>", shape)
    col = re.search(r"<x:Column>(\d+)</x:Column>", shape)
    return (int(row.group(1)), int(col.group(1))) if row and col else None


def _text_of(comment) -> str:
    text = comment.find(q("text"))
    return "" if text is None else "".join(t.text or "" for t in text.iter(q("t")))


def write_notes(pkg: Package, sheet_part: str, sheet_root, notes: dict[tuple[int, int], str]) -> set[tuple[int, int]]:
    """Replace our notes on a sheet with ``notes``; other people's notes stay.

    Returns the cells that got a note (cells holding someone else's note are
    skipped: the finding is still listed on the findings sheet).
    """
    rels = pkg.relationships(sheet_part)
    comments_part = next((t for kind, t in rels.values() if kind == REL_COMMENTS), None)
    vml_part = next((t for kind, t in rels.values() if kind == REL_VML), None)
    if comments_part is None and not notes:
        return set()
    ns = {None: NS_MAIN}
    if comments_part and pkg.has(comments_part):
        comments = pkg.xml(comments_part)
    else:
        comments = etree.Element(q("comments"), nsmap=ns)
        etree.SubElement(comments, q("authors"))
        etree.SubElement(comments, q("commentList"))
    authors = comments.find(q("authors"))
    names = [a.text or "" for a in authors]
    ours_id = str(names.index(NOTE_AUTHOR)) if NOTE_AUTHOR in names else None
    comment_list = comments.find(q("commentList"))
    removed, taken = set(), set()
    for comment in list(comment_list):
        cell = split_address(comment.get("ref"))
        # ours by author, or by the words it opens with: LibreOffice saves every note with the author " "
        # (a stale "vượt điểm tối đa" stayed on a cell fixed since, and blocked the cell's new note)
        if comment.get("authorId") == ours_id or _text_of(comment).startswith(NOTE_PREFIX):
            comment_list.remove(comment)
            removed.add(cell)
        else:
            taken.add(cell)
    wanted = {cell: text for cell, text in notes.items() if cell not in taken}
    if not removed and not wanted:
        return set()
    if wanted and ours_id is None:
        etree.SubElement(authors, q("author")).text = NOTE_AUTHOR
        ours_id = str(len(authors) - 1)
    for (row, col), text in sorted(wanted.items()):
        comment = etree.SubElement(comment_list, q("comment"), ref=cell_address(row, col), authorId=ours_id)
        run = etree.SubElement(etree.SubElement(comment, q("text")), q("r"))
        props = etree.SubElement(run, q("rPr"))
        etree.SubElement(props, q("sz"), val="10")
        etree.SubElement(props, q("rFont"), val="Tahoma")
        t = etree.SubElement(run, q("t"))
        t.text = xml_text(text)
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    if comments_part is None:
        comments_part = pkg.free_name("xl/comments{}.xml")
        pkg.add_relationship(sheet_part, REL_COMMENTS, comments_part)
        pkg.ensure_content_type(comments_part, CT_COMMENTS)
    pkg.write(comments_part, serialise(comments))

    if vml_part and pkg.has(vml_part):
        vml = pkg.read(vml_part).decode("utf-8", "replace")
    else:
        blocks = [int(m) for name in pkg.data if name.endswith(".vml")
                  for m in _IDMAP.findall(pkg.data[name].decode("utf-8", "replace"))]
        vml = _VML_HEAD.format(block=max(blocks, default=0) + 1) + "</xml>"
    vml = _SHAPE.sub(lambda m: "" if _shape_cell(m.group(0)) in removed else m.group(0), vml)
    if wanted and "_x0000_t202" not in vml:
        vml = vml.replace("</xml>", _SHAPETYPE_202 + "</xml>")
    block = _IDMAP.search(vml)
    start = int(block.group(1)) * 1024 if block else 1024
    used = [int(n) for n in re.findall(r"_x0000_s(\d+)", vml)]
    next_id = max(used + [start]) + 1
    shapes = []
    for row, col in sorted(wanted):
        shapes.append(_note_shape(next_id, row, col))
        next_id += 1
    vml = vml.replace("</xml>", "".join(shapes) + "</xml>")
    if vml_part is None:
        vml_part = pkg.free_name("xl/drawings/vmlDrawing{}.vml")
        rid = pkg.add_relationship(sheet_part, REL_VML, vml_part)
        pkg.ensure_content_type(vml_part, CT_VML, extension="vml")
        legacy = etree.Element(q("legacyDrawing"))
        legacy.set(R_ID, rid)
        for tag in _AFTER_LEGACY:
            found = sheet_root.find(q(tag))
            if found is None and tag == "controls":
                found = next((el for el in sheet_root if el.tag.endswith("AlternateContent")), None)
            if found is not None:
                found.addprevious(legacy)
                break
        else:
            sheet_root.append(legacy)
    pkg.write(vml_part, vml.encode("utf-8"))
    return set(wanted)


def inline_cell(row: int, col: int, text: str, style: int = 0):
    c = etree.Element(q("c"), r=cell_address(row, col), t="inlineStr")
    if style:
        c.set("s", str(style))
    t = etree.SubElement(etree.SubElement(c, q("is")), q("t"))
    t.text = xml_text(str(text))
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return c


def number_cell(row: int, col: int, value: Decimal, style: int = 0):
    c = etree.Element(q("c"), r=cell_address(row, col))
    if style:
        c.set("s", str(style))
    etree.SubElement(c, q("v")).text = format_decimal(value)
    return c


__all__ = ["SheetXml", "Styles", "write_notes", "inline_cell", "number_cell"]
