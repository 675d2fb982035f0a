import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest

from bench.excel_client import remote_book, xlwings_payload  # noqa: F401 (the tests' own names for them)
from cchc_xl.resources import example_workbook

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = example_workbook()


def find_row(ws, part, code):
    """1-based row of criterion `code` in `part` (the example layout: STT in column A)."""
    current = None
    for row in range(1, ws.max_row + 1):
        value = ws.cell(row, 1).value
        if value is None:
            continue
        text = str(value).strip()
        if text in ("I", "II", "III"):
            current = text
            if code == text:
                return row
            continue
        if current == part and text == code:
            return row
    raise KeyError((part, code))


def saved_by_libreoffice(path, kind="xlsx") -> Path:
    """``path`` opened and saved by LibreOffice as ``kind`` (xlsx, xls, ods), in a folder beside it: its own way
    of writing a workbook, and the values it computes for formulas that have none. Skips without it."""
    import subprocess

    if shutil.which("soffice") is None:
        pytest.skip("needs LibreOffice")
    path = Path(path)
    folder = path.parent / f"lo_{kind}"
    subprocess.run(["soffice", "--headless", "--convert-to", kind, "--outdir", str(folder), str(path)],
                   capture_output=True, timeout=180, check=True)
    return folder / f"{path.stem}.{kind}"


def edited_example(tmp_path, name, edit, source=EXAMPLE):
    """A copy of the example workbook changed by edit(ws), saved as a real .xlsx."""
    wb = openpyxl.load_workbook(source)
    ws = wb.worksheets[0]
    edit(ws)
    path = Path(tmp_path) / name
    wb.save(path)
    return path


PARENTS = [("I", "I"), ("II", "II")] + [
    ("I", c) for c in ["1", "1.1", "1.3", "1.4", "1.5", "1.6", "2", "2.2", "2.3", "3", "3.1", "3.2", "3.3", "3.4",
                       "3.5", "3.6", "3.7", "4", "4.1", "5", "5.3", "5.4", "6", "6.1", "7", "7.1", "7.2"]
]


MERGED_EXPLANATION = "Niêm yết công khai 5/8 = 70% TTHC; Kế hoạch số 12/BC-UBND ngày 10/3/2023"


def merged_explanation(ws, part="I", first="3.2.1", last="3.2.3", text=MERGED_EXPLANATION):
    """One explanation typed for a group's items, its cell merged down over them (their own cells
    emptied, as Excel leaves them): (first row, last row), 1-based."""
    top, bottom = find_row(ws, part, first), find_row(ws, part, last)
    ws.cell(top, 5).value = text
    for row in range(top + 1, bottom + 1):
        ws.cell(row, 5).value = None
    ws.merge_cells(start_row=top, start_column=5, end_row=bottom, end_column=5)
    return top, bottom


def lettered(ws, parts: bool = False):
    """The example's sub-criteria lettered as many officers type them (1.1.1, 1.1.2 → a), b)), and its
    parts A, B with ``parts``."""
    for row in range(1, ws.max_row + 1):
        value = ws.cell(row, 1).value
        text = str(value).strip() if value is not None else ""
        if text.count(".") == 2 and text.replace(".", "").isdigit():
            ws.cell(row, 1).value = "abcdefghijklmnopqrstuvwxyz"[int(text.rsplit(".", 1)[1]) - 1] + ")"
        elif parts and text in ("I", "II"):
            ws.cell(row, 1).value = {"I": "A", "II": "B"}[text]


def set_labels(ws, labels: dict):
    """The example's label block ("Tên đơn vị:" | value, …): each label's value set (None empties it)."""
    for row in range(1, 20):
        label = ws.cell(row, 2).value
        if label in labels:
            ws.cell(row, 3).value = labels[label]


def set_labels_in(path, labels: dict):
    """set_labels on the first sheet of the workbook at ``path``, saved in place."""
    wb = openpyxl.load_workbook(path)
    set_labels(wb.worksheets[0], labels)
    wb.save(path)


def appraise(path, changed=None, blank=False):
    """A reviewer's appraisal column ("Điểm thẩm định", after the self-scores): the self-scores copied,
    but the criteria in ``changed`` (STT of part I → points); ``blank``: the column left empty."""
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    header = next(r for r in range(1, 40) if ws.cell(r, 1).value == "STT")
    ws.insert_cols(5)
    ws.cell(header, 5).value = "Điểm thẩm định"
    part = None
    for r in range(header + 1, ws.max_row + 1):
        code, value = ws.cell(r, 1).value, ws.cell(r, 4).value
        part = code if code in ("I", "II") else part
        if blank:
            continue
        if part == "I" and code in (changed or {}):
            ws.cell(r, 5).value = changed[code]
        elif isinstance(value, (int, float)):
            ws.cell(r, 5).value = value
    wb.save(path)


def gathered_communes():
    """A workbook gathering three communes, one sheet each ("Ngọc Kỳ", "Hà Kỳ", "Quang Phục", each with its
    own "Tên đơn vị"): the openpyxl workbook, to edit further and save."""
    wb = openpyxl.load_workbook(ROOT / "examples" / "cac_xa" / "ngoc_ky.xlsx")
    first = wb.worksheets[0]
    first.title = "Ngọc Kỳ"
    for name in ("Hà Kỳ", "Quang Phục"):
        sheet = wb.copy_worksheet(first)
        sheet.title = name
        set_labels(sheet, {"Tên đơn vị:": f"UBND xã {name}"})
    return wb


def labelled_example(tmp_path, name, source=EXAMPLE, **labels):
    """A copy of ``source`` with values typed beside its labels: labelled_example(…, **{"Kỳ đánh giá:": "2023"})."""
    return edited_example(tmp_path, name, lambda ws: set_labels(ws, labels), source)


def blank_parents(ws):
    for part, code in PARENTS:
        ws.cell(find_row(ws, part, code), 4).value = None


@pytest.fixture()
def example_copy(tmp_path):
    target = tmp_path / "ngoc_ky.xlsx"
    shutil.copyfile(EXAMPLE, target)
    return target


@pytest.fixture()
def blank_parent_copy(tmp_path):
    return edited_example(tmp_path, "blank_parents.xlsx", blank_parents)


# ---------------------------------------------------------------- a real .xlsm with everything officers have
import re
import struct
import zipfile
import zlib

import xlwings

VBA_SOURCE = Path(xlwings.__file__).parent / "quickstart.xlsm"  # a VBA project saved by Excel (Module1.SampleCall)
MACRO = "Module1.SampleCall"


def tiny_png(width=40, height=20):
    """A real PNG (red seal placeholder), written without Pillow."""
    raw = b"".join(b"\x00" + b"\xcc\x00\x00" * width for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def make_rich_xlsm(path, edit=None):
    """The example as an officer's .xlsm: VBA project, a form button bound to a macro,
    an image, cell comments, data validation, a conditional format and their own fill."""
    from openpyxl.comments import Comment
    from openpyxl.drawing.image import Image
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import PatternFill
    import io

    wb = openpyxl.load_workbook(EXAMPLE)
    ws = wb.worksheets[0]
    if edit:
        edit(ws)
    ws["E18"].comment = Comment("Ghi chú của cán bộ: đã đối chiếu hồ sơ.", "Cán bộ VP")
    ws["B4"].comment = Comment("Mẫu năm 2023", "Cán bộ VP")
    ws["E19"].fill = PatternFill("solid", fgColor="FF00B050")  # the officer's own green
    ws.conditional_formatting.add("D18:D122", CellIsRule(operator="lessThan", formula=["0"], fill=PatternFill("solid", fgColor="FFFF0000")))
    img = Image(io.BytesIO(tiny_png()))
    ws.add_image(img, "G2")
    other = wb.create_sheet("Ghi chép")
    other["A1"] = "Sheet của cán bộ, không được đụng tới"
    tmp = Path(path).with_suffix(".tmp.xlsx")
    wb.save(tmp)
    vba = zipfile.ZipFile(VBA_SOURCE).read("xl/vbaProject.bin")
    with zipfile.ZipFile(tmp) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        names = zin.namelist()
        sheet_rels = zin.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
        vml_name = "xl/" + re.search(r'Target="/?(?:\.\./)?(?:xl/)?(drawings/[^"]+\.vml)"', sheet_rels).group(1)
        for name in names:
            data = zin.read(name)
            if name == "[Content_Types].xml":
                data = data.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
                data = data.replace(b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
                                    b'<Override PartName="/xl/ctrlProps/ctrlProp1.xml" ContentType="application/vnd.ms-excel.controlproperties+xml"/></Types>')
            elif name == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdVba1" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>')
            elif name == "xl/worksheets/_rels/sheet1.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdCtrl1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/ctrlProp" Target="../ctrlProps/ctrlProp1.xml"/></Relationships>')
            elif name == vml_name:
                button = (
                    '<v:shape id="_x0000_s1100" type="#_x0000_t201" style="position:absolute;margin-left:600pt;margin-top:5pt;'
                    'width:90pt;height:24pt;z-index:50" o:button="t" fillcolor="buttonFace [67]" strokecolor="windowText [64]" o:insetmode="auto">'
                    '<v:fill color2="buttonFace [67]" o:detectmouseclick="t"/><o:lock v:ext="edit" rotation="t"/>'
                    '<v:textbox style="mso-direction-alt:auto" o:singleclick="f"><div style="text-align:center"><font face="Calibri" size="220" color="#000000">Tính lại</font></div></v:textbox>'
                    '<x:ClientData ObjectType="Button"><x:Anchor>6, 0, 0, 5, 8, 0, 1, 10</x:Anchor><x:PrintObject>False</x:PrintObject>'
                    f'<x:AutoFill>False</x:AutoFill><x:FmlaMacro>[0]!{MACRO}</x:FmlaMacro><x:TextHAlign>Center</x:TextHAlign><x:TextVAlign>Center</x:TextVAlign></x:ClientData></v:shape>'
                )
                text = data.decode()
                if "_x0000_t201" not in text:
                    button = ('<v:shapetype id="_x0000_t201" coordsize="21600,21600" o:spt="201" path="m,l,21600r21600,l21600,xe">'
                              '<v:stroke joinstyle="miter"/><v:path shadowok="f" o:extrusionok="f" strokeok="f" fillok="f" o:connecttype="rect"/>'
                              '<o:lock v:ext="edit" shapetype="t"/></v:shapetype>') + button
                data = text.replace("</xml>", button + "</xml>").encode()
            elif name == "xl/worksheets/sheet1.xml":
                controls = (
                    b'<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><mc:Choice Requires="x14">'
                    b'<controls><mc:AlternateContent><mc:Choice Requires="x14"><control shapeId="1100" r:id="rIdCtrl1" name="Button 1">'
                    b'<controlPr defaultSize="0" print="0" autoFill="0" autoPict="0" macro="[0]!' + MACRO.encode() + b'">'
                    b'<anchor moveWithCells="1" sizeWithCells="1"><from><xdr:col>6</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>0</xdr:row><xdr:rowOff>0</xdr:rowOff></from>'
                    b'<to><xdr:col>8</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>1</xdr:row><xdr:rowOff>0</xdr:rowOff></to></anchor></controlPr></control>'
                    b'</mc:Choice></mc:AlternateContent></controls></mc:Choice></mc:AlternateContent>'
                )
                data = data.replace(b"<worksheet ", b'<worksheet xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" '
                                    b'xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" ', 1)
                if b"xmlns:r=" not in data[:600]:
                    data = data.replace(b"<worksheet ", b'<worksheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" ', 1)
                data = data.replace(b"</worksheet>", controls + b"</worksheet>")
            zout.writestr(name, data)
        zout.writestr("xl/vbaProject.bin", vba)
        zout.writestr("xl/ctrlProps/ctrlProp1.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                      '<formControlPr xmlns="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" objectType="Button" lockText="1"/>')
    tmp.unlink()
    return Path(path)


def report_rows(doc):
    """Criterion rows then the total row of a rendered report, in order. The last criterion and the
    total sit in a table nested in the criteria table's last row (kept with the signature block)."""
    main = doc.tables[1]
    nested = main.rows[-1].cells[0].tables
    return list(main.rows[1:-1]) + list(nested[0].rows)


def report_signature_cells(doc):
    """(recipients cell, signature cell) of a rendered report."""
    holder = doc.tables[1].rows[-1].cells[0]
    return tuple(holder.tables[1].rows[0].cells)


def clear_label_block(ws):
    """The example's rows above the table (its "Tên đơn vị: …" block) emptied, merges and all."""
    for merged in [m for m in ws.merged_cells.ranges if m.min_row <= 16]:
        ws.unmerge_cells(str(merged))
    for row in range(1, 17):
        for col in range(1, 6):
            ws.cell(row, col).value = None


def letterhead_example(tmp_path, name="letterhead.xlsx"):
    """The example as many officers type it: no label/value block, the ND 30 letterhead and title
    above the table, one "Label: value" cell, the signature block below the table."""
    wb = openpyxl.load_workbook(EXAMPLE)
    ws = wb.worksheets[0]
    clear_label_block(ws)
    ws["A1"] = "UBND HUYỆN TỨ KỲ\nUBND XÃ NGỌC KỲ"
    ws["A3"] = "Số: 86/BC-UBND"
    ws["D1"] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    ws["D2"] = "Độc lập - Tự do - Hạnh phúc"
    ws["D3"] = "Ngọc Kỳ,  ngày 26  tháng 6 năm 2023"
    ws["A5"] = "BÁO CÁO KẾT QUẢ TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CCHC 6 THÁNG ĐẦU NĂM 2023 CỦA UBND XÃ NGỌC KỲ"
    ws["A6"] = "Tỉnh: Hải Dương"
    last = ws.max_row
    ws.cell(last + 2, 4).value = "TM. ỦY BAN NHÂN DÂN"
    ws.cell(last + 3, 4).value = "CHỦ TỊCH"
    ws.cell(last + 7, 4).value = "Nguyễn Xuân Thoang"
    path = Path(tmp_path) / name
    wb.save(path)
    return path


def damaged_member(source, target, member, how):
    """A copy of the zip ``source`` whose ``member`` cannot be inflated, as the bytes are damaged
    on disk: "deflate" (its stream garbled, as by a cut download), "method" (a compression method
    no Office writes), "encrypted" (a zip password)."""
    import struct
    import zipfile

    data = bytearray(Path(source).read_bytes())
    with zipfile.ZipFile(source) as archive:
        info = archive.getinfo(member)
    local = info.header_offset
    assert data[local:local + 4] == b"PK\x03\x04"
    name_len, extra_len = struct.unpack("<HH", data[local + 26:local + 30])
    if how == "deflate":
        start = local + 30 + name_len + extra_len
        for at in range(start + 2, start + min(40, info.compress_size)):
            data[at] ^= 0xFF
    else:  # the same flag in the local header and in the central directory
        central = data.find(b"PK\x01\x02")
        while central >= 0:
            size = struct.unpack("<H", data[central + 28:central + 30])[0]
            if data[central + 46:central + 46 + size] == member.encode():
                break
            central = data.find(b"PK\x01\x02", central + 4)
        assert central > 0
        if how == "method":
            data[local + 8:local + 10] = data[central + 10:central + 12] = struct.pack("<H", 99)
        else:
            data[local + 6] |= 1
            data[central + 8] |= 1
    Path(target).write_bytes(bytes(data))
    return Path(target)


def bomb_member(source, target, member, megabytes):
    """A copy of the zip ``source`` whose ``member`` inflates to ``megabytes`` of whitespace (before
    its closing tag): a real zip bomb of ~1/1000 its size."""
    import zipfile

    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename != member:
                zout.writestr(item.filename, data)
                continue
            close = data.rindex(b"</")
            with zout.open(member, "w", force_zip64=True) as out:
                out.write(data[:close])
                for _ in range(megabytes):
                    out.write(b" " * (1 << 20))
                out.write(data[close:])
    return Path(target)


def with_control_codes(source, target, mark=b"MARK"):
    """A copy of the workbook ``source`` with every ``mark`` in its parts turned into an ESC, a
    BEL and a carriage return, written as Excel escapes them in sheet XML (_x001B_…)."""
    import zipfile

    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            out.writestr(item, src.read(item.filename).replace(mark, b"_x001B_]0;PWNED_x0007__x000D_"))
    return Path(target)


def huge_png(path, width, height):
    """A PNG of a few hundred bytes whose header claims width × height pixels (a decompression bomb
    at 30,000 × 30,000: 3.6 GB once decoded); only two rows of data follow."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (width * 4 + 1) * 2)
    Path(path).write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b""))
    return Path(path)


# for a child process's script: prints its own peak memory in MB (ru_maxrss alone also counts what
# the parent held when it started the child, so a big test process made small children look big)
PRINT_OWN_PEAK_MB = '''
import resource
def own_peak_mb():  # this process's own peak: ru_maxrss also counts what the parent held when it started it
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) // 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(own_peak_mb())
'''


# what Excel keeps when an officer types these in the explanation column: (criterion, value, format, shown)
EXCEL_KEEPS = [("1.2", 1, "0%", "100%"), ("1.3", 0.985, "0.0%", "98,5%"), ("1.4", 1500, "#,##0", "1.500"),
               ("1.5", dt.datetime(2023, 6, 1), "mmm-yy", "06/2023"), ("1.6.1", 2, "General", "2")]


def typed_like_excel(ws):
    """The explanation cells of EXCEL_KEEPS, as Excel stores "100%", "98,5%", "1.500", "6/2023", "2"."""
    for code, value, fmt, _ in EXCEL_KEEPS:
        cell = ws.cell(find_row(ws, "I", code), 5)
        cell.value, cell.number_format = value, fmt
