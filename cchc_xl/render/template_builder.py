"""Author the bundled report template (docx_templates/bao_cao_cchc_xa.docx).

Run once to (re)create it: `python -m cchc_xl.render.template_builder`. The
result is an ordinary .docx with docxtpl tags that a province can open and
restyle in Word; the program only fills it. Format: Nghị định 30/2020/NĐ-CP.
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
COLUMNS_MM = [15, 54, 15, 17, 62]


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


def _para(container, text="", size=13, bold=False, italic=False, align=WD_ALIGN_PARAGRAPH.CENTER, after=0):
    p = container.add_paragraph()
    p.alignment = align
    p.paragraph_format.space_after = Pt(after)
    p.paragraph_format.space_before = Pt(0)
    if text:
        _font(p.add_run(text), size, bold, italic)
    return p


def _short_rule(paragraph, indent_mm):
    """A short line under a heading: a bottom border on an indented empty paragraph."""
    fmt = paragraph.paragraph_format
    fmt.left_indent = Mm(indent_mm)
    fmt.right_indent = Mm(indent_mm)
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p_pr.append(borders)
    fmt.line_spacing = Pt(2)


def _no_borders(table):
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _row_props(row, header=False, cant_split=True):
    tr_pr = row._tr.get_or_add_trPr()
    if cant_split:
        tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


def _widths(table, widths_mm):
    """Fixed column widths: the grid (read by LibreOffice) and every cell (read by Word)."""
    table.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    for column, width in zip(table.columns, widths_mm):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm):
            cell.width = Mm(width)


def _cell_text(cell, text, bold=False, align=WD_ALIGN_PARAGRAPH.LEFT, size=12, italic=False):
    p = cell.paragraphs[0]
    p.alignment = align
    p.paragraph_format.space_after = Pt(0)
    _font(p.add_run(text), size, bold, italic)
    return p


def build_template(path) -> Path:
    doc = Document()
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
    title = _para(doc, "CHỈ SỐ ĐÁNH GIÁ, XÁC ĐỊNH CẢI CÁCH HÀNH CHÍNH CẤP XÃ {{ period|upper }}", 14, bold=True)
    title.paragraph_format.space_before = Pt(18)
    _para(doc, "CỦA UBND {{ unit|upper }}", 14, bold=True, after=12)

    # the criteria table
    headers = ["STT", "Lĩnh vực, tiêu chí", "Điểm tối đa", "Điểm tự đánh giá", "Nội dung giải trình"]
    table = doc.add_table(rows=7, cols=5)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers):
        _cell_text(cell, text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _row_props(table.rows[0], header=True)
    _cell_text(table.rows[1].cells[0], "{%tr for row in rows %}")
    _cell_text(table.rows[2].cells[0], "{%tr if row.bold %}")
    _cell_text(table.rows[4].cells[0], "{%tr else %}")
    _cell_text(table.rows[6].cells[0], "{%tr endif %}")
    for index, bold in ((3, True), (5, False)):
        cells = table.rows[index].cells
        _row_props(table.rows[index])
        _cell_text(cells[0], "{{ row.code }}", bold=bold, align=WD_ALIGN_PARAGRAPH.CENTER)
        _cell_text(cells[1], "{{ row.name }}", bold=bold)
        _cell_text(cells[2], "{{ row.max }}", bold=bold, align=WD_ALIGN_PARAGRAPH.CENTER)
        _cell_text(cells[3], "{{ row.self }}", bold=bold, align=WD_ALIGN_PARAGRAPH.CENTER)
        _cell_text(cells[4], "{{ row.explanation }}")
    end_loop = table.add_row()
    _cell_text(end_loop.cells[0], "{%tr endfor %}")
    total = table.add_row()
    _row_props(total)
    _cell_text(total.cells[1], "Tổng", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell_text(total.cells[2], "{{ totals.max }}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell_text(total.cells[3], "{{ totals.self }}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell_text(total.cells[4], "{% if totals.pending %}Chưa gồm {{ totals.pending }} điểm chờ kết quả điều tra "
               "xã hội học và SIPAS{% endif %}", italic=True)
    _widths(table, COLUMNS_MM)

    # signature block: recipients left, authority right
    _para(doc, "", 13)
    sign = doc.add_table(rows=1, cols=2)
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
    _para(right, "{%p if signature_image or seal_image %}", 13)
    _para(right, "{{ seal_image }}{{ signature_image }}", 13)
    _para(right, "{%p else %}", 13)
    for _ in range(4):  # room for the signature and the seal
        _para(right, "", 13)
    _para(right, "{%p endif %}", 13)
    _para(right, "{{ signer }}", 14, bold=True)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


if __name__ == "__main__":
    from ..resources import docx_templates_dir

    print(build_template(docx_templates_dir() / "bao_cao_cchc_xa.docx"))
