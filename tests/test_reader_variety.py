"""Workbooks as officers really have them (issue: headers, codes, letterheads, encodings, stray
cells, error values, several tables, Strict files, recalc trace)."""
import datetime as dt
import re
import shutil
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from cchc_xl.api import check_file
from cchc_xl.read import read_workbook
from cchc_xl.read.files import read_grid
from cchc_xl.read.table import parse_workbook
from cchc_xl.summarise.bulk import bulk_check
from cchc_xl.write.recalc import recalc_file

from bench.absurd_files import (empty_bordered_rows, far_corner_cell, many_merges, many_note_rows, overlapping_merges,
                                stray_far_cell, unclosed_cell_tags)
from helpers import EXAMPLE, clear_label_block, saved_by_libreoffice, edited_example, find_row, letterhead_example

HEADER = ["STT", "Lĩnh vực, tiêu chí", "Điểm tối đa", "Điểm tự đánh giá", "Nội dung giải trình"]


def cli(*args):
    return subprocess.run([sys.executable, "-m", "cchc_xl", *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8")


def totals(path, **kwargs):
    t = read_workbook(path, **kwargs).totals()
    return t.max, t.self, t.pending_max


BASE_FINDINGS = {(f.code, f.cell) for f in check_file(EXAMPLE).findings}


@pytest.mark.parametrize("seed", [2601, 1961, 1390, 130, 21, 25, 1040])
def test_the_example_typed_the_ways_officers_type_it_reads_as_the_example(tmp_path, seed):
    """bench/presentations.py's seeds that between them lay the example out in every way it knows (lettered
    items and parts, codes in the names, a two-row header, TCVN3 and VNI, explanations merged over a group,
    the annex's scoring options, an appraisal, words at every level, repeated headers, wrapped names, part
    subtotals, a letterhead, a left margin): each reads to the example's criteria, scores, explanations and
    set, recalculates to the same totals, and reads alike at the Excel button (2601, 1961, 21) and in its
    report (1390, 130, 25, 1040). 21 and 25 leave out the row of part II: read as part II, --against the set
    nothing missing. 1040 links every explanation cell to a document online (in VNI, bulleted, wrapped and
    merged explanations among them): the report links each once, on the cell's own text."""
    from collections import Counter

    from bench import presentations

    base = check_file(EXAMPLE)
    expected = presentations.reading(base)
    assert presentations.run(seed, tmp_path, expected, Counter(f.code for f in base.findings), Counter()) is None


def test_repeated_page_headers_and_column_numbers_are_not_criteria(tmp_path):
    def edit(ws):
        rows = [30, 45, 60, 75, 90, 100, 110]  # seven page breaks
        for at in sorted(rows, reverse=True):
            ws.insert_rows(at, 3)
            ws.cell(at, 1, "BỘ TIÊU CHÍ ĐÁNH GIÁ CẢI CÁCH HÀNH CHÍNH CẤP XÃ (TIẾP THEO)")
            for col, text in enumerate(HEADER, start=1):
                ws.cell(at + 1, col, text)
            for col in range(1, 6):
                ws.cell(at + 2, col, col if at % 2 else f"({col})")
    path = edited_example(tmp_path, "pages.xlsx", edit)
    assert totals(path) == (Decimal(100), Decimal("73.2"), Decimal(24))
    result = check_file(path)
    assert {f.code for f in result.findings} == {code for code, _ in BASE_FINDINGS}
    assert len(result.findings) == len(BASE_FINDINGS)
    # the title pasted with a header is not a note of the criterion above it
    assert not any("TIẾP THEO" in note for c in result.assessment.criteria for note in c.notes)


def _styled_table(path, rows, header=HEADER):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_every_code_style_reads_to_the_right_tree(tmp_path):
    rows = [
        ["Phần I", "KẾT QUẢ", 6, 5],
        ["Lĩnh vực 1", "Chỉ đạo", 6, 5],
        ["Tiêu chí 1.1", "Kế hoạch", 4, 3],
        ["1.1.1.", "Ban hành", 2, 2],
        ["a)", "đúng hạn", 1, 1],
        ["b.", "đủ nội dung", 1, 1],
        ["1.1.1.c", "Thực hiện", 0, 0],
        ["1.1.2", "Báo cáo", 2, 1],
        ["-", "ghi chú gạch đầu dòng", None, None],
        ["+", "ghi chú dấu cộng", None, None],
        ["Chỉ tiêu 1.2", "Kiểm tra", 2, 2],
        ["Ⅱ", "TÁC ĐỘNG", 4, 3],
        ["1.", "Tác động", 4, 3],
        ["Tổng", None, 10, 8],
    ]
    path = _styled_table(tmp_path / "codes.xlsx", rows)
    a = read_workbook(path)
    tree = {(c.part, c.code): (c.parent.code if c.parent else None) for c in a.criteria}
    assert tree == {
        ("I", "I"): None, ("I", "1"): "I", ("I", "1.1"): "1", ("I", "1.1.1"): "1.1", ("I", "1.1.1.a"): "1.1.1",
        ("I", "1.1.1.b"): "1.1.1", ("I", "1.1.1.c"): "1.1.1", ("I", "1.1.2"): "1.1", ("I", "1.2"): "1",
        ("II", "II"): None, ("II", "1"): "II",
    }
    notes = next(c for c in a.criteria if c.code == "1.1.2").notes
    assert notes == ["- ghi chú gạch đầu dòng", "+ ghi chú dấu cộng"]
    result = check_file(path)
    assert [f.code for f in result.findings if f.severity == "error"] == []
    assert a.totals().self == Decimal(8)


def test_lettered_parts_and_nested_word_numbering(tmp_path):
    rows = [["A", "PHẦN A", 5, 5], ["Tiêu chí 1", "Một", 5, 5], ["Chỉ tiêu 1", "Một một", 2, 2],
            ["Chỉ tiêu 2", "Một hai", 3, 3], ["B", "PHẦN B", 2, 1], ["Tiêu chí 1", "Hai", 2, 1]]
    a = read_workbook(_styled_table(tmp_path / "letters.xlsx", rows))
    assert [(c.part, c.code) for c in a.criteria] == [("A", "A"), ("A", "1"), ("A", "1.1"), ("A", "1.2"),
                                                      ("B", "B"), ("B", "1")]
    assert not [f for f in check_file(a.source).findings if f.severity == "error"]


def test_unplaceable_code_quotes_the_cell(tmp_path):
    path = _styled_table(tmp_path / "bad.xlsx", [["1", "Một", 2, 2], ["1.1", "x", 2, 2], ["Mục ba ?", "Lạ", 1, 1]])
    finding = next(f for f in check_file(path).findings if f.code == "missing-code")
    assert "“Mục ba ?”" in finding.message and "không có STT" not in finding.message


def test_header_synonyms_and_missing_column_message(tmp_path):
    header = ["Số TT", "Nội dung đánh giá", "Thang điểm", "Tự chấm", "Thuyết minh"]
    path = _styled_table(tmp_path / "syn.xlsx", [["1", "Một", 2, 1.5, "thiếu"]], header)
    a = read_workbook(path)
    assert a.columns == {"code": 0, "name": 1, "max": 2, "self": 3, "explanation": 4}
    assert a.criteria[0].explanation == "thiếu"
    for words in (["TT", "Tiêu chí", "Điểm chuẩn", "Điểm tự chấm", "Giải trình"],):
        assert read_workbook(_styled_table(tmp_path / "syn2.xlsx", [["1", "Một", 2, 2, ""]], words)).columns["self"] == 3
    broken = _styled_table(tmp_path / "thieu.xlsx", [["1", "Một", 2, 2]], ["STT", "Nội dung", "Điểm tối đa", "Điểm"])
    proc = cli("check", broken)
    assert proc.returncode == 2
    assert "có STT (A), Lĩnh vực, tiêu chí (B), Điểm tối đa (C) nhưng thiếu cột “Điểm tự đánh giá”" in proc.stderr
    assert "--columns" in proc.stderr
    mapped = cli("check", broken, "--columns", "stt=A,name=B,max=C,self=D")
    assert mapped.returncode == 0, mapped.stderr


@pytest.mark.parametrize("spec,said", [
    ("stt=A,name=B,max=C,self=C", "cột C được gán cho nhiều vai trò (Điểm tối đa, Điểm tự đánh giá); mỗi cột một vai trò"),
    ("stt=A,name=B,max=C,self=D,giai-trinh=D",
     "cột D được gán cho nhiều vai trò (Điểm tự đánh giá, Nội dung giải trình); mỗi cột một vai trò"),
    ("stt=A,name=B,max=ZZZ,self=D", "“ZZZ” quá cột cuối cùng của Excel (XFD)"),
])
def test_columns_given_twice_or_past_excel_are_refused(tmp_path, spec, said):
    """--columns max=C,self=C read every max as the commune's own score (a 100/100 table, no
    finding); a column past XFD named nothing. Each is one line; the STT typed into the names
    (stt=B,name=B) stays a layout that is read."""
    proc = cli("check", EXAMPLE, "--columns", spec)
    assert proc.returncode == 2 and proc.stderr.strip().splitlines() == [f"Lỗi: --columns: {said}"]
    assert cli("check", EXAMPLE, "--columns", "stt=B,name=B,max=C,self=D").returncode in (0, 1)


def test_header_deep_in_the_sheet(tmp_path):
    def edit(ws):
        ws.insert_rows(1, 300)
    path = edited_example(tmp_path, "deep.xlsx", edit)
    assert totals(path) == (Decimal(100), Decimal("73.2"), Decimal(24))


@pytest.mark.parametrize("typed, body", [(typed, "UBND thành phố Hải Phòng") for typed in (
    "UBND TP. HẢI PHÒNG", "UBND TP.HẢI PHÒNG", "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG")] + [
    ("UBND TP.HCM", "UBND thành phố Hồ Chí Minh"), ("UBND TPHCM", "UBND thành phố Hồ Chí Minh")])
def test_a_letterhead_body_typed_short_is_the_same_body(tmp_path, typed, body):
    """"UBND TP. HẢI PHÒNG" over the commune's line was no body above: the report lost its letterhead
    line, and the batch could not tell two communes of one name apart by it."""
    path = letterhead_example(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb.worksheets[0]["A1"] = f"{typed}\nUBND XÃ NGỌC KỲ"
    wb.save(path)
    meta = read_workbook(path).meta
    assert meta["superior"] == body and meta["unit"] == "Xã Ngọc Kỳ"


@pytest.mark.parametrize("typed, unit", [("UBND P. HẢI TÂN", "Phường Hải Tân"), ("UBND TT.GIA LỘC", "Thị trấn Gia Lộc"),
                                         ("UBND P.5", "Phường 5"), ("UBND X.NGỌC KỲ", "Xã Ngọc Kỳ")])
def test_a_letterhead_unit_typed_short_is_the_unit(tmp_path, typed, unit):
    """"UBND P. HẢI TÂN", "UBND TT.GIA LỘC" (no space after the dot) named no unit: the report's
    letterhead and title were left "Xã ……", and the batch named the commune by its file."""
    path = letterhead_example(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb.worksheets[0]["A1"] = f"UBND HUYỆN GIA LỘC\n{typed}"
    wb.worksheets[0]["A5"] = "BÁO CÁO KẾT QUẢ TỰ ĐÁNH GIÁ CHỈ SỐ CCHC 6 THÁNG ĐẦU NĂM 2023"
    wb.save(path)
    meta = read_workbook(path).meta
    assert meta["unit"] == unit and meta["superior"] == "UBND huyện Gia Lộc"


def test_letterhead_one_cell_lines_and_signature_block_reach_the_report(tmp_path):
    from docx import Document

    from cchc_xl.render.report import render_report_file

    path = letterhead_example(tmp_path)
    meta = read_workbook(path).meta
    assert meta["unit"] == "Xã Ngọc Kỳ" and meta["superior"] == "UBND huyện Tứ Kỳ"
    assert meta["doc_number"] == "86/BC-UBND" and meta["place"] == "Ngọc Kỳ"
    assert str(meta["report_date"]) == "2023-06-26" and meta["period"] == "6 tháng đầu năm 2023"
    assert meta["province"] == "Hải Dương"  # "Tỉnh: Hải Dương" in one cell
    assert (meta["authority"], meta["signer_title"], meta["signer"]) == ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH",
                                                                          "Nguyễn Xuân Thoang")
    from helpers import report_signature_cells

    out = tmp_path / "bc.docx"
    render_report_file(path, out)
    doc = Document(out)
    text = "\n".join(p.text for table in doc.tables for row in table.rows for cell in row.cells for p in cell.paragraphs)
    text += "\n".join(p.text for p in doc.paragraphs)
    text += "\n".join(p.text for cell in report_signature_cells(doc) for p in cell.paragraphs)
    assert "XÃ NGỌC KỲ" in text and "Số: 86/BC-UBND" in text and "Ngọc Kỳ, ngày 26 tháng 6 năm 2023" in text
    assert "Nguyễn Xuân Thoang" in text and "……" not in text and "6\u00a0THÁNG ĐẦU NĂM\u00a02023" in text


# TCVN3 (TCVN 5712:1993): byte → letter, as the standard lists it (written here independently of the
# converter's own table, so a wrong entry there fails this test).
TCVN3 = {0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ", 0xA8: "ă", 0xA9: "â",
         0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ", 0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á",
         0xB9: "ạ", 0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ", 0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ",
         0xCA: "ấ", 0xCB: "ậ", 0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ", 0xD2: "ề", 0xD3: "ể",
         0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ", 0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị", 0xDF: "ò",
         0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ", 0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
         0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ", 0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú",
         0xF4: "ụ", 0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự", 0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ",
         0xFD: "ý", 0xFE: "ỵ"}


def test_every_tcvn3_letter():
    from cchc_xl.read.legacy import convert

    for byte, letter in TCVN3.items():
        assert convert(f"x{chr(byte)}y", "tcvn3") == f"x{letter}y", hex(byte)
    assert convert("TæNG §IÓM", "tcvn3") == "TỔNG ĐIỂM"  # a .VnTimeH heading: capitals restored
    assert convert("Tæng ®iÓm tèi ®a", "tcvn3") == "Tổng điểm tối đa"


def _to_tcvn3(text: str) -> str:
    reverse = {letter: chr(byte) for byte, letter in TCVN3.items()}
    out = []
    for ch in text:
        if ch in reverse:
            out.append(reverse[ch])
        elif ch.lower() in reverse and ch.isupper():
            out.append(reverse[ch.lower()])  # no accented capitals in TCVN3: the H font draws them
        else:
            out.append(ch)
    return "".join(out)


def _to_vni(text: str) -> str:
    from viparse.normalize.vni import VNI

    reverse = {letter: seq for seq, letter in VNI.pairs}
    return "".join(reverse.get(ch, ch) for ch in text)


def _legacy_copy(tmp_path, name, encode, font):
    wb = openpyxl.load_workbook(EXAMPLE)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.value = encode(cell.value)
                    cell.font = cell.font.copy(name=font)
    path = tmp_path / name
    wb.save(path)
    return path


@pytest.mark.parametrize("encode,font,encoding", [(_to_tcvn3, ".VnTime", "TCVN3"), (_to_vni, "VNI-Times", "VNI")])
def test_legacy_workbooks_read_like_the_unicode_original(tmp_path, encode, font, encoding):
    path = _legacy_copy(tmp_path, f"{encoding}.xlsx", encode, font)
    original, legacy = read_workbook(EXAMPLE), read_workbook(path)
    assert totals(path) == (Decimal(100), Decimal("73.2"), Decimal(24))
    assert [c.name.lower() for c in legacy.criteria] == [c.name.lower() for c in original.criteria]
    assert legacy.meta["unit"] == "Xã Ngọc Kỳ" and legacy.meta["signer"] == "Nguyễn Xuân Thoang"
    info = [f for f in check_file(path).findings if f.code == "legacy-encoding"]
    assert len(info) == 1 and encoding in info[0].message and "Lệnh `cchc-xl convert` tạo bản Unicode." in info[0].message
    # through the Excel button (the sheet in front known, as read.live gives it): no command to type
    from cchc_xl.read.files import read_grid
    from cchc_xl.read.table import parse_workbook

    grid = read_grid(str(path))
    grid.active = grid.sheets[0].name
    [said] = [m for code, _, m, *_ in parse_workbook(grid).read_problems if code == "legacy-encoding"]
    assert said.endswith(f"Để chuyển hẳn sang Unicode, dùng công cụ chuyển mã của Unikey ({encoding} → Unicode).")
    before = path.read_bytes()
    out = tmp_path / f"{encoding}_unicode.xlsx"
    proc = cli("convert", path, "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert path.read_bytes() == before  # the original is untouched
    converted = read_workbook(out)
    assert [c.name.lower() for c in converted.criteria] == [c.name.lower() for c in original.criteria]
    assert not [f for f in check_file(out).findings if f.code == "legacy-encoding"]
    with zipfile.ZipFile(out) as z, zipfile.ZipFile(path) as src:
        assert b"Times New Roman" in z.read("xl/styles.xml") and font.encode() not in z.read("xl/styles.xml")
        for name in src.namelist():
            if name not in ("xl/sharedStrings.xml", "xl/styles.xml") and not name.startswith("xl/worksheets/"):
                assert z.read(name) == src.read(name), name
    assert cli("convert", EXAMPLE, "-o", tmp_path / "u.xlsx").returncode == 2  # already Unicode: says so


def test_convert_given_a_word_file_says_what_it_is(tmp_path):
    """`convert bao_cao.docx -o bao_cao.xlsx` answered "tệp ra phải có cùng đuôi .docx với tệp gốc", as if a
    Word file could be converted to another .docx; what the file is comes first."""
    from cchc_xl.render.report import render_report_file

    docx = render_report_file(EXAMPLE, tmp_path / "bc.docx").docx
    proc = cli("convert", docx, "-o", tmp_path / "bc.xlsx")
    assert proc.returncode == 2 and "đây là tệp Word (.docx), không phải sổ tính Excel" in proc.stderr
    assert not (tmp_path / "bc.xlsx").exists()
    proc = cli("convert", EXAMPLE, "-o", tmp_path / "u.xlsm")  # a workbook: the suffix is what is wrong
    assert proc.returncode == 2 and "tệp ra phải có cùng đuôi .xlsx với tệp gốc" in proc.stderr


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_a_date_typed_as_an_explanation_reads_as_documents_write_it(tmp_path, engine):
    """An explanation typed "22/6/2023", which Excel keeps as a date: the report printed "2023-06-22"
    (and "2023-06-22 00:00:00" through openpyxl); a time "08:30:00"."""
    import datetime as dt

    def edit(ws):
        ws.cell(find_row(ws, "I", "1.2"), 5).value = dt.datetime(2023, 6, 22)
        ws.cell(find_row(ws, "I", "1.3"), 5).value = dt.datetime(2023, 6, 22, 14, 5)
        ws.cell(find_row(ws, "I", "1.4"), 5).value = dt.time(8, 30)
    path = edited_example(tmp_path, "ngay.xlsx", edit)
    explained = {c.code: c.explanation for c in read_workbook(path, engine=engine).criteria}
    assert (explained["1.2"], explained["1.3"], explained["1.4"]) == ("22/06/2023", "22/06/2023 14:05", "08:30")


def _mixed_copy(tmp_path, name="mixed.xlsx"):
    """The example as a new Unicode template around last decade's table: the rows under the header
    typed in TCVN3, in .VnTime; a Unicode word of Latin-1 letters only ("Có") in Times New Roman
    beside them, as TCVN3 would misread it."""
    wb = openpyxl.load_workbook(EXAMPLE)
    ws = wb.worksheets[0]
    header = next(c.row for row in ws.iter_rows() for c in row if c.value == "STT")
    for row in ws.iter_rows(min_row=header + 1):
        for cell in row:
            if isinstance(cell.value, str):
                cell.value = _to_tcvn3(cell.value)
                cell.font = cell.font.copy(name=".VnTime")
    ws.cell(find_row(ws, "I", "1.1"), 7).value = "Có"
    path = tmp_path / name
    wb.save(path)
    return path


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_a_table_in_tcvn3_under_a_unicode_letterhead_reads_like_the_original(tmp_path, engine):
    """Last decade's table pasted into a new template: with the Unicode letterhead and labels above it,
    its TCVN3 was left as it was: names "KÕ ho¹ch", the "Tæng" row a missing-code error, the total
    unread. The cells in an old font are read in Unicode; the others stay as typed."""
    path = _mixed_copy(tmp_path)
    original, mixed = read_workbook(EXAMPLE), read_workbook(path, engine=engine)
    assert [c.name.lower() for c in mixed.criteria] == [c.name.lower() for c in original.criteria]
    assert [c.explanation for c in mixed.criteria] == [c.explanation for c in original.criteria]
    assert mixed.total_row == original.total_row and mixed.meta["unit"] == "Xã Ngọc Kỳ"
    assert totals(path) == (Decimal(100), Decimal("73.2"), Decimal(24))
    result, before = check_file(path, engine=engine), check_file(EXAMPLE, engine=engine)
    assert [(f.code, f.cell, f.message) for f in result.findings if f.code != "legacy-encoding"] == [
        (f.code, f.cell, f.message) for f in before.findings]
    said = [f.message for f in result.findings if f.code == "legacy-encoding"]
    assert len(said) == 1 and "TCVN3" in said[0]
    grid = read_grid(str(path), engine=engine)
    parse_workbook(grid)
    assert grid.sheets[0].rows[find_row(openpyxl.load_workbook(path).worksheets[0], "I", "1.1") - 1][6] == "Có"


def test_a_few_cells_pasted_from_an_old_file_are_read_in_unicode(tmp_path):
    """Two cells pasted from last decade's file into a Unicode workbook, in .VnTime: the total row's
    "Tæng" (the total went unread: a missing-code error) and one name. Found one by one where they
    stand, as a few cells are."""
    from openpyxl.styles import Font

    def edit(ws):
        total = find_row(ws, "II", "3") + 1
        ws.cell(total, 2).value, ws.cell(total, 2).font = _to_tcvn3("Tổng"), Font(name=".VnTime")
        row = find_row(ws, "I", "1.2")
        ws.cell(row, 2).value = _to_tcvn3(ws.cell(row, 2).value)
        ws.cell(row, 2).font = Font(name=".VnTime", bold=True)
    path = edited_example(tmp_path, "vai_o.xlsx", edit)
    original, mixed = read_workbook(EXAMPLE), read_workbook(path)
    assert [c.name.lower() for c in mixed.criteria] == [c.name.lower() for c in original.criteria]
    assert mixed.total_row == original.total_row
    assert [(f.code, f.cell) for f in check_file(path).findings if f.code != "legacy-encoding"] == [
        (f.code, f.cell) for f in check_file(EXAMPLE).findings]
    assert any("(2 ô)" in p[2] for p in mixed.read_problems if p[0] == "legacy-encoding")


def test_a_unicode_workbook_with_an_old_font_in_its_styles_is_left_as_typed(tmp_path):
    """.VnTime named in the styles (a template's leftover) while every cell is in Unicode fonts: nothing
    is converted, "Có" stays "Có"."""
    def edit(ws):
        ws["H1"].font = ws["H1"].font.copy(name=".VnTime")  # a font in the styles, on an empty cell
        ws.cell(find_row(ws, "I", "1.1"), 7).value = "Có"
    path = edited_example(tmp_path, "font.xlsx", edit)
    assert b".VnTime" in zipfile.ZipFile(path).read("xl/styles.xml")
    grid = read_grid(str(path))
    assessment = parse_workbook(grid)
    assert not [p for p in assessment.read_problems if p[0] == "legacy-encoding"]
    assert grid.sheets[0].rows[find_row(openpyxl.load_workbook(path).worksheets[0], "I", "1.1") - 1][6] == "Có"


def test_convert_turns_only_the_old_cells_of_a_mixed_workbook(tmp_path):
    """`check` said of a table in TCVN3 under a Unicode letterhead "`cchc-xl convert` tạo bản Unicode",
    and convert said the workbook was Unicode already. It converts the cells in an old font (shared
    strings they show, their formulas) and notes written in one; "Có" in Times New Roman stays."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    path = _mixed_copy(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    row = find_row(ws, "I", "1.1")
    ws.cell(row, 8).value = f'=IF(D{row}>C{row},"{_to_tcvn3("Vượt")}","{_to_tcvn3("Đạt")}")'
    ws.cell(row, 8).font = Font(name=".VnTime")
    ws.cell(row, 9).value = f'=IF(D{row}>C{row},"Vượt","Có")'  # a Unicode formula beside it
    old_note, new_note = Comment(_to_tcvn3("Đã kiểm tra hồ sơ"), "Lan"), Comment("Có hồ sơ", "Lan")
    ws.cell(row, 5).comment, ws.cell(row, 6).comment = old_note, new_note
    wb.save(path)
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp_path / "noted.xlsx", "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():  # the old note in .VnTime, as a note typed so is saved
            data = src.read(item.filename)
            if "comment" in item.filename and item.filename.endswith(".xml"):
                data = data.replace(b"<text><t>", b'<text><r><rPr><rFont val=".VnTime"/></rPr><t>', 1)
                data = data.replace(b"</t></text>", b"</t></r></text>", 1)
            dst.writestr(item, data)
    out = tmp_path / "unicode.xlsx"
    proc = cli("convert", tmp_path / "noted.xlsx", "-o", out)
    assert proc.returncode == 0, proc.stderr
    converted = openpyxl.load_workbook(out).worksheets[0]
    original = openpyxl.load_workbook(EXAMPLE).worksheets[0]
    for r in range(1, original.max_row + 1):
        for c in range(1, 6):  # (TCVN3 has no accented capitals: "CẤP X·" reads "CẤP Xã")
            theirs, ours = original.cell(r, c).value, converted.cell(r, c).value
            assert (ours.lower() if isinstance(ours, str) else ours) == (
                theirs.lower() if isinstance(theirs, str) else theirs), (r, c)
    assert converted.cell(row, 7).value == "Có"
    assert converted.cell(row, 8).value == f'=IF(D{row}>C{row},"Vượt","Đạt")'
    assert converted.cell(row, 9).value == f'=IF(D{row}>C{row},"Vượt","Có")'
    assert (converted.cell(row, 5).comment.text, converted.cell(row, 6).comment.text) == ("Đã kiểm tra hồ sơ",
                                                                                            "Có hồ sơ")
    assert not [f for f in check_file(out).findings if f.code == "legacy-encoding"]
    with zipfile.ZipFile(out) as archive:
        assert not [n for n in archive.namelist() if n.endswith(".xml") and b".VnTime" in archive.read(n)]


def test_convert_also_turns_what_else_holds_the_officers_words(tmp_path):
    """A formula's text and the text it shows, a note, a print header, a drop-down's choices: `convert` wrote them on in
    TCVN3, in Times New Roman now, so the Unicode copy showed "§¹t" where the original showed "Đạt"."""
    from openpyxl.comments import Comment

    path = _legacy_copy(tmp_path, "tcvn3.xlsx", _to_tcvn3, ".VnTime")
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    row = find_row(ws, "I", "1.1")
    ws.cell(row, 7).value = f'=IF(D{row}>C{row},"{_to_tcvn3("Vượt “điểm”")}","{_to_tcvn3("Đạt")}")'
    ws.cell(row, 5).comment = Comment(_to_tcvn3("Đã kiểm tra hồ sơ"), "Lan")
    ws.oddFooter.center.text = _to_tcvn3("Trang &P - Báo cáo")
    ws.oddFooter.center.font = ".VnTime,Bold"
    from openpyxl.worksheet.datavalidation import DataValidation

    choices = DataValidation(type="list", formula1=f'"{_to_tcvn3("Đạt,Không đạt")}"')
    choices.add(f"H{row}")
    ws.add_data_validation(choices)
    wb.save(path)
    raw = tmp_path / "raw.xlsx"  # the text the formula shows, as Excel keeps it (openpyxl writes none)
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<c r="G(\d+)"><f>(.*?)</f><v></v>',
                              lambda m: b'<c r="G' + m.group(1) + b'" t="str"><f>' + m.group(2) + b"</f><v>"
                              + _to_tcvn3("Đạt").encode("ascii", "xmlcharrefreplace") + b"</v>", data)
            dst.writestr(item, data)
    out = tmp_path / "unicode.xlsx"
    proc = cli("convert", raw, "-o", out)
    assert proc.returncode == 0, proc.stderr
    converted = openpyxl.load_workbook(out)
    sheet = converted.worksheets[0]
    assert sheet.cell(row, 7).value == f'=IF(D{row}>C{row},"Vượt “điểm”","Đạt")'
    assert sheet.cell(row, 5).comment.text == "Đã kiểm tra hồ sơ"
    assert sheet.oddFooter.center.text == "Trang &P - Báo cáo" and sheet.oddFooter.center.font == "Times New Roman,Bold"
    assert [v.formula1 for v in sheet.data_validations.dataValidation if f"H{row}" in str(v.sqref)] == [
        '"Đạt,Không đạt"']  # a drop-down's choices
    shown = openpyxl.load_workbook(out, data_only=True).worksheets[0]
    assert shown.cell(row, 7).value == "Đạt"


def _with_raw_cells(tmp_path, name, extra_xml: bytes, replace: tuple[bytes, bytes] | None = None):
    """The example with raw XML changes in its sheet (what other programs write)."""
    out = tmp_path / name
    with zipfile.ZipFile(EXAMPLE) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                if replace:
                    data = re.sub(replace[0], replace[1], data, count=1)
                    assert data.count(b' t="e" t=') == 0
                data = data.replace(b"</sheetData>", extra_xml + b"</sheetData>")
            dst.writestr(item, data)
    return out


def _score_cell(code_part, code):
    ws = openpyxl.load_workbook(EXAMPLE).worksheets[0]
    return f"D{find_row(ws, code_part, code)}"


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_an_explanation_that_is_an_error_value_is_said_at_its_cell(tmp_path, engine):
    """An explanation cell holding #VALUE! (a broken formula, or a picture placed in the cell by Excel
    365, which the file keeps as an error with its picture aside): python-calamine read "", openpyxl
    "#VALUE!", printed so in the report. Both read it blank now, and a warning points at the cell."""
    ws = openpyxl.load_workbook(EXAMPLE).worksheets[0]
    ref = f"E{find_row(ws, 'I', '1.2')}"
    pattern = rb'<c r="' + ref.encode() + rb'"[^>]*?(?:/>|>.*?</c>)'
    path = _with_raw_cells(tmp_path, "hinh.xlsx", b"",
                           (pattern, b'<c r="' + ref.encode() + b'" t="e" vm="1"><v>#VALUE!</v></c>'))
    assessment = read_workbook(path, engine=engine)
    assert next(c.explanation for c in assessment.criteria if c.code == "1.2") == ""
    said = [f for f in check_file(path, engine=engine).findings if f.code == "explanation-error"]
    assert [(f.cell, f.severity) for f in said] == [(ref, "warning")]
    assert f"(ô {ref}) là giá trị lỗi #VALUE! của Excel" in said[0].message


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_cached_error_value_is_an_error_from_both_readers(tmp_path, engine):
    ref = _score_cell("I", "1.2")
    pattern = rb'<c r="' + ref.encode() + rb'"(?: s="(\d+)")?[^>]*>.*?</c>'
    path = _with_raw_cells(tmp_path, "ref.xlsx", b"",
                           (pattern, b'<c r="' + ref.encode() + rb'" t="e"><f>#REF!+1</f><v>#REF!</v></c>'))
    result = check_file(path, engine=engine)
    errors = [f for f in result.findings if f.code == "cell-error"]
    assert len(errors) == 1 and errors[0].cell == ref and "#REF!" in errors[0].message
    assert not result.ok


@pytest.mark.parametrize("value", [b"NaN", b"INF", b"-INF", b"1e300"])
def test_nan_and_infinity_are_not_numbers(tmp_path, value):
    ref = _score_cell("I", "1.2")
    pattern = rb'<c r="' + ref.encode() + rb'"([^>]*)>.*?</c>'
    path = _with_raw_cells(tmp_path, "nan.xlsx", b"", (pattern, b'<c r="' + ref.encode() + b'"><v>' + value + b"</v></c>"))
    result = check_file(path)
    assert result.readable and any(f.code == "not-a-number" and f.cell == ref for f in result.findings)
    proc = cli("report", path, "-o", tmp_path / "bc.docx")
    assert proc.returncode == 1 and "not-a-number" in proc.stderr and not (tmp_path / "bc.docx").exists()


def _stray_far_cell(tmp_path, name="stray.xlsx"):
    return stray_far_cell(tmp_path, name)


def _empty_bordered_rows(tmp_path):
    return empty_bordered_rows(tmp_path)


def _many_merges(tmp_path):
    return many_merges(tmp_path)


def _overlapping_merges(tmp_path):
    return overlapping_merges(tmp_path)


def _far_corner_cell(tmp_path):
    return far_corner_cell(tmp_path)


@pytest.mark.parametrize("make", [_stray_far_cell, _far_corner_cell, _empty_bordered_rows, _many_merges,
                                  _overlapping_merges])
def test_absurd_extents_are_read_within_bounds(tmp_path, make):
    path = make(tmp_path)
    proc = cli("check", path)
    assert proc.returncode == 0, proc.stderr  # the example's warnings only
    assert "73,2/100" in proc.stdout
    if make is _stray_far_cell:
        assert "stray-cells" in proc.stdout and "XFD1048576" in proc.stdout


def test_a_damaged_sheet_of_unclosed_cell_tags_is_read_in_bounded_time(tmp_path):
    """The formula, error and extent scans, run on the sheet's bytes before any XML parser, let a
    tag run on over the next "<": 11 KB of unclosed "<c r=\"AB1\"" tags took 27 s, this one's 220 KB
    hours (a batch never ending on one file). They stop at a tag's end now; python-calamine then
    reads the sheet (its parser passes over the broken tags)."""
    path = unclosed_cell_tags(tmp_path)
    proc = subprocess.run([sys.executable, "-m", "cchc_xl", "check", str(path)], capture_output=True, text=True,
                          encoding="utf-8", timeout=120)
    assert proc.returncode == 0 and "73,2/100" in proc.stdout, proc.stderr


def test_thirty_thousand_note_rows_under_the_last_criterion_are_read_in_bounded_time(tmp_path):
    """30,000 rows of notes and explanations under the last criterion (a log pasted under the table):
    each row's text was compared with every line gathered before it, 70 s for the file. They are
    gathered in a set and joined once now; every line is kept."""
    path = many_note_rows(tmp_path)
    proc = subprocess.run([sys.executable, "-m", "cchc_xl", "check", str(path), "--json"], capture_output=True,
                          text=True, encoding="utf-8", timeout=30)
    assert proc.returncode == 0, proc.stderr
    import json
    last = json.loads(proc.stdout)["workbooks"][0]["criteria"][-1]
    assert last["code"] == "3" and last["explanation"].split("\n")[-1] == "văn bản 29999"
    assert len(last["explanation"].split("\n")) == 30_000


def test_absurd_files_inside_a_bulk_of_three(tmp_path):
    folder = tmp_path / "xa"
    folder.mkdir()
    _stray_far_cell(folder, "a.xlsx")
    _many_merges(folder).rename(folder / "b.xlsx")
    shutil.copyfile(EXAMPLE, folder / "c.xlsx")
    outcome = bulk_check([folder], output=tmp_path / "tong_hop.xlsx", jobs=1)
    rows = {Path(r.path).name: r for r in outcome.records}
    assert set(rows) == {"a.xlsx", "b.xlsx", "c.xlsx"}
    assert all(r.readable and r.self == Decimal("73.2") for r in rows.values())


def test_a_workbook_of_several_communes_one_sheet_each_says_the_others_are_not_checked(tmp_path):
    """A workbook that gathers communes, one sheet each ("Ngọc Kỳ", "Hà Kỳ", "Quang Phục"): one table is
    checked and ranked, and the others were an "other-tables" note in the detail sheet. They are now a
    warning naming each unit and sheet, said on the bulk console too; a copy of the same unit, or a table of
    another period (a merged commune's of last year), is still a note. (That table, on this year's set, was
    the one chosen and checked: the set's "năm 2023" counted as its period, a whole year.)"""
    from helpers import gathered_communes, set_labels

    wb = gathered_communes()
    first = wb["Ngọc Kỳ"]
    wb.copy_worksheet(first).title = "Bản cũ"  # the same commune's copy
    former = wb.copy_worksheet(first)  # a commune merged into this one: its table of last year, kept beside
    former.title = "Xã cũ"
    set_labels(former, {"Tên đơn vị:": "Xã Tân Kỳ", "Kỳ đánh giá:": "6 tháng đầu năm 2022"})
    path = tmp_path / "tong_hop_xa.xlsx"
    wb.save(path)
    result = check_file(path)
    found = {f.code: f for f in result.findings if f.code in ("several-units", "other-tables")}
    assert found["several-units"].severity == "warning" and found["several-units"].message == (
        "Sổ tính có bảng tiêu chí của 3 đơn vị: chỉ Xã Ngọc Kỳ (trang “Ngọc Kỳ”) được kiểm tra; Xã Hà Kỳ (trang “Hà "
        "Kỳ”), Xã Quang Phục (trang “Quang Phục”) chưa được kiểm tra, xếp hạng. Hãy tách mỗi đơn vị thành một tệp, "
        "hoặc kiểm tra từng trang bằng --sheet TÊN (lệnh `cchc-xl bulk` kiểm tra, xếp hạng mọi đơn vị của sổ).")
    assert "Các trang khác: Bản cũ, Xã cũ." in found["other-tables"].message
    lines = bulk_check([path], output=None, jobs=1).lines()
    assert [line for line in lines if line.startswith("  ⚠ tong_hop_xa.xlsx: Sổ tính có bảng tiêu chí của 3 đơn vị")]
    # a copy of the same commune (last period's, kept beside) is no other unit
    wb = openpyxl.load_workbook(EXAMPLE)
    wb.copy_worksheet(wb.worksheets[0]).title = "Bản sao"
    wb.save(tmp_path / "ban_sao.xlsx")
    assert not [f for f in check_file(tmp_path / "ban_sao.xlsx").findings if f.code == "several-units"]


def test_one_sheet_asked_for_is_the_only_one_read(tmp_path):
    """`--sheet` (and bulk, for each unit of a workbook that gathers several) read every sheet of the workbook
    for the one asked: a workbook of 30 communes read 30 × 30 sheets in bulk (1,2 s; now 0,2 s)."""
    from cchc_xl.read.files import read_grid

    wb = openpyxl.load_workbook(EXAMPLE)
    for name in ("Hà Kỳ", "Quang Phục"):
        wb.copy_worksheet(wb.worksheets[0]).title = name
    wb.save(tmp_path / "ba_xa.xlsx")
    assert [s.name for s in read_grid(str(tmp_path / "ba_xa.xlsx"), only="Hà Kỳ").sheets] == ["Hà Kỳ"]
    assert len(read_grid(str(tmp_path / "ba_xa.xlsx"), only="Không có").sheets) == 3  # the parser names them all
    result = check_file(tmp_path / "ba_xa.xlsx", sheet="Không có")
    assert result.error == ("không có trang “Không có” trong sổ tính (các trang: “Tự đánh giá”, “Hà Kỳ”, "
                            "“Quang Phục”)")
    assert check_file(tmp_path / "ba_xa.xlsx", sheet="Quang Phục").assessment.totals().self == Decimal("73.2")


def test_hidden_old_table_and_visible_current_table(tmp_path):
    wb = openpyxl.load_workbook(EXAMPLE)
    current = wb.worksheets[0]
    old = wb.copy_worksheet(current)
    old.title = "Kỳ trước"
    old["C7"] = "6 tháng đầu năm 2022"
    old.cell(find_row(old, "I", "1.2"), 4).value = 1
    old.sheet_state = "hidden"
    wb.move_sheet(old, offset=-1)  # the old table comes first
    path = tmp_path / "hai_bang.xlsx"
    wb.save(path)
    result = check_file(path)
    assert result.assessment.sheet == current.title
    # the period is the table's own, not the hidden sheet's above it (it read 2022: the report said so)
    assert result.assessment.period == "6 tháng đầu năm 2023"
    info = [f for f in result.findings if f.code == "other-tables"]
    assert len(info) == 1 and "Kỳ trước (ẩn)" in info[0].message and current.title in info[0].message
    proc = cli("recalc", path, "-o", tmp_path / "ra.xlsx")
    assert proc.returncode == 0, proc.stderr
    out = openpyxl.load_workbook(tmp_path / "ra.xlsx")
    assert out["Kỳ trước"].cell(find_row(old, "I", "1.2"), 4).value == 1  # the hidden sheet is untouched
    picked = check_file(path, sheet="Kỳ trước")
    assert picked.assessment.sheet == "Kỳ trước" and picked.assessment.period == "6 tháng đầu năm 2022"


def test_recalc_never_writes_a_hidden_sheet_unasked(tmp_path):
    wb = openpyxl.load_workbook(EXAMPLE)
    wb.worksheets[0].sheet_state = "hidden"
    wb.create_sheet("Ghi chú")["A1"] = "trang hiện không có bảng"
    wb.active = 1
    path = tmp_path / "an.xlsx"
    wb.save(path)
    before = path.read_bytes()
    proc = cli("recalc", path)
    assert proc.returncode == 2 and "trang ẩn" in proc.stderr and path.read_bytes() == before
    assert cli("recalc", path, "--sheet", wb.worksheets[0].title).returncode == 0


def test_strict_open_xml_is_read(tmp_path):
    pairs = [(b"http://schemas.openxmlformats.org/spreadsheetml/2006/main", b"http://purl.oclc.org/ooxml/spreadsheetml/main"),
             (b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
              b"http://purl.oclc.org/ooxml/officeDocument/relationships")]
    out = tmp_path / "strict.xlsx"
    with zipfile.ZipFile(EXAMPLE) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.endswith((".xml", ".rels")) and not item.filename.startswith("docProps"):
                for a, b in pairs:
                    data = data.replace(a, b)
            dst.writestr(item, data)
    assert totals(out) == (Decimal(100), Decimal("73.2"), Decimal(24))


def test_recalc_lists_every_replaced_value(tmp_path):
    def edit(ws):
        ws.cell(find_row(ws, "I", "I"), 4).value = 53.7  # a typed part total that disagrees
        ws.cell(find_row(ws, "I", "3"), 4).value = 20
        ws.cell(find_row(ws, "I", "1"), 4).value = "14 điểm"  # the right number, with words of the officer's
        ws.cell(find_row(ws, "I", "1.1"), 4).value = "chưa chấm"  # no number at all
    path = edited_example(tmp_path, "sai.xlsx", edit)
    rows = {c: find_row(openpyxl.load_workbook(path).worksheets[0], "I", c) for c in ("I", "3", "1", "1.1")}
    expected = [f"D{rows['I']}: 53,7 → 71,2", f"D{rows['3']}: 20 → 17,1", f"D{rows['1']}: “14 điểm” → 14",
                f"D{rows['1.1']}: “chưa chấm” → 2,5"]
    proc = cli("recalc", path)
    assert proc.returncode == 0, proc.stderr
    assert all(line in proc.stdout for line in expected), proc.stdout
    sheet = openpyxl.load_workbook(path)["Kết quả kiểm tra"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    replaced = [row[1] for row in values if row[0] == "Ô đã thay (cũ → mới)"]
    assert sorted(replaced) == sorted(expected)
    i_row = rows["I"]
    before = [row for row in values if row[3] == "self-sum-mismatch"]
    assert {row[1] for row in before} >= {f"D{i_row}", f"D{rows['3']}"}
    assert all(str(row[5]).startswith("Trước khi tính lại:") for row in before)
    backup = next(tmp_path.glob("sai.sao-luu-*"))
    assert openpyxl.load_workbook(backup).worksheets[0].cell(i_row, 4).value == 53.7


def test_a_shared_merge_index_answers_as_a_fresh_one():
    """Sheets merged alike share one index (a batch builds it once); its answers equal a fresh
    index's for every cell, with merges inside the sheet, past its last row, and large ones."""
    import random

    from cchc_xl.read.headers import MergeIndex, merge_index

    rng = random.Random(5)
    for _ in range(300):
        merged = []
        for _ in range(rng.randint(0, 6)):
            r0, c0 = rng.randint(0, 30), rng.randint(0, 8)
            merged.append((r0, c0, r0 + rng.choice([0, 1, 2, 40, 700]), c0 + rng.choice([0, 1, 3, 30])))
        height, width = rng.randint(1, 40), rng.randint(1, 10)
        shared, fresh = merge_index(merged, height, width), MergeIndex(merged, height, width)
        for r in range(height + 2):
            for c in range(width + 2):
                assert shared.get((r, c)) == fresh.get((r, c)), (merged, height, width, r, c)
    layout = [(0, 0, 0, 4), (5, 4, 7, 4)]
    assert merge_index(list(layout), 120, 5) is merge_index(list(layout), 130, 5)  # rows below change nothing


def test_a_merge_index_enters_a_bounded_number_of_cells():
    """100,000 overlapping merges: the index enters at most BUDGET cells, then keeps 64 as
    rectangles, and still answers for the merges it kept (the first ones)."""
    from cchc_xl.read.headers import MergeIndex

    merged = [(r % 120, 0, r % 120 + 99, 4) for r in range(100_000)]
    index = MergeIndex(merged, 300, 5)
    assert index.entered <= MergeIndex.BUDGET and len(index.big) == 64
    top = index.get((50, 3))  # the first cell of one of the merges entered over it
    assert top is not None and top[1] == 0 and top[0] <= 50 <= top[0] + 99
    assert index.get((0, 0)) is None  # a merge's own first cell holds the value
    real = [(r * 3, 4, r * 3 + 2, 4) for r in range(400)]  # a real table: every explanation over 3 rows
    index = MergeIndex(real, 1200, 5)
    assert index.entered == 1200 and not index.big and index.get((1198, 4)) == (1197, 4)


def test_a_sheet_spanning_more_than_a_dense_reader_should_hold_is_read_sparse():
    """Content at A1 and ZZ99999 (70 million cells from A1: 2.8 GB and 13 s in python-calamine) is
    read sparse; a wide but short table (columns to AZ, 300 rows) and the usual A–E stay dense."""
    from cchc_xl.read.sparse import MAX_DENSE_CELLS, needs_sparse

    def sheet(*refs):
        cells = "".join(f'<c r="{ref}" t="inlineStr"><is><t>x</t></is></c>' for ref in refs)
        return f'<worksheet><sheetData><row r="1">{cells}</row></sheetData></worksheet>'.encode()

    assert needs_sparse(sheet("A1", "ZZ99999"))
    assert needs_sparse(sheet("A1", "AAA1")) and needs_sparse(sheet("A100000"))  # beyond the limits, as before
    assert not needs_sparse(sheet("A1", "AZ300"))  # wide and short: 15,600 cells
    assert 52 * 99_999 > MAX_DENSE_CELLS and needs_sparse(sheet("A1", "AZ300", "E99999"))  # wide and long
    assert not needs_sparse(sheet("A1", "E120")) and not needs_sparse(sheet("A1", "Z99999"))
    assert not needs_sparse(sheet("A1") + b'<c r="ZZ99999" s="3"/>')  # an empty styled cell costs nothing


def _codes_into_names(ws, header_row=17, dot=True, drop_column=False):
    """The officer's way of numbering inside the names: "1.1. Kế hoạch CCHC năm", STT left empty
    (or no STT column at all)."""
    for r in range(header_row + 1, ws.max_row + 1):
        code, name = ws.cell(r, 1).value, ws.cell(r, 2).value
        if code is not None and name:
            ws.cell(r, 2).value = f"{code}{'.' if dot else ''} {name}"
            ws.cell(r, 1).value = None
    if drop_column:
        ws.delete_cols(1)


def _row_named(ws, name, column=2):
    """1-based row whose name cell ends with ``name`` (with or without a code before it)."""
    return next(r for r in range(1, ws.max_row + 1) if str(ws.cell(r, column).value or "").endswith(name))


def _tree(assessment):
    return [(c.part, c.code, c.name, c.max.value, c.self.value, c.explanation, c.parent.code if c.parent else None)
            for c in assessment.criteria]


@pytest.mark.parametrize("dot, drop_column", [(True, False), (False, False), (True, True)],
                         ids=["stt-empty", "no-dots", "no-stt-column"])
def test_codes_typed_at_the_start_of_the_names(tmp_path, dot, drop_column):
    path = edited_example(tmp_path, "ten_co_stt.xlsx", lambda ws: _codes_into_names(ws, dot=dot, drop_column=drop_column))
    example, read = read_workbook(EXAMPLE), read_workbook(path)
    assert _tree(read) == _tree(example)  # the codes left the names: "Kế hoạch CCHC năm", not "1.1. Kế hoạch…"
    assert next(c for c in read.criteria if c.code == "1.1").code_written == ("1.1." if dot else "1.1")
    result = check_file(path)
    assert [(f.code, f.message) for f in result.findings] == [(f.code, f.message) for f in check_file(EXAMPLE).findings]
    assert result.assessment.criteria_set["id"] == "cap_xa_2023"
    # a finding about a code points at the cell where the code is written: the name cell
    def wrong_parent(ws):
        _codes_into_names(ws, dot=dot, drop_column=drop_column)
        row = _row_named(ws, "Kế hoạch CCHC năm", column=1 if drop_column else 2)
        ws.cell(row + 1, 1 if drop_column else 2).value = "1.7.1. Ban hành kế hoạch CCHC năm"
    misplaced = next(f for f in check_file(edited_example(tmp_path, "sai.xlsx", wrong_parent)).findings
                     if f.code == "misplaced-code")
    assert misplaced.cell == ("A21" if drop_column else "B21") and "STT 1.7.1 đặt sai chỗ" in misplaced.message


@pytest.mark.parametrize("dash", ["-", "–"])
def test_names_numbered_with_a_dash_and_a_note_that_opens_with_vi(tmp_path, dash):
    """Codes typed into the names with a dash ("1.1- Kế hoạch", "II- ĐÁNH GIÁ"): no code was read, every
    row `missing-code`. And a note under a criterion opening with "Vi phạm" read as a part VI: the
    criteria below it went under that part, out of the sums."""
    def edit(ws):
        for r in range(18, ws.max_row + 1):
            code, name = ws.cell(r, 1).value, ws.cell(r, 2).value
            if code is not None and name:
                ws.cell(r, 2).value, ws.cell(r, 1).value = f"{code}{dash} {name}", None
        row = _row_named(ws, "Kế hoạch CCHC năm")
        ws.insert_rows(row + 1)
        ws.cell(row + 1, 2, "Vi phạm thời hạn ban hành kế hoạch thì không được điểm")
    path = edited_example(tmp_path, "gach_ngang.xlsx", edit)
    read = read_workbook(path)
    assert [c.key for c in read.criteria] == [c.key for c in read_workbook(EXAMPLE).criteria]
    assert [p.part for p in read.parts] == ["I", "II"]
    assert next(c for c in read.criteria if c.key == "I.1.1").notes == [
        "Vi phạm thời hạn ban hành kế hoạch thì không được điểm"]
    assert totals(path) == (Decimal(100), Decimal("73.2"), Decimal(24))
    assert sorted(f.code for f in check_file(path).findings) == sorted(code for code, _ in BASE_FINDINGS)


@pytest.mark.parametrize("note", ["2 hồ sơ trễ hạn", "6 tháng đầu năm 2023 chưa kiểm tra", "Mục 3 của kế hoạch",
                                  "Tiêu chí 1 của huyện đã đạt", "Phần II của báo cáo"])
def test_a_note_that_opens_with_a_number_in_a_table_numbered_in_its_names(tmp_path, note):
    """Codes typed into the names, and a note under a criterion opening with a count or a reference
    ("2 hồ sơ trễ hạn", "Mục 3 của kế hoạch"): it read as criterion 2 or 3 (or part II), the criteria
    below went under it or were misplaced, and the total fell (59.7 instead of 73.2)."""
    def edit(ws):
        _codes_into_names(ws, drop_column=True)
        row = _row_named(ws, "Kế hoạch CCHC năm", column=1)
        ws.insert_rows(row + 1)
        ws.cell(row + 1, 1, note)
    path = edited_example(tmp_path, "dem_viec.xlsx", edit)
    read = read_workbook(path)
    assert _tree(read) == _tree(read_workbook(EXAMPLE))
    assert next(c for c in read.criteria if c.key == "I.1.1").notes == [note]
    assert totals(path) == (Decimal(100), Decimal("73.2"), Decimal(24))


def test_recalc_and_report_of_a_table_numbered_in_its_names(tmp_path):
    def edit(ws):
        _codes_into_names(ws, drop_column=True)
        ws.cell(_row_named(ws, "Kế hoạch CCHC năm", column=1), 3).value = 9  # the parent's self: recalculated
    path = edited_example(tmp_path, "khong_cot_stt.xlsx", edit)
    out = tmp_path / "tinh_lai.xlsx"
    recalc_file(path, out)
    ws = openpyxl.load_workbook(out).worksheets[0]
    row = _row_named(ws, "Kế hoạch CCHC năm", column=1)
    assert ws.cell(row, 3).value == 2.5 and ws.cell(row, 1).value == "1.1. Kế hoạch CCHC năm"
    docx = tmp_path / "bao_cao.docx"
    assert cli("report", out, "-o", docx).returncode == 0
    from docx import Document
    rows = [[cell.text for cell in row.cells[:2]] for table in Document(docx).tables for row in table.rows]
    assert ["1.1.", "Kế hoạch CCHC năm"] in rows


@pytest.mark.parametrize("name, code", [("Kế hoạch CCHC năm", "1.1."), ("CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC", "1.")])
def test_one_row_numbered_in_its_name_is_named_in_the_message(tmp_path, name, code):
    # "1. CÔNG TÁC …" reads like a scoring option ("1. …"), but it has its own self score: not a note
    def edit(ws):
        row = _row_named(ws, name)
        ws.cell(row, 2).value, ws.cell(row, 1).value = f"{code} {name}", None
    findings = check_file(edited_example(tmp_path, "mot_hang.xlsx", edit)).findings
    finding = next(f for f in findings if f.code == "missing-code")
    assert f"số thứ tự “{code}” đang viết ở đầu tên" in finding.message and "chuyển số đó sang cột STT" in finding.message


@pytest.mark.parametrize("name, expected", [
    ("1.1. Kế hoạch CCHC năm", ("1.1", "1.1.", "Kế hoạch CCHC năm")),
    ("I ĐÁNH GIÁ KẾT QUẢ", ("I", "I", "ĐÁNH GIÁ KẾT QUẢ")),
    ("Tiêu chí thành phần 1.2 - Ban hành", ("1.2", "Tiêu chí thành phần 1.2", "Ban hành")),
    ("1.1.Kế hoạch", ("1.1", "1.1.", "Kế hoạch")),
    ("a) đúng hạn", ("a", "a)", "đúng hạn")),
    ("1.1.1.a) Tiết", ("1.1.1.a", "1.1.1.a)", "Tiết")),
    ("2023 là năm", None), ("100% hồ sơ", None), ("Văn bản số 5", None), ("a bc", None), ("C Hello", None),
    ("Phần mềm một cửa", None), ("1.1", None), ("- ghi chú", None),
    # a Roman part without its dot is typed in capitals: "Vi phạm…" is no part VI
    ("Vi phạm quy định về thời hạn", None), ("vi phạm", None), ("IV ĐIỂM TRỪ", ("IV", "IV", "ĐIỂM TRỪ")),
    # the dash of typed documents after the code
    ("II- ĐIỀU HÀNH", ("II", "II-", "ĐIỀU HÀNH")), ("II-ĐIỀU HÀNH", ("II", "II-", "ĐIỀU HÀNH")),
    ("1.2- Ban hành", ("1.2", "1.2-", "Ban hành")), ("1-Ban hành", ("1", "1-", "Ban hành")), ("1-2 lần", None),
    ("Phần 1 - Chỉ đạo", ("I", "Phần 1", "Chỉ đạo")), ("1 - ban hành", ("1", "1", "ban hành")),
    # a count or a reference, not a code: a whole number or a worded code, no mark, a name in lower case
    ("2 hồ sơ trễ hạn", None), ("6 tháng đầu năm 2023", None), ("Mục 3 của kế hoạch", None),
    ("Phần II của báo cáo", None), ("Tiêu chí 1 của huyện", None), ("1 Kế hoạch", ("1", "1", "Kế hoạch")),
    ("Tiêu chí 1: tỷ lệ hồ sơ", ("1", "Tiêu chí 1:", "tỷ lệ hồ sơ")),
])
def test_what_counts_as_a_code_at_the_start_of_a_name(name, expected):
    from cchc_xl.read.codes import split_code_prefix
    found = split_code_prefix(name)
    assert (None if found is None else (found[0].value, found[1], found[2])) == expected


@pytest.mark.parametrize("label", ["Tổng phần I", "Cộng phần I", "Cộng mục I", "TONG PHAN I", "Tổng kết"])
def test_a_subtotal_between_parts_does_not_end_the_table(tmp_path, label):
    """A "Tổng phần I" row under part I ended the table: part II was dropped without a word."""
    def edit(ws):
        row = find_row(ws, "II", "II")
        ws.insert_rows(row)
        ws.cell(row, 2).value, ws.cell(row, 3).value, ws.cell(row, 4).value = label, 74, 71.2
    path = edited_example(tmp_path, "tong_phan.xlsx", edit)
    assert totals(path) == (Decimal(100), Decimal("73.2"), Decimal(24))
    result = check_file(path)
    assert [(f.code, f.criterion) for f in result.findings] == [(f.code, f.criterion) for f in check_file(EXAMPLE).findings]
    assert result.assessment.total_row == openpyxl.load_workbook(path).worksheets[0].max_row - 1


@pytest.mark.parametrize("label", ["Tổng cộng (I+II)", "TỔNG ĐIỂM TỰ ĐÁNH GIÁ CỦA XÃ", "Tổng số điểm (I + II)", "Cộng",
                                   "TONG CONG"])
def test_total_rows_as_officers_label_them(tmp_path, label):
    def edit(ws):
        ws.cell(ws.max_row, 2).value, ws.cell(ws.max_row, 4).value = label, 70
    path = edited_example(tmp_path, "tong.xlsx", edit)
    result = check_file(path)
    assert result.assessment.total_row == openpyxl.load_workbook(path).worksheets[0].max_row - 1
    assert not [f for f in result.findings if f.code == "missing-code"]
    total = next(f for f in result.findings if f.code == "self-sum-mismatch")
    assert total.criterion == "Tổng" and "Dòng Tổng ghi 70 điểm tự đánh giá" in total.message


def test_an_explanation_typed_on_the_row_below_its_criterion(tmp_path):
    """A deduction explained on the next row of the explanation column (the criterion's own cell left
    empty, a longer text typed below): the report printed it in "Nội dung giải trình", yet the check
    said "chưa có nội dung giải trình". It is the criterion's explanation, and goes on its lines."""
    def edit(ws):
        row = find_row(ws, "I", "1.6.1")
        ws.insert_rows(row + 1, 2)
        ws.cell(row + 1, 5).value, ws.cell(row, 5).value = ws.cell(row, 5).value, None
        ws.cell(row + 2, 5).value = "Sẽ thực hiện trong quý III."
    path = edited_example(tmp_path, "giai_trinh_duoi.xlsx", edit)
    result = check_file(path)
    crit = next(c for c in result.assessment.criteria if c.key == "I.1.6.1")
    assert crit.explanation == "Chưa thực hiện\nSẽ thực hiện trong quý III." and crit.notes == []
    assert sorted(f.code for f in result.findings) == sorted(c for c, _ in BASE_FINDINGS)


@pytest.mark.parametrize("part, code", [("I", "1.1"), ("II", "3")])
@pytest.mark.parametrize("note", ["Tổng số hồ sơ tiếp nhận: 120, đã giải quyết đúng hạn 118", "Tổng kết năm 2022",
                                  "TỔNG HỢP CHUNG", "Tổng cộng có 15 hồ sơ"])
def test_a_note_that_opens_like_a_total_is_no_total_row(tmp_path, part, code, note):
    """"Tổng số hồ sơ tiếp nhận: 120, …", "Tổng kết năm 2022" typed on a row under a criterion, no points,
    read as a "Tổng" row: the note went missing from the report, and under the last criterion the table
    ended there, its real total row unread (recalc did not write it). "Tổng số" is the total when
    points follow, or nothing; a row with no points between criteria, or above the total, is a note."""
    def edit(ws):
        row = find_row(ws, part, code)
        ws.insert_rows(row + 1)
        ws.cell(row + 1, 2).value = note
    path = edited_example(tmp_path, "tong_so_ho_so.xlsx", edit)
    assessment = read_workbook(path)
    assert next(c for c in assessment.criteria if c.key == f"{part}.{code}").notes == [note]
    assert assessment.total_row == openpyxl.load_workbook(path).worksheets[0].max_row - 1
    assert totals(path) == (Decimal(100), Decimal("73.2"), Decimal(24))
    assert sorted(f.code for f in check_file(path).findings) == sorted(c for c, _ in BASE_FINDINGS)
    from cchc_xl.read.table import total_kind
    assert [total_kind(label) for label in ("Tổng số", "Tổng số: 100", "TỔNG SỐ ĐIỂM TỰ ĐÁNH GIÁ", "Tổng số I + II",
                                            "Tổng số TTHC", "Tổng số: 5 hồ sơ")] == ["total"] * 4 + [None] * 2


def test_a_summary_table_below_the_total_is_another_table(tmp_path):
    """Under the self-assessment's "Tổng" row, a summary by area with its own header ("STT | Lĩnh vực |
    Điểm tối đa | Điểm tự đánh giá", areas 1, 2, 3 again): read as a part III of the table, the total came
    to 109,3/138,5 with false errors, and recalc wrote into the summary's "Tổng". Criteria numbered again
    after a header below the total are another table; a part's "Tổng" then the header repeated at a
    page break, then part II, is the same table."""
    def edit(ws):
        r = ws.max_row + 2
        ws.cell(r, 1).value = "BẢNG TỔNG HỢP ĐIỂM THEO LĨNH VỰC"
        for col, title in enumerate(["STT", "Lĩnh vực", "Điểm tối đa", "Điểm tự đánh giá"], start=1):
            ws.cell(r + 1, col).value = title
        for i, row in enumerate([("1", "Công tác chỉ đạo, điều hành CCHC", 15, 14), ("2", "Cải cách thể chế", 5, 5),
                                 ("3", "Cải cách TTHC", 18.5, 17.1), (None, "Tổng", 38.5, 36.1)]):
            for col, value in enumerate(row, start=1):
                ws.cell(r + 2 + i, col).value = value
    path = edited_example(tmp_path, "hai_bang.xlsx", edit)
    result = check_file(path)
    assert len(result.assessment.criteria) == 105 and result.assessment.total_row == read_workbook(EXAMPLE).total_row
    assert totals(path) == (Decimal(100), Decimal("73.2"), Decimal(24))
    assert sorted((f.code, f.cell) for f in result.findings) == sorted(BASE_FINDINGS)
    out = tmp_path / "tinh_lai.xlsx"
    recalc_file(path, output=out)
    ws = openpyxl.load_workbook(out).worksheets[0]
    assert [ws.cell(ws.max_row, col).value for col in (2, 3, 4)] == ["Tổng", 38.5, 36.1]  # the summary's own
    assert ws.cell(read_workbook(EXAMPLE).total_row + 1, 4).value == 73.2

    def part_total_then_page_break(ws):
        row = find_row(ws, "II", "II")
        ws.insert_rows(row, 2)
        ws.cell(row, 2).value, ws.cell(row, 3).value, ws.cell(row, 4).value = "Tổng", 74, 71.2
        for col in range(1, 6):
            ws.cell(row + 1, col).value = ws.cell(17, col).value  # the header, again at the top of a page
    path = edited_example(tmp_path, "trang_moi.xlsx", part_total_then_page_break)
    assert len(read_workbook(path).criteria) == 105
    assert totals(path) == (Decimal(100), Decimal("73.2"), Decimal(24))


@pytest.mark.parametrize("title", ["BẢNG TỔNG HỢP ĐIỂM THEO LĨNH VỰC", None])
@pytest.mark.parametrize("numbered_in_names", [False, True])
def test_a_summary_by_area_below_the_total_without_a_header_of_its_own(tmp_path, title, numbered_in_names):
    """The same summary typed with no header row (a title, or nothing, then "1 | Công tác chỉ đạo, điều
    hành | 15 | 14", …): read as a part III found by restarted numbering, 113,3/142,5 with a false
    max-sum-mismatch. Rows named as the areas of those codes read above are that other table. A part II
    left without its part row, under a part's "Tổng", is still read as part II (its areas have names of
    their own)."""
    def edit(ws):
        r = ws.max_row + 2
        ws.cell(r, 2).value = title
        for i, (code, name, top, own) in enumerate([("1", "Công tác chỉ đạo, điều hành", 15, 14),
                                                    ("2", "CẢI CÁCH THỂ CHẾ", 5, 5), ("3", "Cải cách TTHC", 18.5, 17.1)]):
            ws.cell(r + 1 + i, 1).value = None if numbered_in_names else code
            ws.cell(r + 1 + i, 2).value = f"{code}. {name}" if numbered_in_names else name
            ws.cell(r + 1 + i, 3).value, ws.cell(r + 1 + i, 4).value = top, own
    path = edited_example(tmp_path, "tong_hop_duoi.xlsx", edit)
    result = check_file(path)
    assert len(result.assessment.criteria) == 105
    assert totals(path) == (Decimal(100), Decimal("73.2"), Decimal(24))
    assert sorted((f.code, f.cell) for f in result.findings) == sorted(BASE_FINDINGS)

    def part_two_without_its_row(ws):
        row = find_row(ws, "II", "II")
        ws.insert_rows(row)
        ws.cell(row, 2).value, ws.cell(row, 3).value, ws.cell(row, 4).value = "Tổng", 74, 71.2
        ws.delete_rows(row + 1)  # the "II" row
    path = edited_example(tmp_path, "thieu_phan_ii.xlsx", part_two_without_its_row)
    result = check_file(path)
    assert [p.part for p in result.assessment.parts] == ["I", "II"] and "part-inferred" in {f.code for f in result.findings}


def test_a_total_typed_above_the_table_and_a_row_named_cong_tac(tmp_path):
    """The total on top, right under the header, is the total (it ended the table before any
    criterion); "Công tác …" without STT is a criterion missing its code, not "Cộng"."""
    def edit(ws):
        total = [ws.cell(ws.max_row, col).value for col in range(1, 6)]
        ws.delete_rows(ws.max_row)
        ws.insert_rows(18)
        for col, value in enumerate(total, start=1):
            ws.cell(18, col).value = value
        ws.cell(find_row(ws, "I", "1"), 1).value = None  # "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC", its STT lost
    path = edited_example(tmp_path, "tong_tren.xlsx", edit)
    result = check_file(path)
    assert result.assessment.total_row == 17 and len(result.assessment.criteria) == 104
    orphan = next(f for f in result.findings if f.code == "missing-code")
    assert "CÔNG TÁC CHỈ ĐẠO" in orphan.message
    out = tmp_path / "ra.xlsx"
    recalc_file(path, out)
    assert openpyxl.load_workbook(out).worksheets[0].cell(18, 4).value == 59.2  # part I without area 1 (14), + 2


def test_a_run_of_total_rows_is_scanned_once(tmp_path, monkeypatch):
    """30,000 "Tổng" rows above a criterion: each looked for a criterion below it (a quadratic
    walk, minutes for a small hostile file); now one scan serves the whole run."""
    import cchc_xl.read.table as table

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER[:4])
    ws.append(["I", "PHẦN MỘT", 2, 2])
    for _ in range(30_000):
        ws.append([None, "Tổng", 1, 1])
    ws.append(["1", "Một", 2, 2])
    path = tmp_path / "nhieu_tong.xlsx"
    wb.save(path)
    scans = []
    real = table.next_criterion
    monkeypatch.setattr(table, "next_criterion", lambda rows, start, *rest: scans.append(start) or real(rows, start, *rest))
    result = check_file(path)
    assert scans == [2]  # the first "Tổng" row's scan found row 30,002's criterion for all of them
    assert [c.code for c in result.assessment.criteria] == ["I", "1"] and result.assessment.total_row == 2


def test_a_part_subtotal_is_checked_and_recalculated(tmp_path):
    def edit(ws):
        row = find_row(ws, "II", "II")
        ws.insert_rows(row)
        ws.cell(row, 2).value, ws.cell(row, 3).value, ws.cell(row, 4).value = "Cộng phần I:", 74, 70
        total = ws.max_row
        ws.insert_rows(total)
        ws.cell(total, 2).value, ws.cell(total, 3).value, ws.cell(total, 4).value = "Tổng phần II", 25, 2
    path = edited_example(tmp_path, "cong_phan.xlsx", edit)
    ws = openpyxl.load_workbook(path).worksheets[0]
    one, two = find_row(ws, "II", "II") - 1, ws.max_row - 1
    a = read_workbook(path)
    assert [(s.row + 1, s.part, s.label) for s in a.subtotals] == [(one, "I", "Cộng phần I:"), (two, "II", "Tổng phần II")]
    found = {(f.code, f.cell): f for f in check_file(path).findings if f.criterion.startswith(("Cộng", "Tổng"))}
    assert set(found) == {("self-sum-mismatch", f"D{one}"), ("max-sum-mismatch", f"C{two}")}
    assert found[("self-sum-mismatch", f"D{one}")].message == (
        "Dòng “Cộng phần I:” ghi điểm tự đánh giá 70 nhưng phần I có 71,2; giá trị đúng là 71,2.")
    assert found[("max-sum-mismatch", f"C{two}")].severity == "error"
    out = tmp_path / "ra.xlsx"
    outcome = recalc_file(path, out)
    assert f"D{one}: 70 → 71,2" in outcome.plan.replaced_text()
    sheet = openpyxl.load_workbook(out).worksheets[0]
    assert (sheet.cell(one, 4).value, sheet.cell(two, 4).value, sheet.cell(two, 3).value) == (71.2, 2, 25)


def test_the_missing_column_message_lists_every_column_found(tmp_path):
    """A header row with five known columns but no self-score: the message named four (the row
    read with the one below it, which lost the name column, replaced the better reading). It is
    the province's official table: the message says how to score against it."""
    sample = Path(__file__).resolve().parents[1].parent / "shared" / "samples" / "haiphong_3793_2022_official.xlsx"
    if not sample.exists():
        pytest.skip("needs ../shared/samples")
    proc = cli("check", sample)
    assert proc.returncode == 2
    assert ("có STT (A), Lĩnh vực, tiêu chí (B), Điểm tối đa (C), Tài liệu kiểm chứng (D), Hướng dẫn chấm điểm (E) "
            "nhưng không có cột “Điểm tự đánh giá”: đây giống bảng tiêu chí chính thức của tỉnh.") in proc.stderr
    # what it says to do works: a self-assessment workbook made from that very table
    assert "`cchc-xl new -o so_tu_danh_gia.xlsx --template TỆP_NÀY`" in proc.stderr
    made = tmp_path / "so_tu_danh_gia.xlsx"
    assert cli("new", "-o", made, "--template", sample).returncode == 0
    assert [c.code for c in read_workbook(made).criteria][:4] == ["I", "II", "1", "1.1"]


def test_a_criterion_on_two_rows_reads_as_one(tmp_path):
    """Pasted from Word, a criterion takes two rows: STT, max and self merged down over both, the
    name and the explanation going on in the second. That second line is the criterion's own
    (it was a note): its explanation answers "missing-explanation"."""
    def edit(ws):
        for code, more_name, more_explanation in (("1.1.2", "(tiếp) và bố trí kinh phí thực hiện", "Dòng thứ hai"),
                                                  ("3.6.4", None, "Bị trừ vì chậm 2 ngày so với kế hoạch")):
            row = find_row(ws, "I", code)
            ws.insert_rows(row + 1)
            ws.cell(row + 1, 2).value, ws.cell(row + 1, 5).value = more_name, more_explanation
            for col in "ACD":
                ws.merge_cells(f"{col}{row}:{col}{row + 1}")
    path = edited_example(tmp_path, "hai_dong.xlsx", edit)
    by_code = {c.code: c for c in read_workbook(path).criteria if c.part == "I"}
    first = by_code["1.1.2"]
    assert first.name.endswith("bố trí kinh phí (tiếp) và bố trí kinh phí thực hiện") and first.notes == []
    assert first.explanation.endswith("\nDòng thứ hai")
    assert by_code["3.6.4"].explanation == "Bị trừ vì chậm 2 ngày so với kế hoạch"
    codes = [f.code for f in check_file(path).findings]
    assert "missing-explanation" not in codes and len(codes) == len(BASE_FINDINGS) - 1
    assert totals(path) == (Decimal(100), Decimal("73.2"), Decimal(24))


def _two_self_columns(tmp_path, name, left, right, this_year_left=False):
    """The example with last year's self-scores kept beside this year's: the same scores, except
    that last year 1.1.3 (and its parents, the part and the total) had 1 point less."""
    def edit(ws):
        header = find_row(ws, "I", "I") - 1
        ws.insert_cols(4)
        ws.cell(header, 4).value, ws.cell(header, 5).value = left, right
        last_year = 5 if this_year_left else 4
        for r in range(header + 1, ws.max_row + 1):
            value = ws.cell(r, 5).value
            if isinstance(value, (int, float)):
                ws.cell(r, 4).value = value
        for code in ("I", "1", "1.1", "1.1.3"):
            cell = ws.cell(find_row(ws, "I", code), last_year)
            cell.value = cell.value - 1
    return edited_example(tmp_path, name, edit)


@pytest.mark.parametrize("left, right, this_year_left, used", [
    ("Điểm tự đánh giá năm 2022", "Điểm tự đánh giá năm 2023", False, "E"),
    ("Điểm tự đánh giá năm 2023", "Điểm tự đánh giá năm 2022", True, "D"),
    # the workbook's period is the first half of 2023 (its title also says "năm 2023")
    ("Điểm tự đánh giá cả năm 2023", "Điểm tự đánh giá 6 tháng đầu năm 2023", False, "E"),
])
def test_the_self_score_column_of_the_workbooks_period_is_used_and_named(tmp_path, left, right, this_year_left, used):
    """Last year's self-scores kept beside this year's: the first column was used without a word,
    so this year's scores were never checked. The column naming the workbook's period is used."""
    path = _two_self_columns(tmp_path, "hai_cot.xlsx", left, right, this_year_left)
    result = check_file(path)
    assert result.assessment.columns["self"] == "DE".index(used) + 3
    assert result.assessment.totals().self == Decimal("73.2")  # this year's; last year's read 72.2
    [note] = [f for f in result.findings if f.code == "several-score-columns"]
    assert note.severity == "warning"
    assert note.message.startswith(f"Bảng có 2 cột “Điểm tự đánh giá”: D (“{left}”), E (“{right}”); đã dùng cột {used} "
                                   "(khớp kỳ đánh giá của sổ).")
    other = "DE".replace(used, "")
    assert note.message.endswith(f"(ví dụ --columns stt=A,name=B,max=C,self={other}).")
    # the other column stays an extra column; the findings of this year's scores are the example's
    assert result.assessment.extra_columns[left if used == "E" else right] == "DE".index(other) + 3
    assert {f.code for f in result.findings} - {"several-score-columns"} == {code for code, _ in BASE_FINDINGS}
    # the suggested --columns picks the other one
    mapped = read_workbook(path, columns={"code": 0, "name": 1, "max": 2, "self": "DE".index(other) + 3})
    assert mapped.totals().self == Decimal("72.2")


def test_two_self_columns_without_a_period_keep_the_first_and_say_so(tmp_path):
    path = _two_self_columns(tmp_path, "lan2.xlsx", "Điểm tự đánh giá", "Điểm tự đánh giá lần 2", this_year_left=True)
    result = check_file(path)
    assert result.assessment.columns["self"] == 3 and result.assessment.totals().self == Decimal("73.2")
    [note] = [f.message for f in result.findings if f.code == "several-score-columns"]
    assert "đã dùng cột D. Nếu điểm cần kiểm tra ở cột khác" in note


@pytest.mark.parametrize("saved_by", ["openpyxl", "LibreOffice", "LibreOffice .xls", "LibreOffice .ods"])
def test_of_two_self_columns_alike_the_one_shown_is_used_not_last_periods_hidden_one(tmp_path, saved_by):
    """Last period's scores kept in a column hidden beside this period's, both headed "Điểm tự đánh giá":
    the hidden one (the first) was read, 1 point short, and recalc wrote its sums into it. The one shown
    is used and the message says why; the Excel button (xlwings' own engine, the saved file's layout)
    chooses alike."""
    import os

    path = _two_self_columns(tmp_path, "an_cot.xlsx", "Điểm tự đánh giá", "Điểm tự đánh giá")
    wb = openpyxl.load_workbook(path)
    wb.worksheets[0].column_dimensions["D"].hidden = True
    wb.save(path)
    if saved_by != "openpyxl":
        path = saved_by_libreoffice(path, saved_by.rsplit(".", 1)[1] if "." in saved_by else "xlsx")
    result = check_file(path)
    assert result.assessment.columns["self"] == 4 and result.assessment.totals().self == Decimal("73.2")
    [note] = [f.message for f in result.findings if f.code == "several-score-columns"]
    assert "đã dùng cột E (cột kia đang bị ẩn)" in note
    if saved_by == "openpyxl":
        out = tmp_path / "out.xlsx"
        recalc_file(path, out)
        ws = openpyxl.load_workbook(out).worksheets[0]
        row = find_row(ws, "I", "1.1")
        assert (ws.cell(row, 4).value, ws.cell(row, 5).value) == (1.5, 2.5)  # last period's left as it was
        os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
        import xlwings as xw

        from cchc_xl.read.live import read_book
        from cchc_xl.read.table import parse_workbook

        with xw.Book(path, mode="r") as book:
            live = parse_workbook(read_book(book))
        assert live.columns["self"] == 4 and live.totals().self == Decimal("73.2")


def test_a_self_header_over_a_score_and_its_explanation_is_one_score_column(tmp_path):
    """"Điểm tự đánh giá" merged over two columns, "Điểm" | "Giải trình" below: both read as self
    by their words, only the first holds numbers: no choice to report."""
    header = [["STT", "Tiêu chí", "Điểm tối đa", "Điểm tự đánh giá", None], [None, None, None, "Điểm", "Giải trình"]]
    wb = openpyxl.Workbook()
    ws = wb.active
    for line in header + [["1", "Một", 2, 1.5, "thiếu một văn bản"], ["2", "Hai", 3, 3, None]]:
        ws.append(line)
    ws.merge_cells("D1:E1")
    wb.save(tmp_path / "gop.xlsx")
    result = check_file(tmp_path / "gop.xlsx")
    assert result.assessment.columns["self"] == 3 and result.assessment.totals().self == Decimal("4.5")
    assert not [f for f in result.findings if f.code == "several-score-columns"]


@pytest.mark.parametrize("words, role", [
    ("Điểm UBND xã tự đánh giá", "self"), ("Xã tự chấm điểm", "self"), ("Điểm do xã tự chấm", "self"),
    ("Điểm phường tự đánh giá năm 2025", "self"), ("Điểm Sở Nội vụ thẩm định", "appraised"),
    ("Kết quả Hội đồng thẩm định", "appraised"), ("Xã Ngọc Kỳ", None), ("Điểm xã", None),
])
def test_who_scored_may_stand_between_the_word_and_the_verb(tmp_path, words, role):
    from cchc_xl.read.headers import role_of

    assert role_of(words) == role
    if role == "self":  # the whole table reads with it (it was "thiếu cột Điểm tự đánh giá")
        path = _styled_table(tmp_path / "ten.xlsx", [["1", "Một", 2, 1.5, "thiếu"]],
                             ["STT", "Tiêu chí", "Điểm tối đa", words, "Giải trình"])
        assert read_workbook(path).totals().self == Decimal("1.5")


def test_codes_typed_with_the_decimal_comma_read_as_the_example(tmp_path):
    """In a Vietnamese Excel "1,1" typed in the STT column is the number 1.1 (shown "1,1"), so
    officers type "1,1,1" alike: every such row was a 'missing-code' error (93 in the example)."""
    def edit(ws):
        for r in range(1, ws.max_row + 1):
            value = ws.cell(r, 1).value
            if isinstance(value, str) and value[:1].isdigit() and "." in value:
                ws.cell(r, 1).value = value.replace(".", ",")
    path = edited_example(tmp_path, "phay.xlsx", edit)
    result = check_file(path)
    assert result.assessment.criteria_set["id"] == "cap_xa_2023"
    assert {(f.code, f.cell) for f in result.findings} == BASE_FINDINGS
    assert next(c for c in result.assessment.criteria if c.code == "3.6.4").code_written == "3,6,4"
    assert result.assessment.totals().self == Decimal("73.2")


def test_a_part_on_a_sheet_of_its_own_is_an_error_at_its_cell(tmp_path):
    """Part II moved to a sheet of its own: the table read as 71,2/74 with no error, its 26 points
    gone without a word. Now each such part is an error at its STT cell on the other sheet."""
    def edit(ws):
        start = find_row(ws, "II", "II")
        header = find_row(ws, "I", "I") - 1
        other = ws.parent.create_sheet("Phần II")
        other.append([ws.cell(header, c).value for c in range(1, 6)])
        for r in range(start, ws.max_row + 1):
            other.append([ws.cell(r, c).value for c in range(1, 6)])
        ws.delete_rows(start, ws.max_row - start + 1)
    path = edited_example(tmp_path, "tach.xlsx", edit)
    result = check_file(path)
    assert result.assessment.sheet == "Tự đánh giá" and result.assessment.totals().max == Decimal(74)
    [split] = [f for f in result.findings if f.code == "parts-on-other-sheet"]
    assert (split.severity, split.sheet, split.cell, split.criterion) == ("error", "Phần II", "A2", "II")
    assert split.message == ("Phần II (“ĐÁNH GIÁ TÁC ĐỘNG CỦA CCHC”), tối đa 26 điểm, nằm ở trang “Phần II” nên chưa được "
                             "tính: bảng tiêu chí chỉ được đọc trên một trang (trang “Tự đánh giá”). Hãy chép phần này "
                             "về nối tiếp bảng ở trang “Tự đánh giá” rồi kiểm tra lại.")
    assert not [f for f in result.findings if f.code == "other-tables"]  # said once, as the error
    assert not result.ok
    # recalc writes the sheet it read and lists the error, linked to the other sheet's cell
    proc = cli("recalc", path, "-o", tmp_path / "tinh.xlsx")
    assert proc.returncode == 1, proc.stderr
    listed = openpyxl.load_workbook(tmp_path / "tinh.xlsx")["Kết quả kiểm tra"]
    row = next(r for r in listed.iter_rows() if any(c.value == "parts-on-other-sheet" for c in r))
    assert any(c.hyperlink is not None and "Phần II" in (c.hyperlink.location or "") for c in row)


def test_text_pasted_with_zero_width_spaces_reads_as_typed(tmp_path):
    """A table pasted from a web page carries zero-width spaces: the header "\u200bSTT" was no
    header, "1.1\u200b" no code and "Tổng\u200b" no total row; a name with one is still the
    official name."""
    def edit(ws):
        header = find_row(ws, "I", "I") - 1
        for col in (1, 3, 4):
            ws.cell(header, col).value = "\u200b" + ws.cell(header, col).value
        for r in range(header + 1, ws.max_row + 1):
            code, name = ws.cell(r, 1).value, ws.cell(r, 2).value
            if isinstance(code, str) and code.strip():
                ws.cell(r, 1).value = code + ["\u200b", "\ufeff", "\u2060"][r % 3]
            if isinstance(name, str) and r % 2:
                ws.cell(r, 2).value = name + "\u200b"
    path = edited_example(tmp_path, "web.xlsx", edit)
    result = check_file(path, against="cap_xa_2023")
    assert {(f.code, f.cell) for f in result.findings} == BASE_FINDINGS
    assert result.assessment.totals().self == Decimal("73.2")
    assert not [f for f in result.findings if f.code == "name-changed"]  # (names are compared folded)


@pytest.mark.parametrize("left_out", [("II",), ("I", "II")])
def test_numbering_that_starts_again_at_1_without_a_part_row_is_the_next_part(tmp_path, left_out):
    """The "II" row left out (or both part rows): part II's 1, 2, 3 were duplicates of part I's,
    their 26 points left out of a 74-point table. They now read as part II, and an info says so. --against
    the set it follows, the heading rows the reader placed are not "Thiếu mục phần II" errors (the info
    again, at error level: every criterion is there, read and counted)."""
    def edit(ws):
        for code in left_out:
            ws.delete_rows(find_row(ws, code, code))
    path = edited_example(tmp_path, "khong_phan.xlsx", edit)
    result = check_file(path)
    totals = result.assessment.totals()
    assert (totals.max, totals.self, totals.pending_max) == (Decimal(100), Decimal("73.2"), Decimal(24))
    assert result.assessment.criteria_set["id"] == "cap_xa_2023"
    [note] = [f for f in result.findings if f.code == "part-inferred"]
    ws = openpyxl.load_workbook(path).worksheets[0]
    row = [r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "1"][1]  # part II's 1
    assert (note.severity, note.cell, note.criterion) == ("info", f"A{row}", "1")
    assert note.message == (f"STT bắt đầu lại từ 1 ở hàng {row} mà phía trên không có dòng phần: đã đọc từ hàng này "
                            "là phần II. Hãy thêm dòng “II” (tên phần, điểm tối đa) phía trên cho rõ.")
    assert {f.code for f in result.findings} - {"part-inferred"} == {code for code, _ in BASE_FINDINGS}
    against = check_file(path, against="cap_xa_2023")
    assert sorted((f.code, f.cell, f.message) for f in against.findings) == \
        sorted((f.code, f.cell, f.message) for f in result.findings)


def test_a_restart_at_1_is_no_new_part_when_that_part_has_its_row_below(tmp_path):
    """"1" typed again inside part I, part II's row further down: a duplicate, as before, not a
    part II read twice."""
    def edit(ws):
        ws.cell(find_row(ws, "I", "7"), 1).value = "1"
    result = check_file(edited_example(tmp_path, "trung.xlsx", edit))
    assert not [f for f in result.findings if f.code == "part-inferred"]
    assert [f.code for f in result.findings if f.code == "duplicate-code"] == ["duplicate-code"]


@pytest.mark.parametrize("header", ["Ghi chú", "Tài liệu kiểm chứng", "TLKC", "Tài liệu kiểm chứng, giải trình"])
def test_a_ghi_chu_column_holds_the_explanations_when_there_is_no_other(tmp_path, header):
    """Many officers' tables end with "Ghi chú", where they explain deductions, or keep the province's
    "Tài liệu kiểm chứng" column (the official annex's) and cite their documents there. It was read
    as notes or evidence: every deduction was 'missing-explanation', the document rules never ran,
    and the report's "Nội dung giải trình" column was empty. With both columns, "Ghi chú" stays a note."""
    import docx

    from cchc_xl.render.report import render_report_file

    def edit(ws):
        ws.cell(find_row(ws, "I", "I") - 1, 5).value = header
    path = edited_example(tmp_path, "ghi_chu.xlsx", edit)
    result = check_file(path)
    assert result.assessment.columns["explanation"] == 4
    assert {(f.code, f.cell) for f in result.findings} == BASE_FINDINGS
    render_report_file(path, tmp_path / "bc.docx")
    text = "\n".join(cell.text for table in docx.Document(str(tmp_path / "bc.docx")).tables
                     for row in table.rows for cell in row.cells)
    assert "7/671 = 0,89%" in text

    def both(ws):
        ws.cell(find_row(ws, "I", "I") - 1, 6).value = "Ghi chú"
    kept = check_file(edited_example(tmp_path, "ca_hai.xlsx", both)).assessment
    assert kept.columns["explanation"] == 4 and kept.extra_columns == {"Ghi chú": 5}
    if header != "Ghi chú":  # the documents cited are the explanation; the remarks beside them stay notes
        def with_notes(ws):
            edit(ws)
            ws.cell(find_row(ws, "I", "I") - 1, 6).value = "Ghi chú"
        kept = check_file(edited_example(tmp_path, "tlkc_ghi_chu.xlsx", with_notes)).assessment
        assert kept.columns["explanation"] == 4 and kept.extra_columns == {"Ghi chú": 5}

        # the annex kept whole, a self-score column added: beside the province's "Hướng dẫn", its
        # "Tài liệu kiểm chứng" is the province's list of what to show, not the officer's explanation
        def annex(ws):
            edit(ws)
            ws.cell(find_row(ws, "I", "I") - 1, 6).value = "Hướng dẫn tự đánh giá"
        annexed = check_file(edited_example(tmp_path, "phu_luc.xlsx", annex))
        assert "explanation" not in annexed.assessment.columns
        assert annexed.assessment.extra_columns == {header: 4, "Hướng dẫn tự đánh giá": 5}


def test_of_a_6_month_table_and_the_years_the_years_is_read(tmp_path):
    """Two visible tables, the first half of 2023 and the whole of 2023: the latest period is read.
    The 6-month sheet's title ("Bộ tiêu chí … năm 2023") made it rank as a whole year too, and the
    first sheet won the tie; and the period (unit, signer…) was read from the first sheet's
    "Kỳ đánh giá:" whichever table was read."""
    wb = openpyxl.load_workbook(EXAMPLE)
    year = wb.copy_worksheet(wb.worksheets[0])
    year.title = "Cả năm"
    row = next(r for r in range(1, 20) if year.cell(r, 2).value == "Kỳ đánh giá:")
    year.cell(row, 3).value = "Năm 2023"
    wb.save(tmp_path / "hai_ky.xlsx")
    result = check_file(tmp_path / "hai_ky.xlsx")
    assert result.assessment.sheet == "Cả năm" and result.assessment.period == "Năm 2023"
    assert [f.message for f in result.findings if f.code == "other-tables"] == [
        "Sổ tính có 2 bảng tiêu chí; đã dùng trang “Cả năm”. Các trang khác: Tự đánh giá. Chọn trang khác bằng "
        "--sheet TÊN."]


def test_an_stt_1_10_that_excel_stored_as_the_number_1_1_reads_as_1_10(tmp_path):
    """Where "." is the decimal point (Windows set to English), Excel keeps a typed "1.10" as the
    number 1.1 (shown "1.1"), "1.20" as 1.2: such an area's tenth and twentieth criteria were
    `duplicate-code` errors and their points out of the total. Read after 1.9 (or a row below
    it), 1.1 is 1.10, with an info saying how to keep the STT as typed."""
    from cchc_xl.write.workbook_builder import build_workbook

    criteria = [{"part": "I", "code": "I", "name": "CHỈ SỐ", "max": 22, "kind": "scored"},
                {"part": "I", "code": "1", "name": "Công tác chỉ đạo", "max": 22, "kind": "scored"}]
    for n in range(1, 21):
        criteria.append({"part": "I", "code": f"1.{n}", "name": f"Tiêu chí thứ {n}", "max": 1 if n != 9 else 2,
                         "kind": "scored"})
        if n == 9:  # 1.9 has children: 1.10 follows a row below it
            criteria += [{"part": "I", "code": "1.9.1", "name": "Ý thứ nhất", "max": 1, "kind": "scored"},
                         {"part": "I", "code": "1.9.2", "name": "Ý thứ hai", "max": 1, "kind": "scored"}]
    the_set = {"schema": "cchc-xl/criteria-set/1", "id": "muoi", "title": "Bộ thử", "criteria": criteria}
    scores = {f"I.1.{n}": [1, ""] for n in range(1, 21) if n != 9}
    scores.update({"I.1.9.1": [1, ""], "I.1.9.2": [0.5, "Thiếu một văn bản"]})
    typed = build_workbook(the_set, tmp_path / "chu.xlsx", {"unit": "Xã Thử"}, scores)
    wb = openpyxl.load_workbook(typed)
    ws = wb.worksheets[0]
    numbers = []
    for row in ws.iter_rows(min_col=1, max_col=1):
        cell = row[0]
        if isinstance(cell.value, str) and cell.value.count(".") == 1 and cell.value.startswith("1."):
            cell.value = float(cell.value)  # what Excel keeps of "1.10": 1.1
            cell.number_format = "General"
            numbers.append(cell.coordinate)
    wb.save(tmp_path / "so.xlsx")
    assert len(numbers) == 20

    as_text, as_numbers = read_workbook(typed), read_workbook(tmp_path / "so.xlsx")
    assert [c.key for c in as_numbers.criteria] == [c.key for c in as_text.criteria]
    assert "I.1.10" in [c.key for c in as_numbers.criteria] and "I.1.20" in [c.key for c in as_numbers.criteria]
    assert as_numbers.totals().self == as_text.totals().self == Decimal("20.5")
    findings = check_file(tmp_path / "so.xlsx").findings
    assert not [f for f in findings if f.code == "duplicate-code"]
    tenth = [f for f in findings if f.code == "code-number-tenth"]
    assert [(f.criterion, f.cell) for f in tenth] == [("1.10", numbers[9]), ("1.20", numbers[19])]
    assert "số 1,1, nối tiếp mục 1.9.2" in tenth[0].message and "gõ lại “1.10”" in tenth[0].message
    # a number that reads as it is stays so: 1.1 first, then 1.2 after 1.1
    assert [c.code for c in as_numbers.criteria[2:4]] == ["1.1", "1.2"]


def test_cells_of_open_brackets_are_read_in_bounded_time(tmp_path):
    """A note row of 32,000 "(" (a cell pasted from a damaged export): the total-row test's pattern
    for what a label puts in brackets went from every "(" to the end, 0.6 s a cell; 200 such rows
    took two minutes. Each is a note now, read at once."""
    def brackets(ws):
        row = find_row(ws, "I", "1.2")
        for r in range(200):
            ws.insert_rows(row + 1)
            ws.cell(row + 1, 2).value = "(" * 32_000
    path = edited_example(tmp_path, "ngoac.xlsx", brackets)
    proc = subprocess.run([sys.executable, "-m", "cchc_xl", "check", str(path)], capture_output=True, text=True,
                          encoding="utf-8", timeout=60)
    assert proc.returncode == 0 and "73,2/100" in proc.stdout, proc.stderr


def _two_row_header(ws, at, above, below, merge=True):
    """Rows at, at+1 as a two-row header: ``above`` with "Điểm" merged over the two score columns."""
    for col, text in enumerate(above, start=1):
        ws.cell(at, col, text)
    for col, text in enumerate(below, start=1):
        ws.cell(at + 1, col, text)
    if merge:
        ws.merge_cells(start_row=at, start_column=3, end_row=at, end_column=4)
        for col in (1, 2, 5):
            ws.merge_cells(start_row=at, start_column=col, end_row=at + 1, end_column=col)


def test_two_row_header_with_whole_names_below_and_repeated_at_page_breaks(tmp_path):
    """"Điểm" merged over "Điểm tối đa | Điểm tự đánh giá" (the lower cells naming their columns in
    full): joined as "Điểm Điểm tối đa" it named no column, and the table was "thiếu cột Điểm tối
    đa". Both header rows repeat at each page break."""
    above = ["TT", "Nội dung", "Điểm", None, "Giải trình"]
    below = [None, None, "Điểm tối đa", "Điểm tự đánh giá", None]

    def edit(ws):
        for at in (100, 60, 30):  # three page breaks, the table's own two header rows repeated
            ws.insert_rows(at, 2)
            _two_row_header(ws, at, above, below)
        ws.insert_rows(17, 1)
        _two_row_header(ws, 17, above, below)
    path = edited_example(tmp_path, "two_rows.xlsx", edit)
    result = check_file(path)
    assert result.error is None
    assert result.assessment.header_row == 17  # 0-based: the lower header row, 18 in Excel
    assert totals(path) == (Decimal(100), Decimal("73.2"), Decimal(24))
    assert len(result.assessment.criteria) == 105
    assert sorted(f.code for f in result.findings) == sorted(code for code, _ in BASE_FINDINGS)


def test_codes_in_names_under_a_row_of_column_numbers(tmp_path):
    """An empty STT column, the codes typed into the names ("1.1. Kế hoạch…"), and the column numbers
    "(1) | (2) …" under the header: the "(1)" in the STT column made it look used, so every code was
    looked for there; 0 criteria, 103 `missing-code`."""
    def edit(ws):
        for row in range(18, ws.max_row + 1):
            code = ws.cell(row, 1).value
            if code is not None:
                ws.cell(row, 2).value = f"{code}. {ws.cell(row, 2).value}"
                ws.cell(row, 1).value = None
        ws.insert_rows(18, 1)
        for col in range(1, 6):
            ws.cell(18, col, f"({col})")
    path = edited_example(tmp_path, "codes_in_names.xlsx", edit)
    result = check_file(path)
    assert totals(path) == (Decimal(100), Decimal("73.2"), Decimal(24))
    assert len(result.assessment.criteria) == 105
    assert {c.code for c in result.assessment.criteria} >= {"1.1.1", "7.2.2"}
    assert not [f for f in result.findings if f.code == "missing-code"]


def test_a_table_read_only_on_a_hidden_sheet_is_said(tmp_path):
    """The officer's visible table has a header the reader does not know ("Điểm TĐ"), and last
    period's copy is kept on a hidden sheet: the hidden copy was checked (and would be ranked, and
    reported for the chairman to sign) in its place without a word. Now an error names the hidden
    sheet, and what the visible one lacks; `report` refuses it as it refuses any error."""
    wb = openpyxl.load_workbook(EXAMPLE)
    ws = wb.worksheets[0]
    old = wb.copy_worksheet(ws)
    old.title, old.sheet_state = "Kỳ trước", "hidden"
    ws.cell(17, 3).value = "Điểm TĐ"
    path = tmp_path / "hidden_only.xlsx"
    wb.save(path)
    result = check_file(path)
    assert result.assessment.sheet == "Kỳ trước"
    warning = result.findings[0]  # said first: every other finding is about the hidden sheet
    assert warning.code == "hidden-table" and len(result.findings) > 1
    assert warning.severity == "error"  # no report signed, no rank, from a table the officer cannot see
    assert warning.message.startswith("Bảng tiêu chí được đọc ở trang ẩn “Kỳ trước”, vì bảng ở các trang đang hiện "
                                      "không đọc được: hàng tiêu đề ở hàng 17 trang “Tự đánh giá” có STT (A)")
    assert "thiếu cột “Điểm tối đa”" in warning.message and "Unhide" in warning.message
    # the visible table read, the hidden copy is no news; --sheet naming the hidden one is the user's choice
    assert not [f for f in check_file(EXAMPLE).findings if f.code == "hidden-table"]
    assert not [f for f in check_file(path, sheet="Kỳ trước").findings if f.code == "hidden-table"]
    refused = cli("report", path, "-o", tmp_path / "bc.docx")
    said = refused.stdout + refused.stderr
    assert refused.returncode == 1 and "chưa lập báo cáo để ký: (hidden-table): Bảng tiêu chí được đọc ở trang ẩn" in said
    assert "ô  (" not in said and "lại.." not in said  # no empty cell named, one full stop
    assert not (tmp_path / "bc.docx").exists()


def _numbered_names_under_two_row_headers(ws, headers):
    """The example with its codes typed into the names and no STT column, and a two-row header
    ("Nội dung | <group> merged over <max>, <self> | Giải trình") inserted at each (row, group, max,
    self) of ``headers``, from the bottom up: the table's own header at row 17, the others repeats."""
    for row in range(18, ws.max_row + 1):
        code = ws.cell(row, 1).value
        if code is not None:
            ws.cell(row, 2).value = f"{code}. {ws.cell(row, 2).value}"
    ws.delete_cols(1)
    for at, group, maximum, score in headers:
        ws.insert_rows(at, 2)
        for col, (top, bottom) in enumerate([("Nội dung", None), (group, maximum), (None, score),
                                             ("Giải trình", None)], start=1):
            ws.cell(at, col, top)
            ws.cell(at + 1, col, bottom)
        ws.merge_cells(start_row=at, start_column=2, end_row=at, end_column=3)


def test_a_two_row_header_repeated_over_codes_typed_into_the_names(tmp_path):
    """No STT column (the codes typed into the names) and a two-row header repeated at each page
    break: its upper row, "Nội dung | Điểm | Giải trình", names one of the table's core columns
    only, and was read as a criterion without a code (`missing-code` "Hàng 49 (“Nội dung”) có
    điểm…" at every page). The header's own rows are now known as they are typed."""
    def edit(ws):
        _numbered_names_under_two_row_headers(ws, [(at, "Điểm", "Tối đa", "Tự chấm") for at in (100, 60, 30, 17)])
    path = edited_example(tmp_path, "repeated_two_rows.xlsx", edit)
    result = check_file(path)
    assert totals(path) == (Decimal(100), Decimal("73.2"), Decimal(24))
    assert len(result.assessment.criteria) == 105
    assert not [f for f in result.findings if f.code == "missing-code"]
    assert sorted(f.code for f in result.findings) == sorted(code for code, _ in BASE_FINDINGS)


def test_signature_block_under_a_table_without_a_closing_total(tmp_path):
    """The "Tổng" row typed at the top (or none), so nothing ends the table, and the signature
    block below it written across the score columns: each of its rows was `missing-code` ("Hàng
    130 (“NGƯỜI LẬP BIỂU”) có điểm nhưng không có STT"). Words in the score columns with no
    criterion below are no points; a mistyped score there still is."""
    def edit(ws):
        total = [ws.cell(ws.max_row, col).value for col in range(1, 6)]
        ws.delete_rows(ws.max_row)
        ws.insert_rows(18)
        for col, value in enumerate(total, start=1):
            ws.cell(18, col, value)
        end = ws.max_row + 2
        for offset, values in enumerate([(None, None, None, "Ngọc Kỳ, ngày 26 tháng 6 năm 2023"),
                                         (None, "NGƯỜI LẬP BIỂU", None, "TM. ỦY BAN NHÂN DÂN"),
                                         (None, None, None, "CHỦ TỊCH"),
                                         (None, "Nguyễn Văn An", None, "Nguyễn Xuân Thoang")]):
            for col, value in enumerate(values, start=1):
                ws.cell(end + offset, col, value)
    path = edited_example(tmp_path, "signature.xlsx", edit)
    result = check_file(path)
    assert totals(path) == (Decimal(100), Decimal("73.2"), Decimal(24))
    assert sorted(f.code for f in result.findings) == sorted(code for code, _ in BASE_FINDINGS)

    def mistyped(ws):
        edit(ws)
        below = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 4).value == "Ngọc Kỳ, ngày 26 tháng 6 năm 2023")
        ws.cell(below - 1, 2, "Ứng dụng CNTT")  # between the last criterion and the signature block
        ws.cell(below - 1, 4, "1,5,")  # points typed wrong on a row without STT: still said
    result = check_file(edited_example(tmp_path, "mistyped.xlsx", mistyped))
    [orphan] = [f for f in result.findings if f.code == "missing-code"]
    assert "Ứng dụng CNTT" in orphan.message


def test_a_name_wrapped_onto_the_next_row_in_lower_case_is_the_name(tmp_path):
    """A criterion's name going on below, no STT, no points, in lower case (a wrapped line pasted
    from a PDF): it was a note, and notes fill the report's "Nội dung giải trình" column, so
    "phát hiện qua kiểm tra" stood there, under the explanation. A line starting otherwise (a
    capital, "-", "(") is still a note of the criterion."""
    def edit(ws):
        row = find_row(ws, "I", "1.3.2")  # "Xử lý các vấn đề phát hiện qua kiểm tra"
        ws.cell(row, 2).value = "Xử lý các vấn đề"
        ws.insert_rows(row + 1)
        ws.cell(row + 1, 2, "phát hiện qua kiểm tra")
        ws.cell(row + 1, 5, "(tiếp)")  # the explanation going on too
        row = find_row(ws, "I", "1.2")
        ws.insert_rows(row + 1)
        ws.cell(row + 1, 2, "Kèm báo cáo quý I, quý II")
    path = edited_example(tmp_path, "wrapped.xlsx", edit)
    result = check_file(path)
    by_code = {c.key: c for c in result.assessment.criteria}
    wrapped = by_code["I.1.3.2"]
    assert wrapped.name == "Xử lý các vấn đề phát hiện qua kiểm tra"
    assert wrapped.explanation == "Giao cho chuyên môn kịp thời làm báo cáo khắc phục sau kiểm tra.\n(tiếp)"
    assert wrapped.notes == []
    assert by_code["I.1.2"].notes == ["Kèm báo cáo quý I, quý II"]
    assert totals(path) == (Decimal(100), Decimal("73.2"), Decimal(24))
    # the whole name is the official one: no name-changed against the 2023 set (was “Xử lý các vấn đề”)
    against = check_file(path, against="cap_xa_2023")
    assert not [f for f in against.findings if f.code == "name-changed"]


def test_a_part_name_merged_across_the_row_is_no_explanation(tmp_path):
    """A part row typed as one merged cell from the name to the explanation column ("II | ĐÁNH GIÁ
    TÁC ĐỘNG CỦA CCHC" over B:E, its points left to the criteria): the merge's text was taken as the
    part's explanation too, and stood again in the report's "Nội dung giải trình" column. An
    explanation merged down its own column still belongs to every row it covers."""
    def edit(ws):
        for code in ("I", "II"):
            row = find_row(ws, code, code)
            for col in (3, 4, 5):
                ws.cell(row, col).value = None
            ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=5)
        first = find_row(ws, "I", "1.1.1")
        ws.cell(first + 1, 5).value = ws.cell(first + 2, 5).value = None
        ws.merge_cells(start_row=first, start_column=5, end_row=first + 2, end_column=5)
    path = edited_example(tmp_path, "merged_parts.xlsx", edit)
    assessment = read_workbook(path)
    parts = {p.code: p for p in assessment.parts}
    assert parts["II"].name == "ĐÁNH GIÁ TÁC ĐỘNG CỦA CCHC" and parts["II"].explanation == ""
    assert parts["I"].explanation == ""
    assert totals(path) == (Decimal(100), Decimal("73.2"), Decimal(24))
    by_key = {c.key: c for c in assessment.criteria}
    merged_down = by_key["I.1.1.1"].explanation
    assert merged_down.startswith("- Kế hoạch số 52/KH-UBND")
    assert by_key["I.1.1.2"].explanation == by_key["I.1.1.3"].explanation == merged_down


def test_a_signature_block_in_the_text_columns_is_not_a_note_of_the_last_criterion(tmp_path):
    """No "Tổng" row closing the table, and the signature block written under the name and the
    explanation columns: its lines became notes of the last criterion (SIPAS) and were printed in
    the report's "Nội dung giải trình" column. A note typed under the last criterion stays one."""
    def edit(ws):
        ws.delete_rows(ws.max_row)  # the "Tổng" row
        last = ws.max_row
        ws.cell(last + 1, 2, "Kết quả điều tra do tỉnh công bố")  # a note of SIPAS, kept
        for offset, (left, right) in enumerate([(None, "Ngọc Kỳ, ngày 26 tháng 6 năm 2023"),
                                                ("NGƯỜI LẬP BIỂU", "TM. ỦY BAN NHÂN DÂN"), (None, "CHỦ TỊCH"),
                                                ("(Ký, ghi rõ họ tên)", None), ("Nguyễn Văn An", "Nguyễn Xuân Thoang")]):
            ws.cell(last + 3 + offset, 2, left)
            ws.cell(last + 3 + offset, 5, right)
    path = edited_example(tmp_path, "signed_below.xlsx", edit)
    assessment = read_workbook(path)
    sipas = assessment.criteria[-1]
    assert sipas.key == "II.3" and sipas.notes == ["Kết quả điều tra do tỉnh công bố"] and sipas.explanation == ""
    assert totals(path) == (Decimal(100), Decimal("73.2"), Decimal(24))
    assert sorted(f.code for f in check_file(path).findings) == sorted(code for code, _ in BASE_FINDINGS)


@pytest.mark.parametrize("note", ["Ngày 15 tháng 3 năm 2023, UBND xã đã ban hành Kế hoạch số 12/KH-UBND",
                                  "Chủ tịch UBND xã"])
def test_a_note_like_a_signature_line_above_the_total_row_is_inside_the_table(tmp_path, note):
    """A note of the last criterion that reads like a line of the signature block (an explanation that
    opens with its date, "Chủ tịch UBND xã" alone), with the "Tổng" row below it: the table was taken
    to end there. The total row went unread (recalc would not write it, nor was it checked) and the
    note went missing from the report."""
    def edit(ws):
        last = find_row(ws, "II", "3")
        ws.insert_rows(last + 1)
        ws.cell(last + 1, 5, note)
    path = edited_example(tmp_path, "note_above_total.xlsx", edit)
    assessment = read_workbook(path)
    # (typed in the explanation column under the criterion: the rest of its explanation)
    assert assessment.criteria[-1].key == "II.3" and assessment.criteria[-1].explanation == note
    assert assessment.total_row == read_workbook(EXAMPLE).total_row + 1
    assert assessment.total_max.value == Decimal(100)
    assert sorted(f.code for f in check_file(path).findings) == sorted(code for code, _ in BASE_FINDINGS)
    recalc_file(path, output=tmp_path / "tinh_lai.xlsx")  # and recalc writes the total there
    ws = openpyxl.load_workbook(tmp_path / "tinh_lai.xlsx").worksheets[0]
    assert ws.cell(assessment.total_row + 1, 4).value == 73.2


def test_the_unit_under_uy_ban_nhan_dan_beside_the_national_motto(tmp_path):
    """The letterhead of a commune since 2025 (no district above it): "ỦY BAN NHÂN DÂN" in A1, the
    unit's name "XÃ NGỌC KỲ" in A2, the national motto beside them in D1:D2. Read row by row, the
    motto came between the two lines, so the unit was not read: the report left "Xã ……" and bulk
    ranked the commune under its file name. No title names the unit here."""
    def edit(ws):
        clear_label_block(ws)
        ws["A1"], ws["D1"] = "ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
        ws["A2"], ws["D2"] = "XÃ NGỌC KỲ", "Độc lập - Tự do - Hạnh phúc"
        ws["A3"], ws["D3"] = "Số: 86/BC-UBND", "Ngọc Kỳ, ngày 26 tháng 6 năm 2023"
        ws["A5"] = "BẢNG TỰ ĐÁNH GIÁ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH 6 THÁNG ĐẦU NĂM 2023"
    path = edited_example(tmp_path, "uy_ban.xlsx", edit)
    meta = read_workbook(path).meta
    assert meta["unit"] == "Xã Ngọc Kỳ" and meta["doc_number"] == "86/BC-UBND"
    assert meta["period"] == "6 tháng đầu năm 2023" and meta["place"] == "Ngọc Kỳ"
    assert "superior" not in meta  # nothing above the commune: none made up


@pytest.mark.parametrize("title", [
    "BÁO CÁO KẾT QUẢ TỰ ĐÁNH GIÁ CHỈ SỐ CCHC 6 THÁNG ĐẦU NĂM 2023 CỦA UBND XÃ NGỌC KỲ, HUYỆN TỨ KỲ",
    "TỰ ĐÁNH GIÁ CHỈ SỐ CCHC 6 THÁNG ĐẦU NĂM 2023 CỦA XÃ NGỌC KỲ - HUYỆN TỨ KỲ - TỈNH HẢI DƯƠNG",
    "TỰ ĐÁNH GIÁ CHỈ SỐ CCHC 6 THÁNG ĐẦU NĂM 2023 CỦA UBND XÃ NGỌC KỲ (KÈM THEO BÁO CÁO SỐ 86/BC-UBND)",
])
def test_the_unit_named_in_the_title_without_what_follows_it(tmp_path, title):
    """The unit read from the title took its district, province or a bracketed note along ("Xã Ngọc Kỳ,
    Huyện Tứ Kỳ", "Xã Ngọc Kỳ (kèm Theo Báo Cáo Số 86/bc-ubnd)"): the report's letterhead, and the unit
    bulk ranks, named no commune of that name."""
    def edit(ws):
        clear_label_block(ws)
        ws["A5"] = title
    meta = read_workbook(edited_example(tmp_path, "ten_don_vi.xlsx", edit)).meta
    assert meta["unit"] == "Xã Ngọc Kỳ" and meta["period"] == "6 tháng đầu năm 2023"
    from cchc_xl.text import unit_name
    assert unit_name("XÃ ĐỨC LONG-ĐỨC HÒA") == "Xã Đức Long-Đức Hòa"


@pytest.mark.parametrize("title, period", [
    ("BÁO CÁO KẾT QUẢ TỰ ĐÁNH GIÁ CHỈ SỐ CCHC 6 THÁNG NĂM 2023 CỦA UBND XÃ NGỌC KỲ", "6 tháng đầu năm 2023"),
    ("KẾT QUẢ TỰ ĐÁNH GIÁ CHỈ SỐ CCHC SÁU THÁNG NĂM 2023", "6 tháng đầu năm 2023"),
    ("BẢNG TỰ CHẤM ĐIỂM CHỈ SỐ CCHC NĂM 2023 (6 THÁNG ĐẦU NĂM)", "6 tháng đầu năm 2023"),
    ("BẢNG TỰ CHẤM ĐIỂM CHỈ SỐ CCHC NĂM 2023 (SÁU THÁNG CUỐI NĂM)", "6 tháng cuối năm 2023"),
    ("TỰ ĐÁNH GIÁ CHỈ SỐ CCHC QUÝ II NĂM 2023", "quý II năm 2023"),
    ("TỰ ĐÁNH GIÁ CHỈ SỐ CCHC CẢ NĂM 2023", "năm 2023"),
    ("BÁO CÁO KẾT QUẢ TỰ ĐÁNH GIÁ CHỈ SỐ CCHC NĂM 2023", "năm 2023"),
])
def test_the_period_as_titles_state_it(tmp_path, title, period):
    """"6 THÁNG NĂM 2023" (no "đầu", as reports often write the first half) and "NĂM 2023 (6 THÁNG ĐẦU
    NĂM)" were read as the year: the report the chairman signs was titled for the whole year, and bulk
    ranked the commune among the annual workbooks. A quarter was "quy ii nam 2023", without its marks."""
    wb = openpyxl.load_workbook(letterhead_example(tmp_path))
    wb.worksheets[0]["A5"] = title
    path = tmp_path / "ky.xlsx"
    wb.save(path)
    assert read_workbook(path).meta["period"] == period


@pytest.mark.parametrize("typed", ["Ngọc Kỳ, ngày 26/6/2023", "Ngọc Kỳ, ngày 26-06-2023", "Ngọc Kỳ, ngày 26 tháng 6 năm 2023"])
def test_the_place_and_date_line_typed_in_figures(tmp_path, typed):
    """"Ngọc Kỳ, ngày 26/6/2023" (not the ND 30 form, but typed so): neither the report's date nor its
    place was read, and the report left both blank."""
    def edit(ws):
        clear_label_block(ws)
        ws["A1"], ws["D1"] = "UBND XÃ NGỌC KỲ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
        ws["A2"], ws["D2"] = "Số: 86/BC-UBND", typed
    meta = read_workbook(edited_example(tmp_path, "ngay.xlsx", edit)).meta
    assert meta["report_date"] == dt.date(2023, 6, 26) and meta["place"] == "Ngọc Kỳ"


def test_a_two_row_header_under_another_group_word_and_retyped_at_each_page(tmp_path):
    """"Điểm số" merged over "Điểm tối đa | Điểm tự đánh giá" (joined, "Điểm số Điểm tối đa" named
    no column), and at each page break the header typed again with "Số điểm" for "Điểm số": its
    upper row, "Nội dung | Số điểm | Giải trình", is none of the header's rows as typed, and names
    one core column only (the explanation's "Giải trình" now counts too): missing-code at each page."""
    def edit(ws):
        _numbered_names_under_two_row_headers(ws, [(at, group, "Điểm tối đa", "Điểm tự đánh giá") for at, group in (
            (100, "Số điểm"), (60, "Số điểm"), (30, "Số điểm"), (17, "Điểm số"))])
    path = edited_example(tmp_path, "retyped_headers.xlsx", edit)
    result = check_file(path)
    assert result.error is None
    assert totals(path) == (Decimal(100), Decimal("73.2"), Decimal(24))
    assert len(result.assessment.criteria) == 105
    assert sorted(f.code for f in result.findings) == sorted(code for code, _ in BASE_FINDINGS)


@pytest.mark.parametrize("first, second", [("Phần 1", "Phần 2"), ("Phần thứ nhất", "Phần thứ hai"),
                                           ("PHẦN THỨ NHẤT", "PHẦN THỨ HAI"), ("i", "ii")])
def test_parts_numbered_in_figures_or_in_words(tmp_path, first, second):
    """"Phần 1" was the criterion "1" (its part's 74 points counted again: 159/100, duplicate-code);
    "Phần thứ hai" was no code at all (missing-code, the part guessed). "Phần" names a part however
    it is numbered. Roman parts in lower case: "ii" was part II, but "i" a letter item with nothing
    above it (missing-code)."""
    def edit(ws):
        ws.cell(find_row(ws, "I", "I"), 1).value = first
        ws.cell(find_row(ws, "II", "II"), 1).value = second
    path = edited_example(tmp_path, "phan.xlsx", edit)
    result = check_file(path)
    assert [p.code for p in result.assessment.parts] == ["I", "II"]
    assert totals(path) == (Decimal(100), Decimal("73.2"), Decimal(24))
    assert sorted(f.code for f in result.findings) == sorted(code for code, _ in BASE_FINDINGS)
    assert result.assessment.criteria_set["id"] == "cap_xa_2023"


def test_stt_with_the_slash_of_typed_documents(tmp_path):
    """"1/", "1.1/", "1.1.1/" (the numbering of typed documents): no code was read, 2 criteria of
    105, every other row `missing-code`. In the names too ("1/ Công tác…"), and "a/" is a letter."""
    from cchc_xl.read.codes import read_code, split_code_prefix

    def edit(ws):
        for row in range(18, ws.max_row + 1):
            value = ws.cell(row, 1).value
            if isinstance(value, str) and value[:1].isdigit():
                ws.cell(row, 1).value = value + "/"
    path = edited_example(tmp_path, "gach_cheo.xlsx", edit)
    result = check_file(path)
    assert len(result.assessment.criteria) == 105 and result.assessment.criteria_set["id"] == "cap_xa_2023"
    assert totals(path) == (Decimal(100), Decimal("73.2"), Decimal(24))
    assert sorted(f.code for f in result.findings) == sorted(code for code, _ in BASE_FINDINGS)
    assert read_code("a/").kind == "letter" and read_code("1/2") is None  # a fraction is no code
    assert split_code_prefix("1.1/ Kế hoạch CCHC năm")[2] == "Kế hoạch CCHC năm"


@pytest.mark.parametrize("score, explanation", [("Số điểm tự đánh giá", "Nội dung diễn giải"),
                                                ("Kết quả tự chấm", "Lý do trừ điểm"), ("Điểm tự chấm", "Diễn giải")])
def test_more_of_the_headers_officers_write(tmp_path, score, explanation):
    """"Nội dung diễn giải" was read as a second name column ("Nội dung …"), "Diễn giải" and "Lý do trừ
    điểm" as nothing: the explanations were not read, every deduction was `missing-explanation` and
    the report's explanation column empty. "Số điểm tự đánh giá", "Kết quả tự chấm" named no column."""
    def edit(ws):
        ws.cell(17, 4).value, ws.cell(17, 5).value = score, explanation
    path = edited_example(tmp_path, "tieu_de.xlsx", edit)
    result = check_file(path)
    assert result.assessment.columns["self"] == 3 and result.assessment.columns["explanation"] == 4
    assert sorted(f.code for f in result.findings) == sorted(code for code, _ in BASE_FINDINGS)


@pytest.mark.parametrize("line", ["Ngọc Kỳ, ngày    tháng 6 năm 2023", "Ngọc Kỳ, ngày ... tháng ... năm 2023",
                                  "Phường 5, ngày    tháng 6 năm 2023"])
def test_a_date_line_left_to_be_filled_at_signing(tmp_path, line):
    """The day left blank on the date line above the table, to be written by hand when the report is
    signed: its "năm 2023" was read as the period, before the title's "6 THÁNG ĐẦU NĂM 2023" below
    it, so a 6-month report was titled and ranked for the whole year; the place was lost."""
    path = letterhead_example(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb.worksheets[0]["D3"] = line
    wb.save(path)
    meta = read_workbook(path).meta
    assert meta["period"] == "6 tháng đầu năm 2023" and "report_date" not in meta
    assert meta["place"] == line.split(",")[0]
    assert not [f for f in check_file(path).findings if f.code == "bad-report-date"]


@pytest.mark.parametrize("typed", ["ngày    tháng 6 năm 2023", "…/6/2023", "Tứ Kỳ, ngày … tháng … năm 2023"])
def test_a_report_date_label_left_to_be_filled_at_signing(tmp_path, typed):
    """"Ngày báo cáo: ngày    tháng 6 năm 2023" is no mistake to warn of (the day is written at signing):
    the date is left blank, as the report says, and a place typed with it is read."""
    from helpers import labelled_example

    path = labelled_example(tmp_path, "ngay_trong.xlsx", **{"Ngày báo cáo:": typed, "Địa danh:": None})
    meta = read_workbook(path).meta
    assert "report_date" not in meta and meta.get("place") == ("Tứ Kỳ" if "," in typed else None)
    assert not [f for f in check_file(path).findings if f.code == "bad-report-date"]


@pytest.mark.parametrize("value, code, shown", [
    (1, "0%", "100%"), (0.985, "0.0%", "98,5%"), (0.98765, "0.00%", "98,77%"), (0.125, "0%", "13%"),
    (1500, "#,##0", "1.500"), (1234567.891, "#,##0.00", "1.234.567,89"), (-0.5, "0%;[Red]-0%", "-50%"),
    (0.5, '"Tỷ lệ: "0%', "50%"), (0.5, "[Blue]0.0%", "50,0%"),
    (dt.datetime(2023, 6, 1), "mmm-yy", "06/2023"), (dt.date(2023, 6, 1), "[$-vi-VN]mmmm yyyy", "06/2023"),
    (2, "General", None), (0.5, "0.00", None), (dt.date(2023, 6, 22), "dd/mm/yyyy", None), (True, "0%", None),
    (1e30, "0.00%", None), ("abc", "0%", None), (1, "", None), (float("nan"), "#,##0", None), (float("inf"), "0%", None),  # (too long for its decimals: read as the value)
])
def test_a_number_as_its_format_shows_it(value, code, shown):
    """read.formats: how Excel shows a number or date in a text column, in Vietnamese (the formats that
    show no more than the value, General and plain decimals, are left to the usual reading)."""
    from cchc_xl.read.formats import shown_as

    assert shown_as(value, code) == shown
