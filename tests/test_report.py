"""The Word report: content, ND 30/2020 format, PDF through LibreOffice, refusal on errors."""
import datetime as dt
import shutil
import subprocess
import sys

import pytest
from docx import Document
from docx.shared import Mm

from cchc_xl.read import read_workbook
from cchc_xl.render.context import place_date_line
from cchc_xl.render.report import render_report_file
from cchc_xl.resources import default_report_template

from helpers import EXAMPLE, edited_example, find_row, tiny_png

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "bao_cao.docx"
    render_report_file(EXAMPLE, out)
    return Document(out)


def _text(cell):
    return "\n".join(p.text for p in cell.paragraphs)


def test_every_criterion_row_in_order(report):
    table = report.tables[1]
    assessment = read_workbook(EXAMPLE)
    rows = table.rows[1:]
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


def test_bold_parts_and_areas(report):
    rows = report.tables[1].rows
    by_code = {_text(r.cells[0]): r for r in rows[1:]}
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
    assert "CHỈ SỐ ĐÁNH GIÁ, XÁC ĐỊNH CẢI CÁCH HÀNH CHÍNH CẤP XÃ 6 THÁNG ĐẦU NĂM 2023" in body
    assert "CỦA UBND XÃ NGỌC KỲ" in body
    recipients, signature = report.tables[2].rows[0].cells
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
    total = doc.tables[1].rows[-1].cells
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
    assert "BÁO CÁO TỰ ĐÁNH GIÁ CCHC 6 THÁNG ĐẦU NĂM 2023 (MẪU CỦA TỈNH HẢI DƯƠNG)" in body
    assert len(result.inline_shapes) == 2


def test_default_output_never_overwrites(tmp_path):
    from cchc_xl.render.report import default_output

    wb = tmp_path / "xa.xlsx"
    shutil.copyfile(EXAMPLE, wb)
    first = render_report_file(wb).docx
    second = render_report_file(wb).docx
    assert first != second and first.endswith("xa_bao_cao.docx") and second.endswith("xa_bao_cao (2).docx")
    assert default_output(wb).name == "xa_bao_cao (3).docx"


@needs_soffice
def test_pdf_pages(tmp_path):
    out = tmp_path / "bc.docx"
    outcome = render_report_file(EXAMPLE, out, pdf=True)
    pdf = outcome.pdf
    pages = int(next(line.split()[-1] for line in subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout.splitlines() if line.startswith("Pages")))
    assert pages >= 3
    texts = [subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), pdf, "-"], capture_output=True,
                            text=True).stdout for n in range(1, pages + 1)]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts[0] and "Số: 86/BC-UBND" in texts[0]
    for later in texts[1:]:
        assert "Lĩnh vực, tiêu chí" in later  # header row repeated
    last = texts[-1]
    assert last.index("Tổng") < last.index("CHỦ TỊCH") < last.index("Nguyễn Xuân Thoang")


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
