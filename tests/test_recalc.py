"""Write-back: computed totals, marks, findings sheet, nothing of the officer's lost."""
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from cchc_xl.api import check_file
from cchc_xl.read import FINDINGS_SHEET, read_workbook
from cchc_xl.write.plan import MARK_COLOURS
from cchc_xl.write.recalc import recalc_file

from helpers import EXAMPLE, MACRO, merged_explanation, saved_by_libreoffice, damaged_member, blank_parents, edited_example, find_row, make_rich_xlsm

CHANGEABLE = {"xl/worksheets/sheet1.xml", "xl/styles.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
              "[Content_Types].xml"}


def self_value(ws, part, code):
    return ws.cell(find_row(ws, part, code), 4).value


def test_blank_parents_are_filled_exactly(blank_parent_copy, tmp_path):
    out = tmp_path / "out.xlsx"
    outcome = recalc_file(blank_parent_copy, out)
    ws = openpyxl.load_workbook(out).worksheets[0]
    assert self_value(ws, "I", "1") == 14
    assert self_value(ws, "I", "3") == 17.1
    assert self_value(ws, "I", "5") == 10.6
    assert self_value(ws, "I", "I") == 71.2
    assert self_value(ws, "II", "II") == 2
    total_row = find_row(ws, "II", "3") + 1
    assert ws.cell(total_row, 2).value == "Tổng" and ws.cell(total_row, 4).value == 73.2
    assert outcome.plan.totals.pending_max == 24
    xml = zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml").decode()
    assert "<v>17.1</v>" in xml and "<v>71.2</v>" in xml and "<v>73.2</v>" in xml
    assert "0000000" not in xml and "9999999" not in xml
    # leaves and max cells are untouched
    src = openpyxl.load_workbook(blank_parent_copy).worksheets[0]
    for row in range(18, total_row):
        assert ws.cell(row, 3).value == src.cell(row, 3).value
        if src.cell(row, 4).value is not None:
            assert ws.cell(row, 4).value == src.cell(row, 4).value


def test_survey_parents_stay_blank(tmp_path):
    def edit(ws):
        blank_parents(ws)
        ws.cell(find_row(ws, "II", "1"), 4).value = None
    path = edited_example(tmp_path, "pending.xlsx", edit)
    recalc_file(path, backup=False)
    ws = openpyxl.load_workbook(path).worksheets[0]
    assert self_value(ws, "II", "II") is None  # every child pending: blank, not 0


def marks_of(path):
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    fills, notes = {}, {}
    for row in ws.iter_rows():
        for cell in row:
            rgb = cell.fill.fgColor.rgb if cell.fill and cell.fill.fill_type == "solid" else None
            if rgb:
                fills[cell.coordinate] = rgb
            if cell.comment:
                notes[cell.coordinate] = (cell.comment.author, cell.comment.text)
    values = [[c.value for c in row] for row in ws.iter_rows()]
    findings = [[c.value for c in row] for row in wb[FINDINGS_SHEET].iter_rows()]
    return values, fills, notes, findings


def test_a_finding_in_an_explanation_merged_over_items_is_marked_once_at_the_merged_cell(tmp_path):
    """recalc's note and colour go on the cell an officer sees (E55, merged down over 3.2.1–3.2.3), once;
    the cells under the merge got a note each, which Excel cannot show (and openpyxl drops on reading)."""
    path = edited_example(tmp_path, "merged.xlsx", merged_explanation)
    out = tmp_path / "out.xlsx"
    recalc_file(path, out)
    with zipfile.ZipFile(out) as book:
        comments = next(book.read(n).decode() for n in book.namelist() if n.startswith("xl/comments"))
    refs = re.findall(r'<comment ref="([A-Z]+\d+)"', comments)
    assert "E55" in refs and "E56" not in refs and "E57" not in refs
    _, fills, notes, findings = marks_of(out)
    assert "5/8 = 70%" in notes["E55"][1] and "ký hiệu BC là của Báo cáo" in notes["E55"][1]
    assert "E55" in fills
    assert [row[1] for row in findings if row[1] in ("E55", "E56", "E57")] == ["E55", "E55"]


def test_over_max_is_marked_and_mark_goes_when_fixed(tmp_path):
    def mistake(ws):
        ws.cell(find_row(ws, "I", "1.2"), 4).value = 3
    path = edited_example(tmp_path, "over.xlsx", mistake)
    outcome = recalc_file(path, backup=False)
    assert outcome.errors == 1
    values, fills, notes, findings = marks_of(path)
    row = find_row(openpyxl.load_workbook(path).worksheets[0], "I", "1.2")
    assert fills[f"D{row}"] == MARK_COLOURS["error"]
    assert notes[f"D{row}"][0] == "cchc-xl" and "vượt điểm tối đa 2" in notes[f"D{row}"][1]
    assert any(line[1] == f"D{row}" and line[3] == "over-max" for line in findings if len(line) > 3)
    # over-max counts only its max in the area total
    assert self_value(openpyxl.load_workbook(path).worksheets[0], "I", "1") == 14
    # second run: same content, and no styles piled up
    first = marks_of(path)
    styles = zipfile.ZipFile(path).read("xl/styles.xml")
    recalc_file(path, backup=False)
    second = marks_of(path)
    assert first[:3] == second[:3]
    assert zipfile.ZipFile(path).read("xl/styles.xml") == styles
    assert [l for l in first[3] if l and l[0] != "Thời điểm kiểm tra"] == [
        l for l in second[3] if l and l[0] != "Thời điểm kiểm tra"]
    # fix it: the mark and note disappear
    wb = openpyxl.load_workbook(path)
    wb.worksheets[0].cell(row, 4).value = 2
    wb.save(path)
    recalc_file(path, backup=False)
    values, fills, notes, findings = marks_of(path)
    assert f"D{row}" not in fills and f"D{row}" not in notes
    assert not any(len(line) > 3 and line[3] == "over-max" for line in findings)


def test_xlsm_keeps_everything(tmp_path):
    def mistake(ws):
        ws.cell(find_row(ws, "I", "1.2"), 4).value = 3
        blank_parents(ws)
    src = make_rich_xlsm(tmp_path / "xa.xlsm", mistake)
    out = tmp_path / "xa_out.xlsm"
    recalc_file(src, out)
    a, b = zipfile.ZipFile(src), zipfile.ZipFile(out)
    before, after = set(a.namelist()), set(b.namelist())
    assert before <= after
    new_parts = after - before
    assert len(new_parts) == 1 and new_parts.pop().startswith("xl/worksheets/sheet")
    sheet_rels = a.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
    comment_parts = {n for n in before if n.startswith("xl/comments") or n.endswith(".vml")}
    changed = {n for n in before if a.read(n) != b.read(n)}
    assert changed <= CHANGEABLE | comment_parts, changed
    for must_stay in ["xl/vbaProject.bin", "xl/ctrlProps/ctrlProp1.xml", "xl/media/image1.png",
                      "xl/drawings/drawing1.xml", "xl/worksheets/sheet2.xml", "xl/theme/theme1.xml"]:
        assert a.read(must_stay) == b.read(must_stay)
    assert "ctrlProp" in b.read("xl/worksheets/_rels/sheet1.xml.rels").decode() and "ctrlProp" in sheet_rels
    assert b"macroEnabled" in b.read("[Content_Types].xml")
    sheet = b.read("xl/worksheets/sheet1.xml").decode()
    assert f'macro="[0]!{MACRO}"' in sheet and "<controls>" in sheet
    assert "<conditionalFormatting" in sheet and "<dataValidation" in sheet
    vml = next(b.read(n).decode() for n in after if n.endswith(".vml"))
    assert 'ObjectType="Button"' in vml and f"[0]!{MACRO}" in vml
    # the VBA project still holds the macro the button calls
    from oletools.olevba import VBA_Parser
    vba = VBA_Parser("vbaProject.bin", data=b.read("xl/vbaProject.bin"))
    assert any("Sub SampleCall" in code for _, _, _, code in vba.extract_macros())
    # officer's notes and fill remain, ours are added
    wb = openpyxl.load_workbook(out, keep_vba=True)
    ws = wb.worksheets[0]
    assert ws["E18"].comment.text == "Ghi chú của cán bộ: đã đối chiếu hồ sơ."
    assert ws["B4"].comment.author == "Cán bộ VP"
    assert ws["E19"].fill.fgColor.rgb == "FF00B050"
    row = find_row(ws, "I", "1.2")
    assert ws.cell(row, 4).comment.author == "cchc-xl"
    assert self_value(ws, "I", "I") == 71.2
    assert FINDINGS_SHEET in wb.sheetnames and "Ghi chép" in wb.sheetnames


@pytest.mark.skipif(not __import__("shutil").which("soffice"), reason="needs LibreOffice")
def test_libreoffice_opens_the_result(tmp_path, blank_parent_copy):
    out = tmp_path / "lo.xlsx"
    recalc_file(blank_parent_copy, out)
    subprocess.run(["soffice", "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76",
                    "--outdir", str(tmp_path), str(out)], check=True, capture_output=True, timeout=180)
    rows = (tmp_path / "lo.csv").read_text(encoding="utf-8").splitlines()
    assert any(r.startswith("3,") and ",18.5,17.1," in r for r in rows)
    assert any('Tổng' in r and ",100,73.2," in r for r in rows)


def test_lock_file_refuses(tmp_path, example_copy):
    lock = example_copy.with_name("~$" + example_copy.name)
    lock.write_bytes(b"owner")
    before = example_copy.read_bytes()
    proc = subprocess.run([sys.executable, "-m", "cchc_xl", "recalc", str(example_copy)], capture_output=True,
                          text=True, encoding="utf-8")
    assert proc.returncode == 2 and "đang mở trong Excel" in proc.stderr and "Traceback" not in proc.stderr
    assert example_copy.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([example_copy.name, lock.name])


def test_read_only_refuses(tmp_path, example_copy):
    os.chmod(example_copy, 0o444)  # also what Windows' read-only attribute looks like from Python
    before = example_copy.read_bytes()
    proc = subprocess.run([sys.executable, "-m", "cchc_xl", "recalc", str(example_copy)], capture_output=True,
                          text=True, encoding="utf-8")
    assert proc.returncode == 2 and "chỉ cho phép đọc" in proc.stderr
    assert example_copy.read_bytes() == before and len(list(tmp_path.iterdir())) == 1


def test_backup_is_kept_and_named(example_copy):
    before = example_copy.read_bytes()
    outcome = recalc_file(example_copy)
    assert outcome.backup and open(outcome.backup, "rb").read() == before
    assert any("sao lưu" in line for line in outcome.lines())


def test_kill_mid_write_leaves_original_intact(tmp_path, example_copy):
    before = example_copy.read_bytes()
    env = dict(os.environ, CCHC_XL_TEST_WRITE_PAUSE="0.5")
    proc = subprocess.Popen([sys.executable, "-m", "cchc_xl", "recalc", str(example_copy), "--no-backup"], env=env)
    deadline = time.time() + 30
    while time.time() < deadline and not any(p.name.startswith(".~cchc-xl-") for p in tmp_path.iterdir()):
        time.sleep(0.05)
    temp = [p for p in tmp_path.iterdir() if p.name.startswith(".~cchc-xl-")]
    assert temp, "the write never started"
    time.sleep(0.3)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert example_copy.read_bytes() == before
    assert read_workbook(example_copy).totals().self == read_workbook(EXAMPLE).totals().self


def test_formula_parent_is_left_to_excel(tmp_path):
    def edit(ws):
        row = find_row(ws, "I", "1.1")
        ws.cell(row, 4).value = f"=SUM(D{row + 1}:D{row + 3})"
    path = edited_example(tmp_path, "formula.xlsx", edit)
    outcome = recalc_file(path, backup=False)
    ws = openpyxl.load_workbook(path).worksheets[0]
    row = find_row(ws, "I", "1.1")
    assert ws.cell(row, 4).value == f"=SUM(D{row + 1}:D{row + 3})"
    assert outcome.plan.skipped_formulas == [f"D{row}"]


def test_workbook_xml_keeps_schema_order(tmp_path):
    """calcPr must follow externalReferences/definedNames, or Excel reports a damaged file."""
    import re

    source = tmp_path / "ext.xlsx"
    with zipfile.ZipFile(EXAMPLE) as zin, zipfile.ZipFile(source, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = re.sub(rb"<calcPr[^>]*/>", b"", data).replace(b"</sheets>", b"</sheets><externalReferences/>")
            zout.writestr(item, data)
    out = tmp_path / "out.xlsx"
    recalc_file(source, out)
    tags = re.findall(r"<(\w+)", zipfile.ZipFile(out).read("xl/workbook.xml").decode())
    assert tags.index("calcPr") > tags.index("externalReferences")
    if "definedNames" in tags:
        assert tags.index("calcPr") > tags.index("definedNames")


@pytest.mark.parametrize("how", ["deflate", "method"])
def test_a_part_that_cannot_be_copied_refuses_with_its_name(tmp_path, how):
    """recalc rewrites every part of the package; a damaged one it cannot copy (here the document
    properties, which `check` does not need) is one line naming it, and nothing is written."""
    path = damaged_member(EXAMPLE, tmp_path / "xa.xlsx", "docProps/core.xml", how)
    before = path.read_bytes()
    proc = subprocess.run([sys.executable, "-m", "cchc_xl", "recalc", str(path)], capture_output=True, text=True,
                          encoding="utf-8", timeout=120)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2 and len(lines) == 1 and "phần “docProps/core.xml”" in lines[0], proc.stderr
    assert path.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["xa.xlsx"]


def _with_own_results_sheet(ws):
    sheet = ws.parent.create_sheet("Kết quả kiểm tra")  # the officer's own sheet, named as ours is
    sheet["A1"], sheet["A2"] = "Biên bản kiểm tra của xã", "Nội dung của cán bộ"


def test_the_officers_own_sheet_named_like_ours_is_never_written_over(tmp_path):
    """recalc replaced the content of any sheet named "Kết quả kiểm tra", and the Excel button
    cleared it: now both refuse in one line and write nothing."""
    import cchc_xl
    from helpers import remote_book

    path = edited_example(tmp_path, "xa.xlsx", _with_own_results_sheet)
    before = path.read_bytes()
    proc = subprocess.run([sys.executable, "-m", "cchc_xl", "recalc", str(path)], capture_output=True, text=True,
                          encoding="utf-8", timeout=120)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2 and len(lines) == 1 and "của riêng bạn" in lines[0] and "chưa ghi gì" in lines[0]
    assert path.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["xa.xlsx"]

    book = remote_book(path)
    assert cchc_xl.main(book) is None
    done = book.json()["actions"]
    assert [a["func"] for a in done] == ["alert"] and "của riêng bạn" in done[0]["args"][0]


@pytest.mark.skipif(not __import__("shutil").which("soffice"), reason="needs LibreOffice")
def test_our_findings_sheet_is_known_after_libreoffice_saved_it(tmp_path, example_copy):
    """Excel and LibreOffice keep A1 as a shared string when they save: still ours on the next run."""
    recalc_file(example_copy, backup=False)
    saved = saved_by_libreoffice(example_copy)
    with zipfile.ZipFile(saved) as archive:
        assert "KẾT QUẢ KIỂM TRA CHỈ SỐ CCHC".encode() in archive.read("xl/sharedStrings.xml")
    outcome = recalc_file(saved, backup=False)
    assert outcome.plan.errors == 0
    assert openpyxl.load_workbook(saved)["Kết quả kiểm tra"]["A1"].value.startswith("KẾT QUẢ KIỂM TRA CHỈ SỐ CCHC")


def test_a_note_saved_by_libreoffice_is_still_ours_on_the_next_run(tmp_path):
    """LibreOffice saves every note with the author " ": our stale "vượt điểm tối đa" note stayed on a
    cell fixed since, and the notes of findings still there were never renewed. The officer's own
    note stays."""
    from openpyxl.comments import Comment

    def mistake(ws):
        ws.cell(find_row(ws, "I", "1.2"), 4).value = 3
        ws.cell(find_row(ws, "I", "1.3"), 5).comment = Comment("Hỏi lại anh Tùng", "Lan")
    path = edited_example(tmp_path, "over.xlsx", mistake)
    recalc_file(path, backup=False)
    wb = openpyxl.load_workbook(path)
    row = find_row(wb.worksheets[0], "I", "1.2")
    wb.worksheets[0].cell(row, 4).value = 2  # fixed, then saved by LibreOffice
    wb.save(path)
    saved = saved_by_libreoffice(path)
    assert {author for _, (author, _) in marks_of(saved)[2].items()} == {" "}  # as LibreOffice saves them
    recalc_file(saved, backup=False)
    _, fills, notes, findings = marks_of(saved)
    assert f"D{row}" not in notes and f"D{row}" not in fills
    own = f"E{find_row(openpyxl.load_workbook(saved).worksheets[0], 'I', '1.3')}"
    assert notes.pop(own)[1] == "Hỏi lại anh Tùng"
    marked = {line[1] for line in findings if len(line) > 6 and line[6] and str(line[1])[1:].isdigit()}
    assert set(notes) == marked and len(marked) == 5  # every finding's cell has its note, renewed
    assert all(author == "cchc-xl" and text.startswith("[cchc-xl] ") for author, text in notes.values())
    with zipfile.ZipFile(saved) as archive:
        vml = next(archive.read(n).decode() for n in archive.namelist() if n.endswith(".vml"))
    assert vml.count('ObjectType="Note"') == 6


def test_a_sum_with_an_unreadable_cell_below_is_never_written(tmp_path):
    """A leaf typed 'abc': its parents' sum is unknown. check says so instead of offering a
    'right value'; recalc keeps what the officer typed in those parents (and the total) and says
    which cells it held; once the leaf is fixed, the next recalc computes them."""
    from cchc_xl.api import check_file
    from cchc_xl.write.recalc import recalc_file
    from helpers import edited_example, find_row

    def edit(ws):
        ws.cell(find_row(ws, "I", "1.1.1"), 4).value = "abc"
        ws.cell(find_row(ws, "I", "1.1"), 4).value = 2  # typed wrong: its finding stays, once
    path = edited_example(tmp_path, "abc.xlsx", edit)
    ws = openpyxl.load_workbook(path).worksheets[0]
    rows = {code: find_row(ws, "I", code) for code in ("I", "1", "1.1", "1.1.1", "1.2")}
    leaf = f"D{rows['1.1.1']}"
    messages = {f.cell: f.message for f in check_file(path).findings if f.code == "self-sum-mismatch"}
    assert messages[f"D{rows['1']}"] == (
        "Điểm tự đánh giá của mục 1 ghi 14 nhưng tổng các mục con (1.1 … 1.7) là 13,5 nếu bỏ qua ô "
        f"{leaf}, nơi chưa đọc được điểm; hãy sửa ô đó trước rồi so lại.")
    out = tmp_path / "ra.xlsx"
    outcome = recalc_file(path, out)
    held = [f"D{rows[c]}" for c in ("I", "1", "1.1")]
    assert outcome.plan.held[:3] == held
    assert any(line.startswith("Chưa tính lại các ô") and ", ".join(held) in line for line in outcome.lines())
    book = openpyxl.load_workbook(out)
    assert [book.worksheets[0].cell(rows[c], 4).value for c in ("I", "1", "1.1", "1.1.1")] == [71.2, 14, 2, "abc"]
    listed = [[c.value for c in row] for row in book["Kết quả kiểm tra"].iter_rows()]
    assert ["Chưa tính lại (mục con chưa đọc được điểm, hoặc chỉ mục cha có điểm)", ", ".join(outcome.plan.held)] == \
        listed[9][:2]
    cells = [row[1] for row in listed if row[3] == "self-sum-mismatch"]
    assert sorted(cells) == sorted(set(cells))  # each held parent's finding once, not before and after
    book.worksheets[0].cell(rows["1.1.1"], 4).value = 0.5  # fixed
    book.save(out)
    again = recalc_file(out)
    assert again.plan.held == [] and again.plan.errors == 0
    assert openpyxl.load_workbook(out).worksheets[0].cell(rows["1.1"], 4).value == 2.5


def test_a_parent_scored_on_its_own_is_kept_until_its_children_are_scored(tmp_path):
    """2,5 typed for 1.1 and its sub-criteria left blank: recalc blanked 1.1 (2,5 → trống) and
    lowered 1 and I, and check offered 'để trống' as the right value. The children's sum is no
    score of 1.1 yet: check says to score them, recalc keeps 1.1, its parents and the total as
    typed and lists them; once the children are scored, the next recalc computes them."""
    from decimal import Decimal

    from cchc_xl.api import check_file
    from cchc_xl.write.recalc import recalc_file
    from helpers import edited_example, find_row

    def edit(ws):
        for code in ("1.1.1", "1.1.2", "1.1.3"):
            ws.cell(find_row(ws, "I", code), 4).value = None
    path = edited_example(tmp_path, "cha.xlsx", edit)
    ws = openpyxl.load_workbook(path).worksheets[0]
    rows = {code: find_row(ws, "I", code) for code in ("I", "1", "1.1", "1.1.1", "1.1.2", "1.1.3")}
    messages = {f.cell: f.message for f in check_file(path).findings if f.code == "self-sum-mismatch"}
    assert messages[f"D{rows['1.1']}"] == (
        "Điểm tự đánh giá của mục 1.1 ghi 2,5 nhưng các mục con (1.1.1, 1.1.2, 1.1.3) đều chưa được chấm. "
        "Điểm của mục 1.1 là tổng điểm các mục con: hãy chấm từng mục con.")
    assert messages[f"D{rows['1']}"] == (
        "Điểm tự đánh giá của mục 1 ghi 14 nhưng tổng các mục con (1.1 … 1.7) là 11,5 nếu bỏ qua mục 1.1 "
        f"(ô D{rows['1.1']}: có điểm nhưng các mục con chưa chấm); hãy sửa chỗ đó trước rồi so lại.")
    out = tmp_path / "ra.xlsx"
    outcome = recalc_file(path, out)
    assert outcome.plan.replaced == []  # nothing typed was replaced
    assert outcome.plan.held[:3] == [f"D{rows[c]}" for c in ("I", "1", "1.1")] and len(outcome.plan.held) == 4
    book = openpyxl.load_workbook(out)
    assert [book.worksheets[0].cell(rows[c], 4).value for c in ("I", "1", "1.1")] == [71.2, 14, 2.5]
    for code, score in (("1.1.1", 0.5), ("1.1.2", 1), ("1.1.3", 0.5)):
        book.worksheets[0].cell(rows[code], 4).value = score
    book.save(out)
    again = recalc_file(out)
    assert again.plan.held == [] and again.plan.replaced_text() == [
        f"D{rows['I']}: 71,2 → 70,7", f"D{rows['1']}: 14 → 13,5", f"D{rows['1.1']}: 2,5 → 2"]
    assert again.plan.totals.self == Decimal("72.7")


def test_a_parent_over_survey_criteria_only_is_blank_until_the_survey(tmp_path):
    """A part of survey criteria only (scored by the province later), 15 typed on its row: check
    says it stays blank until the survey results (it said 'giá trị đúng là để trống (các mục con
    chưa chấm)'), and recalc writes it blank, as before, listing what it replaced."""
    from cchc_xl.api import check_file
    from cchc_xl.write.recalc import recalc_file
    from test_reader_variety import _styled_table

    rows = [["I", "ĐIỂM ĐIỀU TRA", 15, 15], ["1", "Mức độ hài lòng (qua điều tra XHH)", 10, None],
            ["2", "Chỉ số SIPAS", 5, None], ["II", "ĐIỂM CHẤM", 5, 4], ["1", "Kế hoạch", 5, 4], ["Tổng", None, 20, 19]]
    path = _styled_table(tmp_path / "dieu_tra.xlsx", rows)
    [message] = [f.message for f in check_file(path).findings if f.code == "self-sum-mismatch" and f.cell == "D2"]
    assert message == ("Điểm tự đánh giá của mục I ghi 15 nhưng các mục con (1, 2) là điểm điều tra, tỉnh chấm sau "
                       "(điểm chờ): mục I để trống cho đến khi có kết quả điều tra.")
    outcome = recalc_file(path, tmp_path / "ra.xlsx")
    assert outcome.plan.held == [] and outcome.plan.replaced_text() == ["D2: 15 → (trống)", "D7: 19 → 4"]


def test_a_damaged_notes_drawing_does_not_stall_recalc(tmp_path):
    """The officer's notes drawing (VML) with unclosed shapes: the shape pattern scanned to the end of
    the part from each of them (10 s for 16,000, four minutes for these 80,000). Recalc ends at once and
    keeps the officer's note."""
    from openpyxl.comments import Comment

    def noted(ws):
        ws["E18"].comment = Comment("Ghi chú của cán bộ", "Cán bộ")
        ws.cell(find_row(ws, "I", "1.2"), 4).value = 3  # over the max: a note of ours too
    path = edited_example(tmp_path, "xa.xlsx", noted)
    damaged = tmp_path / "hong.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(damaged, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.endswith(".vml"):
                data = data.replace(b"</xml>", b"<v:shape a>" * 80_000 + b"</xml>")
            out.writestr(item, data)
    proc = subprocess.run([sys.executable, "-m", "cchc_xl", "recalc", str(damaged), "-o", str(tmp_path / "ra.xlsx")],
                          capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert proc.returncode == 1, proc.stderr  # the over-max error
    ws = openpyxl.load_workbook(tmp_path / "ra.xlsx").worksheets[0]
    assert ws["E18"].comment.text == "Ghi chú của cán bộ"


def test_a_sum_with_three_decimals_is_written_rounded_and_then_agrees(tmp_path):
    """0,125 typed in a leaf (a too-many-decimals warning): recalc wrote the parents rounded (0,13 for
    0,125), and the check after it said each was wrong ("giá trị đúng là 0,125"), run after run. The sum
    rounded as recalc writes it is the parent's right value; the leaf's own warning says the cause."""
    from cchc_xl.api import check_file

    def edit(ws):
        ws.cell(find_row(ws, "I", "1.6.1"), 4).value = 0.125
    path = edited_example(tmp_path, "le.xlsx", edit)
    out = recalc_file(path, tmp_path / "ra.xlsx", backup=False)
    ws = openpyxl.load_workbook(out.path).worksheets[0]
    assert ws.cell(find_row(ws, "I", "1.6"), 4).value == 0.13 and ws.cell(find_row(ws, "I", "I"), 4).value == 71.33
    result = check_file(out.path)
    assert not [f for f in result.findings if f.code == "self-sum-mismatch"]
    assert [f.criterion for f in result.findings if f.code == "too-many-decimals"] == ["1.6.1"]


def _sum_rows(path):
    """The findings sheet's sum findings: (cell, message) rows."""
    return [(row[1], row[5]) for row in openpyxl.load_workbook(path)[FINDINGS_SHEET].iter_rows(values_only=True)
            if len(row) > 5 and row[3] == "self-sum-mismatch"]


def test_recalc_writes_the_appraisal_sums_once_the_reviewer_has_begun(tmp_path):
    """A reviewer appraises the leaves (1.1.1: 0,5 → 0) and recalculates: the appraisal's parents and
    total kept the self-assessment's figures, and the findings sheet listed each one twice, once as
    "Trước khi tính lại: … Đã ghi giá trị đúng" though nothing had been written. The appraisal
    column gets its sums now, as the self column does; the self column is unchanged."""
    from helpers import appraise

    path = tmp_path / "tham_dinh.xlsx"
    shutil.copyfile(EXAMPLE, path)
    appraise(path, {"1.1.1": 0})
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    total_row = find_row(ws, "II", "3") + 1
    ws.cell(total_row, 5).value = 73.2  # the self total, copied
    wb.save(path)
    out = tmp_path / "ra.xlsx"
    outcome = recalc_file(path, out, backup=False)
    ws = openpyxl.load_workbook(out).worksheets[0]
    appraised = {code: ws.cell(find_row(ws, "I", code), 5).value for code in ("1.1", "1", "I")}
    assert appraised == {"1.1": 2, "1": 13.5, "I": 70.7}
    assert ws.cell(total_row, 5).value == 72.7
    assert self_value(ws, "I", "1.1") == 2.5 and ws.cell(total_row, 4).value == 73.2
    assert ("E20", Decimal("2.5"), Decimal("2")) in outcome.plan.replaced
    rows = _sum_rows(out)
    assert sorted(cell for cell, _ in rows) == sorted(["E18", "E19", "E20", f"E{total_row}"])
    assert all(text.startswith("Trước khi tính lại:") for _, text in rows)
    assert not [f for f in check_file(out).findings if f.code == "self-sum-mismatch"]


def test_recalc_leaves_an_appraisal_column_not_begun_empty(tmp_path):
    from helpers import appraise

    path = tmp_path / "trong.xlsx"
    shutil.copyfile(EXAMPLE, path)
    appraise(path, blank=True)
    out = tmp_path / "ra.xlsx"
    recalc_file(path, out, backup=False)
    ws = openpyxl.load_workbook(out).worksheets[0]
    header = next(r for r in range(1, 40) if ws.cell(r, 5).value == "Điểm thẩm định")
    assert [ws.cell(r, 5).value for r in range(header + 1, ws.max_row + 1) if ws.cell(r, 5).value is not None] == []


def test_the_total_row_appraisal_is_checked(tmp_path):
    from helpers import appraise

    path = tmp_path / "tong.xlsx"
    shutil.copyfile(EXAMPLE, path)
    appraise(path, {"1.1.1": 0, "1.1": 2, "1": 13.5, "I": 70.7})
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    total_row = find_row(ws, "II", "3") + 1
    ws.cell(total_row, 5).value = 73.2
    wb.save(path)
    found = [f.message for f in check_file(path).findings if f.code == "self-sum-mismatch"]
    assert found == ["Dòng Tổng ghi 73,2 điểm thẩm định nhưng tổng điểm đã thẩm định là 72,7; giá trị đúng là 72,7."]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice")
def test_a_kept_formula_is_not_said_written(tmp_path):
    """A wrong formula in 1.1 ("=D21", 0,5) is the officer's, kept by recalc: its finding was listed
    twice, once saying "Đã ghi giá trị đúng" beside "recalc giữ nguyên công thức của bạn"."""
    def edit(ws):
        ws.cell(find_row(ws, "I", "1.1"), 4).value = f"=D{find_row(ws, 'I', '1.1.1')}"
    typed = edited_example(tmp_path, "cong_thuc.xlsx", edit)
    out = tmp_path / "ra.xlsx"
    recalc_file(saved_by_libreoffice(typed), out, backup=False)  # (LibreOffice computes the formula's value)
    rows = _sum_rows(out)
    assert len(rows) == 1 and rows[0][0] == "D20"
    assert "recalc giữ nguyên công thức của bạn" in rows[0][1] and "Đã ghi giá trị đúng" not in rows[0][1]
