"""The Excel door, through xlwings' own remote engine (no Excel on Linux), and the add-in."""
import shutil
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

import cchc_xl
import cchc_xl.excel
from cchc_xl.read import read_workbook
from cchc_xl.write.plan import FINDINGS_HEADERS, MARK_COLOURS
from cchc_xl.write.workbook_builder import build_workbook

from helpers import blank_parents, edited_example, find_row, remote_book, report_rows, saved_by_libreoffice
from test_engine import clean

ERROR_HEX = "#" + MARK_COLOURS["error"][-6:].lower()


def actions(book):
    return book.json()["actions"]


def score_writes(book):
    """{1-based row: value} written into the score column by the single setValues call."""
    writes = [a for a in actions(book) if a["func"] == "setValues" and a["sheet_position"] == 0]
    assert len(writes) == 1
    write = writes[0]
    assert write["column_count"] == 1 and write["start_column"] == 3  # column D
    return {write["start_row"] + 1 + i: row[0] for i, row in enumerate(write["values"])}


def test_recalc_writes_parent_totals_into_the_right_cells(tmp_path):
    path = edited_example(tmp_path, "blank.xlsx", blank_parents)
    book = remote_book(path)
    outcome = cchc_xl.main(book)
    written = score_writes(book)
    import openpyxl

    ws = openpyxl.load_workbook(path).worksheets[0]
    expect = {("I", "1"): 14, ("I", "3"): 17.1, ("I", "5"): 10.6, ("I", "I"): 71.2}
    for (part, code), value in expect.items():
        assert written[find_row(ws, part, code)] == value
    total_row = find_row(ws, "II", "3") + 1
    assert written[total_row] == 73.2
    assert written[find_row(ws, "I", "3.5.3")] == 0.3  # the officer's entry written back as it was
    assert outcome.plan.totals.pending_max == Decimal(24)
    alert = [a for a in actions(book) if a["func"] == "alert"]
    assert alert and "73,2/100" in alert[0]["args"][0]


def _mistake(ws):
    clean(ws)
    blank_parents(ws)
    ws.cell(find_row(ws, "I", "1.2"), 4).value = 3


def test_over_max_cell_is_marked(tmp_path):
    path = edited_example(tmp_path, "over.xlsx", _mistake)
    import openpyxl

    row = find_row(openpyxl.load_workbook(path).worksheets[0], "I", "1.2")
    book = remote_book(path, client="Office.js")
    outcome = cchc_xl.main(book)
    colours = [a for a in actions(book) if a["func"] == "setRangeColors"]
    assert len(colours) == 1
    matrix, top = colours[0]["args"][0], colours[0]["start_row"]
    assert matrix[row - 1 - top][3 - colours[0]["start_column"]] == ERROR_HEX
    painted = [(r, c) for r, line in enumerate(matrix) for c, v in enumerate(line) if v != "keep"]
    assert len(painted) == 1
    notes = [a for a in actions(book) if a["func"] == "addNote"]
    assert [n["args"][0] for n in notes] == [f"$D${row}"]
    assert "vượt điểm tối đa 2" in notes[0]["args"][1]
    findings = [a for a in actions(book) if a["func"] == "setValues" and a["sheet_position"] == 1]
    table = findings[0]["values"]
    line = next(v for v in table if v[3] == "over-max")
    assert line[1] == f"=HYPERLINK(\"#'Tự đánh giá'!D{row}\",\"D{row}\")" and line[6] == "tô màu + ghi chú"
    assert outcome.plan.errors == 1


def test_second_run_takes_off_fixed_marks(tmp_path):
    path = edited_example(tmp_path, "over.xlsx", _mistake)
    first = remote_book(path, client="Office.js")
    cchc_xl.main(first)
    written_findings = next(a for a in actions(first) if a["func"] == "setValues" and a["sheet_position"] == 1)
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    row = find_row(ws, "I", "1.2")
    ws.cell(row, 4).value = 2  # the officer fixes the mistake
    sheet = wb.create_sheet("Kết quả kiểm tra")
    for line in written_findings["values"]:
        # what the client sends back for a HYPERLINK cell is its value: the friendly name
        sheet.append([v.rsplit(",", 1)[-1].strip('")') if isinstance(v, str) and v.startswith("=HYPERLINK(") else v
                      for v in line])
    fixed = tmp_path / "fixed.xlsx"
    wb.save(fixed)
    from helpers import xlwings_payload
    import xlwings as xw

    payload = xlwings_payload(fixed, client="Office.js")
    payload["sheets"][0]["notes"] = [{"address": f"$D${row}"}]  # the note the first run added
    second = xw.Book(json=payload)
    cchc_xl.main(second)
    funcs = [a["func"] for a in actions(second)]
    deleted = [a for a in actions(second) if a["func"] == "deleteNote"]
    assert [d["args"][0] for d in deleted] == [f"$D${row}"] and "addNote" not in funcs
    colours = next(a for a in actions(second) if a["func"] == "setRangeColors")
    matrix, top = colours["args"][0], colours["start_row"]
    assert matrix[row - 1 - top][3] is None  # our fill removed


def big_criteria_set():
    """A 1,000-row criteria table: 10 areas × 9 criteria × 10 sub-criteria."""
    rows = [["I", "I", "PHẦN THỬ", 90]]
    for a in range(1, 11):
        rows.append(["I", str(a), f"LĨNH VỰC {a}", 9])
        for c in range(1, 10):
            rows.append(["I", f"{a}.{c}", f"Tiêu chí {a}.{c}", 1])
            for s in range(1, 11):
                rows.append(["I", f"{a}.{c}.{s}", f"Tiêu chí thành phần {a}.{c}.{s}", 0.1])
    return {"id": "big", "title": "Bộ tiêu chí thử 1.000 dòng", "sheet": "Tự đánh giá", "criteria": rows, "total": 90}


@pytest.mark.parametrize("client", ["Microsoft Office Scripts", "Office.js"])
def test_calls_do_not_grow_with_rows(tmp_path, client):
    small = edited_example(tmp_path, "small.xlsx", _mistake)
    criteria = big_criteria_set()
    scores = {f"I.{r[1]}": [0.1, ""] for r in criteria["criteria"] if r[1].count(".") == 2}
    scores["I.1.1.1"] = [0.5, ""]  # the same single mistake: over-max
    big = build_workbook(criteria, tmp_path / "big.xlsx", {"unit": "Xã Lớn", "report_date": "26/06/2023"}, scores)
    counts = {}
    for name, path in (("small", small), ("big", big)):
        book = remote_book(path, client)
        outcome = cchc_xl.main(book)
        assert outcome.plan.errors == 1 and outcome.plan.warnings == 0
        counts[name] = [a["func"] for a in actions(book)]
    assert len(counts["big"]) == len(counts["small"]) and counts["big"] == counts["small"]
    assert len(criteria["criteria"]) == 1001


def test_check_does_not_touch_scores(tmp_path):
    path = edited_example(tmp_path, "blank.xlsx", blank_parents)
    book = remote_book(path)
    cchc_xl.excel.check(book)
    assert not any(a["func"] == "setValues" and a["sheet_position"] == 0 for a in actions(book))


def test_report_from_the_live_book(tmp_path, monkeypatch):
    from helpers import EXAMPLE

    monkeypatch.chdir(tmp_path)
    book = remote_book(EXAMPLE)
    outcome = cchc_xl.excel.report(book, open_after=False)
    from docx import Document

    doc = Document(outcome.docx)
    assert report_rows(doc)[-1].cells[3].text == "73,2"


def test_light_imports():
    code = ("import cchc_xl, sys; cchc_xl.main; import cchc_xl.excel, cchc_xl.write.live, cchc_xl.read.live; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in {'docx','docxtpl','jinja2','openpyxl'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_addin_build_ribbon_calls_a_macro_of_its_vba_project(tmp_path):
    from oletools.olevba import VBA_Parser

    out = tmp_path / "cchc_xl.xlam"
    proc = subprocess.run([sys.executable, "-m", "cchc_xl", "addin", "build", "-o", str(out)], capture_output=True,
                          text=True, encoding="utf-8")
    assert proc.returncode == 0, proc.stderr
    with zipfile.ZipFile(out) as z:
        ribbon = etree.fromstring(z.read("customUI/customUI.xml"))
        rels = z.read("_rels/.rels").decode()
        vba = VBA_Parser("vbaProject.bin", data=z.read("xl/vbaProject.bin"))
        content_types = z.read("[Content_Types].xml").decode()
    assert "customUI/customUI.xml" in rels and "addin.macroEnabled" in content_types
    ns = {"ui": "http://schemas.microsoft.com/office/2006/01/customui"}
    assert ribbon.tag == "{http://schemas.microsoft.com/office/2006/01/customui}customUI"
    tab = ribbon.find("ui:ribbon/ui:tabs/ui:tab", ns)
    assert tab.get("label") == "CCHC"
    buttons = tab.findall(".//ui:button", ns)
    assert buttons and all(b.get("label") for b in buttons)
    assert "Tính lại" in buttons[0].get("label")
    ids = [el.get("id") for el in ribbon.iter() if el.get("id")]
    assert len(ids) == len(set(ids))
    modules = {name: code for _, _, name, code in vba.extract_macros()}
    for button in buttons:
        module, macro = button.get("onAction").split(".")
        code = modules[f"{module}.bas"]
        assert f"Sub {macro}(control As IRibbonControl)" in code
        # the macro imports the add-in's own name: cchc_xl.xlam → import cchc_xl; cchc_xl.main()
        assert 'RunPython "import " & mymodule & ";" & mymodule & ".main()"' in code
        assert "Left(ThisWorkbook.Name, (InStrRev(ThisWorkbook.Name" in code
    assert out.name == "cchc_xl.xlam"


def test_addin_build_never_replaces_a_file_it_did_not_make(tmp_path):
    """`addin build -o` over a file of that name that is not an add-in built here wrote over it without
    a word; every other command refuses. An earlier build is still replaced (a rebuild, an upgrade)."""
    out = tmp_path / "cchc_xl.xlam"
    out.write_text("ghi chú của tôi", encoding="utf-8")

    def build(*extra):
        return subprocess.run([sys.executable, "-m", "cchc_xl", "addin", "build", "-o", str(out), *extra],
                              capture_output=True, text=True, encoding="utf-8")

    proc = build()
    assert proc.returncode == 2 and out.read_text(encoding="utf-8") == "ghi chú của tôi"
    assert proc.stderr.strip().splitlines() == [
        f"Lỗi: tệp {out} đã có và không phải add-in do cchc-xl tạo; hãy chọn thư mục khác hoặc thêm --overwrite "
        "— chưa ghi gì"]
    assert build("--overwrite").returncode == 0 and zipfile.is_zipfile(out)
    before = out.stat().st_mtime_ns
    proc = build()  # our own add-in: rebuilt
    assert proc.returncode == 0 and out.stat().st_mtime_ns >= before and zipfile.is_zipfile(out)


def test_addin_install_without_excel_explains(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "cchc_xl", "addin", "install"], capture_output=True, text=True,
                          encoding="utf-8")
    assert proc.returncode == 2 and "Excel" in proc.stderr and "Traceback" not in proc.stderr
    bad = subprocess.run([sys.executable, "-m", "cchc_xl", "addin", "build", "-o", str(tmp_path / "khac.xlam")],
                         capture_output=True, text=True, encoding="utf-8")
    assert bad.returncode == 2 and "cchc_xl.xlam" in bad.stderr


def test_problem_in_excel_is_a_vietnamese_message_box(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = "Danh sách cán bộ"
    path = tmp_path / "khong_phai.xlsx"
    wb.save(path)
    book = remote_book(path)
    assert cchc_xl.main(book) is None
    alerts = [a for a in actions(book) if a["func"] == "alert"]
    assert len(alerts) == 1 and "không tìm thấy bảng tiêu chí" in alerts[0]["args"][0]
    over = edited_example(tmp_path, "over.xlsx", _mistake)
    refused = remote_book(over)
    assert cchc_xl.excel.report(refused, open_after=False) is None
    assert "over-max" in [a for a in actions(refused) if a["func"] == "alert"][0]["args"][0]


def test_clean_recalc_offers_the_report_in_a_yes_no_dialog(tmp_path):
    path = edited_example(tmp_path, "blank.xlsx", blank_parents)
    book = remote_book(path)
    cchc_xl.main(book)
    offers = [a["args"] for a in actions(book) if a["func"] == "alert" and "yes_no" in a["args"]]
    assert len(offers) == 1
    assert offers[0][0] == "Đã tính lại: 73,2/100 điểm, không có lỗi. Lập báo cáo ngay?"
    # with an error nothing is offered: the officer fixes the sheet first
    wrong = remote_book(edited_example(tmp_path, "over.xlsx", _mistake))
    cchc_xl.main(wrong)
    assert not [a for a in actions(wrong) if a["func"] == "alert" and "yes_no" in a["args"]]


def test_report_as_pdf_from_the_live_book(tmp_path, monkeypatch):
    if shutil.which("soffice") is None:
        pytest.skip("needs LibreOffice")
    path = edited_example(tmp_path, "xa.xlsx", blank_parents)
    book = remote_book(path)
    monkeypatch.chdir(tmp_path)
    outcome = cchc_xl.excel.report(book, open_after=False, pdf=True)
    pdf = Path(outcome.docx).with_suffix(".pdf")
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("raised,said", [
    (Exception("(-2146827284, 'OLE error', (0, 'Microsoft Excel', \"The cell or chart you're trying to change is "
               "on a protected sheet.\", None, 0, -2146827284), None)"), "trang tính đang được bảo vệ"),
    (Exception("(-2147352567, 'Exception occurred.', (0, 'Microsoft Excel', 'Workbook is protected and cannot be "
               "changed.', 'xlmain11.chm', 0, -2146827284), None)"), "khóa cấu trúc"),
    (Exception("(-2147418111, 'Call was rejected by callee.', None, None)"), "Excel đang bận"),
    (RuntimeError("hỏng"), "Lỗi không mong đợi (RuntimeError): hỏng"),
])
def test_an_error_from_excel_itself_is_a_vietnamese_message_box(tmp_path, monkeypatch, raised, said):
    """Excel refusing the write (a protected sheet, a cell being edited: COM errors, not ours) went
    up to xlwings, which shows the officer a Python traceback."""
    import cchc_xl.write.live as live

    def refused(*args, **kwargs):
        raise raised

    monkeypatch.setattr(live, "apply_live", refused)
    book = remote_book(edited_example(tmp_path, "xa.xlsx", blank_parents))
    assert cchc_xl.main(book) is None
    alerts = [a["args"][0] for a in actions(book) if a["func"] == "alert"]
    assert len(alerts) == 1 and alerts[0].startswith("Chưa làm được: ") and said in alerts[0]


def test_the_button_keeps_a_parent_whose_sum_is_unknown(tmp_path):
    """A leaf typed 'abc' under 1.1: the button writes the other parents' sums, and leaves 1.1, 1
    and I as the officer typed them (not a sum short of that leaf)."""
    import openpyxl

    def edit(ws):
        blank_parents(ws)  # parents blank: the button fills those it can
        ws.cell(find_row(ws, "I", "1.1.1"), 4).value = "abc"
        ws.cell(find_row(ws, "I", "1"), 4).value = 14
    path = edited_example(tmp_path, "abc.xlsx", edit)
    book = remote_book(path)
    outcome = cchc_xl.main(book)
    written = score_writes(book)
    ws = openpyxl.load_workbook(path).worksheets[0]
    assert written[find_row(ws, "I", "1")] == 14 and written[find_row(ws, "I", "1.1.1")] == "abc"
    assert written[find_row(ws, "I", "1.1")] in (None, "") and written[find_row(ws, "I", "I")] in (None, "")
    assert written[find_row(ws, "I", "3")] == 17.1  # a parent with every cell readable is written
    assert f"D{find_row(ws, 'I', '1')}" in outcome.plan.held


def test_the_button_names_what_the_report_left_blank(tmp_path, monkeypatch):
    from test_report import _bare_table

    monkeypatch.chdir(tmp_path)
    book = remote_book(_bare_table(tmp_path / "tran.xlsx"))
    outcome = cchc_xl.excel.report(book, open_after=False)
    assert outcome.blanks[0] == "Tên đơn vị"
    said = [str(a["args"]) for a in actions(book) if a["func"] in ("alert", "setStatusBar", "set_status_bar")]
    assert any("còn để trống: Tên đơn vị, Kỳ đánh giá" in text for text in said), actions(book)


def test_the_buttons_report_keeps_the_links_and_names_one_to_a_file_on_this_computer(tmp_path, monkeypatch):
    """The button's report links the explanations as the saved file has them, and its message names the
    link to a file on the officer's computer that the report cannot carry (it said nothing)."""
    from docx import Document

    from test_report import PLAN_LINK, _hyperlinks, _linked

    monkeypatch.chdir(tmp_path)
    path = edited_example(tmp_path, "lien_ket.xlsx", _linked)
    book = remote_book(path, by_path=True)
    outcome = cchc_xl.excel.report(book, open_after=False)
    [note] = [line for line in outcome.table_notes if "liên kết" in line]
    assert note.startswith("Chú ý, ô E27: Giải trình của mục 1.3.1 liên kết tới “D:/TLKC/kiem_tra.pdf”")
    said = [str(a["args"]) for a in actions(book) if a["func"] in ("alert", "setStatusBar", "set_status_bar")]
    assert any("D:/TLKC/kiem_tra.pdf" in text for text in said), actions(book)
    doc = Document(outcome.docx)
    rows = {"".join(r.cells[0].text.split()): r for r in report_rows(doc)}
    assert [address for address, _ in _hyperlinks(rows["1.1.1"]._tr.tc_lst[4], doc)] == [PLAN_LINK]


def test_the_button_writes_subtotals_and_keeps_a_held_total(tmp_path):
    """Part subtotals ("Tổng phần II") are written like the total; a total held back (a cell
    below it unreadable) keeps the officer's value on an engine that gives no formulas back
    (it was written blank)."""
    import openpyxl

    def edit(ws):
        ws.cell(find_row(ws, "I", "1.1.1"), 4).value = "abc"
        total = ws.max_row
        ws.cell(total, 4).value = 73.2
        ws.insert_rows(total)
        ws.cell(total, 2).value, ws.cell(total, 3).value, ws.cell(total, 4).value = "Tổng phần II", 26, 5
        ws.insert_rows(find_row(ws, "II", "II"))
        row = find_row(ws, "II", "II") - 1
        ws.cell(row, 2).value, ws.cell(row, 3).value, ws.cell(row, 4).value = "Cộng phần I", 74, 71.2
    path = edited_example(tmp_path, "tong_phan.xlsx", edit)
    ws = openpyxl.load_workbook(path).worksheets[0]
    total, part_two, part_one = ws.max_row, ws.max_row - 1, find_row(ws, "II", "II") - 1
    book = remote_book(path)
    outcome = cchc_xl.main(book)
    written = score_writes(book)
    assert written[part_two] == 2  # part II's sum, over the typed 5
    assert written[part_one] == 71.2 and written[total] == 73.2  # held: part I has "abc" in it
    assert {f"D{part_one}", f"D{total}"} <= set(outcome.plan.held)


def test_the_button_writes_this_years_self_column_of_two(tmp_path):
    """Last year's self-scores kept in D beside this year's in E: the button computes and writes
    E, the column the workbook's period names, and its findings say which column was used."""
    from test_reader_variety import _two_self_columns

    path = _two_self_columns(tmp_path, "hai.xlsx", "Điểm tự đánh giá năm 2022", "Điểm tự đánh giá năm 2023")
    book = remote_book(path)
    outcome = cchc_xl.main(book)
    [write] = [a for a in actions(book) if a["func"] == "setValues" and a["sheet_position"] == 0]
    assert write["start_column"] == 4 and write["column_count"] == 1  # column E
    assert outcome.plan.totals.self == Decimal("73.2")  # this year's (last year's: 72,2)
    [note] = [f.message for f in outcome.plan.findings if f.code == "several-score-columns"]
    assert note.startswith("Bảng có 2 cột “Điểm tự đánh giá”: D (“Điểm tự đánh giá năm 2022”), E (“Điểm tự đánh giá "
                           "năm 2023”); đã dùng cột E (khớp kỳ đánh giá của sổ).")
    # in the button's words: no command option the officer never typed
    assert note.endswith("hãy xóa hoặc đổi tên cột kia rồi bấm nút lại.") and "--columns" not in note


def test_the_button_says_a_missing_column_in_its_own_words(tmp_path):
    """A header without "Điểm tự đánh giá": the button's message box advised "--columns stt=A,…"."""
    from test_reader_variety import _styled_table

    path = _styled_table(tmp_path / "thieu.xlsx", [["1", "Một", 2, 2]], ["STT", "Nội dung", "Điểm tối đa", "Điểm"])
    book = remote_book(path)
    cchc_xl.main(book)
    [alert] = [a["args"][0] for a in actions(book) if a["func"] == "alert"]
    assert "nhưng thiếu cột “Điểm tự đánh giá”; hãy đặt tên cột cho đúng rồi bấm nút lại" in alert
    assert "--columns" not in alert


def test_the_button_keeps_a_parent_scored_on_its_own(tmp_path):
    """1.1 scored 2,5 with its sub-criteria blank: the button blanked it and lowered 1 and I. It
    now writes them back as typed and names them; the parts with scored children are computed."""
    import openpyxl

    def edit(ws):
        for code in ("1.1.1", "1.1.2", "1.1.3"):
            ws.cell(find_row(ws, "I", code), 4).value = None
        ws.cell(find_row(ws, "I", "3"), 4).value = None  # a parent left blank, its children scored
    path = edited_example(tmp_path, "cha.xlsx", edit)
    book = remote_book(path)
    outcome = cchc_xl.main(book)
    written = score_writes(book)
    ws = openpyxl.load_workbook(path).worksheets[0]
    assert [written[find_row(ws, "I", code)] for code in ("I", "1", "1.1")] == [71.2, 14, 2.5]
    assert written[find_row(ws, "I", "3")] == 17.1
    assert [f"D{find_row(ws, 'I', code)}" for code in ("I", "1", "1.1")] == outcome.plan.held[:3]


def _merged_explanation(ws):
    """1.6.1–1.6.3 lose their points; one explanation, merged over the three rows (as officers write)."""
    first, last = find_row(ws, "I", "1.6.1"), find_row(ws, "I", "1.6.3")
    for row in range(first, last + 1):
        ws.cell(row, 4).value = 0
        ws.cell(row, 5).value = None
    ws.cell(first, 5).value = "Chưa tổ chức đối thoại trong kỳ"
    ws.merge_cells(start_row=first, start_column=5, end_row=last, end_column=5)


def _findings(assessment):
    from cchc_xl.criteria_sets.recognise import annotate
    from cchc_xl.rules import check_assessment

    annotate(assessment)
    return sorted((f.code, f.cell) for f in check_assessment(assessment))


def test_live_book_reads_an_explanation_merged_over_rows_as_the_file_does(tmp_path):
    """The button read no merges: a criterion under a merged explanation was "bị trừ điểm nhưng không
    có nội dung giải trình", marked in the officer's sheet, though the file read found it explained.
    The book here is opened by xlwings' own file engine (calamine), which, like Excel, gives values
    only; the merges come from the book's saved file."""
    import xlwings as xw

    from cchc_xl.read.files import read_workbook
    from cchc_xl.read.live import read_book
    from cchc_xl.read.table import parse_workbook

    path = edited_example(tmp_path, "gop_o.xlsx", _merged_explanation)
    with xw.Book(path, mode="r") as book:
        live = parse_workbook(read_book(book))
    by_code = {c.key: c for c in live.criteria}
    for code in ("1.6.1", "1.6.2", "1.6.3"):
        assert by_code[f"I.{code}"].explanation == "Chưa tổ chức đối thoại trong kỳ"
    rows = [by_code[f"I.{code}"].row + 1 for code in ("1.6.1", "1.6.2", "1.6.3")]
    found = _findings(live)
    assert not [f for f in found if f[0] == "missing-explanation" and int(f[1][1:]) in rows]
    assert ("missing-explanation", "E76") in found  # (the example's own unexplained deduction: still said)
    assert found == _findings(read_workbook(path))


def test_live_book_checks_the_visible_table_not_a_hidden_copy(tmp_path):
    """Last period's copy kept on a hidden sheet before the officer's: the file read checks the
    visible one; the button took the first sheet and would have written into the hidden copy."""
    import openpyxl
    import xlwings as xw

    from cchc_xl.read.live import read_book
    from cchc_xl.read.table import parse_workbook

    from helpers import EXAMPLE

    wb = openpyxl.load_workbook(EXAMPLE)
    copy = wb.copy_worksheet(wb.worksheets[0])
    copy.title = "Kỳ trước"
    copy.sheet_state = "hidden"
    wb.move_sheet(copy, offset=-1)  # first in the book
    copy.cell(find_row(copy, "I", "1.2"), 4).value = 0
    path = tmp_path / "an_ky_truoc.xlsx"
    wb.save(path)
    with xw.Book(path, mode="r") as book:
        live = parse_workbook(read_book(book))
    assert live.sheet == "Tự đánh giá"
    assert [s.name for s in read_book(xw.Book(path, mode="r")).sheets if s.hidden] == ["Kỳ trước"]


def test_a_percent_typed_in_the_explanation_reads_at_the_button_as_in_the_file(tmp_path):
    """The button reads values, as Excel gives them: "100%" typed is 1. Desktop Excel says each such
    cell's format; xlwings' file engine cannot, so the book's saved file gives them (the remote
    engine has neither: there, the value)."""
    import xlwings as xw

    from cchc_xl.read.live import read_book
    from cchc_xl.read.table import parse_workbook

    from helpers import EXCEL_KEEPS, typed_like_excel

    path = edited_example(tmp_path, "phan_tram.xlsx", typed_like_excel)
    with xw.Book(path, mode="r") as book:
        live = {c.key: c.explanation for c in parse_workbook(read_book(book)).criteria}
    assert [live[f"I.{code}"] for code, *_ in EXCEL_KEEPS] == [shown for *_, shown in EXCEL_KEEPS]


def test_a_merge_typed_over_since_the_last_save_is_not_spread():
    """Merges come from the saved file; one undone and typed over since is dropped, so no first cell's
    text is spread over the officer's new entries."""
    from cchc_xl.read.live import still_merged

    rows = [["STT", "x"], ["1", "giải trình"], ["2", None], ["3", "mới gõ"], ["4", ""]]
    assert still_merged([(1, 1, 2, 1), (2, 1, 3, 1), (3, 1, 4, 1), (3, 1, 9, 5)], rows) == \
        [(1, 1, 2, 1), (3, 1, 4, 1), (3, 1, 9, 5)]


def test_a_remote_book_named_like_a_file_here_reads_no_file(tmp_path, monkeypatch):
    """xlwings' remote engine gives the book's name only: a file of that name in the current folder
    is another workbook, never read for its layout."""
    from cchc_xl.read.live import saved_layout

    path = edited_example(tmp_path, "gop_o.xlsx", _merged_explanation)
    monkeypatch.chdir(tmp_path)
    book = remote_book(path)
    assert book.fullname == "gop_o.xlsx" and saved_layout(book) is None


@pytest.mark.parametrize("error", ["#REF!", "#DIV/0!", "#SPILL!"])
def test_an_error_in_a_score_cell_is_said_at_the_button_as_in_the_file_read(tmp_path, error):
    """A score cell showing an Excel error: the file read says "cell-error" at it; the button read it
    as blank ("chưa chấm điểm"). The payload is what xlwings' JavaScript client sends for such a cell."""
    import os

    import xlwings

    from cchc_xl.read.live import read_book
    from cchc_xl.read.table import parse_workbook

    from helpers import EXAMPLE, xlwings_payload

    import openpyxl

    row = find_row(openpyxl.load_workbook(EXAMPLE).worksheets[0], "I", "1.2")
    payload = xlwings_payload(EXAMPLE)
    payload["sheets"][0]["values"][row - 1][3] = error
    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    live = parse_workbook(read_book(xlwings.Book(json=payload)))
    found = [f for f in _findings(live) if f[1] == f"D{row}"]
    assert found == [("cell-error", f"D{row}")]
    outcome = cchc_xl.main(xlwings.Book(json=payload))
    assert outcome.plan.errors >= 1


def test_excel_errors_as_com_hands_them_over():
    """COM gives an error cell as Excel's HRESULT; xlwings names seven of them, the newer ones (#SPILL!,
    #CALC!) stay numbers, which would have read as -2 billion points. (COM itself cannot run here: the
    codes are Excel's documented CVErr values, 2000–2050.)"""
    from cchc_xl.read.live import error_text

    # xlwings' own table of the seven (xlwings._xlwindows.cell_errors, which imports pywin32 on loading)
    cell_errors = {-2146826281: "#DIV/0!", -2146826246: "#N/A", -2146826259: "#NAME?", -2146826288: "#NULL!",
                   -2146826252: "#NUM!", -2146826265: "#REF!", -2146826273: "#VALUE!"}
    for code, text in cell_errors.items():
        assert error_text(code) == text
    assert error_text(-2146828288 + 2045) == "#SPILL!" and error_text(-2146828288 + 2050) == "#CALC!"
    assert error_text(-2146828288 + 2044) == "#ERROR"
    assert error_text(3) is None and error_text("#REF") is None and error_text("#N/A") == "#N/A"


def test_dates_and_times_read_at_the_button_as_in_the_file(tmp_path):
    """Excel hands every date cell over as a datetime; the file readers give a date when whole and a
    time of day alone as a time. An STT that Excel turned into a date was worded differently at the
    button ("2023-05-01 00:00:00") and in the file read ("2023-05-01")."""
    import datetime as dt

    import openpyxl
    import xlwings as xw

    from cchc_xl.read.files import read_grid
    from cchc_xl.read.live import file_like_date, read_book

    wb = openpyxl.Workbook()
    ws = wb.active
    cells = [dt.date(2023, 5, 1), dt.time(8, 30), dt.datetime(2023, 5, 1, 14, 5), dt.datetime(2023, 5, 1)]
    for row, value in enumerate(cells, start=1):
        ws.cell(row, 1).value = value
    path = tmp_path / "ngay.xlsx"
    wb.save(path)
    from_file = [line[0] for line in read_grid(str(path)).sheets[0].rows]
    with xw.Book(path, mode="r") as book:  # xlwings' own file engine: datetimes, as Excel gives them
        live = [line[0] for line in read_book(book).sheets[0].rows]
    assert from_file == live == [dt.date(2023, 5, 1), dt.time(8, 30), dt.datetime(2023, 5, 1, 14, 5), dt.date(2023, 5, 1)]
    assert file_like_date(dt.datetime(1899, 12, 30, 8, 30)) == dt.time(8, 30)  # COM's day zero


def test_the_button_on_the_remote_engine_keeps_what_the_score_column_holds_between_criteria(tmp_path):
    """xlwings' remote engine gives no formulas, so the score column was written back from what the
    criteria read: the column numbers' "(4)" under the header and a header repeated at a page break
    ("Điểm tự đánh giá") were written over with blanks. Only the computed cells change now."""
    import openpyxl

    def repeated_header_and_numbers(ws):
        header = [ws.cell(17, c).value for c in range(1, 6)]
        at = find_row(ws, "I", "3")
        ws.insert_rows(at)
        for c, value in enumerate(header, start=1):
            ws.cell(at, c).value = value
        ws.insert_rows(18)
        for c in range(1, 6):
            ws.cell(18, c).value = f"({c})"
        blank_parents(ws)

    path = edited_example(tmp_path, "trang_moi.xlsx", repeated_header_and_numbers)
    ws = openpyxl.load_workbook(path).worksheets[0]
    book = remote_book(path)
    outcome = cchc_xl.main(book)
    written = score_writes(book)
    changed = {row: value for row, value in written.items() if value not in ("", None) and ws.cell(row, 4).value != value}
    assert written[18] == "(4)" and written[find_row(ws, "I", "3") - 1] == "Điểm tự đánh giá"
    assert changed and set(changed) <= {row + 1 for row, _ in outcome.plan.values}  # computed cells only
    assert written[find_row(ws, "I", "3.5.3")] == 0.3  # the officer's entry, as it was


def test_the_button_writes_a_last_part_subtotal_below_the_last_criterion(tmp_path):
    """A table that ends with "Tổng phần II" and no grand total: the button wrote the score column
    down to the last criterion only, so that subtotal's sum was computed and never written (the file
    path wrote it)."""
    def subtotals_without_total(ws):
        blank_parents(ws)
        first_of_two = find_row(ws, "II", "II")
        ws.insert_rows(first_of_two)
        ws.cell(first_of_two, 2).value, ws.cell(first_of_two, 3).value = "Tổng phần I", 74
        total = ws.max_row
        assert ws.cell(total, 2).value == "Tổng"
        ws.cell(total, 2).value, ws.cell(total, 3).value = "Tổng phần II", 26

    path = edited_example(tmp_path, "tong_phan.xlsx", subtotals_without_total)
    import openpyxl

    ws = openpyxl.load_workbook(path).worksheets[0]
    book = remote_book(path)
    cchc_xl.main(book)
    written = score_writes(book)
    assert written[find_row(ws, "II", "II") - 1] == 71.2
    assert written[ws.max_row] == 2  # part II: 2 points scored, 24 await the surveys


def _protected_example(tmp_path, name="khoa.xlsx"):
    """The province's template as many send it: the sheet protected (Review → Protect Sheet), a parent's
    sum typed wrong (1 is 13, its items' sum 14)."""
    import openpyxl

    from helpers import EXAMPLE

    wb = openpyxl.load_workbook(EXAMPLE)
    ws = wb.worksheets[0]
    ws.cell(find_row(ws, "I", "1"), 4).value = 13
    ws.protection.sheet = True
    ws.protection.password = "tinh"
    path = tmp_path / name
    wb.save(path)
    return path, find_row(ws, "I", "1")


def test_a_protected_sheet_is_known_from_the_file_and_at_the_button(tmp_path):
    """Read from <sheetProtection sheet="1"> (Excel, openpyxl) or "true" (LibreOffice), by the file
    readers and, through the saved file, by the button's reader on xlwings' own file engine."""
    import xlwings as xw

    from cchc_xl.read.live import read_book
    from cchc_xl.read.table import parse_workbook

    path, _ = _protected_example(tmp_path)
    assert read_workbook(path).sheet_protected and read_workbook(path, engine="openpyxl").sheet_protected
    with xw.Book(path, mode="r") as book:
        assert parse_workbook(read_book(book)).sheet_protected
    assert not read_workbook(edited_example(tmp_path, "mo.xlsx", lambda ws: None)).sheet_protected
    if shutil.which("soffice"):  # LibreOffice's own way of writing it
        saved = saved_by_libreoffice(path)
        assert b'sheet="true"' in zipfile.ZipFile(saved).read("xl/worksheets/sheet1.xml")
        assert read_workbook(saved).sheet_protected


def test_the_button_on_a_protected_sheet_writes_the_findings_sheet_only_and_says_why(tmp_path):
    """Excel refuses to change a protected sheet's locked cells: the button stopped at the first write
    with "trang tính đang được bảo vệ", and the officer, who has no password for the province's
    template, got no finding at all. Now both buttons write only the findings sheet, saying first why
    nothing went into the table, with the table's findings as it stands (the wrong sum told as a sum
    to correct, not as written), and tell it in a message box. (A remote-engine book named by its
    path, as desktop Excel names a saved book: its saved file says the sheet is protected.)"""
    path, row = _protected_example(tmp_path)
    for action in (cchc_xl.main, cchc_xl.excel.check):
        book = remote_book(path, by_path=True)
        outcome = action(book)
        done = actions(book)
        assert not [a for a in done if a["sheet_position"] == 0 and a["func"] in ("setValues", "setRangeColors", "addNote")]
        findings = [a for a in done if a["func"] == "setValues" and a["sheet_position"] == 1]
        assert len(findings) == 1
        table = findings[0]["values"]
        assert table[1][0] == "Chưa ghi vào bảng" and "đang được bảo vệ" in table[1][1] and "Bỏ bảo vệ" in table[1][1]
        wrong_sum = [line for line in table if line[3] == "self-sum-mismatch"]
        assert len(wrong_sum) == 1 and wrong_sum[0][1] == f'=HYPERLINK("#\'Tự đánh giá\'!D{row}","D{row}")'
        assert "ghi 13" in wrong_sum[0][5] and "Đã ghi" not in wrong_sum[0][5] and wrong_sum[0][6] == ""
        alerts = [a["args"][0] for a in done if a["func"] == "alert"]
        counted = f"{outcome.plan.errors} lỗi, {outcome.plan.warnings} cảnh báo"
        assert len(alerts) == 1 and "đang được bảo vệ" in alerts[0] and counted in alerts[0]
        assert outcome.plan.errors + outcome.plan.warnings == len(table) - table.index(FINDINGS_HEADERS) - 1
        assert outcome.plan.values == {} and outcome.filled == set() and outcome.noted == set()


def test_the_button_on_a_workbook_whose_structure_is_locked_writes_nothing_and_tells_the_findings(tmp_path):
    """Review → Protect Workbook: Excel refuses to add a sheet. The button wrote the sums, fills and notes,
    then failed at adding "Kết quả kiểm tra", advising to unprotect the *sheet*; marks without that sheet
    are never taken off by the next run. Now nothing is written, and the message box says why and gives
    the first findings. Once the findings sheet is there (the structure locked since), the button works
    as always."""
    import openpyxl
    from openpyxl.workbook.protection import WorkbookProtection

    def locked(ws):
        ws.cell(find_row(ws, "I", "1"), 4).value = 13
        ws.parent.security = WorkbookProtection(lockStructure=True)

    path = edited_example(tmp_path, "khoa_so.xlsx", locked)
    assert read_workbook(path).structure_locked and not read_workbook(path).sheet_protected
    book = remote_book(path, by_path=True)
    outcome = cchc_xl.main(book)
    done = actions(book)
    assert [a["func"] for a in done] == ["alert"]
    said = done[0]["args"][0]
    assert "khóa cấu trúc" in said and "Protect Workbook" in said and "xem trang" not in said
    assert "D19: Điểm tự đánh giá của mục 1 ghi 13" in said  # (the table's findings as it stands)
    assert outcome.plan.values == {} and not outcome.findings_written
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("Kết quả kiểm tra")["A1"] = "KẾT QUẢ KIỂM TRA CHỈ SỐ CCHC — Xã Ngọc Kỳ"
    wb.save(path)
    book = remote_book(path, by_path=True)
    cchc_xl.main(book)
    assert score_writes(book)[find_row(wb.worksheets[0], "I", "1")] == 14


def test_the_check_button_tells_a_wrong_sum_it_leaves_as_the_file_check_does(tmp_path):
    """The "Kiểm tra" button took recalc's plan and dropped its values: a parent's sum typed wrong, left
    as it was, was told "Trước khi tính lại: … Đã ghi giá trị đúng; giá trị cũ có trong bản sao lưu"
    (nothing written, no backup). Now its findings are `cchc-xl check`'s. Recalc, which does write it,
    says where the old value stays: the findings sheet (a backup exists only for a file recalculated in
    place)."""
    from cchc_xl.api import check_file

    def wrong(ws):
        ws.cell(find_row(ws, "I", "1"), 4).value = 13

    path = edited_example(tmp_path, "sai_tong.xlsx", wrong)
    outcome = cchc_xl.excel.check(remote_book(path))
    told = sorted((f.code, f.cell, f.message) for f in outcome.plan.findings)
    assert told == sorted((f.code, f.cell, f.message) for f in check_file(path).findings)
    assert any(code == "self-sum-mismatch" and "Đã ghi" not in message for code, _, message in told)
    outcome = cchc_xl.main(remote_book(path))
    said = next(f.message for f in outcome.plan.findings if f.code == "self-sum-mismatch")
    assert said.startswith("Trước khi tính lại: ") and "bản sao lưu" not in said
    assert said.endswith("Đã ghi giá trị đúng; giá trị cũ còn ghi ở dòng “Ô đã thay (cũ → mới)” của trang "
                         "“Kết quả kiểm tra”.")


def test_the_button_writes_nothing_into_a_table_on_a_hidden_sheet(tmp_path, monkeypatch):
    """The only table on a hidden sheet: the file recalc refuses to write there unasked; the button
    now knows the sheet is hidden (from the saved file here, from Excel on Windows) and says how to
    show it, in a message box, instead of changing what the officer cannot see."""
    import openpyxl
    import xlwings as xw

    from helpers import EXAMPLE

    wb = openpyxl.load_workbook(EXAMPLE)
    wb.worksheets[0].sheet_state = "hidden"
    wb.create_sheet("Ghi chú").cell(1, 1).value = "Bản của xã"
    wb.active = 1
    path = tmp_path / "an.xlsx"
    wb.save(path)
    alerts = []
    monkeypatch.setattr(cchc_xl.excel, "_tell", lambda book, text: alerts.append(text))  # the message box
    with xw.Book(path, mode="r") as book:  # xlwings' file engine: read-only, so any write would fail loudly
        assert cchc_xl.main(book) is None and cchc_xl.excel.check(book) is None
    assert len(alerts) == 2 and all("trang ẩn “Tự đánh giá”" in text and "Bỏ ẩn" in text for text in alerts)


def test_the_remote_button_writes_into_the_sheet_in_front_not_a_hidden_copy_first(tmp_path):
    """xlwings' remote engine (Office Scripts) does not say which sheets are hidden, and has no
    saved file to ask: last period's copy, hidden and first in the book, was the table checked and
    written into (its parents' scores), while the officer's table, on the sheet in front, was left
    as it was. Of several tables, the button now takes the one on the active sheet (never a hidden
    one, in Excel)."""
    import openpyxl

    from helpers import EXAMPLE

    wb = openpyxl.load_workbook(EXAMPLE)
    mine = wb.worksheets[0]
    blank_parents(mine)
    copy = wb.copy_worksheet(mine)
    copy.title, copy.sheet_state = "Kỳ trước", "hidden"
    wb.move_sheet(copy, offset=-1)  # first in the book
    for row in range(18, copy.max_row + 1):
        if isinstance(copy.cell(row, 4).value, (int, float)):
            copy.cell(row, 4).value = 0
    wb.active = 1
    path = tmp_path / "hai_ky.xlsx"
    wb.save(path)
    book = remote_book(path)
    outcome = cchc_xl.main(book)
    assert outcome.plan.totals.self == Decimal("73.2")
    writes = [a for a in actions(book) if a["func"] == "setValues"]
    assert writes and 0 not in {a["sheet_position"] for a in writes}  # never the hidden copy
    score = next(a for a in writes if a["sheet_position"] == 1 and a["start_column"] == 3)  # the officer's
    written = {score["start_row"] + 1 + i: row[0] for i, row in enumerate(score["values"])}
    assert written[find_row(mine, "I", "I")] == 71.2 and written[find_row(mine, "I", "1")] == 14


def test_the_remote_button_never_writes_into_a_sheet_it_cannot_see_is_shown(tmp_path, monkeypatch):
    """xlwings' remote engine (Office Scripts) says neither which sheets are hidden nor has a saved
    file to ask. The officer's own table has a header the reader does not know, and last period's
    copy is kept hidden: that copy, the only table found, was checked and written into (its parents'
    scores and colours), in a sheet the officer does not see. A table on a sheet other than the one
    in front is now worked on only once that sheet is opened; the same book, opened on it, is fine."""
    import openpyxl

    from helpers import EXAMPLE

    wb = openpyxl.load_workbook(EXAMPLE)
    mine = wb.worksheets[0]
    blank_parents(mine)
    copy = wb.copy_worksheet(mine)
    copy.title, copy.sheet_state = "Kỳ trước", "hidden"
    mine.cell(17, 3).value = "Điểm TĐ"  # a header the reader does not know
    wb.active = 0
    path = tmp_path / "an_ky_truoc.xlsx"
    wb.save(path)
    alerts = []
    monkeypatch.setattr(cchc_xl.excel, "_tell", lambda book, text: alerts.append(text))  # the message box
    for door in (cchc_xl.main, cchc_xl.excel.check, cchc_xl.excel.report):
        book = remote_book(path)
        assert door(book) is None
        assert not [a for a in actions(book) if a["func"] == "setValues"]  # nothing written anywhere
    assert len(alerts) == 3 and all("trang “Kỳ trước”, không phải trang đang mở" in text for text in alerts)
    assert "chưa lập báo cáo" in alerts[2] and not list(tmp_path.glob("*.docx"))

    mine.cell(17, 3).value = "Điểm tối đa"  # the header put right: the table in front is the one worked on
    wb.save(path)
    book = remote_book(path)
    outcome = cchc_xl.main(book)
    assert outcome.plan.sheet == "Tự đánh giá" and outcome.plan.totals.self == Decimal("73.2")
    assert {a["sheet_position"] for a in actions(book) if a["func"] == "setValues"} >= {0}
    assert 1 not in {a["sheet_position"] for a in actions(book) if a["func"] == "setValues"}  # never the copy


def test_the_button_says_why_the_reports_date_line_is_blank(tmp_path, monkeypatch):
    """Last period's date kept under this period: the report's date line is left blank, and the
    button says so (it said only "đã lập báo cáo")."""
    from helpers import labelled_example

    monkeypatch.chdir(tmp_path)
    book = remote_book(labelled_example(tmp_path, "so.xlsx", **{"Kỳ đánh giá:": "6 tháng đầu năm 2024"}))
    cchc_xl.excel.report(book, open_after=False)
    said = [str(a["args"]) for a in actions(book) if a["func"] in ("alert", "setStatusBar", "set_status_bar")]
    assert any("đã lập báo cáo" in text and "Ngày báo cáo 26/06/2023 có trước kỳ đánh giá" in text
               for text in said), actions(book)


def test_the_button_colours_a_fact_above_the_table_as_recalc_does(tmp_path):
    """A finding at a fact typed above the table ("Ngày báo cáo" of last period, at C10) got its note
    from the button but no colour: colours were written over the table's rows only (recalc on the file
    colours it)."""
    from helpers import labelled_example

    book = remote_book(labelled_example(tmp_path, "xa.xlsx", **{"Kỳ đánh giá:": "6 tháng đầu năm 2024"}),
                       client="Office.js")
    cchc_xl.excel.check(book)
    warning = "#" + MARK_COLOURS["warning"][-6:].lower()
    painted = [(a["start_row"], a["start_column"], a["args"][0]) for a in actions(book) if a["func"] == "setRangeColors"]
    assert (9, 2, [[warning]]) in painted  # C10, 0-based in the action
    notes = [a["args"][0] for a in actions(book) if a["func"] == "addNote"]
    assert "$C$10" in notes


def test_the_buttons_old_mark_on_a_fact_above_the_table_goes_once_it_is_mended(tmp_path):
    import openpyxl

    from helpers import labelled_example, set_labels
    from cchc_xl.write.recalc import recalc_file

    marked = recalc_file(labelled_example(tmp_path, "xa.xlsx", **{"Kỳ đánh giá:": "6 tháng đầu năm 2024"}),
                         tmp_path / "da_tinh.xlsx", backup=False).path  # its findings sheet lists C10 as marked
    wb = openpyxl.load_workbook(marked)
    set_labels(wb.worksheets[0], {"Ngày báo cáo:": "20/6/2024"})  # the officer mends the date
    wb.save(marked)
    book = remote_book(marked, client="Office.js")
    cchc_xl.excel.check(book)
    painted = [(a["start_row"], a["start_column"], a["args"][0]) for a in actions(book) if a["func"] == "setRangeColors"]
    assert (9, 2, [[None]]) in painted


def test_the_button_says_the_appraised_total_as_check_does(tmp_path):
    from helpers import appraise

    path = tmp_path / "tham_dinh.xlsx"
    shutil.copy(edited_example(tmp_path, "so.xlsx", lambda ws: None), path)
    appraise(path, {"3.5.3": 0.1})
    book = remote_book(path)
    cchc_xl.main(book)
    alert = [a for a in actions(book) if a["func"] == "alert"]
    assert alert and "73,2/100 điểm, chờ 24 điểm điều tra; thẩm định 73/100 điểm;" in alert[0]["args"][0]


def test_the_button_writes_the_appraisal_sums_as_recalc_does(tmp_path):
    """A reviewer appraises in the workbook (1.1.1: 0,5 → 0) and clicks the button: the appraisal
    column's parents and total are written (column E), as `recalc` writes them; the self column keeps
    its own figures."""
    import openpyxl

    from helpers import appraise

    path = tmp_path / "tham_dinh.xlsx"
    shutil.copy(edited_example(tmp_path, "so.xlsx", lambda ws: None), path)
    appraise(path, {"1.1.1": 0})
    book = remote_book(path)
    cchc_xl.main(book)
    writes = {a["start_column"]: a for a in actions(book) if a["func"] == "setValues" and a["sheet_position"] == 0}
    assert set(writes) == {3, 4}  # D and E
    appraisal = {writes[4]["start_row"] + 1 + i: row[0] for i, row in enumerate(writes[4]["values"])}
    self_scores = {writes[3]["start_row"] + 1 + i: row[0] for i, row in enumerate(writes[3]["values"])}
    ws = openpyxl.load_workbook(path).worksheets[0]
    for code, appraised, self_score in (("1.1", 2, 2.5), ("1", 13.5, 14), ("I", 70.7, 71.2)):
        assert appraisal[find_row(ws, "I", code)] == appraised and self_scores[find_row(ws, "I", code)] == self_score
    assert appraisal[find_row(ws, "II", "3") + 1] == 72.7
    assert appraisal[find_row(ws, "I", "1.1.1")] == 0  # the reviewer's entry written back as it was


def test_the_button_says_how_to_check_another_sheet_in_its_own_words(tmp_path):
    """A workbook gathering communes, one sheet each, opened on "Hà Kỳ": the button checks that sheet, and the
    findings told the officer to use "--sheet TÊN", an option of a command they never typed."""
    from helpers import gathered_communes
    from cchc_xl.read.files import read_grid
    from cchc_xl.read.table import parse_workbook

    wb = gathered_communes()
    wb.active = wb.sheetnames.index("Hà Kỳ")
    path = tmp_path / "tong_hop_xa.xlsx"
    wb.save(path)
    book = remote_book(path)
    outcome = cchc_xl.main(book)
    # (the remote engine cannot say whether the other sheets are hidden: they are other tables, not units)
    [said] = [f.message for f in outcome.plan.findings if f.code == "other-tables"]
    assert said.endswith("Các trang khác: Ngọc Kỳ, Quang Phục. Muốn dùng trang khác, hãy mở trang đó rồi bấm nút lại.")
    # desktop Excel says which sheets are hidden: the other units are named, with the button's way to check them
    grid = read_grid(str(path))
    grid.active = "Hà Kỳ"  # (as read.live gives the sheet in front)
    [said] = [m for code, _, m, *_ in parse_workbook(grid).read_problems if code == "several-units"]
    assert said.startswith("Sổ tính có bảng tiêu chí của 3 đơn vị: chỉ Xã Hà Kỳ (trang “Hà Kỳ”) được kiểm tra;")
    assert said.endswith("Hãy tách mỗi đơn vị thành một tệp, hoặc mở từng trang rồi bấm nút.") and "--sheet" not in said
