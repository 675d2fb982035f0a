"""Author the bundled report template (docx_templates/bao_cao_cchc_xa.docx).

Run once to (re)create it: `python -m cchc_xl.render.template_builder`. The
result is an ordinary .docx with docxtpl tags that a province can open and
restyle in Word; the program only fills it. Format: Nghị định 30/2020/NĐ-CP
(page numbers from page 2 centred at the top, signature block kept with the
table, Times New Roman). Every property element is put in the order Word's
schema requires: Word may call a file with them out of order "unreadable".
"""
from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

FONT = "Times New Roman"
TEXT_WIDTH_MM = 210 - 30 - 17
# widths chosen so every header fits on two lines at 12 pt ("Điểm tự / đánh giá")
COLUMNS_MM = [15, 56, 17, 20, 55]

# Child order of w:pPr and w:tblPr in the WordprocessingML schema (ECMA-376, CT_PPr / CT_TblPr).
_PPR_ORDER = ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
              "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
              "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
              "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
              "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
              "sectPr", "pPrChange"]
_TBLPR_ORDER = ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
                "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
                "tblCaption", "tblDescription", "tblPrChange"]


_TCPR_ORDER = ["cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
               "textDirection", "tcFitText", "vAlign", "hideMark"]


def _sort_tc_pr(tc_pr) -> None:
    rank = {qn(f"w:{name}"): i for i, name in enumerate(_TCPR_ORDER)}
    for child in sorted(tc_pr, key=lambda el: rank.get(el.tag, len(rank))):
        tc_pr.remove(child)
        tc_pr.append(child)


def _schema_order(root) -> None:
    """Sort the children of every pPr/tblPr into schema order; drop repeated ones (first wins)."""
    for tag, order in (("w:pPr", _PPR_ORDER), ("w:tblPr", _TBLPR_ORDER)):
        rank = {qn(f"w:{name}"): i for i, name in enumerate(order)}
        for props in root.iter(qn(tag)):
            seen, children = set(), []
            for child in list(props):
                if child.tag in seen:
                    props.remove(child)
                    continue
                seen.add(child.tag)
                children.append(child)
            children.sort(key=lambda el: rank.get(el.tag, len(order)))
            for child in children:
                props.remove(child)
                props.append(child)


def _font(run, size=None, bold=None, italic=None):
    run.font.name = FONT
    run._element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    run._element.rPr.rFonts.set(qn("w:cs"), FONT)
    if size:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold
    if italic is not None:
        run.italic = italic
    return run


def _para(container, text="", size=13, bold=False, italic=False, align=WD_ALIGN_PARAGRAPH.CENTER, after=0,
          keep_next=False):
    p = container.add_paragraph()
    p.alignment = align
    p.paragraph_format.space_after = Pt(after)
    p.paragraph_format.space_before = Pt(0)
    if keep_next:
        p.paragraph_format.keep_with_next = True
    if text:
        _font(p.add_run(text), size, bold, italic)
    return p


def _short_rule(paragraph, indent_mm):
    """A short line under a heading: a bottom border on an indented empty paragraph."""
    fmt = paragraph.paragraph_format
    fmt.left_indent = Mm(indent_mm)
    fmt.right_indent = Mm(indent_mm)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)
    fmt.line_spacing = Pt(2)


def _no_borders(table):
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    table._tbl.tblPr.append(borders)


def _row_props(row, header=False, cant_split=True):
    tr_pr = row._tr.get_or_add_trPr()
    if cant_split:
        tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


def _widths(table, widths_mm):
    """Fixed column widths: the grid (read by LibreOffice) and every cell (read by Word)."""
    table.autofit = False  # python-docx writes w:tblLayout type="fixed" itself
    for column, width in zip(table.columns, widths_mm):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm):
            cell.width = Mm(width)


def _cell_text(cell, text, bold=False, align=WD_ALIGN_PARAGRAPH.LEFT, size=12, italic=False, keep_next=False):
    p = cell.paragraphs[0]
    p.alignment = align
    p.paragraph_format.space_after = Pt(0)
    if keep_next:
        p.paragraph_format.keep_with_next = True
    _font(p.add_run(text), size, bold, italic)
    return p


def _bare_cell(cell):
    """A cell that only holds other tables: no margins, no side or bottom borders."""
    tc_pr = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    for side in ("left", "bottom", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    margins = OxmlElement("w:tcMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), "0")
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    # CT_TcPr order: … tcW, gridSpan, vMerge, tcBorders, shd, noWrap, tcMar …
    tc_pr.append(borders)
    tc_pr.append(margins)
    _sort_tc_pr(tc_pr)


def _page_field(paragraph, size=13):
    """A PAGE field (the number Word/LibreOffice put on each page)."""
    def run_with(child):
        run = paragraph.add_run()
        _font(run, size)
        run._r.append(child)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    run_with(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    _font(paragraph.add_run("2"), size)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def _draft_mark(header):
    _para(header, "{%p if draft %}", 11)
    _para(header, "DỰ THẢO", 14, bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(header, "{%p endif %}", 11)


def _headers(section):
    """ND 30: no number on page 1; from page 2 the number centred in the top margin."""
    section.different_first_page_header_footer = True
    section.header_distance = Mm(10)
    first = section.first_page_header
    first.is_linked_to_previous = False
    first.paragraphs[0].paragraph_format.space_after = Pt(0)
    _draft_mark(first)
    header = section.header
    header.is_linked_to_previous = False
    number = header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(number)
    _draft_mark(header)


def _criteria_loop(table, variable: str) -> None:
    """docxtpl rows that repeat for every criterion in ``variable``: part and area rows in bold,
    kept with the next row so a heading never ends a page (Word)."""
    def marker(text):
        _cell_text(table.add_row().cells[0], text)

    marker(f"{{%tr for row in {variable} %}}")
    marker("{%tr if row.bold %}")
    for bold in (True, False):
        row = table.add_row()
        _row_props(row)
        cells = row.cells
        _cell_text(cells[0], "{{ row.code }}", bold=bold, align=WD_ALIGN_PARAGRAPH.CENTER, keep_next=bold)
        _cell_text(cells[1], "{{ row.name }}", bold=bold, keep_next=bold)
        _cell_text(cells[2], "{{ row.max }}", bold=bold, align=WD_ALIGN_PARAGRAPH.CENTER, keep_next=bold)
        _cell_text(cells[3], "{{ row.self }}", bold=bold, align=WD_ALIGN_PARAGRAPH.CENTER, keep_next=bold)
        _cell_text(cells[4], "{{ row.explanation }}", keep_next=bold)
        if bold:
            marker("{%tr else %}")
    marker("{%tr endif %}")
    marker("{%tr endfor %}")


def build_template(path) -> Path:
    doc = Document()
    core = doc.core_properties
    core.author = core.last_modified_by = "cchc-xl"
    core.title = "Báo cáo chỉ số cải cách hành chính cấp xã (mẫu)"
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(17)  # inside ND 30 ranges after twip rounding
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(13)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.element.rPr.rFonts.set(qn("w:cs"), FONT)
    _headers(section)

    # header block: issuing body left, national motto right
    head = doc.add_table(rows=1, cols=2)
    _no_borders(head)
    _widths(head, [68, TEXT_WIDTH_MM - 68])
    left, right = head.rows[0].cells
    left.paragraphs[0].paragraph_format.space_after = Pt(0)
    _font(left.paragraphs[0].add_run("{%p if superior %}"), 13)
    left.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _para(left, "{{ superior|upper }}", 13)
    _para(left, "{%p endif %}", 13)
    _para(left, "ỦY BAN NHÂN DÂN", 13, bold=True)
    _para(left, "{{ unit|upper }}", 13, bold=True)
    _short_rule(_para(left, "", 6), 22)
    _para(left, "Số: {{ doc_number }}", 13, after=0).paragraph_format.space_before = Pt(6)
    _font(right.paragraphs[0].add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), 12, bold=True)
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    right.paragraphs[0].paragraph_format.space_after = Pt(0)
    _para(right, "Độc lập - Tự do - Hạnh phúc", 13, bold=True)
    _short_rule(_para(right, "", 6), 16)
    _para(right, "{{ place_date }}", 14, italic=True).paragraph_format.space_before = Pt(6)

    # title: wording and case are the template's to decide
    title = _para(doc, "CHỈ SỐ ĐÁNH GIÁ, XÁC ĐỊNH CẢI CÁCH HÀNH CHÍNH CẤP XÃ {{ period|upper }}", 14, bold=True,
                  keep_next=True)
    title.paragraph_format.space_before = Pt(18)
    _para(doc, "CỦA UBND {{ unit|upper }}", 14, bold=True, after=12, keep_next=True)

    # the criteria table; part/area rows and the last rows keep with the next row, so a heading never
    # ends a page and the signature block never starts one alone
    headers = ["STT", "Lĩnh vực, tiêu chí", "Điểm tối đa", "Điểm tự đánh giá", "Nội dung giải trình"]
    table = doc.add_table(rows=1, cols=5)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers):
        _cell_text(cell, text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _row_props(table.rows[0], header=True)
    _criteria_loop(table, "rows")
    _widths(table, COLUMNS_MM)

    # The last criterion, the total and the signature block share the table's last row, which
    # cannot split: Word honours keep-with-next between rows, LibreOffice does not, and this way
    # the signature block never starts a page alone in either. They sit in nested tables on the
    # same column grid.
    last = table.add_row()
    _row_props(last)
    holder = last.cells[0].merge(last.cells[4])
    holder.width = Mm(sum(COLUMNS_MM))
    _bare_cell(holder)
    total = holder.add_table(rows=0, cols=5)
    total.style = doc.styles["Table Grid"]
    _criteria_loop(total, "tail_rows")
    total.add_row()
    _row_props(total.rows[-1])
    total_cells = total.rows[-1].cells
    _cell_text(total_cells[1], "Tổng", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell_text(total_cells[2], "{{ totals.max }}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell_text(total_cells[3], "{{ totals.self }}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell_text(total_cells[4], "{{ totals.note }}", italic=True)
    _widths(total, COLUMNS_MM)
    # python-docx starts a cell with an empty paragraph: it goes, the table comes first
    holder._tc.remove(holder.paragraphs[0]._p)
    _para(holder, "", 13)  # the space between the table and the signature block

    # signature block: recipients left, authority right
    sign = holder.add_table(rows=1, cols=2)
    _no_borders(sign)
    _widths(sign, [78, TEXT_WIDTH_MM - 78])
    _row_props(sign.rows[0])
    left, right = sign.rows[0].cells
    p = left.paragraphs[0]
    p.paragraph_format.space_after = Pt(0)
    _font(p.add_run("Nơi nhận:"), 12, bold=True, italic=True)
    _para(left, "{%p for line in recipients %}", 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _para(left, "{{ line }}", 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _para(left, "{%p endfor %}", 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    p = right.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(0)
    _font(p.add_run("{{ authority|upper }}"), 13, bold=True)
    _para(right, "{{ signer_title|upper }}", 13, bold=True)
    # the signature (and the seal over its left third) as one picture, or room to sign by hand
    _para(right, "{%p if stamp_image %}", 13)
    _para(right, "{{ stamp_image }}", 13)
    _para(right, "{%p else %}", 13)
    for _ in range(5):
        _para(right, "", 13)
    _para(right, "{%p endif %}", 13)
    _para(right, "{{ signer }}", 14, bold=True)

    # a draft (--force) lists what is still wrong, so nobody signs it by mistake
    _para(doc, "{%p if draft %}", 13)
    _para(doc, "CÁC LỖI CHƯA SỬA (BẢN DỰ THẢO, KHÔNG TRÌNH KÝ)", 13, bold=True,
          align=WD_ALIGN_PARAGRAPH.LEFT).paragraph_format.space_before = Pt(12)
    _para(doc, "{%p for item in open_findings %}", 12, align=WD_ALIGN_PARAGRAPH.LEFT)
    _para(doc, "- {{ item }}", 12, align=WD_ALIGN_PARAGRAPH.LEFT)
    _para(doc, "{%p endfor %}", 12, align=WD_ALIGN_PARAGRAPH.LEFT)
    _para(doc, "{%p endif %}", 13)

    for part in (doc.element, section.header._element, section.first_page_header._element):
        _schema_order(part)
    # python-docx's default package carries a Word 2010 stylesWithEffects part that disagrees with
    # styles.xml; it is optional, and validators flag it, so it goes
    for rel_id, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            doc.part.drop_rel(rel_id)
    package_rels = doc.part.package.rels
    for rel_id, rel in list(package_rels.items()):
        if rel.reltype.endswith("/thumbnail"):  # python-docx's stock picture of another document
            del package_rels[rel_id]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


if __name__ == "__main__":
    from ..resources import docx_templates_dir

    print(build_template(docx_templates_dir() / "bao_cao_cchc_xa.docx"))
