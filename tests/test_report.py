"""The Word report: content, ND 30/2020 format, PDF through LibreOffice, refusal on errors."""
import datetime as dt
import io
import shutil
import subprocess
import sys

import openpyxl
import pytest
from docx import Document
from docx.shared import Mm

from cchc_xl.read import read_workbook
from cchc_xl.render.context import place_date_line
from cchc_xl.render.report import render_report_file
from cchc_xl.resources import default_report_template
from cchc_xl.text import fold

from helpers import EXAMPLE, MERGED_EXPLANATION, saved_by_libreoffice, merged_explanation, bomb_member, damaged_member, edited_example, huge_png, labelled_example, with_control_codes, find_row, report_rows, report_signature_cells, tiny_png

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "bao_cao.docx"
    render_report_file(EXAMPLE, out)
    return Document(out)


def _text(cell):
    return "\n".join(p.text for p in cell.paragraphs)


def test_every_criterion_row_in_order(report):
    assessment = read_workbook(EXAMPLE)
    rows = report_rows(report)
    assert len(rows) == len(assessment.criteria) + 1  # + total row
    for row, crit in zip(rows, assessment.criteria):
        cells = row.cells
        assert _text(cells[0]) == crit.code
        assert _text(cells[1]) == crit.name
        expected_self = "" if crit.computed_self() is None else str(crit.computed_self().normalize()).replace(".", ",")
        assert _text(cells[3]) == expected_self
        assert _text(cells[4]) == "\n".join([crit.explanation, *crit.notes]).strip("\n")
    by_code = {_text(r.cells[0]): r for r in rows}
    assert _text(by_code["3.5.3"].cells[2]) == "0,5" and _text(by_code["3.5.3"].cells[3]) == "0,3"
    total = rows[-1].cells
    assert [_text(c) for c in total[1:4]] == ["Tổng", "100", "73,2"]
    survey = [r for r in rows if "SIPAS" in _text(r.cells[1])][0]
    assert _text(survey.cells[3]) == ""  # pending, not 0
    # line breaks inside explanations are kept as Word line breaks
    first = by_code["1.1.1"].cells[4]._tc.xml
    assert "<w:br/>" in first


def test_lines_pasted_from_windows_are_one_break_each(tmp_path):
    """An explanation pasted with Windows line ends ("\r\n", or a lone "\r"): the report printed an
    empty line between every two of its lines."""
    def pasted(ws):
        ws.cell(find_row(ws, "I", "1.2"), 5).value = "Dòng một\r\nDòng hai\rDòng ba"
        ws.cell(find_row(ws, "I", "1.3"), 2).value = "Công tác\r\nkiểm tra CCHC"
    out = tmp_path / "r.docx"
    render_report_file(edited_example(tmp_path, "crlf.xlsx", pasted), out)
    by_code = {_text(r.cells[0]): r for r in report_rows(Document(out))}
    assert by_code["1.2"].cells[4]._tc.xml.count("<w:br/>") == 2
    assert _text(by_code["1.2"].cells[4]) == "Dòng một\nDòng hai\nDòng ba"
    assert _text(by_code["1.3"].cells[1]) == "Công tác\nkiểm tra CCHC"


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_numbers_typed_in_the_explanation_read_as_excel_shows_them(tmp_path, engine):
    """Excel keeps "100%" typed in a cell as the number 1 formatted 0%, "6/2023" as 1/6/2023 formatted
    mmm-yy. Read as values, the report printed "1", "0.985", "1500" and "01/06/2023" (a day the officer
    never wrote) where the officer's sheet shows "100%", "98,5%", "1.500" and "Jun-23"."""
    from cchc_xl.read.files import read_grid
    from cchc_xl.read.table import parse_workbook

    from helpers import EXCEL_KEEPS, typed_like_excel

    path = edited_example(tmp_path, "so.xlsx", typed_like_excel)
    read = parse_workbook(read_grid(str(path), engine=engine))
    by_key = {c.key: c for c in read.criteria}
    assert [by_key[f"I.{code}"].explanation for code, *_ in EXCEL_KEEPS] == [shown for *_, shown in EXCEL_KEEPS]
    out = tmp_path / "r.docx"
    render_report_file(path, out)
    by_code = {_text(r.cells[0]): r for r in report_rows(Document(out))}
    assert [_text(by_code[code].cells[4]) for code, *_ in EXCEL_KEEPS] == [shown for *_, shown in EXCEL_KEEPS]


@pytest.mark.parametrize("typed", [86, "86", "Số 86", "86/BC-UBND"])
def test_a_number_typed_alone_gets_the_reports_symbol(tmp_path, typed):
    """ND 30 writes a document's number with its symbol, "Số: 86/BC-UBND"; "Số văn bản: 86" typed alone
    (or kept by Excel as a number) printed "Số: 86", where a blank one prints "Số:      /BC-UBND"."""
    out = tmp_path / "r.docx"
    render_report_file(labelled_example(tmp_path, "so.xlsx", **{"Số văn bản:": typed}), out)
    left = Document(out).tables[0].rows[0].cells[0]
    assert [p.text for p in left.paragraphs if p.text][-1] == "Số: 86/BC-UBND"


def test_an_explanation_merged_over_items_is_one_merged_cell_of_the_report(tmp_path):
    """The sheet's one explanation for 3.2.1–3.2.3 (merged down over them) is printed once, in the
    report's cells of those rows merged, not three times in full."""
    path = edited_example(tmp_path, "merged.xlsx", merged_explanation)
    out = tmp_path / "bao_cao.docx"
    render_report_file(path, out, force=True)
    doc = Document(out)
    by_code = {_text(r.cells[0]): r for r in report_rows(doc)}
    cells = [by_code[code]._tr.tc_lst[4] for code in ("3.2", "3.2.1", "3.2.2", "3.2.3", "3.3")]
    merges = [tc.xpath("./w:tcPr/w:vMerge/@w:val") or tc.xpath("./w:tcPr/w:vMerge") for tc in cells]
    assert [bool(m) for m in merges] == [False, True, True, True, False]
    assert cells[1].xpath("./w:tcPr/w:vMerge/@w:val") == ["restart"]
    assert [tc.xpath("./w:tcPr/w:vMerge/@w:val") for tc in cells[2:4]] == [[], []]  # (continue)
    texts = ["".join(tc.xpath(".//w:t/text()")) for tc in cells]
    assert texts[1] == MERGED_EXPLANATION and texts[2:4] == ["", ""]
    assert doc.element.body.xml.count("5/8 = 70%") == 1
    # the rest of the table as before: the next rows keep their own explanations
    assert _text(by_code["3.3.1"].cells[4]).startswith("Từ ngày 01/01/2023")


def test_bold_parts_and_areas(report):
    by_code = {_text(r.cells[0]): r for r in report_rows(report)}
    assert all(run.bold for run in by_code["I"].cells[1].paragraphs[0].runs)
    assert all(run.bold for run in by_code["3"].cells[1].paragraphs[0].runs)
    assert not any(run.bold for run in by_code["3.5.3"].cells[1].paragraphs[0].runs)


def test_header_and_signature_texts(report):
    left, right = report.tables[0].rows[0].cells
    assert "ỦY BAN NHÂN DÂN" in _text(left) and "XÃ NGỌC KỲ" in _text(left)
    assert "Số: 86/BC-UBND" in _text(left)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in _text(right)
    assert "Độc lập - Tự do - Hạnh phúc" in _text(right)
    date_para = [p for p in right.paragraphs if "ngày" in p.text][0]
    assert date_para.text == "Ngọc Kỳ, ngày 26 tháng 6 năm 2023"
    assert all(run.italic for run in date_para.runs)
    body = "\n".join(p.text for p in report.paragraphs)
    # (no-break spaces keep "6 THÁNG" and "NĂM 2023" on one line when the title wraps)
    assert "CHỈ SỐ ĐÁNH GIÁ, XÁC ĐỊNH CẢI CÁCH HÀNH CHÍNH CẤP XÃ 6\u00a0THÁNG ĐẦU NĂM\u00a02023" in body
    assert "CỦA UBND XÃ NGỌC KỲ" in body
    recipients, signature = report_signature_cells(report)
    assert recipients.paragraphs[0].text == "Nơi nhận:"
    assert recipients.paragraphs[0].runs[0].bold and recipients.paragraphs[0].runs[0].italic
    assert recipients.paragraphs[-1].text == "- Lưu: VT."
    lines = [p.text for p in signature.paragraphs if p.text]
    assert lines[:2] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"] and lines[-1] == "Nguyễn Xuân Thoang"
    assert signature.paragraphs[-1].runs[0].bold


def test_page_and_fonts(report):
    section = report.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
    assert Mm(20) <= section.top_margin <= Mm(25) and Mm(20) <= section.bottom_margin <= Mm(25)
    assert Mm(30) <= section.left_margin <= Mm(35) and Mm(15) <= section.right_margin <= Mm(20)
    assert report.styles["Normal"].font.name == "Times New Roman"
    fonts = {run.font.name for table in report.tables for row in table.rows for cell in row.cells
             for p in cell.paragraphs for run in p.runs}
    fonts |= {run.font.name for p in report.paragraphs for run in p.runs}
    assert fonts <= {"Times New Roman", None}
    header_row = report.tables[1].rows[0]._tr.xml
    assert "<w:tblHeader/>" in header_row
    assert "<w:cantSplit/>" in report.tables[1].rows[5]._tr.xml


def test_date_line_leading_zeros():
    assert place_date_line("Ngọc Kỳ", dt.date(2023, 6, 26)) == "Ngọc Kỳ, ngày 26 tháng 6 năm 2023"
    assert place_date_line("Ngọc Kỳ", dt.date(2024, 2, 5)) == "Ngọc Kỳ, ngày 05 tháng 02 năm 2024"
    assert place_date_line("Ngọc Kỳ", dt.date(2024, 3, 15)) == "Ngọc Kỳ, ngày 15 tháng 3 năm 2024"


def test_february_report_and_point_decimal(tmp_path):
    def edit(ws):
        for row in range(1, 17):
            if ws.cell(row, 2).value == "Ngày báo cáo:":
                ws.cell(row, 3).value = dt.datetime(2024, 2, 5)
    path = edited_example(tmp_path, "feb.xlsx", edit)
    out = tmp_path / "feb.docx"
    render_report_file(path, out, decimal="point")
    doc = Document(out)
    right = doc.tables[0].rows[0].cells[1]
    assert "Ngọc Kỳ, ngày 05 tháng 02 năm 2024" in _text(right)
    total = report_rows(doc)[-1].cells
    assert _text(total[3]) == "73.2"


def test_over_max_is_refused_without_force(tmp_path):
    def edit(ws):
        ws.cell(find_row(ws, "I", "1.2"), 4).value = 5
    path = edited_example(tmp_path, "over.xlsx", edit)
    out = tmp_path / "r.docx"
    proc = subprocess.run([sys.executable, "-m", "cchc_xl", "report", str(path), "-o", str(out)],
                          capture_output=True, text=True, encoding="utf-8")
    assert proc.returncode == 1 and "over-max" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists()
    forced = subprocess.run([sys.executable, "-m", "cchc_xl", "report", str(path), "-o", str(out), "--force"],
                            capture_output=True, text=True, encoding="utf-8")
    assert forced.returncode == 0 and "--force" in forced.stdout and out.exists()


def test_custom_template_and_images(tmp_path):
    custom = tmp_path / "mau_tinh.docx"
    doc = Document(default_report_template())
    title = [p for p in doc.paragraphs if p.text.startswith("CHỈ SỐ ĐÁNH GIÁ")][0]
    title.runs[0].text = "BÁO CÁO TỰ ĐÁNH GIÁ CCHC {{ period|upper }} (MẪU CỦA TỈNH {{ province|upper }})"
    doc.save(custom)
    sig, seal = tmp_path / "chu_ky.png", tmp_path / "dau.png"
    sig.write_bytes(tiny_png())
    seal.write_bytes(tiny_png(30, 30))
    out = tmp_path / "custom.docx"
    render_report_file(EXAMPLE, out, template=custom, signature_image=sig, seal_image=seal)
    result = Document(out)
    body = "\n".join(p.text for p in result.paragraphs)
    assert "BÁO CÁO TỰ ĐÁNH GIÁ CCHC 6\u00a0THÁNG ĐẦU NĂM\u00a02023 (MẪU CỦA TỈNH HẢI DƯƠNG)" in body
    # one picture: the seal composed over the left third of the signature (ND 30)
    assert len(result.inline_shapes) == 1
    from cchc_xl.render.stamp import SEAL_WIDTH_MM, SIGNATURE_WIDTH_MM
    expected = SEAL_WIDTH_MM - SIGNATURE_WIDTH_MM / 3 + SIGNATURE_WIDTH_MM
    assert abs(result.inline_shapes[0].width - Mm(expected)) < Mm(0.5)


def test_default_output_never_overwrites(tmp_path):
    from cchc_xl.render.report import default_output

    wb = tmp_path / "xa.xlsx"
    shutil.copyfile(EXAMPLE, wb)
    first = render_report_file(wb).docx
    second = render_report_file(wb).docx
    assert first != second and first.endswith("xa_bao_cao.docx") and second.endswith("xa_bao_cao (2).docx")
    assert default_output(wb).name == "xa_bao_cao (3).docx"


def _pdf_pages(pdf) -> list[str]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages")))
    return [subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True,
                           text=True).stdout for n in range(1, pages + 1)]


@needs_soffice
def test_pdf_pages(tmp_path):
    out = tmp_path / "bc.docx"
    outcome = render_report_file(EXAMPLE, out, pdf=True)
    texts = _pdf_pages(outcome.pdf)
    assert len(texts) >= 3
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts[0] and "Số: 86/BC-UBND" in texts[0]
    first_lines = [" ".join(line.split()) for line in texts[0].splitlines() if line.strip()]
    assert not first_lines[0].isdigit()  # ND 30: no number on page 1
    # the title wraps before its period, never inside it: "… CẤP XÃ 6" over "THÁNG ĐẦU NĂM 2023" before
    title = next(i for i, line in enumerate(first_lines) if line.startswith("CHỈ SỐ ĐÁNH GIÁ"))
    assert first_lines[title:title + 3] == ["CHỈ SỐ ĐÁNH GIÁ, XÁC ĐỊNH CẢI CÁCH HÀNH CHÍNH CẤP XÃ",
                                            "6 THÁNG ĐẦU NĂM 2023", "CỦA UBND XÃ NGỌC KỲ"]
    lines = texts[1].splitlines()
    header = next(i for i, line in enumerate(lines) if "Lĩnh vực, tiêu chí" in line)
    assert "Điểm tự" in lines[header] and "đánh giá" in lines[header + 1]  # the header fits on two lines
    assert "STT" in lines[header] and not lines[header + 2].strip().startswith("giá")
    for number, later in enumerate(texts[1:], start=2):
        assert "Lĩnh vực, tiêu chí" in later  # header row repeated
        lines = [line.strip() for line in later.splitlines() if line.strip()]
        assert lines[0] == str(number)  # page number centred at the top from page 2
        assert "DỰ THẢO" not in later
    last = texts[-1]
    assert last.index("Tổng") < last.index("CHỦ TỊCH") < last.index("Nguyễn Xuân Thoang")


@needs_soffice
@pytest.mark.parametrize("extra_lines", [0, 12, 24])
def test_signature_block_never_alone_on_last_page(tmp_path, extra_lines):
    """Longer explanations move the page breaks; the last page always has a criterion row, the
    total and the whole signature block (Liberation Serif has Times New Roman's metrics)."""
    from cchc_xl.render.report import render_assessment_report

    assessment = read_workbook(EXAMPLE)
    crit = next(c for c in assessment.criteria if c.part == "II" and c.code == "1")
    crit.explanation = "\n".join(f"Dòng giải trình {i}" for i in range(extra_lines))
    outcome = render_assessment_report(assessment, tmp_path / "bc.docx", pdf=True)
    last = _pdf_pages(outcome.pdf)[-1]
    assert "SIPAS" in last  # the last criterion row (II.3) is on it
    assert last.index("Tổng") < last.index("Nơi nhận") and last.index("CHỦ TỊCH") < last.index("Nguyễn Xuân Thoang")


@needs_soffice
@pytest.mark.parametrize("sentences", [4, 20, 60])
def test_a_long_last_explanation_never_cuts_the_signature_block_off(tmp_path, sentences):
    """The last criterion shares an unsplittable row with the total and the signature block. With a
    long explanation (20 sentences, 1,900 letters, pasted into II.3) that row was taller than a page:
    LibreOffice cut it at the page's foot, and the PDF to sign lost the signer's name ("CHỦ TỊCH" and
    nothing under it; `sign` then found no block). A last criterion too tall for that row is printed
    with the others; a short one still stays with the block."""
    from cchc_xl.render.report import render_assessment_report

    assessment = read_workbook(EXAMPLE)
    crit = next(c for c in assessment.criteria if c.part == "II" and c.code == "3")
    crit.explanation = " ".join(f"Đoạn {i}: UBND xã đã ban hành kế hoạch và tổ chức thực hiện đầy đủ." for i in
                                range(1, sentences + 1)) + " Hết."
    outcome = render_assessment_report(assessment, tmp_path / "bc.docx", pdf=True)
    pages = _pdf_pages(outcome.pdf)
    everything = " ".join(" ".join(pages).split())
    assert everything.count("Đoạn") == sentences and "đầy đủ. Hết." in everything  # not a word lost
    last = pages[-1]
    assert last.index("Tổng") < last.index("CHỦ TỊCH") < last.index("Nguyễn Xuân Thoang")
    if sentences == 4:  # short: still with the total and the signature block
        assert "Đoạn 4" in last and "SIPAS" in last


@needs_soffice
def test_forced_draft_is_marked_on_every_page(tmp_path):
    def edit(ws):
        ws.cell(find_row(ws, "I", "1.2"), 4).value = 5
    path = edited_example(tmp_path, "over.xlsx", edit)
    outcome = render_report_file(path, tmp_path / "nhap.docx", pdf=True, force=True)
    texts = _pdf_pages(outcome.pdf)
    assert all("DỰ THẢO" in page for page in texts)
    assert "CÁC LỖI CHƯA SỬA" in "".join(texts[-2:]) and "over-max" in texts[-1]


def test_report_is_valid_open_xml(tmp_path):
    from openxml_audit import OpenXmlValidator

    out = tmp_path / "bc.docx"
    render_report_file(EXAMPLE, out, signature_image=_png(tmp_path, "k.png"), seal_image=_png(tmp_path, "d.png"))
    for path in (default_report_template(), out):
        result = OpenXmlValidator(max_errors=0).validate(str(path))
        errors = [(e.part_uri, e.path, e.description) for e in result.errors]
        assert errors == [], path


def _png(tmp_path, name, size=(40, 20)):
    path = tmp_path / name
    path.write_bytes(tiny_png(*size))
    return path


@pytest.mark.parametrize("which", ["signature", "seal"])
def test_one_image_alone_leaves_no_artefact(tmp_path, which):
    image = _png(tmp_path, "anh.png")
    out = tmp_path / "bc.docx"
    render_report_file(EXAMPLE, out, **{f"{which}_image": image})
    doc = Document(out)
    _, signature = report_signature_cells(doc)
    texts = [p.text for p in signature.paragraphs]
    assert "None" not in "".join(texts) and len(doc.inline_shapes) == 1
    assert texts[-1] == "Nguyễn Xuân Thoang"


def test_seal_overlaps_left_third_of_signature(tmp_path):
    from PIL import Image, ImageDraw

    from cchc_xl.render.stamp import SEAL_WIDTH_MM, SIGNATURE_WIDTH_MM, compose_stamp

    blue = Image.new("RGBA", (400, 150), (0, 0, 255, 255))
    red = Image.new("RGBA", (350, 350), (0, 0, 0, 0))  # a seal is a red ring: the signature shows through
    ImageDraw.Draw(red).ellipse((0, 0, 349, 349), outline=(255, 0, 0, 255), width=12)
    blue.save(tmp_path / "k.png")
    red.save(tmp_path / "d.png")
    png, width_mm = compose_stamp(tmp_path / "k.png", tmp_path / "d.png")
    picture = Image.open(io.BytesIO(png)).convert("RGBA")
    px = picture.width / width_mm
    mid = picture.height // 2
    sig_left = next(x for x in range(picture.width) if picture.getpixel((x, mid))[2] == 255 and picture.getpixel((x, mid))[0] == 0)
    seal_right = max(x for x in range(picture.width) if picture.getpixel((x, mid))[0] == 255)
    covered = (seal_right - sig_left) / (SIGNATURE_WIDTH_MM * px)
    assert 0.3 <= covered <= 0.36  # about the left third of the signature lies under the seal
    assert abs(picture.width / px - max(SEAL_WIDTH_MM, SEAL_WIDTH_MM - SIGNATURE_WIDTH_MM / 3 + SIGNATURE_WIDTH_MM)) < 0.5


def test_default_recipients_and_properties(tmp_path):
    def edit(ws):
        for row in range(1, 20):
            if ws.cell(row, 2).value == "Nơi nhận:":
                ws.cell(row, 3).value = None
            if ws.cell(row, 2).value == "Cấp trên:":
                ws.cell(row, 3).value = "Huyện Tứ Kỳ"
    path = edited_example(tmp_path, "no_recipients.xlsx", edit)
    out = tmp_path / "bc.docx"
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) - dt.timedelta(seconds=2)
    render_report_file(path, out)
    doc = Document(out)
    recipients, _ = report_signature_cells(doc)
    lines = [p.text for p in recipients.paragraphs if p.text]
    assert lines == ["Nơi nhận:", "- UBND Huyện Tứ Kỳ;", "- Lưu: VT."]
    assert "Như trên" not in " ".join(lines)
    core = doc.core_properties
    assert core.author == "Xã Ngọc Kỳ" and "6 tháng đầu năm 2023" in core.title
    assert core.created >= before and core.identifier == "cchc-xl:bao-cao"


def test_a_workbook_name_that_is_not_utf8_still_gets_its_report(tmp_path):
    # a Windows zip unpacked on Linux: the name reaches Python with lone surrogates, which the
    # report's properties (XML) cannot hold; the report said its template was unusable
    import os

    odd = os.fsdecode(os.fsencode(str(tmp_path)) + b"/x\xe3_c.xlsx")
    shutil.copyfile(EXAMPLE, odd)
    out = tmp_path / "bc.docx"
    render_report_file(odd, out)
    assert Document(out).core_properties.comments == "Lập bằng cchc-xl từ x\ufffd_c.xlsx"


def test_pdf_without_libreoffice_says_so(tmp_path, monkeypatch):
    import cchc_xl.render.report as report_module

    monkeypatch.setattr(report_module, "find_soffice", lambda: None)
    from cchc_xl.errors import CchcError

    with pytest.raises(CchcError, match="LibreOffice"):
        render_report_file(EXAMPLE, tmp_path / "x.docx", pdf=True)
    assert (tmp_path / "x.docx").exists()  # the Word file is still made


def test_bad_image_and_bad_template_are_clear_errors(tmp_path):
    bad_png = tmp_path / "chu_ky.png"
    bad_png.write_text("không phải ảnh", encoding="utf-8")
    out = tmp_path / "r.docx"
    proc = subprocess.run([sys.executable, "-m", "cchc_xl", "report", str(EXAMPLE), "-o", str(out),
                           "--signature-image", str(bad_png)], capture_output=True, text=True, encoding="utf-8")
    assert proc.returncode == 2 and "ảnh chữ ký" in proc.stderr and not out.exists()
    bad_template = tmp_path / "mau.docx"
    bad_template.write_bytes(b"PK\x03\x04 hong")
    proc = subprocess.run([sys.executable, "-m", "cchc_xl", "report", str(EXAMPLE), "-o", str(out),
                           "--template", str(bad_template)], capture_output=True, text=True, encoding="utf-8")
    assert proc.returncode == 2 and "mau.docx" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists() and not any(p.name.startswith(".~cchc-xl-") for p in tmp_path.iterdir())


def test_damaged_or_bomb_template_is_one_line_and_not_inflated(tmp_path):
    """A custom template is read whole by python-docx: a zip bomb is refused from the zip directory
    first (it once went on to inflate it), a damaged part is said plainly."""
    out = tmp_path / "r.docx"
    bomb = bomb_member(default_report_template(), tmp_path / "bom.docx", "word/document.xml", 300)
    damaged = damaged_member(default_report_template(), tmp_path / "hong.docx", "word/document.xml", "deflate")
    for template, reason in ((bomb, "bung ra 300 MB (nghi là “zip bomb”)"), (damaged, "bị hỏng hoặc chưa tải về hết")):
        proc = subprocess.run([sys.executable, "-m", "cchc_xl", "report", str(EXAMPLE), "-o", str(out),
                               "--template", str(template)], capture_output=True, text=True, encoding="utf-8")
        lines = [line for line in proc.stderr.splitlines() if line.strip()]
        assert proc.returncode == 2 and len(lines) == 1, proc.stderr
        assert f"mẫu báo cáo {template.name}" in lines[0] and reason in lines[0]
    assert not out.exists()


@pytest.mark.parametrize("tag", ["{{{{ cycler.__init__.__globals__.os.popen('touch {mark}').read() }}}}",
                                 "{{% for c in ''.__class__.__mro__[1].__subclasses__() %}}{{% if c.__name__ == 'Popen' %}}"
                                 "{{{{ c(['touch', '{mark}']) }}}}{{% endif %}}{{% endfor %}}"])
def test_a_hostile_report_template_runs_nothing(tmp_path, tag):
    """A report template is a .docx provinces send round, and its docxtpl tags are Jinja: rendered as
    they were, a tag could reach Python and run a program in the officer's name. It is refused in
    one line now, nothing written, and the program never runs; the province's usual tags still work."""
    from docx import Document

    mark = tmp_path / "da_chay"
    template = tmp_path / "mau_tinh.docx"
    document = Document()
    document.add_paragraph("Báo cáo của {{ unit }}")
    document.add_paragraph(tag.format(mark=mark))
    document.save(template)
    out = tmp_path / "r.docx"
    proc = subprocess.run([sys.executable, "-m", "cchc_xl", "report", str(EXAMPLE), "-o", str(out),
                           "--template", str(template)], capture_output=True, text=True, encoding="utf-8")
    assert not mark.exists()
    assert proc.returncode == 2 and proc.stderr.strip().splitlines() == [
        "Lỗi: mẫu báo cáo mau_tinh.docx có thẻ đòi truy cập vào bên trong chương trình, không phải số liệu của báo cáo "
        "(nghi là mẫu độc hại): đã từ chối, chưa ghi gì"]
    assert not out.exists()
    document.paragraphs[1].text = "{% for r in rows %}{{ r.code }} {% endfor %}"
    document.save(template)
    proc = subprocess.run([sys.executable, "-m", "cchc_xl", "report", str(EXAMPLE), "-o", str(out),
                           "--template", str(template)], capture_output=True, text=True, encoding="utf-8")
    assert proc.returncode == 0, proc.stderr
    texts = [p.text for p in Document(out).paragraphs]
    assert texts[0] == "Báo cáo của Xã Ngọc Kỳ" and texts[1].startswith("I 1 1.1 1.1.1 1.1.2 1.1.3 1.2 ")


def _rows_template(path, first_line: str):
    """A province's own report template, made in Word: a first line, then "code | name | self" for each row."""
    from docx import Document

    document = Document()
    document.add_paragraph(first_line)
    document.add_paragraph("{%p for row in rows %}")
    document.add_paragraph("{{ row.code }} | {{ row.name }} | {{ row.self }}")
    document.add_paragraph("{%p endfor %}")
    document.save(path)
    return path


def test_a_template_of_the_provinces_own_that_loops_over_rows_only_gets_every_criterion(tmp_path):
    """The default template prints the last criterion in the row it keeps with the signature block
    ("tail_rows"). A province's own template looping over "rows" alone left the last criterion (II.3,
    SIPAS) out of its report without a word; with no "tail_rows" in it, "rows" holds them all."""
    from docx import Document

    template = _rows_template(tmp_path / "mau_tinh.docx", "Báo cáo của {{ unit }}")
    out = tmp_path / "r.docx"
    render_report_file(EXAMPLE, out, template=template)
    lines = [p.text for p in Document(out).paragraphs if " | " in p.text]
    expected = [c for c in read_workbook(EXAMPLE).criteria if c.code_ok]
    assert len(lines) == len(expected) and lines[-1].startswith("3 | Kết quả chỉ số hài lòng")
    # the default template still keeps the last one with the signature block, printed once
    render_report_file(EXAMPLE, tmp_path / "mac_dinh.docx")
    assert [_text(r.cells[0]) for r in report_rows(Document(tmp_path / "mac_dinh.docx"))].count("3") == 2  # I.3, II.3


def test_a_forced_draft_from_a_template_that_says_nothing_of_drafts_is_still_marked(tmp_path):
    """`report --force` marks a draft "DỰ THẢO" on every page and lists the open errors: the default
    template prints them. A province's own template without "draft" in it went out looking final."""
    from docx import Document

    template = tmp_path / "mau_tinh.docx"
    document = Document()
    document.sections[0].header.paragraphs[0].text = "UBND XÃ {{ unit|upper }}"
    document.add_paragraph("Báo cáo của {{ unit }}")
    document.save(template)

    def edit(ws):
        ws.cell(find_row(ws, "I", "1.2"), 4).value = 5  # over its 2 points
    source = edited_example(tmp_path, "loi.xlsx", edit)
    out = tmp_path / "r.docx"
    render_report_file(source, out, template=template, force=True)
    result = Document(out)
    header = [p.text for p in result.sections[0].header.paragraphs]
    assert header == ["DỰ THẢO", "UBND XÃ XÃ NGỌC KỲ"]
    body = [p.text for p in result.paragraphs]
    assert body[-2] == "CÁC LỖI CHƯA SỬA (BẢN DỰ THẢO, KHÔNG TRÌNH KÝ)" and body[-1].startswith("- Ô D24 (over-max)")
    # not forced, not marked
    render_report_file(EXAMPLE, out, template=template, overwrite=True)
    assert "DỰ THẢO" not in "".join(p.text for p in Document(out).sections[0].header.paragraphs)
    # a template with no header at all gets one
    bare = tmp_path / "mau_tron.docx"
    document = Document()
    document.add_paragraph("Báo cáo của {{ unit }}")
    document.save(bare)
    render_report_file(source, out, template=bare, force=True, overwrite=True)
    assert [p.text for p in Document(out).sections[0].header.paragraphs][0] == "DỰ THẢO"


def test_a_signature_picture_a_template_has_no_place_for_is_said(tmp_path):
    """--signature-image with a province's template that has no {{ stamp_image }}: the picture was
    dropped without a word, and the officer printed a report he thought signed."""
    from docx import Document

    template = tmp_path / "mau_tinh.docx"
    document = Document()
    document.add_paragraph("Báo cáo của {{ unit }}")
    document.save(template)
    sig = tmp_path / "chu_ky.png"
    sig.write_bytes(tiny_png())
    outcome = render_report_file(EXAMPLE, tmp_path / "r.docx", template=template, signature_image=sig)
    assert ("Chú ý: mẫu mau_tinh.docx không có chỗ cho ảnh chữ ký/con dấu (thẻ {{ stamp_image }} "
            "trong khối chữ ký): ảnh chưa được đặt vào báo cáo.") in outcome.lines
    placed = render_report_file(EXAMPLE, tmp_path / "r2.docx", signature_image=sig)  # the default template has it
    assert not any("ảnh chưa được đặt" in line for line in placed.lines)


def test_the_provinces_template_named_in_the_settings_is_used_by_the_button_and_the_command(tmp_path, monkeypatch):
    """A province sends its own report template; the Excel button had no --template, so officers
    clicking it got the default one. "report_template" in cai_dat.json is used by the button, `report`
    and `bulk --reports`; --template still wins; a path that is no file is one line, nothing written."""
    import json

    import cchc_xl.excel
    from docx import Document

    from helpers import remote_book

    template = _rows_template(tmp_path / "mau_tinh.docx", "MẪU CỦA TỈNH: báo cáo của {{ unit }}")
    home = tmp_path / "home"
    home.mkdir()
    (home / "cai_dat.json").write_text(json.dumps({"report_template": str(template)}), encoding="utf-8")
    monkeypatch.setenv("CCHC_XL_HOME", str(home))

    def first_line(path):
        return next(p.text for p in Document(path).paragraphs if p.text)

    out = tmp_path / "r.docx"
    render_report_file(EXAMPLE, out)
    assert first_line(out) == "MẪU CỦA TỈNH: báo cáo của Xã Ngọc Kỳ"
    render_report_file(EXAMPLE, out, template=default_report_template(), overwrite=True)  # the option wins
    assert first_line(out) != "MẪU CỦA TỈNH: báo cáo của Xã Ngọc Kỳ"
    monkeypatch.chdir(tmp_path)
    workbook = tmp_path / "xa.xlsx"
    shutil.copyfile(EXAMPLE, workbook)
    monkeypatch.setattr(cchc_xl.excel, "_tell", lambda _book, text: None)
    outcome = cchc_xl.excel.report(remote_book(workbook), open_after=False, pdf=False)
    assert first_line(outcome.docx) == "MẪU CỦA TỈNH: báo cáo của Xã Ngọc Kỳ"

    (home / "cai_dat.json").write_text(json.dumps({"report_template": str(tmp_path / "khong_co.docx")}), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "cchc_xl", "report", str(EXAMPLE), "-o", str(tmp_path / "moi.docx")],
                          capture_output=True, text=True, encoding="utf-8")
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1
    assert "khong_co.docx" in proc.stderr and "report_template" in proc.stderr and "cai_dat.json" in proc.stderr
    assert not (tmp_path / "moi.docx").exists()


def test_a_template_tag_naming_what_the_report_lacks_is_said_not_left_blank(tmp_path):
    """A province's template with a typo, "{{ unti }}" for "{{ unit }}": Jinja left it blank in the
    report the chairman signs, without a word. It is now one line naming the tag and what the report
    data has, and nothing is written."""
    from docx import Document

    template = tmp_path / "mau_tinh.docx"
    document = Document()
    document.add_paragraph("Báo cáo của {{ unti }}, kỳ {{ period }}")
    document.save(template)
    out = tmp_path / "r.docx"
    proc = subprocess.run([sys.executable, "-m", "cchc_xl", "report", str(EXAMPLE), "-o", str(out),
                           "--template", str(template)], capture_output=True, text=True, encoding="utf-8")
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2 and len(lines) == 1 and not out.exists()
    assert lines[0].startswith("Lỗi: mẫu báo cáo mau_tinh.docx có thẻ dùng tên không có trong số liệu báo cáo "
                               "('unti' is undefined); các tên dùng được: authority, date (day, month, year), ")
    assert "rows[] (code, name, max, self, explanation, level, bold)" in lines[0] and lines[0].endswith(", unit")


@needs_soffice
def test_a_report_named_like_an_option_still_becomes_a_pdf(tmp_path):
    """A report "-bc.docx" in the current folder reached LibreOffice as "-bc.docx", which it took for
    an option: "không chuyển được sang PDF (mã thoát 1)". Paths are passed whole now."""
    proc = subprocess.run([sys.executable, "-m", "cchc_xl", "report", str(EXAMPLE), "-o=-bc.docx", "--pdf"],
                          capture_output=True, text=True, encoding="utf-8", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "-bc.pdf").read_bytes().startswith(b"%PDF")


def test_control_codes_in_cells_are_left_out_of_the_report(tmp_path):
    """An ESC in an explanation or the unit's name (_x001B_ in the sheet XML) made python-docx
    refuse the text, and the report failed as "mẫu báo cáo … không dùng được (ValueError…)"."""
    def edit(ws):
        ws.cell(find_row(ws, "I", "1.4.2"), 5).value = "Giải trình MARK hết"
        ws["C4"].value = "Ngọc MARK Kỳ"

    path = with_control_codes(edited_example(tmp_path, "xa.xlsx", edit), tmp_path / "dieu_khien.xlsx")
    out = render_report_file(path, tmp_path / "bc.docx").docx
    doc = Document(out)
    texts = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    assert any("Giải trình ]0;PWNED" in t and "hết" in t for t in texts)  # (the carriage return is a line break)
    assert doc.core_properties.author.startswith("Xã Ngọc ]0;PWNED")
    assert not any(ch in t for t in texts for ch in "\x1b\x07")


@pytest.mark.parametrize("size,said", [((30_000, 30_000), "quá lớn (nghi là ảnh độc hại)"),
                                       ((10_000, 10_000), "quá lớn (10000 × 10000 điểm ảnh)")])
def test_a_huge_signature_picture_is_one_line(tmp_path, size, said):
    """A PNG of a few hundred bytes claiming 30,000 × 30,000 pixels was "Lỗi không mong đợi
    (DecompressionBombError)"; one of 10,000 × 10,000 printed Pillow's warning, then was decoded
    (400 MB). Both are refused from the header, in one line; the PDF signature reads the same way."""
    picture = huge_png(tmp_path / "chu_ky.png", *size)
    out = tmp_path / "r.docx"
    proc = subprocess.run([sys.executable, "-m", "cchc_xl", "report", str(EXAMPLE), "-o", str(out),
                           "--signature-image", str(picture)], capture_output=True, text=True, encoding="utf-8")
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2 and len(lines) == 1, proc.stderr
    assert f"ảnh chữ ký chu_ky.png {said}" in lines[0] and not out.exists()


def _bare_table(path):
    """A table and nothing else: no unit, period, number, date or signer above or below it."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["STT", "Lĩnh vực, tiêu chí", "Điểm tối đa", "Điểm tự đánh giá", "Nội dung giải trình"])
    for row in (["I", "PHẦN MỘT", 3, 3], ["1", "Một", 1, 1, "có"], ["2", "Hai", 2, 2, "có"], [None, "Tổng", 3, 3]):
        ws.append(row)
    wb.save(path)
    return path


def test_the_facts_a_report_leaves_blank_are_named(tmp_path):
    outcome = render_report_file(_bare_table(tmp_path / "tran.xlsx"), tmp_path / "tran.docx")
    assert outcome.blanks == ["Tên đơn vị", "Kỳ đánh giá", "Số văn bản", "Ngày báo cáo", "Người ký"]
    assert outcome.lines[1].startswith("Còn để trống: Tên đơn vị, Kỳ đánh giá, Số văn bản, Ngày báo cáo, Người ký "
                                       "(sổ tính chưa ghi).")
    assert "XÃ ……" in Document(tmp_path / "tran.docx").tables[0].rows[0].cells[0].text  # what was left blank
    full = render_report_file(EXAMPLE, tmp_path / "du.docx")
    assert full.blanks == [] and not any(line.startswith("Còn để trống") for line in full.lines)


@pytest.mark.parametrize("typed, letterhead, place, unit", [
    ("UBND xã Ngọc Kỳ", "XÃ NGỌC KỲ", "Ngọc Kỳ", "Xã Ngọc Kỳ"),
    # (the district stays with the unit read: it tells two communes of one name apart in a batch)
    ("Ủy ban nhân dân xã Ngọc Kỳ, huyện Tứ Kỳ", "XÃ NGỌC KỲ", "Ngọc Kỳ", "Xã Ngọc Kỳ, huyện Tứ Kỳ"),
    ("UBND phường Hải Tân", "PHƯỜNG HẢI TÂN", "Hải Tân", "Phường Hải Tân"),
    ("TT. Gia Lộc", "THỊ TRẤN GIA LỘC", "Gia Lộc", "Thị trấn Gia Lộc"),
    ("THỊ TRẤN GIA LỘC", "THỊ TRẤN GIA LỘC", "Gia Lộc", "Thị trấn Gia Lộc"),
    ("Đặc khu Phú Quốc", "ĐẶC KHU PHÚ QUỐC", "Phú Quốc", "Đặc khu Phú Quốc"),
    ("UBND Phường 5", "PHƯỜNG 5", "Phường 5", "Phường 5"),  # ND 30: a unit named by a number keeps its kind
])
def test_the_unit_as_officers_type_it_in_the_label_block(tmp_path, typed, letterhead, place, unit):
    """"Tên đơn vị: UBND xã Ngọc Kỳ" (as officers often type it) gave the letterhead "XÃ UBND XÃ NGỌC
    KỲ" and the title "CỦA UBND XÃ UBND XÃ NGỌC KỲ"; "UBND phường Hải Tân" was put at the level of a
    xã, and with no "Địa danh" the date line of a thị trấn began "trấn Gia Lộc, ngày …"."""
    path = labelled_example(tmp_path, "don_vi.xlsx", **{"Tên đơn vị:": typed, "Địa danh:": None})
    out = tmp_path / "r.docx"
    render_report_file(path, out)
    doc = Document(out)
    left, right = doc.tables[0].rows[0].cells
    assert [p.text for p in left.paragraphs if p.text][:2] == ["ỦY BAN NHÂN DÂN", letterhead]
    assert f"{place}, ngày 26 tháng 6 năm 2023" in _text(right)
    body = "\n".join(p.text for p in doc.paragraphs)
    assert f"CỦA UBND {letterhead}" in body and "UBND XÃ UBND" not in body and "XÃ XÃ" not in body
    assert read_workbook(path).meta["unit"] == unit


@pytest.mark.parametrize("typed, line", [
    ("ngày 26 tháng 6 năm 2023", "Ngọc Kỳ, ngày 26 tháng 6 năm 2023"),
    ("Ngày 05 tháng 02 năm 2024.", "Ngọc Kỳ, ngày 05 tháng 02 năm 2024"),
    ("ngày 26/6/2023", "Ngọc Kỳ, ngày 26 tháng 6 năm 2023"),
    ("Tứ Kỳ, ngày 15 tháng 3 năm 2024", "Tứ Kỳ, ngày 15 tháng 3 năm 2024"),  # the place typed with it
])
def test_the_report_date_typed_in_words(tmp_path, typed, line):
    """"Ngày báo cáo: ngày 26 tháng 6 năm 2023", the date as documents write it, was not read: the
    report's date line was left blank ("ngày     tháng     năm") and a document cited with a later
    date was not caught."""
    place = {"Địa danh:": None} if "," in typed else {}  # the place typed with the date: no other
    path = labelled_example(tmp_path, "ngay.xlsx", **{"Ngày báo cáo:": typed, **place})
    out = tmp_path / "r.docx"
    outcome = render_report_file(path, out)
    right = Document(out).tables[0].rows[0].cells[1]
    date_para = [p for p in right.paragraphs if "ngày" in p.text][0]
    assert date_para.text == line
    assert "Ngày báo cáo" not in " ".join(outcome.lines)  # not said to be left blank


@pytest.mark.parametrize("typed, shown", [("Số: 86/BC-UBND", "Số: 86/BC-UBND"), ("Số 86/BC-UBND", "Số: 86/BC-UBND"),
                                          ("SỐ:    /BC-UBND", "Số:       /BC-UBND"),
                                          ("86 /BC-UBND", "Số: 86/BC-UBND"), ("Số: 86/ BC - UBND", "Số: 86/BC-UBND")])
def test_the_document_number_typed_with_its_word(tmp_path, typed, shown):
    """"Số văn bản: Số: 86/BC-UBND" printed "Số: Số: 86/BC-UBND" under the letterhead, and "86 /BC-UBND"
    (as the seed's own scan has it) kept its spaces; a number left to be written by hand keeps its room."""
    out = tmp_path / "r.docx"
    render_report_file(labelled_example(tmp_path, "so.xlsx", **{"Số văn bản:": typed}), out)
    left = Document(out).tables[0].rows[0].cells[0]
    assert [p.text for p in left.paragraphs if p.text.startswith("Số")] == [shown]


def test_a_signer_typed_in_capitals_is_printed_in_ordinary_letters(tmp_path):
    """ND 30/2020: the signer's name is in ordinary letters ("chữ in thường"), bold; "NGUYỄN XUÂN
    THOANG" typed in capitals was printed so."""
    out = tmp_path / "r.docx"
    render_report_file(labelled_example(tmp_path, "ky.xlsx", **{"Người ký:": "NGUYỄN  XUÂN THOANG"}), out)
    _, signature = report_signature_cells(Document(out))
    lines = [p for p in signature.paragraphs if p.text]
    assert lines[-1].text == "Nguyễn Xuân Thoang" and lines[-1].runs[0].bold


@pytest.mark.parametrize("typed, line", [("huyện Tứ Kỳ", "UBND HUYỆN TỨ KỲ"), ("UBND huyện Tứ Kỳ", "UBND HUYỆN TỨ KỲ"),
                                         ("Tỉnh Hải Dương", "UBND TỈNH HẢI DƯƠNG"),
                                         ("TP. Hải Phòng", "UBND THÀNH PHỐ HẢI PHÒNG"),
                                         ("TX.Kinh Môn", "UBND THỊ XÃ KINH MÔN"),
                                         ("TP.HCM", "UBND THÀNH PHỐ HỒ CHÍ MINH"), ("TPHCM", "UBND THÀNH PHỐ HỒ CHÍ MINH"),
                                         ("UBND Tp. HCM", "UBND THÀNH PHỐ HỒ CHÍ MINH")])
def test_the_body_above_typed_as_a_place_is_named_as_a_body(tmp_path, typed, line):
    """"Cấp trên: huyện Tứ Kỳ" printed "HUYỆN TỨ KỲ" above "ỦY BAN NHÂN DÂN" in the letterhead, a place
    where a body belongs (the recipients already said "UBND huyện Tứ Kỳ"). A level typed short ("TP.
    Hải Phòng") is written in full, in the letterhead and the default recipients alike; "TP.HCM", as
    every document shortens it, printed "UBND THÀNH PHỐ HCM" (and "TPHCM" as typed)."""
    out = tmp_path / "r.docx"
    path = labelled_example(tmp_path, "cap_tren.xlsx", **{"Cấp trên:": typed, "Nơi nhận:": None})
    render_report_file(path, out)
    left = Document(out).tables[0].rows[0].cells[0]
    assert [p.text for p in left.paragraphs if p.text][:3] == [line, "ỦY BAN NHÂN DÂN", "XÃ NGỌC KỲ"]
    recipients, _ = report_signature_cells(Document(out))
    first = [p.text for p in recipients.paragraphs if p.text][1]
    assert first.upper() == f"- {line};" and first.startswith("- UBND ")
    if "HCM" in typed.upper():  # (capitals of an abbreviation are no heading's)
        assert first == "- UBND thành phố Hồ Chí Minh;"


@pytest.mark.parametrize("typed", [
    "UBND huyện Tứ Kỳ (Phòng Nội vụ)\n+ Thường trực Đảng ủy, HĐND xã,\n\n•Lưu: VT",
    "UBND huyện Tứ Kỳ (Phòng Nội vụ); Thường trực Đảng ủy, HĐND xã; Lưu: VT.",
])
def test_recipients_typed_without_dashes_are_printed_as_nd30_writes_them(tmp_path, typed):
    """"Nơi nhận" typed without the dashes, with other bullets, or on one line, was printed so: ND 30
    opens each line with "- ", ends it with ";", and the last one ("- Lưu: VT.") with "."."""
    out = tmp_path / "r.docx"
    render_report_file(labelled_example(tmp_path, "noi_nhan.xlsx", **{"Nơi nhận:": typed}), out)
    recipients, _ = report_signature_cells(Document(out))
    assert [p.text for p in recipients.paragraphs if p.text] == [
        "Nơi nhận:", "- UBND huyện Tứ Kỳ (Phòng Nội vụ);", "- Thường trực Đảng ủy, HĐND xã;", "- Lưu: VT."]


def test_a_long_period_or_unit_still_gets_its_report(tmp_path):
    """A paragraph pasted into "Kỳ đánh giá" (or a unit name past 255 characters) refused the report
    with "mẫu báo cáo … không dùng được (ValueError: exceeded 255 char limit …)", blaming the template:
    the document's properties have a limit, the report has none."""
    period = "6 tháng đầu năm 2023 " + "theo Kế hoạch số 52/KH-UBND của UBND xã Ngọc Kỳ " * 8

    out = tmp_path / "r.docx"
    labels = {"Kỳ đánh giá:": period, "Tên đơn vị:": "Xã " + "Ngọc Kỳ " * 40}
    render_report_file(labelled_example(tmp_path, "dai.xlsx", **labels), out)
    doc = Document(out)
    assert " ".join(period.split()).upper() in " ".join(p.text.replace("\u00a0", " ") for p in doc.paragraphs)
    assert len(doc.core_properties.title) == 255 and doc.core_properties.title.endswith("…")
    assert len(doc.core_properties.author) == 255


@pytest.mark.parametrize("typed", [2023, "2023"])
def test_a_period_typed_as_the_year_alone(tmp_path, typed):
    """"Kỳ đánh giá: 2023" titled the report "… CẤP XÃ 2023": it is the year's assessment, "NĂM 2023"."""
    path = labelled_example(tmp_path, "nam.xlsx", **{"Kỳ đánh giá:": typed})
    assert read_workbook(path).meta["period"] == "năm 2023"
    out = tmp_path / "r.docx"
    render_report_file(path, out)
    body = "\n".join(p.text for p in Document(out).paragraphs)
    assert "CẤP XÃ NĂM\u00a02023" in body


def test_a_vice_chair_signing_for_the_chair_signs_for_the_committee(tmp_path):
    """ND 30/2020: a committee works collectively, so a vice-chair signs "TM. ỦY BAN NHÂN DÂN / KT. CHỦ
    TỊCH / PHÓ CHỦ TỊCH". The signature block typed so below the table lost its "KT. CHỦ TỊCH" line, and
    "Thẩm quyền ký: KT. CHỦ TỊCH" lost the committee's line: the report had him sign as the committee's
    own, or for the chair alone."""
    from helpers import letterhead_example

    path = letterhead_example(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    block = {fold(str(ws.cell(r, c).value)): (r, c) for r in range(1, ws.max_row + 1) for c in range(1, 6)
             if ws.cell(r, c).value}
    r, c = block["chu tich"]
    ws.insert_rows(r)
    ws.cell(r, c).value, ws.cell(r + 1, c).value = "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"
    wb.save(path)

    by_label = labelled_example(tmp_path, "kt.xlsx", **{"Thẩm quyền ký:": "KT. CHỦ TỊCH", "Chức vụ người ký:": "Phó Chủ tịch"})
    # (and "TM. UBND" typed short: the committee's name in full, as ND 30 writes it)
    short = labelled_example(tmp_path, "tm.xlsx", **{"Thẩm quyền ký:": "TM. UBND\nKT. CHỦ TỊCH",
                                                    "Chức vụ người ký:": "Phó Chủ tịch"})
    for source in (path, by_label, short):
        out = tmp_path / "r.docx"
        render_report_file(source, out, overwrite=True)
        _, signature = report_signature_cells(Document(out))
        lines = [line for p in signature.paragraphs for line in p.text.splitlines() if line.strip()]
        assert lines[:3] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], source.name


@pytest.mark.parametrize("lines, printed", [
    (["- UBND huyện Tứ Kỳ (Phòng Nội vụ);", "- Đảng ủy xã;", "- Lưu: VP."],
     ["- UBND huyện Tứ Kỳ (Phòng Nội vụ);", "- Đảng ủy xã;", "- Lưu: VP."]),
    (["UBND huyện Tứ Kỳ;", "Lưu VT"], ["- UBND huyện Tứ Kỳ;", "- Lưu VT."]),
    ([], ["- UBND huyện Tứ Kỳ;", "- Lưu: VT."]),  # none listed: the default, from the letterhead's body above
])
def test_recipients_listed_under_nơi_nhận_in_the_signature_block(tmp_path, lines, printed):
    """ND 30's signature block below the table: "Nơi nhận:" on the left, its lines under it, and
    "TM. ỦY BAN NHÂN DÂN" on the right of the same row. That right-hand cell was taken for the
    recipients: the report listed "- TM. ỦY BAN NHÂN DÂN." and lost the officer's own list."""
    from helpers import letterhead_example

    path = letterhead_example(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 4).value == "TM. ỦY BAN NHÂN DÂN")
    ws.cell(row, 1).value = "Nơi nhận:"
    for i, line in enumerate(lines, start=1):
        ws.cell(row + i, 1).value = line
    wb.save(path)
    out = tmp_path / "r.docx"
    render_report_file(path, out)
    recipients, _ = report_signature_cells(Document(out))
    assert [p.text for p in recipients.paragraphs if p.text] == ["Nơi nhận:", *printed]


def test_a_signer_typed_in_capitals_in_the_signature_block_is_read(tmp_path):
    """The signer's name typed in capitals under "CHỦ TỊCH" in the block below the table was not read (only
    names in ordinary letters were): "Còn để trống: Người ký". "ĐÃ KÝ" above it is no name."""
    from helpers import letterhead_example

    path = letterhead_example(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 4).value == "Nguyễn Xuân Thoang")
    ws.cell(row - 2, 4).value = "ĐÃ KÝ"
    ws.cell(row, 4).value = "NGUYỄN XUÂN THOANG"
    wb.save(path)
    assert read_workbook(path).meta["signer"] == "NGUYỄN XUÂN THOANG"
    out = tmp_path / "r.docx"
    outcome = render_report_file(path, out)
    _, signature = report_signature_cells(Document(out))
    assert [p.text for p in signature.paragraphs if p.text][-1] == "Nguyễn Xuân Thoang"
    assert not outcome.blanks


def test_an_acting_chair_signs_under_the_committee_with_his_own_title(tmp_path):
    """"TM. ỦY BAN NHÂN DÂN / Q. CHỦ TỊCH": "Q." (acting) is the title itself, not a line of signing for
    someone; the report printed no extra "CHỦ TỊCH" under it, and reads the name below."""
    from helpers import letterhead_example

    path = letterhead_example(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 4).value == "CHỦ TỊCH")
    ws.cell(row, 4).value = "Q. CHỦ TỊCH"
    wb.save(path)
    assert read_workbook(path).meta["signer_title"] == "Q. CHỦ TỊCH"
    out = tmp_path / "r.docx"
    render_report_file(path, out)
    _, signature = report_signature_cells(Document(out))
    assert [line for p in signature.paragraphs for line in p.text.splitlines() if line.strip()] == [
        "TM. ỦY BAN NHÂN DÂN", "Q. CHỦ TỊCH", "Nguyễn Xuân Thoang"]


def test_a_table_with_nothing_scored_has_a_blank_total_not_zero(tmp_path):
    """Blank is not zero: a table with no self-score at all (printed to be filled in by hand, or sent
    before scoring) showed "0" in its "Tổng" row, as if the commune had scored nothing."""
    def edit(ws):
        for row in range(18, ws.max_row + 1):
            ws.cell(row, 4).value = None
    out = tmp_path / "r.docx"
    render_report_file(edited_example(tmp_path, "trong.xlsx", edit), out, force=True)
    total = report_rows(Document(out))[-1].cells
    assert _text(total[2]) == "100" and _text(total[3]) == ""
    def one_scored_zero(ws):
        edit(ws)
        ws.cell(find_row(ws, "I", "1.2"), 4).value = 0
    render_report_file(edited_example(tmp_path, "mot.xlsx", one_scored_zero), out, force=True, overwrite=True)
    assert _text(report_rows(Document(out))[-1].cells[3]) == "0"  # one criterion scored 0: the total is 0


def test_the_chairman_signs_not_the_clerk_beside_him(tmp_path):
    """A signature block with the clerk's column on the left ("NGƯỜI LẬP BIỂU", his name under it) and the
    chairman's on the right ("TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH"): the left title came first on the rows, so
    the report was to be signed by "NGƯỜI LẬP BIỂU" Trần Văn Bình under the committee's authority."""
    from helpers import letterhead_example

    path = letterhead_example(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 4).value == "TM. ỦY BAN NHÂN DÂN")
    ws.cell(row, 2).value = "NGƯỜI LẬP BIỂU"
    ws.cell(row + 5, 2).value = "Trần Văn Bình"
    wb.save(path)
    meta = read_workbook(path).meta
    assert (meta["authority"], meta["signer_title"], meta["signer"]) == ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH",
                                                                          "Nguyễn Xuân Thoang")


@pytest.mark.parametrize("typed, line", [("Xã Ngọc Kỳ", "Ngọc Kỳ, ngày 26 tháng 6 năm 2023"),
                                         ("Phường 5", "Phường 5, ngày 26 tháng 6 năm 2023")])
def test_the_place_typed_with_its_kind_is_the_units_own_name(tmp_path, typed, line):
    """ND 30: the date line's place is the unit's own name ("Ngọc Kỳ, ngày …"); "Địa danh: Xã Ngọc Kỳ" printed
    "Xã Ngọc Kỳ, ngày …". A unit named by a number keeps its kind."""
    out = tmp_path / "r.docx"
    render_report_file(labelled_example(tmp_path, "dia_danh.xlsx", **{"Địa danh:": typed}), out)
    right = Document(out).tables[0].rows[0].cells[1]
    assert [p.text for p in right.paragraphs if "ngày" in p.text] == [line]


@pytest.mark.parametrize("labels, lines", [
    ({"Thẩm quyền ký:": "Q. CHỦ TỊCH", "Chức vụ người ký:": None}, ["TM. ỦY BAN NHÂN DÂN", "Q. CHỦ TỊCH"]),
    ({"Thẩm quyền ký:": "KT. CHỦ TỊCH", "Chức vụ người ký:": None}, ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]),
])
def test_authority_typed_alone_gets_the_lines_nd30_gives_it(tmp_path, labels, lines):
    """"Thẩm quyền ký: Q. CHỦ TỊCH" with no title printed "Q. CHỦ TỊCH / CHỦ TỊCH" (the acting chair's title
    is the "Q." line itself); "KT. CHỦ TỊCH" alone got "CHỦ TỊCH" under it, a chair signing for himself."""
    out = tmp_path / "r.docx"
    render_report_file(labelled_example(tmp_path, "tham_quyen.xlsx", **labels), out)
    _, signature = report_signature_cells(Document(out))
    printed = [line for p in signature.paragraphs for line in p.text.splitlines() if line.strip()]
    assert printed == [*lines, "Nguyễn Xuân Thoang"]


@pytest.mark.parametrize("labels,said", [
    ({"Kỳ đánh giá:": "6 tháng đầu năm 2024"}, "Ngày báo cáo 26/06/2023 có trước kỳ đánh giá “6 tháng đầu năm 2024”"),
    ({"Ngày báo cáo:": "26/13/2023"}, "Ngày báo cáo “26/13/2023” không phải một ngày có thật"),
])
def test_a_date_the_report_cannot_print_leaves_its_line_blank_and_says_why(tmp_path, labels, said):
    """Last year's date under this year's period was printed on the report to sign ("ngày 26 tháng 6
    năm 2023" on a report of 2024); a date typed that is no day left the line blank without a word."""
    path = labelled_example(tmp_path, "so.xlsx", **labels)
    outcome = render_report_file(path, tmp_path / "bc.docx")
    right = Document(outcome.docx).tables[0].rows[0].cells[1]
    assert [p.text for p in right.paragraphs if "ngày" in p.text] == ["Ngọc Kỳ, ngày     tháng     năm      "]
    told = [line for line in outcome.lines if "dòng ngày tháng" in line]
    assert len(told) == 1 and said in told[0] and "ô C10" in told[0]


@pytest.mark.parametrize("superior", ["huyện Tứ Kỳ", "UBND tỉnh Hải Dương"])
def test_a_body_that_no_longer_exists_is_left_off_the_report_and_said(tmp_path, superior):
    """A report of 2026 printed "UBND HUYỆN TỨ KỲ" (no district since 1/7/2025) or "UBND TỈNH HẢI DƯƠNG"
    (merged into Hải Phòng) over its letterhead, and sent itself there: the line is left off, the report
    goes to the reviewing Sở Nội vụ, and the officer is told why."""
    path = labelled_example(tmp_path, "so.xlsx", **{"Kỳ đánh giá:": "6 tháng đầu năm 2026", "Ngày báo cáo:": "20/6/2026",
                                                   "Cấp trên:": superior, "Nơi nhận:": None})
    outcome = render_report_file(path, tmp_path / "bc.docx")
    doc = Document(outcome.docx)
    left = _text(doc.tables[0].rows[0].cells[0])
    assert left.startswith("ỦY BAN NHÂN DÂN") and "TỨ KỲ" not in left and "HẢI DƯƠNG" not in left
    recipients, _ = report_signature_cells(doc)
    assert [p.text for p in recipients.paragraphs][1:] == ["- Sở Nội vụ (cơ quan thẩm định);", "- Lưu: VT."]
    told = [line for line in outcome.lines if line.startswith("Chú ý, ô C5: ")]
    assert len(told) == 1 and "báo cáo bỏ dòng cơ quan cấp trên" in told[0]


@pytest.mark.parametrize("reviewing,expected", [
    (None, ["- Sở Nội vụ thành phố Hải Phòng;", "- Lưu: VT."]),
    ("Sở Nội vụ Thành phố Hải Phòng", ["- Sở Nội vụ thành phố Hải Phòng;", "- Lưu: VT."]),
    ("Sở Nội vụ", ["- Sở Nội vụ thành phố Hải Phòng;", "- Sở Nội vụ (cơ quan thẩm định);", "- Lưu: VT."]),
])
def test_an_agency_typed_as_the_body_above_is_a_recipient_not_a_letterhead_line(tmp_path, monkeypatch, reviewing,
                                                                                 expected):
    """"Cấp trên: Sở Nội vụ thành phố Hải Phòng" printed "SỞ NỘI VỤ THÀNH PHỐ HẢI PHÒNG" over "ỦY BAN NHÂN DÂN
    XÃ NGỌC KỲ": ND 30 names there the body that manages the issuer, and no agency manages an UBND. It
    is now a recipient (once, when it is the reviewing body of the settings too), and the officer is told."""
    import json

    home = tmp_path / "home"
    home.mkdir()
    if reviewing:
        (home / "cai_dat.json").write_text(json.dumps({"reviewing_body": reviewing}), encoding="utf-8")
    monkeypatch.setenv("CCHC_XL_HOME", str(home))
    path = labelled_example(tmp_path, "so.xlsx", **{"Kỳ đánh giá:": "6 tháng đầu năm 2026", "Ngày báo cáo:": "20/6/2026",
                                                   "Cấp trên:": "Sở Nội vụ thành phố Hải Phòng", "Nơi nhận:": None})
    outcome = render_report_file(path, tmp_path / "bc.docx")
    doc = Document(outcome.docx)
    left = _text(doc.tables[0].rows[0].cells[0])
    assert left.startswith("ỦY BAN NHÂN DÂN\nXÃ NGỌC KỲ") and "SỞ" not in left
    recipients, _ = report_signature_cells(doc)
    assert [p.text for p in recipients.paragraphs if p.text][1:] == expected
    told = [line for line in outcome.lines if line.startswith("Chú ý, ô C5: ")]
    assert len(told) == 1 and "một cơ quan chuyên môn" in told[0]


@pytest.mark.parametrize("superior,expected", [
    (None, ["- Phòng Nội vụ huyện Tứ Kỳ (cơ quan thẩm định);", "- Lưu: VT."]),
    ("UBND tỉnh Hải Dương", ["- UBND tỉnh Hải Dương;", "- Phòng Nội vụ huyện Tứ Kỳ (cơ quan thẩm định);", "- Lưu: VT."]),
])
def test_the_reviewing_body_is_a_setting(tmp_path, monkeypatch, superior, expected):
    """The body that reviews the communes is the province's Sở Nội vụ since 2025, a district's Phòng Nội
    vụ before (domain notes: keep it configurable): "reviewing_body" in cai_dat.json names it among the
    default recipients, where "Sở Nội vụ" was written in."""
    import json

    home = tmp_path / "home"
    home.mkdir()
    (home / "cai_dat.json").write_text(json.dumps({"reviewing_body": "Phòng Nội vụ huyện Tứ Kỳ"}), encoding="utf-8")
    monkeypatch.setenv("CCHC_XL_HOME", str(home))
    path = labelled_example(tmp_path, "so.xlsx", **{"Cấp trên:": superior, "Nơi nhận:": None})
    recipients, _ = report_signature_cells(Document(render_report_file(path, tmp_path / "bc.docx").docx))
    assert [p.text for p in recipients.paragraphs if p.text][1:] == expected


def test_a_party_committee_typed_as_the_body_above_is_a_recipient_not_a_letterhead_line(tmp_path):
    """"Cấp trên: Đảng ủy xã Ngọc Kỳ" printed "ĐẢNG ỦY XÃ NGỌC KỲ" over "ỦY BAN NHÂN DÂN XÃ NGỌC KỲ", as if the
    party committee were the body that manages the commune's committee on a state document (ND 30)."""
    path = labelled_example(tmp_path, "dang.xlsx", **{"Cấp trên:": "Đảng ủy xã Ngọc Kỳ", "Nơi nhận:": None})
    outcome = render_report_file(path, tmp_path / "bc.docx")
    doc = Document(outcome.docx)
    left = _text(doc.tables[0].rows[0].cells[0])
    assert left.startswith("ỦY BAN NHÂN DÂN\nXÃ NGỌC KỲ") and "ĐẢNG" not in left.upper()
    recipients, _ = report_signature_cells(doc)
    assert "- Đảng ủy xã Ngọc Kỳ;" in [p.text for p in recipients.paragraphs]
    assert [line for line in outcome.lines if line.startswith("Chú ý, ô C5: ") and "một cơ quan của Đảng" in line]


def test_deductions_under_one_blank_merged_explanation_name_its_cell_once():
    """Three deducted items under one blank explanation merged down over them: their findings are at that
    cell (E55), so the note named "E55, E55, E55"."""
    from cchc_xl.render.report import table_notes
    from cchc_xl.rules.catalogue import make

    findings = [make("missing-explanation", "Tự đánh giá", cell, "I", code, "…")
                for cell, code in (("E55", "3.2.1"), ("E55", "3.2.2"), ("E55", "3.2.3"), ("E76", "3.6.4"))]
    assert table_notes(findings) == [
        "Chú ý: 4 mục bị trừ điểm chưa có nội dung giải trình (ô E55, E76): cột “Nội dung giải trình” của báo cáo "
        "để trống ở các mục đó; hãy ghi lý do vào sổ tính rồi lập lại."]


def test_the_report_says_what_its_table_prints_before_it_is_signed(tmp_path, monkeypatch):
    """The report's table prints each criterion's points beside its "Nội dung giải trình": 1.6.1 at its full
    0,25 beside "Chưa thực hiện", and 3.6.4 (0,25 of 0,5) beside a blank, went to the Chairman without a word."""
    def edit(ws):
        ws.cell(find_row(ws, "I", "1.6.1"), 4).value = 0.25
        ws.cell(find_row(ws, "II", "3"), 4).value = 10  # SIPAS, the province's to score: printed as 10
    path = edited_example(tmp_path, "bc.xlsx", edit)
    outcome = render_report_file(path, tmp_path / "bc.docx")
    assert outcome.table_notes[1].startswith("Chú ý, ô D122: Mục 3 chấm theo kết quả chỉ số hài lòng (SIPAS)")
    del outcome.table_notes[1]
    assert outcome.table_notes == [
        "Chú ý, ô E35: Mục 1.6.1 được tối đa 0,25/0,25 điểm nhưng giải trình ghi “Chưa thực hiện”: điểm và giải trình "
        "không khớp; hãy sửa điểm, hoặc ghi rõ việc đã làm (văn bản, số liệu).",
        "Chú ý: 1 mục bị trừ điểm chưa có nội dung giải trình (ô E76): cột “Nội dung giải trình” của báo cáo để trống "
        "ở các mục đó; hãy ghi lý do vào sổ tính rồi lập lại.",
        # (1.6.1 raised by 0,25: 1.6, area 1 and part I, as typed, are now 0,25 short of what the report prints)
        "Chú ý: 3 ô điểm mục cha hay dòng Tổng ghi khác tổng các mục con (ô D18, D19, D34): báo cáo in tổng các mục "
        "con, khác số ghi trong sổ tính; hãy chấm các mục con còn trống (nếu có) rồi bấm “Tính lại” (hay chạy "
        "cchc-xl recalc) để sổ tính khớp với báo cáo, rồi lập lại."]
    assert all(note in outcome.lines for note in outcome.table_notes)
    # the Excel button says them in its message
    import cchc_xl.excel
    from helpers import remote_book

    monkeypatch.chdir(tmp_path)  # (the remote engine gives no folder: the report goes where the command runs)
    book = remote_book(path)
    cchc_xl.excel.report(book, open_after=False, pdf=False)
    [said] = [a["args"][0] for a in book.json()["actions"] if a["func"] == "alert"]
    assert "Chú ý, ô E35: Mục 1.6.1 được tối đa 0,25/0,25 điểm" in said and "(ô E76)" in said


DRIVE_LINK = "https://drive.google.com/file/d/1AbC/view?usp=sharing&x=1"
PLAN_LINK = "https://vanban.haiduong.gov.vn/kh52.pdf"


def _linked(ws):
    """Explanations linked to their documents (Insert → Link), as officers cite evidence: 1.1.1 online,
    1.1.3 online with its explanation going on in the row below, 1.3.1 to a file on the officer's
    computer, 1.3.2 to a place in the workbook itself."""
    ws.cell(find_row(ws, "I", "1.1.1"), 5).hyperlink = PLAN_LINK
    row = find_row(ws, "I", "1.1.3")
    ws.cell(row, 5).hyperlink = DRIVE_LINK
    ws.insert_rows(row + 1)
    ws.cell(row + 1, 5).value = "Đã gửi đủ báo cáo quý."
    ws.cell(find_row(ws, "I", "1.3.1"), 5).hyperlink = "file:///D:/TLKC/kiem_tra.pdf"
    ws.cell(find_row(ws, "I", "1.3.2"), 5).hyperlink = "#'Trang tính1'!A1"


def _hyperlinks(tc, document):
    """(address, text) of each hyperlink in a report cell; its lines joined by line breaks."""
    from docx.oxml.ns import qn

    found = []
    for link in tc.iter(qn("w:hyperlink")):
        text = "".join(node.text if node.tag == qn("w:t") else "\n" for node in link.iter(qn("w:t"), qn("w:br")))
        found.append((document.part.rels[link.get(qn("r:id"))].target_ref, text))
    return found


@pytest.mark.parametrize("saved_by", ["openpyxl", "LibreOffice"])
def test_an_explanation_linked_to_its_document_stays_a_link_in_the_report(tmp_path, saved_by):
    """The report printed a linked explanation's text and dropped the link: the evidence it cites
    could no longer be opened from the report. Its text is now linked the same, and only its own
    text (the line gathered from the row below is not). A link to a file on the officer's computer
    opens nothing for the reviewer: the text is printed alone, and the officer is told."""
    path = edited_example(tmp_path, "lien_ket.xlsx", _linked)
    if saved_by == "LibreOffice":
        path = saved_by_libreoffice(path)
    assessment = read_workbook(path)
    by_code = {c.code: c for c in assessment.criteria}
    links = assessment.explanation_links
    assert links[by_code["1.1.1"].row] == (PLAN_LINK, by_code["1.1.1"].explanation)
    assert links[by_code["1.1.3"].row] == (DRIVE_LINK, "- Xây dựng các kế hoạch theo đúng thời gian quy định.\n"
                                                       "- Thực hiện báo cáo đúng thời gian quy định.")
    assert by_code["1.1.3"].explanation.endswith("\nĐã gửi đủ báo cáo quý.")
    assert by_code["1.3.2"].row not in links  # (a place in the workbook: no address to give)
    out = tmp_path / "bao_cao.docx"
    outcome = render_report_file(path, out, force=True)
    doc = Document(out)
    rows = {_text(r.cells[0]): r for r in report_rows(doc)}
    assert _hyperlinks(rows["1.1.1"]._tr.tc_lst[4], doc) == [(PLAN_LINK, by_code["1.1.1"].explanation)]
    cell = rows["1.1.3"]._tr.tc_lst[4]
    assert _hyperlinks(cell, doc) == [(DRIVE_LINK, links[by_code["1.1.3"].row][1])]
    assert _text(rows["1.1.3"].cells[4]) == by_code["1.1.3"].explanation  # the text whole, in order
    from docx.oxml.ns import qn

    runs = cell.findall(f".//{qn('w:hyperlink')}/{qn('w:r')}")
    assert runs and all(r.find(f"{qn('w:rPr')}/{qn('w:u')}").get(qn("w:val")) == "single" for r in runs)
    assert {r.find(f"{qn('w:rPr')}/{qn('w:color')}").get(qn("w:val")) for r in runs} == {"000000"}
    [style] = {r.find(f"{qn('w:rPr')}/{qn('w:rStyle')}").get(qn("w:val")) for r in runs}
    assert [s.name for s in doc.styles if s.style_id == style] == ["Hyperlink"]  # (LibreOffice's PDF needs one)
    after = [r for r in cell.iter(qn("w:r")) if r.getparent().tag != qn("w:hyperlink")]
    assert "".join(t.text for r in after for t in r.iter(qn("w:t"))) == "Đã gửi đủ báo cáo quý."
    for code in ("1.3.1", "1.3.2", "1.2"):
        assert _hyperlinks(rows[code]._tr.tc_lst[4], doc) == []
    [note] = [line for line in outcome.lines if "liên kết" in line]
    assert note.startswith(f"Chú ý, ô E{by_code['1.3.1'].row + 1}: Giải trình của mục 1.3.1 liên kết tới "
                           "“D:/TLKC/kiem_tra.pdf”, một tệp trên máy này")
    assert note in outcome.table_notes


def test_the_excel_button_keeps_the_links_of_the_saved_file(tmp_path):
    """The Excel button reads values from Excel and the links from the saved file, as the file read does
    (through xlwings' own engine)."""
    import os

    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    import xlwings as xw

    from cchc_xl.read.live import read_book
    from cchc_xl.read.table import parse_workbook

    path = edited_example(tmp_path, "lien_ket.xlsx", _linked)
    with xw.Book(path, mode="r") as book:
        live = parse_workbook(read_book(book))
    assert live.explanation_links == read_workbook(path).explanation_links
    assert len(live.explanation_links) == 3


def test_a_sheet_of_absurd_links_is_read_bounded():
    """A link over a whole sheet, and 100,000 links: a few cells each, a few thousand in all."""
    from cchc_xl.read.links import LINKS_KEPT, scan_hyperlinks

    rels = (b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="x" Target="https://a.vn/" TargetMode="External"/></Relationships>')
    whole = b'<worksheet><sheetData/><hyperlinks><hyperlink ref="A1:XFD1048576" r:id="rId1"/></hyperlinks></worksheet>'
    assert len(scan_hyperlinks(whole, rels)) == 51 * 11
    many = b"<worksheet><sheetData/><hyperlinks>" + b"".join(
        b'<hyperlink ref="A%d" r:id="rId1"/>' % i for i in range(1, 100_001)) + b"</hyperlinks></worksheet>"
    found = scan_hyperlinks(many, rels)
    assert len(found) == LINKS_KEPT and found[(0, 0)] == "https://a.vn/"


@needs_soffice
@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_links_in_old_excel_and_libreoffice_files_reach_the_report(tmp_path, kind):
    """The same links, saved by LibreOffice as an Excel 97–2003 file and as its own .ods."""
    path = saved_by_libreoffice(edited_example(tmp_path, "lien_ket.xlsx", _linked), kind)
    out = tmp_path / "bao_cao.docx"
    outcome = render_report_file(path, out, force=True)
    doc = Document(out)
    rows = {_text(r.cells[0]): r for r in report_rows(doc)}
    assert [a for a, _ in _hyperlinks(rows["1.1.1"]._tr.tc_lst[4], doc)] == [PLAN_LINK]
    assert [a for a, _ in _hyperlinks(rows["1.1.3"]._tr.tc_lst[4], doc)] == [DRIVE_LINK]
    assert _hyperlinks(rows["1.3.1"]._tr.tc_lst[4], doc) == []
    # (LibreOffice saved 1.3.2's link into the workbook as one to the file it was converted from: said too)
    [note] = [line for line in outcome.lines if "kiem_tra.pdf" in line]
    assert note.startswith("Chú ý, ô E27: Giải trình của mục 1.3.1 liên kết tới “D:/TLKC/kiem_tra.pdf”")


def test_a_link_to_a_file_on_this_computer_is_said_when_checking(tmp_path):
    """`check` and the buttons say it before any report: the reviewer who receives the workbook cannot open
    D:\\TLKC\\… either. Links online, and a place in the workbook, say nothing."""
    from cchc_xl.api import check_file

    result = check_file(edited_example(tmp_path, "lien_ket.xlsx", _linked))
    found = [(f.cell, f.criterion, f.severity, f.message) for f in result.findings if f.code == "evidence-link-local"]
    assert found == [("E27", "1.3.1", "warning", "Giải trình của mục 1.3.1 liên kết tới “D:/TLKC/kiem_tra.pdf”, một "
                      "tệp trên máy này: người thẩm định nhận sổ tính hay báo cáo không mở được, và báo cáo chỉ in chữ. "
                      "Hãy đưa tài liệu lên mạng (trang văn bản, thư mục dùng chung…) và đặt liên kết tới địa chỉ đó.")]


def _hyperlink_formulas(ws):
    ws.cell(find_row(ws, "I", "1.4.1"), 5).value = \
        '=HYPERLINK("https://vanban.haiduong.gov.vn/bc79.pdf","Báo cáo số 79/KH-UBND ngày 22/6/2023")'
    ws.cell(find_row(ws, "I", "1.3.1"), 5).value = '=HYPERLINK("D:\\TLKC\\kiem_tra.pdf","Biên bản tự kiểm tra")'
    ws.cell(find_row(ws, "I", "1.3.2"), 5).value = '=HYPERLINK("#A1","Xem bảng trên")'


@needs_soffice
@pytest.mark.parametrize("kind", ["xlsx", "ods"])
def test_an_explanation_that_is_a_hyperlink_formula_is_linked_too(tmp_path, kind):
    """=HYPERLINK("https://…"; "Báo cáo số 79…") in the explanation column: the report links its text as it
    does an Insert → Link; one to D:\\… is said; one to a place in the workbook is neither. Saved by
    LibreOffice (which gives the formulas their values), as .xlsx and .ods; the Excel button (xlwings'
    remote engine, which sends no formulas) takes them from the saved file."""
    from cchc_xl.api import check_file

    path = saved_by_libreoffice(edited_example(tmp_path, "cong_thuc.xlsx", _hyperlink_formulas), kind)
    assessment = read_workbook(path)
    by_code = {c.code: c for c in assessment.criteria}
    assert assessment.explanation_links == {
        by_code["1.4.1"].row: ("https://vanban.haiduong.gov.vn/bc79.pdf", "Báo cáo số 79/KH-UBND ngày 22/6/2023"),
        by_code["1.3.1"].row: ("D:\\TLKC\\kiem_tra.pdf", "Biên bản tự kiểm tra")}
    [local] = [f for f in check_file(path).findings if f.code == "evidence-link-local"]
    assert (local.cell, local.criterion) == ("E26", "1.3.1") and "“D:\\TLKC\\kiem_tra.pdf”" in local.message
    out = tmp_path / "bao_cao.docx"
    render_report_file(path, out, force=True)
    doc = Document(out)
    rows = {_text(r.cells[0]): r for r in report_rows(doc)}
    assert _hyperlinks(rows["1.4.1"]._tr.tc_lst[4], doc) == [
        ("https://vanban.haiduong.gov.vn/bc79.pdf", "Báo cáo số 79/KH-UBND ngày 22/6/2023")]
    assert _hyperlinks(rows["1.3.2"]._tr.tc_lst[4], doc) == []
    if kind == "xlsx":
        from helpers import remote_book
        from cchc_xl.read.live import read_book
        from cchc_xl.read.table import parse_workbook

        live = parse_workbook(read_book(remote_book(path, by_path=True)))
        assert live.explanation_links == assessment.explanation_links


def test_a_template_with_words_own_hyperlink_style_keeps_it_and_the_links_stay_black(tmp_path):
    """A template designed in Word has Word's blue "Hyperlink" style: the linked runs take it (no second
    one is added), and are black all the same, as ND 30 writes the text."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml.ns import qn
    from docx.shared import RGBColor


    template = Document(default_report_template())
    words = template.styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    words.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)
    template.save(tmp_path / "mau_word.docx")
    path = edited_example(tmp_path, "lien_ket.xlsx", _linked)
    render_report_file(path, tmp_path / "bc.docx", template=tmp_path / "mau_word.docx", force=True)
    doc = Document(tmp_path / "bc.docx")
    [style] = [s for s in doc.styles if s.name == "Hyperlink"]
    assert style.font.color.rgb == RGBColor(0x05, 0x63, 0xC1)
    runs = [r for link in doc.element.body.iter(qn("w:hyperlink")) for r in link.iter(qn("w:r"))]
    assert len(runs) >= 2
    for run in runs:
        assert run.find(f"{qn('w:rPr')}/{qn('w:rStyle')}").get(qn("w:val")) == style.style_id
        assert run.find(f"{qn('w:rPr')}/{qn('w:color')}").get(qn("w:val")) == "000000"


def test_the_report_says_the_items_it_prints_unscored_and_the_sums_it_prints_unlike_the_workbook(tmp_path):
    """Items left unscored were printed blank and left out of the total, and parents typed otherwise than
    their children's sum were printed as that sum (the workbook sent with the report says another figure),
    without a word; an explanation that is an Excel error was printed blank, a hidden row printed all the
    same. The report now says each of them, and what it printed is what it says."""
    import openpyxl

    def edit(ws):
        for code in ("1.1.1", "3.5.3"):
            ws.cell(find_row(ws, "I", code), 4).value = None
        ws.cell(find_row(ws, "I", "5.4.1"), 5).value = "=1/0"
        ws.row_dimensions[find_row(ws, "I", "7.1.2")].hidden = True
    path = edited_example(tmp_path, "chua_cham.xlsx", edit)
    with_error = saved_by_libreoffice(path)  # (a formula's error value is what Excel or LibreOffice saved)
    outcome = render_report_file(with_error, tmp_path / "bc.docx")
    doc = Document(outcome.docx)
    printed = {_text(r.cells[0]): r for r in report_rows(doc)}
    typed = openpyxl.load_workbook(path).worksheets[0]
    assert _text(printed["1.1.1"].cells[3]) == "" and _text(printed["3.5.3"].cells[3]) == ""
    assert _text(printed["5.4.1"].cells[4]) == "" and "7.1.2" in printed
    assert typed.cell(find_row(typed, "I", "1.1"), 4).value == 2.5 and _text(printed["1.1"].cells[3]) == "2"
    notes = outcome.table_notes
    assert ("Chú ý: 2 mục chưa chấm điểm tự đánh giá (ô D21, D69): báo cáo để trống điểm các mục đó và không tính "
            "chúng vào tổng; hãy chấm điểm trong sổ tính rồi lập lại.") in notes
    [sums] = [n for n in notes if "khác tổng các mục con" in n]
    # (part I, area 1, 1.1 over 1.1.1; area 3, 3.5 over 3.5.3)
    assert sums.startswith("Chú ý: 5 ô điểm mục cha hay dòng Tổng ghi khác tổng các mục con (ô D18, D19, D20, D49, "
                           "D66): báo cáo in tổng các mục con")
    assert [n for n in notes if n.startswith("Chú ý, ô E96: Nội dung giải trình của mục 5.4.1 (ô E96) là giá trị lỗi")]
    assert [n for n in notes if n.startswith("Chú ý, ô ") and "đang bị ẩn trong Excel" in n]
    assert all(note in outcome.lines for note in notes)


def test_a_lettered_items_link_goes_to_its_own_row_not_to_another_a_with_the_same_text(tmp_path):
    """Officers letter the sub-criteria a), b)… in every area, and write "Đã thực hiện." in many of them.
    The report found a linked explanation's row by its STT and its text alone: 1.3.a's link went to every
    row "a)" reading "Đã thực hiện.", 5.3.a's too. Each link now goes to its own criterion's row only."""
    from helpers import lettered

    def edit(ws):
        rows = {code: find_row(ws, "I", code) for code in ("1.3.1", "5.3.1", "7.2.1")}  # (each an "a)" once lettered)
        lettered(ws)
        for row in rows.values():
            ws.cell(row, 5).value = "Đã thực hiện."
        ws.cell(rows["5.3.1"], 5).hyperlink = PLAN_LINK

    path = edited_example(tmp_path, "chu_cai.xlsx", edit)
    assessment = read_workbook(path)
    assert [c.code for c in assessment.criteria if c.explanation == "Đã thực hiện."] == ["1.3.a", "5.3.a", "7.2.a"]
    out = tmp_path / "bc.docx"
    render_report_file(path, out, force=True)
    doc = Document(out)
    rows = report_rows(doc)
    codes = [c.code for c in assessment.criteria if c.code_ok]
    linked = [codes[i] for i, row in enumerate(rows) if _hyperlinks(row._tr, doc)]
    assert linked == ["5.3.a"]
    [(address, text)] = _hyperlinks(rows[codes.index("5.3.a")]._tr, doc)
    assert (address, text) == (PLAN_LINK, "Đã thực hiện.") and _text(rows[codes.index("5.3.a")].cells[0]) == "a)"


def test_a_provinces_template_printing_some_rows_links_an_stt_of_one_item_only(tmp_path):
    """A province's own template that prints only the criteria (no parts, no areas) breaks the STT
    sequence: there a link goes by the STT where one item alone has it (1.1.3), and not where several
    items share it (the lettered "a)": which row is whose cannot be told)."""
    from helpers import lettered

    template = Document()
    table = template.add_table(rows=3, cols=2)
    table.cell(0, 0).text = "{%tr for r in rows if r.level >= 2 %}"
    table.cell(1, 0).text, table.cell(1, 1).text = "{{ r.code }}", "{{ r.explanation }}"
    table.cell(2, 0).text = "{%tr endfor %}"
    template.save(tmp_path / "mau_tinh.docx")

    def edit(ws):
        rows = {code: find_row(ws, "I", code) for code in ("1.1.3", "1.3.1", "5.3.1")}
        lettered(ws)
        ws.cell(rows["1.1.3"], 1).value = "1.1.3"  # (one STT kept as the province numbers it)
        for code, row in rows.items():
            ws.cell(row, 5).value = "Đã thực hiện."
            ws.cell(row, 5).hyperlink = f"https://vanban.haiduong.gov.vn/{code}.pdf"

    path = edited_example(tmp_path, "chu_cai.xlsx", edit)
    out = tmp_path / "bc.docx"
    render_report_file(path, out, template=tmp_path / "mau_tinh.docx", force=True)
    doc = Document(out)
    printed = {_text(row.cells[0]) for row in doc.tables[0].rows}
    assert {"1.1.3", "a)", "1.1", "1.3"} <= printed and "I" not in printed  # (the sequence is broken)
    assert _hyperlinks(doc.tables[0]._tbl, doc) == [("https://vanban.haiduong.gov.vn/1.1.3.pdf", "Đã thực hiện.")]


def test_web_addresses_typed_in_an_explanation_are_links_in_the_report_and_its_pdf(tmp_path):
    """Officers paste the evidence's address into the explanation's text ("… (xem https://drive…/view).").
    The report printed it as plain text: the reviewer reading the signed PDF could not open it. Each
    address is now a link to itself where it stands, the sentence's punctuation left out of it, the text
    unchanged; a cell linked whole (Insert → Link) is not linked twice; a cell of very many is bounded."""
    from docx.oxml.ns import qn

    drive, listing, odd = ("https://drive.google.com/file/d/1AbC/view", "https://vanban.example.vn/ds.pdf",
                           "https://x.vn/a_(b)")
    typed = f"Báo cáo số 10/BC-UBND (xem {drive}).\nDanh sách tại {listing}, và {odd}."
    many = "https://x.vn/" + "d" * 2100 + " " + " ".join(f"https://x.vn/{n}" for n in range(60))  # (too long: text)

    def edit(ws):
        ws.cell(find_row(ws, "I", "1.2"), 5).value = typed
        ws.cell(find_row(ws, "I", "1.4.2"), 5).value = many
        linked = ws.cell(find_row(ws, "I", "1.1.1"), 5)
        linked.value = f"Kế hoạch số 52/KH-UBND tại {listing}"
        linked.hyperlink = PLAN_LINK
    path = edited_example(tmp_path, "dia_chi.xlsx", edit)
    out = tmp_path / "bc.docx"
    outcome = render_report_file(path, out, pdf=shutil.which("soffice") is not None)
    doc = Document(out)
    rows = {_text(r.cells[0]): r for r in report_rows(doc)}
    cell = rows["1.2"]._tr.tc_lst[4]
    assert _hyperlinks(cell, doc) == [(drive, drive), (listing, listing), (odd, odd)]
    assert _text(rows["1.2"].cells[4]) == typed  # (the text whole, in order)
    assert _hyperlinks(rows["1.1.1"]._tr.tc_lst[4], doc) == [(PLAN_LINK, f"Kế hoạch số 52/KH-UBND tại {listing}")]
    assert not list(rows["1.1.1"]._tr.iter(qn("w:hyperlink")))[0].findall(f".//{qn('w:hyperlink')}")  # (none nested)
    assert len(_hyperlinks(rows["1.4.2"]._tr.tc_lst[4], doc)) == 50 and _text(rows["1.4.2"].cells[4]) == many
    if outcome.pdf:
        from test_sign import _links

        opened = _links(outcome.pdf)  # (LibreOffice's PDF: an annotation for each line a link covers)
        expected = {drive, listing, odd, PLAN_LINK} | {f"https://x.vn/{n}" for n in range(50)}
        assert {address for address, _ in opened} == expected
        for address in (drive, listing, odd):  # over the address's own letters, on each line it takes
            assert "".join(text for a, text in opened if a == address) == address


def test_the_report_buttons_notes_are_a_message_box_excel_shows_whole(tmp_path, monkeypatch):
    """The report button put what to look at before signing in the status bar: in desktop Excel one line,
    cut at the window's edge, with Word opening over it. They are now a message box, within the 1,024
    characters Excel's shows: each note cut short, the rest counted and sent to the "Kiểm tra" button."""
    import cchc_xl.excel
    from helpers import remote_book

    done = ["1.3.1", "1.3.2", "1.4.1", "1.4.2", "1.5.1", "1.5.2", "2.1", "2.3.1", "3.1.1", "3.1.2", "3.2.1", "3.2.2"]

    def edit(ws):  # full points and "Chưa thực hiện" beside them: a note each
        for code in done:
            ws.cell(find_row(ws, "I", code), 5).value = "Chưa thực hiện"
    path = edited_example(tmp_path, "nhieu_luu_y.xlsx", edit)
    monkeypatch.chdir(tmp_path)
    book = remote_book(path)
    outcome = cchc_xl.excel.report(book, open_after=False, pdf=False)
    notes = [*outcome.left_off, *outcome.table_notes]
    assert len(notes) >= len(done) + 1
    [said] = [a["args"][0] for a in book.json()["actions"] if a["func"] == "alert"]
    assert said.startswith("CCHC: đã lập báo cáo ") and "\n\nTrước khi trình ký, hãy xem:\n- Chú ý, ô " in said
    assert len(said) <= 1000
    shown = said.count("\n- ")
    assert 2 <= shown < len(notes)
    assert said.endswith(f"\n… và {len(notes) - shown} điều khác: bấm “Kiểm tra” để xem đủ ở trang “Kết quả kiểm tra”.")
    # each shown note is the start of its note, in order
    for line, note in zip(said.split("\n- ")[1:], notes):
        line = line.split("\n… và ")[0]
        assert note.startswith(line.rstrip("…")), (line, note)
    # a report with nothing to look at says so in one line, as before
    clean = remote_book(edited_example(tmp_path, "sach.xlsx", lambda ws: ws.cell(find_row(ws, "I", "3.6.4"), 5)
                                       .__setattr__("value", "Còn 1 hồ sơ trễ hẹn.")))
    cchc_xl.excel.report(clean, open_after=False, pdf=False)
    [one] = [a["args"][0] for a in clean.json()["actions"] if a["func"] == "alert"]
    assert one.startswith("CCHC: đã lập báo cáo ") and "\n" not in one
