"""Layouts officers really produce, and inputs that must be refused cleanly."""
import shutil
import subprocess
import sys
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from cchc_xl.api import check_file
from cchc_xl.read import read_workbook

from helpers import EXAMPLE, damaged_member


def rebuilt_layout(path):
    """The example rewritten as another commune's office might lay it out."""
    src = read_workbook(EXAMPLE)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Bieu tu cham"
    ws["A1"] = "UBND XÃ NGỌC KỲ"
    ws["B3"], ws["D3"] = "Tên đơn vị:", "Xã Ngọc Kỳ"  # value not adjacent: next non-empty cell
    ws["B4"], ws["C4"] = "Ngày báo cáo", "26/6/2023"
    header = 14
    titles = ["STT", "LĨNH VỰC, TIÊU CHÍ", "Điểm\ntối đa", "Điểm tự\nđánh giá", "Tài liệu kiểm chứng", "Nội dung\ngiải trình"]
    for col, title in enumerate(titles, start=1):
        ws.cell(header, col, title)
    row = header + 1
    ws.cell(row, 1, None)  # blank spacer row right after the header
    explanation_rows = {}
    for crit in src.criteria:
        row += 1
        code = crit.code
        if code.count(".") == 1 and code.split(".")[1] != "0" and crit.part == "I" and not code.endswith("0"):
            ws.cell(row, 1, float(code))  # Excel turned "3.5" into the number 3.5
        elif code.isdigit():
            ws.cell(row, 1, int(code))
        else:
            ws.cell(row, 1, code + ". " if "." in code else code)  # "1.1.1. "
        ws.cell(row, 2, crit.name)
        ws.cell(row, 3, float(crit.max.value))
        if crit.self.value is not None:
            value = crit.self.value
            ws.cell(row, 4, f" {str(value).replace('.', ',')} " if value != int(value) else float(value))
        ws.cell(row, 5, "TLKC kèm theo")
        ws.cell(row, 6, crit.explanation or None)
        explanation_rows[(crit.part, crit.code)] = row
        if crit.code == "1.7":
            row += 1
            ws.cell(row, 2, "Ghi chú: nhiệm vụ được giao trong 6 tháng")  # note row without STT
            ws.row_dimensions[row].hidden = True
    # 5.4 and 5.4.1 share one merged explanation
    r1, r2 = explanation_rows[("I", "5.4")], explanation_rows[("I", "5.4.1")]
    ws.cell(r2, 6).value = None
    ws.merge_cells(start_row=r1, start_column=6, end_row=r2, end_column=6)
    row += 2
    ws.cell(row, 2, "Tổng cộng")
    ws.cell(row, 3, 100)
    ws.cell(row + 3, 2, "Người lập biểu")
    wb.save(path)
    return explanation_rows


def test_other_layout_reads_to_same_totals(tmp_path):
    path = tmp_path / "layout.xlsx"
    rebuilt_layout(path)
    a = read_workbook(path)
    t = a.totals()
    assert (t.max, t.self, t.pending_max) == (Decimal(100), Decimal("73.2"), Decimal(24))
    assert t.by_part["I"]["self"] == Decimal("71.2")
    assert a.header_row == 13 and a.columns["explanation"] == 5
    assert "Tài liệu kiểm chứng" in a.extra_columns
    assert a.meta["unit"] == "Xã Ngọc Kỳ" and str(a.meta["report_date"]) == "2023-06-26"
    by_code = {(c.part, c.code): c for c in a.criteria}
    assert len(by_code) == 105
    assert by_code[("I", "5.4.1")].explanation == by_code[("I", "5.4")].explanation != ""
    assert by_code[("I", "1.7")].notes == ["Ghi chú: nhiệm vụ được giao trong 6 tháng"]
    result = check_file(path)
    assert {f.code for f in result.findings} <= {"doc-type-mismatch", "ratio-mismatch", "missing-explanation"}


def test_two_row_header_with_merged_diem(tmp_path):
    wb = openpyxl.load_workbook(EXAMPLE)
    ws = wb.worksheets[0]
    ws.insert_rows(17)  # header now rows 17-18: "Điểm" merged over C17:D17
    ws["C17"], ws["D17"] = "Điểm", None
    ws.merge_cells("C17:D17")
    ws["C18"], ws["D18"] = "Tối đa", "Tự đánh giá"
    ws["A17"], ws["B17"], ws["E17"] = "STT", "Lĩnh vực, tiêu chí", "Nội dung giải trình"
    ws["A18"] = ws["B18"] = ws["E18"] = None
    path = tmp_path / "two_rows.xlsx"
    wb.save(path)
    t = read_workbook(path).totals()
    assert (t.max, t.self) == (Decimal(100), Decimal("73.2"))


def _truncated(path):
    data = EXAMPLE.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _not_zip(path):
    path.write_text("Đây không phải tệp Excel", encoding="utf-8")


def _web_page(path):  # what software exporting "Excel" often writes, under an .xls name
    path.write_bytes(b'\xef\xbb\xbf<html xmlns:x="urn:schemas-microsoft-com:office:excel"><body><table>'
                     b"<tr><td>STT</td><td>Ti\xc3\xaau ch\xc3\xad</td></tr></table></body></html>")


def _xml_spreadsheet(path):  # Excel 2003's XML Spreadsheet
    path.write_bytes(b'<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
                     b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet/></Workbook>')


ODS_CONTENT = (
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3"><office:body>'
    '<office:spreadsheet><table:table table:name="Tự đánh giá">{rows}</table:table></office:spreadsheet>'
    '</office:body></office:document-content>')
ODS_CELL = '<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>'


def _ods(path, content: str):
    """An .ods as LibreOffice writes one (mimetype first, stored), whatever its name says."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as ods:
        ods.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        ods.writestr("META-INF/manifest.xml", "<manifest/>")
        ods.writestr("content.xml", content)


def _ods_far_cell(path):
    """A cell 1,000,000 rows down, written as .ods writes it (the empty rows repeated, not typed):
    python-calamine would allocate the whole rectangle."""
    row = "<table:table-row>" + "".join(ODS_CELL.format(t) for t in ("STT", "Điểm tối đa")) + "</table:table-row>"
    gap = '<table:table-row table:number-rows-repeated="1000000"><table:table-cell/></table:table-row>'
    far = '<table:table-row><table:table-cell table:number-columns-repeated="3"/>' + ODS_CELL.format("x") + "</table:table-row>"
    _ods(path, ODS_CONTENT.format(rows=row + gap + far))


def _ods_entities(path):
    _ods(path, '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
         + ODS_CONTENT.format(rows="<table:table-row>" + ODS_CELL.format("&b;") + "</table:table-row>"))


def _name_not_utf8(path):
    """A member's name flagged UTF-8 whose bytes are not: zipfile raised UnicodeDecodeError opening
    the directory ("Lỗi không mong đợi")."""
    with zipfile.ZipFile(EXAMPLE) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            name = "docProps/ápp.xml" if item.filename == "docProps/app.xml" else item.filename
            zout.writestr(name, zin.read(item.filename))
    data = path.read_bytes()
    assert data.count("ápp".encode("utf-8")) == 2  # the local header and the directory
    path.write_bytes(data.replace("ápp".encode("utf-8"), b"\xe1\xffpp"))


def _zip_version_unknown(path):
    """A directory entry asking for a zip "version 8.0" (damage: no Office writes one): zipfile raised
    NotImplementedError while opening it."""
    data = bytearray(EXAMPLE.read_bytes())
    at = data.find(b"PK\x01\x02")
    data[at + 6] = 80  # "version needed to extract"
    path.write_bytes(bytes(data))


def _zip_of_workbooks(path):
    """What a mail program gives for "download all": a .zip holding the workbooks."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(EXAMPLE, "xa_a.xlsx")


def _empty(path):
    path.write_bytes(b"")


def _password(path):
    import msoffcrypto

    with open(EXAMPLE, "rb") as src, open(path, "wb") as out:
        msoffcrypto.OfficeFile(src).encrypt("matkhau", out)


def _no_table(path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "Danh sách cán bộ"
    wb.active["A2"] = "Nguyễn Văn A"
    wb.save(path)


def _bomb(path):
    """A real zip bomb: the sheet inflates to 1.1 GB of whitespace."""
    with zipfile.ZipFile(EXAMPLE) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        for item in zin.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                with zout.open(item.filename, "w", force_zip64=True) as sheet:
                    sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
                    chunk = b" " * (1 << 24)
                    for _ in range(66):
                        sheet.write(chunk)
                    sheet.write(b"</sheetData></worksheet>")
            else:
                zout.writestr(item, zin.read(item.filename))


def _entities(path):
    """Billion-laughs style DOCTYPE in the sheet XML."""
    with zipfile.ZipFile(EXAMPLE) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(
                    b"<worksheet ",
                    b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
                    b"<worksheet ",
                    1,
                )
                assert b"<!DOCTYPE" in data
            zout.writestr(item, data)


def _entities_in_shared_strings(path):
    """The unit's name as a shared string that expands a billion-laughs entity."""
    laughs = b'<!ENTITY a "aaaaaaaaaa">' + b"".join(
        b'<!ENTITY %s "%s">' % (bytes([98 + i]), b"&%s;" % bytes([97 + i]) * 10) for i in range(8))
    strings = (b'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE sst [' + laughs + b']><sst xmlns='
               b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
               b"<si><t>&i;</t></si></sst>")
    with zipfile.ZipFile(EXAMPLE) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, count = re.subn(rb'<c r="C4"([^>]*?) t="inlineStr"><is><t>[^<]*</t></is></c>',
                                      rb'<c r="C4"\1 t="s"><v>0</v></c>', data, count=1)
                assert count == 1
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats'
                                    b'.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                                    b"</Relationships>")
            elif item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            zout.writestr(item, data)
        zout.writestr("xl/sharedStrings.xml", strings)


BAD = [
    ("truncated", _truncated, "hỏng"),
    ("not-zip", _not_zip, "không phải tệp Excel"),
    ("empty", _empty, "rỗng"),
    ("zip-of-workbooks", _zip_of_workbooks, "đây là tệp nén chứa sổ tính, không phải một sổ tính: `cchc-xl bulk` "
                                            "đọc các sổ bên trong tệp .zip"),
    ("zip-name-not-utf8", _name_not_utf8, "tệp bị hỏng hoặc chưa tải về hết (không đọc được cấu trúc zip)"),
    ("zip-version-unknown", _zip_version_unknown, "tệp bị hỏng hoặc chưa tải về hết (không đọc được cấu trúc zip)"),
    ("web-page-named-xls", _web_page, "tệp là trang web (HTML) mang tên sổ Excel, thường do phần mềm xuất ra: hãy mở "
                                      "bằng Excel, chọn Lưu thành (Save As) → “Excel Workbook (*.xlsx)”"),
    ("xml-spreadsheet-2003", _xml_spreadsheet, "bảng tính XML của Excel 2003 (XML Spreadsheet)"),
    ("ods-far-cell", _ods_far_cell, "của bảng tính .ods có ô rất xa bảng (tới hàng 1000002, cột 4)"),
    ("ods-entities", _ods_entities, "phần “content.xml” chứa khai báo DOCTYPE/ENTITY"),
    ("password", _password, "mật khẩu"),
    ("no-table", _no_table, "không tìm thấy bảng tiêu chí"),
    ("zip-bomb", _bomb, "zip bomb"),
    ("xml-entities", _entities, "DOCTYPE"),
    ("shared-strings-entities", _entities_in_shared_strings, "sharedStrings.xml” chứa khai báo DOCTYPE"),
    # a part zipfile cannot inflate: once "Lỗi không mong đợi (error): Error -3 while decompressing…"
    ("workbook-part-damaged", lambda p: damaged_member(EXAMPLE, p, "xl/workbook.xml", "deflate"),
     "tệp bị hỏng hoặc chưa tải về hết (phần “xl/workbook.xml” không giải nén được)"),
    ("relations-part-odd-method", lambda p: damaged_member(EXAMPLE, p, "xl/_rels/workbook.xml.rels", "method"),
     "phần “xl/_rels/workbook.xml.rels” của tệp được nén hoặc đặt mật khẩu theo cách Excel không dùng"),
    ("sheet-part-zip-password", lambda p: damaged_member(EXAMPLE, p, "xl/worksheets/sheet1.xml", "encrypted"),
     "phần “xl/worksheets/sheet1.xml” của tệp được nén hoặc đặt mật khẩu"),
]


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_entities_in_shared_strings_refused_by_both_readers(tmp_path, engine):
    """calamine refuses the entity itself (the check is skipped on its happy path, then explains the
    failure); openpyxl's XML parser would expand it, so it is vetted before openpyxl sees it."""
    path = tmp_path / "laughs.xlsx"
    _entities_in_shared_strings(path)
    result = check_file(path, engine=engine)
    assert not result.readable and "sharedStrings.xml” chứa khai báo DOCTYPE/ENTITY" in result.error


@pytest.mark.parametrize("name,make,reason", BAD, ids=[b[0] for b in BAD])
def test_unreadable_inputs_exit_2_with_reason(tmp_path, name, make, reason):
    path = tmp_path / f"{name}.xlsx"
    make(path)
    proc = subprocess.run(
        [sys.executable, "-m", "cchc_xl", "check", str(path)], capture_output=True, text=True, timeout=60,
        encoding="utf-8",
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and reason in lines[0] and str(path) in lines[0]


def test_ascii_console_does_not_crash():
    import os

    env = dict(os.environ, PYTHONIOENCODING="ascii")
    proc = subprocess.run([sys.executable, "-m", "cchc_xl", "check", str(EXAMPLE)], capture_output=True, env=env)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode("ascii")
    assert "Xa Ngoc Ky: 73,2/100" in out and "ratio-mismatch" in out


def test_json_schema(tmp_path):
    import json

    proc = subprocess.run(
        [sys.executable, "-m", "cchc_xl", "check", "--json", str(EXAMPLE), str(tmp_path / "missing.xlsx")],
        capture_output=True, text=True, encoding="utf-8",
    )
    assert proc.returncode == 2
    data = json.loads(proc.stdout)
    good, bad = data["workbooks"]
    assert bad["ok"] is False and "error" in bad
    assert good["ok"] is True and "error" not in good
    assert good["totals"] == {
        "max": 100, "self": 73.2, "pending_max": 24, "unscored_max": 0, "base": 73.2, "bonus": 0, "penalty": 0,
        "percent": None, "by_part": {"I": {"max": 74, "self": 71.2}, "II": {"max": 26, "self": 2}},
    }
    assert good["criteria_set"]["id"] == "cap_xa_2023" and good["criteria_set"]["agreement"] == 1.0
    first = good["criteria"][0]
    assert set(first) == {"part", "code", "name", "max", "self", "computed_self", "explanation", "sheet", "cell"}
    c = next(c for c in good["criteria"] if c["code"] == "3.5.3")
    assert (c["max"], c["self"], c["cell"]) == (0.5, 0.3, "D69")
    f = good["findings"][0]
    assert set(f) == {"code", "severity", "sheet", "cell", "part", "criterion", "message"}
    assert good["meta"]["Tên đơn vị"] == "Xã Ngọc Kỳ"


def test_new_and_templates(tmp_path):
    out = tmp_path / "xa_moi.xlsx"
    proc = subprocess.run(
        [sys.executable, "-m", "cchc_xl", "new", "-o", str(out), "--unit", "Xã An Bình", "--period", "Năm 2025"],
        capture_output=True, text=True, encoding="utf-8",
    )
    assert proc.returncode == 0, proc.stderr
    a = read_workbook(out)
    assert a.meta["unit"] == "Xã An Bình" and a.meta["period"] == "Năm 2025"
    totals = a.totals()  # blank: survey points are pending, the others unscored (not the same thing)
    assert (totals.max, totals.pending_max, totals.unscored_max) == (100, 24, 76)
    ws = openpyxl.load_workbook(out).worksheets[0]
    assert ws.freeze_panes == "A18"
    assert ws["A18"].data_type == "s" and ws["A18"].number_format == "@"
    assert ws["B20"].font.name == "Times New Roman"
    assert ws.data_validations.dataValidation[0].formula2 == "C18"
    again = subprocess.run([sys.executable, "-m", "cchc_xl", "new", "-o", str(out)], capture_output=True, text=True)
    assert again.returncode == 2  # never overwrite an officer's file
    listing = subprocess.run([sys.executable, "-m", "cchc_xl", "templates"], capture_output=True, text=True, encoding="utf-8")
    assert "cap_xa_2023" in listing.stdout


def _outcome(read):
    from cchc_xl.errors import UnreadableWorkbook

    try:
        return "bytes", read()
    except UnreadableWorkbook as exc:
        return "refused", str(exc)


def test_members_read_from_memory_as_zipfile_reads_them(tmp_path):
    """A small workbook is read in one go and its parts inflated straight from the bytes; on every
    damage (a garbled stream, a wrong CRC or size in the directory, a zip password, another
    method, a stored part, a header that disagrees) each part reads, or is refused with the same
    line, exactly as through zipfile."""
    import random
    import struct

    from cchc_xl.read.package import HEAD, InMemoryZip, read_member

    source = tmp_path / "goc.xlsx"
    with zipfile.ZipFile(EXAMPLE) as original, zipfile.ZipFile(source, "w") as out:
        for info in original.infolist():  # one part stored, the others deflated
            method = zipfile.ZIP_STORED if info.filename == "xl/styles.xml" else zipfile.ZIP_DEFLATED
            out.writestr(info.filename, original.read(info.filename), compress_type=method)
    good = source.read_bytes()
    with zipfile.ZipFile(source) as archive:
        infos = archive.infolist()
    rng = random.Random(13)
    variants = [good]
    for _ in range(300):
        data = bytearray(good)
        info = rng.choice(infos)
        local = info.header_offset
        start = local + 30 + sum(struct.unpack_from("<HH", data, local + 26))
        central = good.find(b"PK\x01\x02")  # the part's entry in the central directory
        while good[central + 46:central + 46 + struct.unpack_from("<H", good, central + 28)[0]] != \
                info.filename.encode():
            central = good.find(b"PK\x01\x02", central + 4)
        how = rng.choice(["stream", "stream", "crc", "size", "compressed", "password", "method", "name", "header"])
        if how == "stream":  # bytes of the compressed data garbled
            for _ in range(rng.randint(1, 4)):
                data[start + rng.randrange(max(info.compress_size, 1))] ^= rng.randint(1, 255)
        elif how == "crc":
            data[central + 16] ^= 0x5A
        elif how == "size":  # the directory's uncompressed size
            struct.pack_into("<I", data, central + 24, max(0, info.file_size + rng.choice([-5, -1, 1, 300])))
        elif how == "compressed":
            struct.pack_into("<I", data, central + 20, max(0, info.compress_size + rng.choice([-3, 7])))
        elif how == "password":
            data[local + 6] |= 1
            data[central + 8] |= 1
        elif how == "method":
            struct.pack_into("<H", data, local + 8, 99)
            struct.pack_into("<H", data, central + 10, 99)
        elif how == "name":  # the local header names another part
            data[local + 30] ^= 0x20
        else:  # the local header's signature
            data[local + 1] = 0
        variants.append(bytes(data))
    from cchc_xl.read.package import _inflate

    with zipfile.ZipFile(source) as archive:  # the normal case takes the path from memory
        assert all(_inflate(InMemoryZip(good), info.filename, -1) == archive.read(info.filename) for info in infos)
    compared = 0
    for number, data in enumerate(variants):
        path = tmp_path / f"v{number}.xlsx"
        path.write_bytes(data)
        try:
            from_file = zipfile.ZipFile(path)
        except zipfile.BadZipFile:
            continue
        in_memory = InMemoryZip(data)
        with from_file, in_memory:
            for info in from_file.infolist():
                for limit in (-1, HEAD, 100):
                    expected = _outcome(lambda: read_member(from_file, info.filename, limit))
                    assert _outcome(lambda: read_member(in_memory, info.filename, limit)) == expected, \
                        (number, info.filename, limit)
                    compared += 1
    assert compared > 3000


def test_a_workbook_too_large_for_memory_reads_from_its_file_the_same(monkeypatch):
    """Above IN_MEMORY a workbook is read through zipfile from the file itself: the same result."""
    from cchc_xl.read import package

    in_memory = check_file(EXAMPLE).to_json()
    opened = []
    real_open = package.open_package

    def spy(*args, **kwargs):
        archive, info = real_open(*args, **kwargs)
        opened.append(type(archive))
        return archive, info

    monkeypatch.setattr("cchc_xl.read.files.open_package", spy)
    monkeypatch.setattr(package, "IN_MEMORY", 100)
    from_file = check_file(EXAMPLE).to_json()
    assert opened == [zipfile.ZipFile]
    assert from_file == in_memory and in_memory["totals"]["self"] is not None
    monkeypatch.setattr(package, "IN_MEMORY", 1 << 30)
    check_file(EXAMPLE)
    assert opened[-1] is package.InMemoryZip
