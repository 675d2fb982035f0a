"""Criteria sets as data: import the official table, build and check workbooks of any set,
recognise the set a workbook follows, bonus/penalty/percent, bulk across sets."""
import json
import zipfile
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from cchc_xl.api import check_file
from cchc_xl.read import read_workbook

from helpers import PRINT_OWN_PEAK_MB, EXAMPLE, ROOT, bomb_member, damaged_member, edited_example, find_row, lettered, with_control_codes

HEADERS = ["STT", "Lĩnh vực/Tiêu chí/Tiêu chí thành phần", "Điểm tối đa", "Tài liệu kiểm chứng",
           "Hướng dẫn tự đánh giá/thẩm định"]
# (code, name, max, evidence, guidance, [scoring options under it, in merged rows])
OFFICIAL = [
    ("I", "ĐIỂM ĐO LƯỜNG SỰ HÀI LÒNG CỦA NGƯỜI DÂN, TỔ CHỨC", "35", "Không", "Căn cứ kết quả điều tra xã hội học", []),
    ("II", "ĐIỂM ĐÁNH GIÁ THEO BỘ CHỈ SỐ", "65", "", "", []),
    ("1", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", "14", "", "", []),
    ("1.1", "Ban hành và thực hiện Kế hoạch CCHC hàng năm", "7,5", "", "", []),
    ("1.1.1", "Thời gian ban hành Kế hoạch CCHC hàng năm", "0,2", "Kế hoạch CCHC năm", "Thời gian căn cứ theo chữ ký số",
     ["Kế hoạch ban hành trong tháng 1 hàng năm: 0,2", "Ban hành từ tháng 2 trở đi hoặc không ban hành: 0"]),
    ("1.1.2", "Nội dung Kế hoạch CCHC năm", "0,3", "Kế hoạch CCHC năm", "Kế hoạch phải đầy đủ các nội dung",
     ["Xác định đầy đủ các nhiệm vụ CCHC: 0,1", "Cụ thể hóa các nhiệm vụ được giao: 0,1",
      "Xác định rõ kết quả hoàn thành: 0,1"]),
    ("1.1.3", "Kết quả thực hiện các nhiệm vụ trong Kế hoạch CCHC", "7", "Báo cáo CCHC năm", "", []),
    ("1.2", "Công tác kiểm tra CCHC", "6,5", "", "", []),
    ("2", "CẢI CÁCH THỂ CHẾ", "51", "", "", []),
    ("2.1", "Ban hành văn bản quy phạm pháp luật", "51", "", "", []),
    ("III", "ĐIỂM TRỪ", "2", "", "", []),
    ("1", "Để xảy ra vi phạm trong giải quyết thủ tục hành chính bị xử lý", "2", "", "", []),
]


def official_docx(path: Path, official=OFFICIAL) -> Path:
    """The annex of the decision as a Word table, the way such annexes are typed."""
    from docx import Document

    doc = Document()
    doc.add_paragraph("PHỤ LỤC: BỘ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH ỦY BAN NHÂN DÂN CÁC XÃ, PHƯỜNG NĂM 2022 "
                      "(kèm theo Quyết định số 3793/QĐ-UBND năm 2022 của UBND thành phố Hải Phòng)")
    rows = 1 + sum(1 + len(options) for *_, options in official) + 1
    table = doc.add_table(rows=rows, cols=5)
    for cell, text in zip(table.rows[0].cells, HEADERS):
        cell.text = text
    r = 1
    for code, name, maximum, evidence, guidance, options in official:
        cells = table.rows[r].cells
        for cell, text in zip(cells, (code, name, maximum, evidence, guidance)):
            cell.text = text
        for offset, option in enumerate(options, start=1):
            table.rows[r + offset].cells[4].text = option
        if options:  # STT, name, max and evidence merged down over the scoring options
            for col in range(4):
                cells[col].merge(table.rows[r + len(options)].cells[col])
        r += 1 + len(options)
    total = table.rows[r].cells
    total[1].text, total[2].text = "Tổng", "100"
    path = Path(path)
    doc.save(path)
    return path


@pytest.fixture()
def home(tmp_path, monkeypatch):
    folder = tmp_path / "home"
    monkeypatch.setenv("CCHC_XL_HOME", str(folder))
    return folder


def cli(*args, env=None):
    import os

    return subprocess.run([sys.executable, "-m", "cchc_xl", *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8", env={**os.environ, **(env or {})})


@pytest.mark.parametrize("kind", ["xlsx", "docx"])
def test_an_annex_typed_in_tcvn3_imports_in_unicode(tmp_path, kind):
    """An annex typed in TCVN3 (.VnTime), as old decisions were: "không tìm thấy bảng tiêu chí" (its
    header "§iÓm tèi ®a" was no header). Its headers and names are read in Unicode, as the set keeps them."""
    from docx import Document

    from cchc_xl.criteria_sets.importer import import_table
    from test_reader_variety import _to_tcvn3

    path = tmp_path / f"phu_luc_tcvn3.{kind}"
    if kind == "xlsx":
        unicode = official_xlsx(tmp_path / "phu_luc.xlsx", {"Bộ chỉ số": OFFICIAL})
        wb = openpyxl.load_workbook(unicode)
        for row in wb.active.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.value, cell.font = _to_tcvn3(cell.value), openpyxl.styles.Font(name=".VnTime")
        wb.save(path)
    else:
        from docx.oxml.ns import qn
        from docx.text.run import Run

        unicode = official_docx(tmp_path / "phu_luc.docx")
        doc = Document(str(unicode))
        for element in doc.element.body.iter(qn("w:r")):  # each run once (a merged cell is in several rows)
            run = Run(element, doc)
            run.text, run.font.name = _to_tcvn3(run.text), ".VnTime"
        doc.save(str(path))
    imported, expected = import_table(path), import_table(unicode)
    assert [(c.code, c.name.lower(), c.max, c.kind) for c in imported.criteria] == [
        (c.code, c.name.lower(), c.max, c.kind) for c in expected.criteria]
    assert [c.name.lower() for c in imported.criteria] == [name.lower() for _, name, *_ in OFFICIAL]
    assert imported.decision == expected.decision and imported.level == expected.level == "xã"


def test_import_docx_then_new_fill_check(tmp_path, home):
    env = {"CCHC_XL_HOME": str(home)}
    annex = official_docx(tmp_path / "phu_luc.docx")
    proc = cli("templates", "import", annex, "--id", "hp_xa_2022", "--province", "Hải Phòng", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "Đã nhập bộ “hp_xa_2022”" in proc.stdout and "I" in proc.stdout
    saved = json.loads((home / "bo_tieu_chi" / "hp_xa_2022.json").read_text(encoding="utf-8"))
    assert saved["schema"] == "cchc-xl/criteria-set/1" and saved["level"] == "xã" and saved["year"] == 2022
    assert saved["decision"] == {"number": "3793/QĐ-UBND"}
    by_key = {(c["part"], c["code"]): c for c in saved["criteria"]}
    assert [c["part"] for c in saved["criteria"]][:2] == ["I", "II"]  # the survey part first, as published
    assert by_key[("I", "I")]["kind"] == "survey" and by_key[("II", "1.1")]["max"] == 7.5
    assert by_key[("II", "1.1.1")]["guidance"].splitlines() == [
        "Thời gian căn cứ theo chữ ký số", "Kế hoạch ban hành trong tháng 1 hàng năm: 0,2",
        "Ban hành từ tháng 2 trở đi hoặc không ban hành: 0"]  # scoring options: guidance, never criteria
    assert len(saved["criteria"]) == len(OFFICIAL)
    assert by_key[("III", "1")]["kind"] == "penalty" and by_key[("III", "1")]["min"] == -2
    listing = cli("templates", env=env).stdout
    assert "hp_xa_2022" in listing and "cap_xa_2023" in listing and "9 tiêu chí, tổng 100 điểm" in listing.split("hp_xa_2022")[1]

    workbook = tmp_path / "xa_hp.xlsx"
    assert cli("new", "-o", workbook, "--template", "hp_xa_2022", "--unit", "Xã An Lư", "--guidance",
               env=env).returncode == 0
    wb = openpyxl.load_workbook(workbook)
    ws = wb.worksheets[0]
    assert ws.cell(17, 6).value == "Hướng dẫn chấm điểm"
    scores = {"1.1.1": 0.2, "1.1.2": 0.2, "1.1.3": 6, "1.2": 6, "2.1": 50}
    part = None
    for row in range(18, ws.max_row + 1):
        code = ws.cell(row, 1).value
        if code in ("I", "II", "III"):
            part = code
        elif part == "II" and code in scores:
            ws.cell(row, 4).value = scores[code]
            ws.cell(row, 5).value = "Giải trình"
        elif part == "III" and code == "1":
            ws.cell(row, 4).value = -1  # one violation: a penalty point
            ws.cell(row, 5).value = "01 hồ sơ bị xử lý"
    wb.save(workbook)
    result = check_file(workbook, against="hp_xa_2022")
    t = result.assessment.totals()
    assert (t.max, t.base, t.penalty, t.self, t.pending_max) == (Decimal(100), Decimal("62.4"), Decimal(-1),
                                                                 Decimal("61.4"), Decimal(35))
    codes = {f.code for f in result.findings}
    assert not codes & {"negative-score", "max-changed", "criterion-missing", "criterion-extra", "name-changed",
                        "wrong-criteria-set"}, result.findings
    assert result.assessment.criteria_set["id"] == "hp_xa_2022"
    same = check_file(workbook)  # no --against: recognised all the same
    assert same.assessment.criteria_set == {"id": "hp_xa_2022", "title": same.assessment.criteria_set["title"],
                                            "agreement": 1.0}
    # a set this workbook clearly does not follow: one error naming the right set
    wrong = [f for f in check_file(workbook, against="cap_xa_2023").findings
             if f.code in ("wrong-criteria-set", "max-changed", "criterion-missing", "criterion-extra")]
    assert [f.code for f in wrong] == ["wrong-criteria-set"] and "hp_xa_2022" in wrong[0].message
    seed = [f for f in check_file(EXAMPLE, against="hp_xa_2022").findings if f.code == "wrong-criteria-set"]
    assert len(seed) == 1 and "cap_xa_2023" in seed[0].message

    folder = tmp_path / "hai_bo"
    folder.mkdir()
    shutil.copyfile(workbook, folder / "an_lu.xlsx")
    shutil.copyfile(EXAMPLE, folder / "ngoc_ky.xlsx")
    proc = cli("bulk", folder, "-o", tmp_path / "th.xlsx", "--json", env=env)
    data = json.loads(proc.stdout)
    blocks = {s["set"] for s in data["summary"]["criteria"]}
    assert blocks == {"hp_xa_2022", "cap_xa_2023"}  # two separate statistics blocks
    official = {("hp_xa_2022", (c["part"], c["code"])): c["max"] for c in saved["criteria"]}
    for stat in data["summary"]["criteria"]:
        if stat["mean"] is not None and stat["max"] is not None and stat["max"] >= 0:
            assert stat["mean"] <= stat["max"]
        assert "SIPAS" not in stat["name"] and "XHH" not in stat["name"] and "HÀI LÒNG" not in stat["name"]
        if stat["set"] == "hp_xa_2022" and (stat["set"], (stat["part"], stat["code"])) in official:
            assert stat["max"] == official[(stat["set"], (stat["part"], stat["code"]))]
    sheet = openpyxl.load_workbook(tmp_path / "th.xlsx")["Tổng hợp"]
    header = [c.value for c in sheet[1]]
    sets_column = header.index("Bộ tiêu chí")
    assert {row[sets_column].value for row in sheet.iter_rows(min_row=2)} == {"hp_xa_2022", "cap_xa_2023"}

    export = tmp_path / "hp.json"
    export.write_text("của cán bộ", encoding="utf-8")
    refused = cli("templates", "export", "hp_xa_2022", "-o", export, env=env)
    assert refused.returncode == 2 and "--overwrite" in refused.stderr
    assert export.read_text(encoding="utf-8") == "của cán bộ"
    to_folder = cli("templates", "export", "hp_xa_2022", "-o", tmp_path, env=env)
    assert to_folder.returncode == 2 and "là một thư mục; hãy ghi tên tệp" in to_folder.stderr
    assert cli("templates", "export", "hp_xa_2022", "-o", export, "--overwrite", env=env).returncode == 0
    assert json.loads(export.read_text(encoding="utf-8"))["id"] == "hp_xa_2022"
    assert cli("templates", "remove", "hp_xa_2022", env=env).returncode == 0
    assert "hp_xa_2022" not in cli("templates", env=env).stdout
    assert check_file(workbook, against=export).assessment.criteria_set["id"] == "hp_xa_2022"  # a set's JSON


def test_unsound_table_is_not_saved_and_lists_rows(tmp_path, home):
    env = {"CCHC_XL_HOME": str(home)}
    sample = ROOT.parent / "shared" / "samples" / "haiphong_3793_2022_official.xlsx"
    if not sample.exists():
        pytest.skip("needs ../shared/samples")
    proc = cli("templates", "import", sample, "--id", "hp_mau", env=env)
    assert proc.returncode == 2 and "chưa hợp lệ nên chưa lưu" in proc.stderr
    assert "hàng 5: mục II: điểm tối đa 65 khác tổng các mục con 14" in proc.stderr
    assert not (home / "bo_tieu_chi" / "hp_mau.json").exists()
    forced = cli("templates", "import", sample, "--id", "hp_mau", "--force", env=env)
    assert forced.returncode == 0 and (home / "bo_tieu_chi" / "hp_mau.json").exists()
    shown = cli("templates", "show", "hp_mau", env=env).stdout
    assert "[điều tra]" in shown.splitlines()[1]  # part I: the satisfaction survey


def test_against_an_official_table_without_self_column(tmp_path, home):
    annex = official_docx(tmp_path / "phu_luc.docx")
    assert cli("new", "-o", tmp_path / "x.xlsx", "--template", annex).returncode == 0
    result = check_file(tmp_path / "x.xlsx", against=annex)
    assert not [f for f in result.findings if f.code in ("max-changed", "criterion-missing", "wrong-criteria-set")]


@pytest.mark.parametrize("parts", [False, True])
def test_a_workbook_lettering_its_items_follows_the_set_that_numbers_them(tmp_path, parts):
    """Sub-criteria typed a), b), c) (and parts A, B) are the set's 1.1.1, 1.1.2…: the workbook follows
    cap_xa_2023, and --against it says only what differs (it followed no set, and was 122
    criterion-extra errors)."""
    path = edited_example(tmp_path, "lettered.xlsx", lambda ws: lettered(ws, parts))
    result = check_file(path)
    assert result.assessment.criteria_set["id"] == "cap_xa_2023"
    assert result.assessment.criteria_set["agreement"] == 1.0
    keys = {c.code: c.key for c in result.assessment.criteria}
    assert keys["1.1.b"] == "I.1.1.2" and keys["3.5.c"] == "I.3.5.3"
    assert [f.code for f in check_file(path, against="cap_xa_2023").findings if f.severity == "error"] == []

    def edited(ws):
        ws.cell(find_row(ws, "I", "1.1.2"), 3).value = 2  # b) under 1.1: its max edited
        lettered(ws, parts)
    against = check_file(edited_example(tmp_path, "edited.xlsx", edited), against="cap_xa_2023")
    changed = [(f.code, f.cell, f.criterion) for f in against.findings if f.code in ("max-changed", "criterion-extra",
                                                                                   "criterion-missing")]
    assert changed == [("max-changed", "C22", "b)")]


def test_an_official_table_lettering_its_items(tmp_path, home):
    """An annex lettering its sub-criteria a), b), c) imports them as siblings under their criterion (b)
    was read as a)'s child, and the table refused: "điểm tối đa … khác tổng các mục con"); a workbook
    numbering them 1.1.1, 1.1.2 follows it, as one lettering them does."""
    from cchc_xl.criteria_sets.importer import import_table

    official = [(code if code.count(".") < 2 else "abc"[int(code[-1]) - 1] + ")", *rest)
                for code, *rest in OFFICIAL]
    annex = official_docx(tmp_path / "phu_luc.docx", official)
    criteria_set = import_table(annex, set_id="hp_chu")
    items = [(c.code, c.max) for c in criteria_set.criteria if c.code.startswith("1.1.")]
    assert items == [("1.1.a", Decimal("0.2")), ("1.1.b", Decimal("0.3")), ("1.1.c", Decimal("7"))]
    numbered = official_docx(tmp_path / "so.docx")  # the same table numbered
    assert cli("new", "-o", tmp_path / "so.xlsx", "--template", numbered).returncode == 0
    result = check_file(tmp_path / "so.xlsx", against=criteria_set)
    assert not [f for f in result.findings if f.code in ("max-changed", "criterion-missing", "criterion-extra",
                                                         "wrong-criteria-set")]
    assert cli("new", "-o", tmp_path / "chu.xlsx", "--template", annex).returncode == 0
    result = check_file(tmp_path / "chu.xlsx", against=criteria_set)
    assert not [f for f in result.findings if f.code in ("max-changed", "criterion-missing", "criterion-extra")]


def test_an_official_table_numbered_by_words_imports_as_the_reader_reads_it(tmp_path, home):
    """"Tiêu chí 1" then "Chỉ tiêu 1", "Chỉ tiêu 2": the importer read every word-numbered row as a criterion
    of its own ("mục I.1 xuất hiện hai lần"), where a workbook's reader numbers the second word inside the
    first (1.1, 1.2). Both read them alike now, so such a set is imported and a workbook checked against it."""
    from cchc_xl.criteria_sets.importer import import_table

    rows = [("STT", "Tiêu chí, chỉ tiêu", "Điểm tối đa"), ("Tiêu chí 1", "Công khai", 5), ("Chỉ tiêu 1", "Niêm yết", 2),
            ("Chỉ tiêu 2", "Đăng tải", 3), ("Tiêu chí 2", "Hòa giải", 5), ("Chỉ tiêu 1", "Kiện toàn tổ hòa giải", 5),
            (None, "Tổng", 10)]
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(tmp_path / "bo.xlsx")
    criteria_set = import_table(tmp_path / "bo.xlsx", set_id="tu_ngu")
    assert [(c.key, c.max) for c in criteria_set.criteria] == [
        ("I.1", 5), ("I.1.1", 2), ("I.1.2", 3), ("I.2", 5), ("I.2.1", 5)]
    wb = openpyxl.Workbook()
    for row, self_score in zip(rows, ("Điểm tự đánh giá", 5, 2, 3, 5, 5, 10)):
        wb.active.append((*row, self_score))
    wb.save(tmp_path / "so.xlsx")
    result = check_file(tmp_path / "so.xlsx", against=criteria_set)
    assert result.assessment.criteria_set["agreement"] == 1.0 and result.findings == []
    sample = ROOT.parent / "shared" / "samples" / "dongquang_tcpl_2022_asis.xlsx"
    if sample.exists():  # the commune's own table of that style (first rows only: the sums do not hold)
        proc = cli("templates", "import", sample, "--id", "dq", env={"CCHC_XL_HOME": str(home)})
        assert "xuất hiện hai lần" not in proc.stderr and "mục I.1: điểm tối đa 10 khác tổng các mục con 3" in proc.stderr


@pytest.mark.parametrize("seed", [2, 50, 55, 58, 2601, 2157, 1961, 2797, 24, 59, 61])
def test_the_example_set_typed_as_an_annex_the_ways_presentations_know_imports_as_the_bundled_set(tmp_path, seed):
    """bench/presentations.py --annex: the example's criteria set typed as the province's official table
    (lettered parts and items, words at every level, codes in the names, repeated headers, wrapped names,
    the scoring options on rows of their own, TCVN3/VNI…), as a workbook (even seeds) or a Word table (odd
    seeds). `templates import` reads the bundled set's keys, max points, names and kinds. (II.2 "… (qua điều
    tra XHH)" with its name wrapped onto the next row was imported a scored criterion: its kind was guessed
    from the first row's words only.) Seeds 24, 59 (a Word table, words at every level) and 61 (parts
    lettered) leave out the rows of the parts after the first: refused, naming where each starts; with
    --force, the set's keys and points.)"""
    from bench import presentations

    assert presentations.run_annex(seed, tmp_path) is None


def test_percent_set_in_check_json_and_report(tmp_path, home):
    from docx import Document

    from helpers import report_rows

    data = json.loads((ROOT / "workbook_templates" / "cap_xa_2023.json").read_text(encoding="utf-8"))
    data.update(id="cap_xa_2023_phan_tram", result="percent")
    percent_set = tmp_path / "phan_tram.json"
    percent_set.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    proc = cli("check", EXAMPLE, "--against", percent_set)
    assert "73,2/100 điểm = 73,2 %" in proc.stdout
    as_json = json.loads(cli("check", EXAMPLE, "--against", percent_set, "--json").stdout)
    assert as_json["workbooks"][0]["totals"]["percent"] == 73.2
    out = tmp_path / "bc.docx"
    assert cli("report", EXAMPLE, "-o", out, "--against", percent_set).returncode == 0
    note = report_rows(Document(out))[-1].cells[4].text
    assert "Tỷ lệ: 73,2 % điểm tối đa." in note and "Chưa gồm 24 điểm chờ" in note
    summary = tmp_path / "th.xlsx"
    assert cli("bulk", EXAMPLE, "--against", percent_set, "-o", summary).returncode == 0
    sheet = openpyxl.load_workbook(summary)["Tổng hợp"]
    header = [c.value for c in sheet[1]]
    assert sheet.cell(2, header.index("Tỷ lệ (%)") + 1).value == 73.2  # points and percent side by side
    assert sheet.cell(2, header.index("Điểm tự đánh giá") + 1).value == 73.2


def test_seed_numbers_still_hold():
    t = read_workbook(EXAMPLE).totals()
    assert (t.max, t.by_part["I"]["max"], t.by_part["I"]["self"], t.self, t.pending_max) == (
        Decimal(100), Decimal(74), Decimal("71.2"), Decimal("73.2"), Decimal(24))
    result = check_file(EXAMPLE)
    assert result.assessment.criteria_set["id"] == "cap_xa_2023"
    kinds = {c.key: c.kind for c in result.assessment.criteria}
    assert kinds["II.2"] == kinds["II.3"] == "survey" and kinds["II.1"] == "scored"


def test_bonus_and_penalty_parts_no_known_set_names_are_known_by_their_words(tmp_path):
    """The officer adds "III. ĐIỂM THƯỞNG" and "IV. ĐIỂM TRỪ" below the set's two parts (or follows a
    province's set not imported): a penalty of -1 with max -2 was scored -2, and said "không được âm;
    điểm phải từ 0 đến -2"; the bonus part's max counted in the base ("tổng các phần là 102")."""
    from helpers import edited_example

    def edit(ws):
        last = ws.max_row  # the "Tổng" row stays last
        rows = [("III", "ĐIỂM THƯỞNG", 2, 1, None), ("1", "Có sáng kiến CCHC được công nhận", 2, 1, "Sáng kiến số 1"),
                ("IV", "ĐIỂM TRỪ", None, None, None), ("1", "Để xảy ra vi phạm trong giải quyết TTHC", -2, -1, "1 hồ sơ"),
                ("2", "Để xảy ra đơn thư khiếu nại vượt cấp (trừ điểm)", 1, 1, "1 đơn")]
        ws.insert_rows(last, len(rows))
        for i, row in enumerate(rows):
            for col, value in enumerate(row, start=1):
                ws.cell(last + i, col).value = value
    result = check_file(edited_example(tmp_path, "thuong_tru.xlsx", edit))
    t = result.assessment.totals()
    assert (t.max, t.base, t.bonus, t.penalty, t.self) == (Decimal(100), Decimal("73.2"), Decimal(1), Decimal(-1),
                                                          Decimal("73.2"))
    by_key = {c.key: c for c in result.assessment.criteria}
    assert by_key["IV.1"].kind == "penalty" and by_key["IV.1"].computed_self() == Decimal(-1)
    assert by_key["III.1"].kind == "bonus"
    # a penalty typed as a positive number (its max "1" is the size of the deduction): said so, at its cell
    wrong = [f for f in result.findings if f.part == "IV"]
    assert [(f.code, f.criterion) for f in wrong] == [("negative-score", "2")]
    assert "là điểm trừ: ghi số âm (từ -1 đến 0), không ghi 1" in wrong[0].message
    assert not [f for f in result.findings if f.code == "max-sum-mismatch"]


def test_bonus_points_may_exceed_the_base(tmp_path, home):
    """A set with a bonus part: the total may go above the base 100, and is stated apart."""
    data = json.loads((ROOT / "workbook_templates" / "cap_xa_2023.json").read_text(encoding="utf-8"))
    data["id"] = "cap_xa_2023_thuong"
    data["criteria"] += [
        {"part": "III", "code": "III", "name": "ĐIỂM THƯỞNG", "max": 5, "kind": "bonus"},
        {"part": "III", "code": "1", "name": "Sáng kiến CCHC được tỉnh công nhận", "max": 5, "kind": "bonus"},
    ]
    bonus_set = tmp_path / "thuong.json"
    bonus_set.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    workbook = tmp_path / "xa.xlsx"
    assert cli("new", "-o", workbook, "--template", bonus_set).returncode == 0
    wb = openpyxl.load_workbook(workbook)
    ws = wb.worksheets[0]
    source = openpyxl.load_workbook(EXAMPLE).worksheets[0]
    for row in range(18, source.max_row + 1):  # the example's scores, then 4 bonus points
        ws.cell(row, 4).value = source.cell(row, 4).value
    bonus_row = next(r for r in range(18, ws.max_row + 1) if ws.cell(r, 2).value == "Sáng kiến CCHC được tỉnh công nhận")
    ws.cell(bonus_row, 4).value = 4
    ws.cell(bonus_row, 5).value = "Quyết định công nhận sáng kiến"
    ws.cell(bonus_row - 1, 4).value = 4
    wb.save(workbook)
    result = check_file(workbook, against=bonus_set)
    t = result.assessment.totals()
    assert (t.max, t.base, t.bonus, t.self) == (Decimal(100), Decimal("73.2"), Decimal(4), Decimal("77.2"))
    assert not [f for f in result.findings if f.code in ("over-max", "max-sum-mismatch", "max-changed")]
    assert "cơ bản 73,2, thưởng 4, trừ 0" in cli("check", workbook, "--against", bonus_set).stdout


def test_recalc_against_the_wrong_set_names_the_right_one(tmp_path, home):
    annex = official_docx(tmp_path / "phu_luc.docx")
    workbook = tmp_path / "xa.xlsx"
    shutil.copyfile(EXAMPLE, workbook)
    proc = cli("recalc", workbook, "--against", annex)
    assert proc.returncode == 1, proc.stderr
    sheet = openpyxl.load_workbook(workbook)["Kết quả kiểm tra"]
    codes = [row[3].value for row in sheet.iter_rows() if row[3].value in ("wrong-criteria-set", "max-changed",
                                                                            "criterion-missing", "criterion-extra")]
    assert codes == ["wrong-criteria-set"]


PEAK_OF_AN_IMPORT = """
import resource, sys
from cchc_xl.criteria_sets.importer import import_table
from cchc_xl.errors import CchcError
try:
    import_table(sys.argv[1], set_id="thu")
except CchcError as exc:
    print(exc)
""" + PRINT_OWN_PEAK_MB + """
"""


def test_a_bomb_or_damaged_annex_is_refused_in_one_line(tmp_path, home):
    """python-docx reads every part of a .docx whole: a zip-bomb annex is refused from the zip
    directory (it once took ~700 MB, then "Lỗi không mong đợi"), a damaged one is said plainly."""
    annex = official_docx(tmp_path / "phu_luc.docx")
    bomb = bomb_member(annex, tmp_path / "bom.docx", "word/document.xml", 300)
    proc = subprocess.run([sys.executable, "-c", PEAK_OF_AN_IMPORT, str(bomb)], capture_output=True, text=True,
                          encoding="utf-8", timeout=120)
    reason, peak = proc.stdout.splitlines()
    assert reason == "bom.docx: tệp nén bất thường: phần “word/document.xml” bung ra 300 MB (nghi là “zip bomb”), đã từ chối đọc"
    assert int(peak) < 250  # MB

    damaged = damaged_member(annex, tmp_path / "hong.docx", "word/document.xml", "deflate")
    proc = cli("templates", "import", damaged, "--id", "thu")
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2 and len(lines) == 1, proc.stderr
    assert "hong.docx: tệp Word bị hỏng hoặc chưa tải về hết (không giải nén được)" in lines[0]
    assert not (home / "bo_tieu_chi" / "thu.json").exists()


HOSTILE_SETS = {
    "long_number.json": ('{"id": "x", "criteria": [{"code": "I", "name": "A", "max": ' + "1" * 5000 + "}]}",
                         "(ValueError)"),  # past Python's 4,300-digit limit
    "deep.json": ("[" * 100_000 + "]" * 100_000, "(RecursionError)"),
    "huge.json": (" " * (17 * 1024 * 1024) + "{}", "quá lớn để là một bộ tiêu chí"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_SETS))
def test_a_hostile_set_file_is_one_line_and_left_out_of_the_folder(tmp_path, home, name):
    """As --against: one line, exit 2 (it was "Lỗi không mong đợi (RecursionError)"). In the user
    folder: left out like any broken set, so it cannot stop every later command."""
    text, reason = HOSTILE_SETS[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    proc = cli("check", EXAMPLE, "--against", path)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2 and len(lines) == 1 and name in lines[0] and reason in lines[0], proc.stderr

    (home / "bo_tieu_chi").mkdir(parents=True)
    shutil.copy(path, home / "bo_tieu_chi" / name)
    proc = cli("check", EXAMPLE, env={"CCHC_XL_HOME": str(home)})
    assert proc.returncode == 0 and "cap_xa_2023" in proc.stdout, proc.stderr


def test_new_from_a_set_whose_names_carry_control_codes(tmp_path, home):
    """An annex typed with an ESC in a name (_x001B_ in its sheet XML) imports; `new` from it (or
    with such a --unit) was "Lỗi không mong đợi (IllegalCharacterError)". The codes are left out."""
    wb = openpyxl.Workbook()
    for line in (["STT", "Lĩnh vực, tiêu chí", "Điểm tối đa"], ["I", "CÔNG TÁC MARK CHỈ ĐẠO", 10],
                 ["1", "Kế hoạch MARK CCHC", 10], ["II", "THỂ CHẾ", 90], ["1", "Ban hành văn bản", 90],
                 ["", "Tổng", 100]):
        wb.active.append(line)
    wb.save(tmp_path / "phu_luc0.xlsx")
    annex = with_control_codes(tmp_path / "phu_luc0.xlsx", tmp_path / "phu_luc.xlsx")
    assert cli("templates", "import", annex, "--id", "thu_dk").returncode == 0
    out = tmp_path / "moi.xlsx"
    proc = cli("new", "--template", "thu_dk", "--unit", "Xã \x07Bình", "-o", out)
    assert proc.returncode == 0, proc.stderr
    values = [c.value for row in openpyxl.load_workbook(out).active.iter_rows() for c in row if isinstance(c.value, str)]
    assert "CÔNG TÁC ]0;PWNED\r CHỈ ĐẠO" in values and "Xã Bình" in values
    assert check_file(out).assessment.criteria_set["id"] == "thu_dk"


def test_new_writes_texts_that_start_with_equals_as_text(tmp_path, home):
    """openpyxl makes a string that starts with "=" a formula: an annex's criterion name
    "=HYPERLINK(…)" (or a --unit so typed) became a live formula in every commune's workbook made
    from it, which Excel would run when opened. They are text now, and read back as typed."""
    wb = openpyxl.Workbook()
    for line in (["STT", "Lĩnh vực, tiêu chí", "Điểm tối đa"], ["I", "CÔNG TÁC CHỈ ĐẠO", 10],
                 ["1", '=HYPERLINK("http://vi-du.invalid/x","Kế hoạch CCHC")', 10], ["II", "THỂ CHẾ", 90],
                 ["1", "Ban hành văn bản", 90], ["", "Tổng", 100]):
        wb.active.append(line)
    wb.active["B3"].data_type = "s"  # a name typed so, as text, in the province's annex
    wb.save(tmp_path / "phu_luc.xlsx")
    assert cli("templates", "import", tmp_path / "phu_luc.xlsx", "--id", "thu_bang").returncode == 0
    out = tmp_path / "moi.xlsx"
    proc = cli("new", "--template", "thu_bang", "--unit", "=1+2", "-o", out)
    assert proc.returncode == 0, proc.stderr
    with zipfile.ZipFile(out) as package:
        assert b"<f>" not in package.read("xl/worksheets/sheet1.xml")
    cells = {c.value: c.data_type for row in openpyxl.load_workbook(out).active.iter_rows() for c in row
             if isinstance(c.value, str) and c.value.startswith("=")}
    assert cells == {"=1+2": "s", '=HYPERLINK("http://vi-du.invalid/x","Kế hoạch CCHC")': "s"}
    assert [c.name for c in check_file(out).assessment.criteria][1] == '=HYPERLINK("http://vi-du.invalid/x","Kế hoạch CCHC")'


@pytest.mark.parametrize("set_id", ["../../ngoai", "a/b", "CON", "nul.txt", "com1", ".an", "x."])
def test_a_set_id_that_cannot_name_a_file_is_refused(tmp_path, home, set_id):
    """--id names the set's file: "../../ngoai" wrote outside the user folder (and `templates remove`
    deleted any .json it named); CON or NUL is a device on Windows, where the officers are."""
    annex = official_docx(tmp_path / "phu_luc.docx")
    (tmp_path / "ngoai.json").write_text("{}", encoding="utf-8")
    for args in (("templates", "import", annex, "--id", set_id), ("templates", "remove", set_id)):
        proc = cli(*args)
        lines = [line for line in proc.stderr.splitlines() if line.strip()]
        assert proc.returncode == 2 and len(lines) == 1 and "không dùng được làm tên tệp" in lines[0], proc.stderr
    assert (tmp_path / "ngoai.json").read_text(encoding="utf-8") == "{}"
    assert not (home / "bo_tieu_chi").exists() or not any((home / "bo_tieu_chi").iterdir())
    assert not (home.parent / "ngoai.json").exists() or (home.parent / "ngoai.json").read_text(encoding="utf-8") == "{}"


def test_a_set_id_in_vietnamese_with_spaces_is_fine(tmp_path, home):
    annex = official_docx(tmp_path / "phu_luc.docx")
    assert cli("templates", "import", annex, "--id", "Hải Phòng 2022").returncode == 0
    assert (home / "bo_tieu_chi" / "Hải Phòng 2022.json").is_file()
    assert cli("templates", "remove", "Hải Phòng 2022").returncode == 0


@pytest.mark.parametrize("name,set_id", [("Phụ lục (QĐ 3793).docx", "Phụ lục _QĐ 3793"), ("con.docx", "con_"),
                                         ("..phu..luc..docx", "phu.luc")])
def test_without_id_the_file_name_is_made_fit(tmp_path, home, name, set_id):
    """Without --id the set takes its file's name, which may hold what an id may not."""
    annex = official_docx(tmp_path / name)
    proc = cli("templates", "import", annex)
    assert proc.returncode == 0, proc.stderr
    assert (home / "bo_tieu_chi" / f"{set_id}.json").is_file() and f"“{set_id}”" in proc.stdout


def test_an_official_table_without_stt_column_imports_alike(tmp_path):
    """A province's table typed with the numbering inside the names ("1.1 Ban hành …"), no STT
    column: the same set as the published layout."""
    from cchc_xl.criteria_sets.importer import import_table

    sample = ROOT.parent / "shared" / "samples" / "haiphong_3793_2022_official.xlsx"
    if not sample.exists():
        pytest.skip("needs ../shared/samples")
    wb = openpyxl.load_workbook(sample)
    ws = wb.worksheets[0]
    for row in range(4, ws.max_row + 1):
        code, name = ws.cell(row, 1).value, ws.cell(row, 2).value
        if code is not None and name:
            ws.cell(row, 2).value = f"{code}. {name}"
    merges = [m.coord for m in ws.merged_cells.ranges]
    for coord in merges:
        ws.unmerge_cells(coord)
    ws.delete_cols(1)  # openpyxl leaves merges where they were: moved by hand, one column left
    for coord in merges:
        first, last = coord.split(":")
        if not first.startswith("A"):
            ws.merge_cells(f"{chr(ord(first[0]) - 1)}{first[1:]}:{chr(ord(last[0]) - 1)}{last[1:]}")
    moved = tmp_path / "khong_cot_stt.xlsx"
    wb.save(moved)

    def criteria(path):
        return [(c.part, c.code, c.name, c.max, c.guidance, c.kind) for c in import_table(path, "hp", force=True).criteria]

    published = criteria(sample)
    assert criteria(moved) == published and len(published) == 7
    assert ("II", "1.1", "Ban hành và thực hiện Kế hoạch CCHC hàng năm") in [c[:3] for c in published]


def test_a_subtotal_row_in_the_annex_does_not_end_the_set(tmp_path):
    """"Tổng phần I" under the survey part ended the import there: parts II and III were lost."""
    from cchc_xl.criteria_sets.importer import import_table

    with_subtotal = list(OFFICIAL)
    with_subtotal.insert(1, ("", "Tổng phần I", "35", "", "", []))
    with_subtotal.insert(-2, ("", "Cộng phần II", "65", "", "", []))

    def criteria(path):
        return [(c.part, c.code, c.name, c.max, c.guidance) for c in import_table(path, "hp").criteria]

    plain = criteria(official_docx(tmp_path / "a.docx"))
    assert criteria(official_docx(tmp_path / "b.docx", with_subtotal)) == plain and len(plain) == len(OFFICIAL)


@pytest.mark.parametrize("at, repeat_header", [(7, True), (7, False), (2, True), (11, False)])
def test_an_annex_table_split_in_several_word_tables_imports_whole(tmp_path, at, repeat_header):
    """A Word annex whose table goes on in a second table ("(tiếp theo)", the header repeated or
    not): only the first table was read, so the set lost the rest (silently when it ended with a
    part). The tables that follow with the same columns are the rest of it; one that does not
    start with criteria (a signature table) is not."""
    from docx import Document

    from cchc_xl.criteria_sets.importer import import_table

    def criteria(path):
        return [(c.part, c.code, c.name, c.max, c.guidance, c.evidence) for c in import_table(path, "hp").criteria]

    whole = criteria(official_docx(tmp_path / "mot.docx"))
    doc = Document(str(official_docx(tmp_path / "hai.docx")))
    table = doc.tables[0]
    rows = table._tbl.tr_lst
    first_option_rows = sum(1 + len(options) for *_, options in OFFICIAL[:at])
    moved = rows[1 + first_option_rows:]  # after the header and the first `at` criteria
    title = doc.add_paragraph("(tiếp theo)")
    second = doc.add_table(rows=1 if repeat_header else 0, cols=5)
    if repeat_header:
        for cell, text in zip(second.rows[0].cells, HEADERS):
            cell.text = text
    for tr in moved:
        second._tbl.append(tr)  # (moved, not copied: the first table ends where the second begins)
    signatures = doc.add_table(rows=2, cols=5)  # a table below the annex with as many columns
    signatures.rows[0].cells[0].text, signatures.rows[1].cells[0].text = "NGƯỜI LẬP BIỂU", "Nguyễn Văn A"
    assert title is not None and len(doc.tables) == 3
    doc.save(tmp_path / "hai.docx")
    assert len(Document(str(tmp_path / "hai.docx")).tables[0].rows) == 1 + first_option_rows
    assert criteria(tmp_path / "hai.docx") == whole and len(whole) == len(OFFICIAL)


@pytest.mark.parametrize("numbers", [["(1)", "(2)", "(3)", "(4)", "(5)"], ["1", "2", "3", "4", "5"]])
def test_the_column_numbers_under_the_annex_header_are_no_criterion(tmp_path, numbers):
    """"(1) | (2) | (3)…" under the header stopped the import ("điểm tối đa “(3)” không phải là
    số"); "1 | 2 | 3…" made a criterion "1" worth 3 points, without a word."""
    from copy import deepcopy

    from docx import Document

    from cchc_xl.criteria_sets.importer import import_table

    def criteria(path):
        return [(c.part, c.code, c.name, c.max, c.guidance) for c in import_table(path, "hp").criteria]

    whole = criteria(official_docx(tmp_path / "mot.docx"))
    doc = Document(str(official_docx(tmp_path / "so.docx")))
    table = doc.tables[0]
    table.rows[0]._tr.addnext(deepcopy(table.rows[1]._tr))
    for cell, text in zip(table.rows[1].cells, numbers):
        cell.text = text
    doc.save(tmp_path / "so.docx")
    assert [c.text for c in Document(str(tmp_path / "so.docx")).tables[0].rows[1].cells] == numbers
    assert criteria(tmp_path / "so.docx") == whole


def official_xlsx(path: Path, sheets: dict[str, list]) -> Path:
    """The annex as a workbook: each sheet its title, the header and its rows of OFFICIAL (scoring
    options on rows of their own, STT, name, max and evidence merged down over them)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, official in sheets.items():
        ws = wb.create_sheet(title)
        ws.append(["BỘ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH CÁC XÃ, PHƯỜNG NĂM 2022"])
        ws.append(HEADERS)
        for code, name, maximum, evidence, guidance, options in official:
            ws.append([code, name, maximum, evidence, guidance])
            top = ws.max_row
            for option in options:
                ws.append([None, None, None, None, option])
            if options:
                for col in "ABCD":
                    ws.merge_cells(f"{col}{top}:{col}{ws.max_row}")
    wb.save(path)
    return Path(path)


def test_an_xlsx_annex_with_its_parts_on_sheets_of_their_own_imports_whole(tmp_path, home):
    """An annex workbook typing part I on one sheet and parts II and III on others: only the first
    sheet was read, and the set saved without the other parts, without a word. Sheets that repeat
    a part already read (last year's copy) or hide are not joined; a fault on a joined sheet is
    named with its sheet."""
    from cchc_xl.criteria_sets.importer import import_table
    from cchc_xl.criteria_sets.schema import InvalidSet

    def criteria(path):
        return [(c.part, c.code, c.name, c.max, c.guidance, c.evidence) for c in import_table(path, "hp").criteria]

    whole = criteria(official_xlsx(tmp_path / "mot.xlsx", {"Phụ lục": OFFICIAL}))
    assert whole == criteria(official_docx(tmp_path / "mot.docx")) and len(whole) == len(OFFICIAL)
    part_two, part_three = 1, len(OFFICIAL) - 2  # where parts II and III start
    split = {"Phần I": OFFICIAL[:part_two], "Phần II": OFFICIAL[part_two:part_three],
             "Phần III": OFFICIAL[part_three:]}
    assert criteria(official_xlsx(tmp_path / "ba.xlsx", split)) == whole

    # a copy of part II beside it (last year's), a hidden sheet, a guidance sheet without parts
    path = official_xlsx(tmp_path / "ban_sao.xlsx", {**split, "Phần II (2021)": OFFICIAL[part_two:part_three],
                                                       "Ẩn": [("IV", "ĐIỂM THƯỞNG", "5", "", "", [])],
                                                       "Hướng dẫn": OFFICIAL[2:4]})
    wb = openpyxl.load_workbook(path)
    wb["Ẩn"].sheet_state = "hidden"
    wb.save(path)
    assert criteria(path) == whole

    broken = [list(row) for row in OFFICIAL[part_two:part_three]]
    broken[2][2] = "bảy rưỡi"
    with pytest.raises(InvalidSet, match="trang “Phần II”, hàng 5: điểm tối đa “bảy rưỡi” không phải là số"):
        import_table(official_xlsx(tmp_path / "loi.xlsx", {**split, "Phần II": [tuple(r) for r in broken]}), "hp")
    unsound = [list(row) for row in OFFICIAL[part_two:part_three]]
    unsound[3][2] = "6"  # 1.1.1 of 0,2 → 6: 1.1 is no longer the sum of its children
    with pytest.raises(InvalidSet, match="trang “Phần II”, hàng 5: mục II.1.1: điểm tối đa 7,5 khác tổng"):
        import_table(official_xlsx(tmp_path / "sai.xlsx", {**split, "Phần II": [tuple(r) for r in unsound]}), "hp")
    # the command says it too, and saves nothing
    proc = cli("templates", "import", tmp_path / "ba.xlsx", "--id", "hp_ba_trang")
    assert proc.returncode == 0, proc.stderr
    saved = json.loads((home / "bo_tieu_chi" / "hp_ba_trang.json").read_text(encoding="utf-8"))
    assert [c["part"] for c in saved["criteria"] if c["part"] == c["code"]] == ["I", "II", "III"]


def test_new_from_a_set_without_criteria_is_one_line_and_writes_nothing(tmp_path, home):
    """A table with its header only, saved with --force: `new --template` ended in openpyxl's
    "17 must be greater than 18" (a validation range over no rows)."""
    annex = official_xlsx(tmp_path / "trong.xlsx", {"Phụ lục": []})
    proc = cli("templates", "import", annex, "--id", "trong", "--force")
    assert proc.returncode == 0, proc.stderr
    for template in ("trong", annex):
        out = tmp_path / "moi.xlsx"
        proc = cli("new", "-o", out, "--template", template)
        lines = [line for line in proc.stderr.splitlines() if line.strip()]
        assert proc.returncode == 2 and len(lines) == 1 and "không có tiêu chí nào" in lines[0], proc.stderr
        assert not out.exists()


def test_an_annex_stt_1_10_stored_as_the_number_1_1_imports_as_1_10(tmp_path):
    """The annex typed where "." is the decimal point: "2.10" became the number 2.1, and the
    import stopped at "mục II.2.1 xuất hiện hai lần"."""
    from cchc_xl.criteria_sets.importer import import_table

    rows = [("II", "CHỈ SỐ", "11", "", "", []), ("2", "CẢI CÁCH THỂ CHẾ", "11", "", "", [])]
    rows += [(f"2.{n}", f"Tiêu chí {n}", "1" if n != 10 else "2", "", "", []) for n in range(1, 11)]
    typed = official_xlsx(tmp_path / "chu.xlsx", {"Phụ lục": rows})
    wb = openpyxl.load_workbook(typed)
    for row in wb.active.iter_rows(min_col=1, max_col=1):
        if isinstance(row[0].value, str) and row[0].value.startswith("2."):
            row[0].value = float(row[0].value)
    wb.save(tmp_path / "so.xlsx")

    def keys(path):
        return [(c.key, c.max) for c in import_table(path, "muoi").criteria]

    assert keys(tmp_path / "so.xlsx") == keys(typed) and ("II.2.10", Decimal(2)) in keys(typed)


def test_an_annex_with_an_empty_stt_column_and_wrapped_names_imports_alike(tmp_path):
    """The published Hải Phòng rows typed with the numbering inside the names while the STT column
    stays, empty (0 criteria: the codes were looked for in it), and a name wrapped onto the row
    below in lower case (it became the guidance of the criterion, and its name half of itself)."""
    from cchc_xl.criteria_sets.importer import import_table

    sample = ROOT.parent / "shared" / "samples" / "haiphong_3793_2022_official.xlsx"
    if not sample.exists():
        pytest.skip("needs ../shared/samples")

    def criteria(path):
        return [(c.part, c.code, c.name, c.max, c.guidance, c.kind) for c in import_table(path, "hp", force=True).criteria]

    published = criteria(sample)
    wb = openpyxl.load_workbook(sample)
    ws = wb.worksheets[0]
    wrapped = None
    for row in range(4, ws.max_row + 1):
        code, name = ws.cell(row, 1).value, ws.cell(row, 2).value
        if code is not None and name:
            ws.cell(row, 2).value = f"{code}. {name}"
            ws.cell(row, 1).value = None
            if code == "1.1":
                wrapped = row
    full = ws.cell(wrapped, 2).value  # "1.1. Ban hành và thực hiện Kế hoạch CCHC hàng năm"
    cut = full.index(" thực hiện")
    ws.cell(wrapped, 2).value = full[:cut]
    merges = [m.bounds for m in ws.merged_cells.ranges]  # (openpyxl leaves merges in place on insert_rows)
    for bounds in merges:
        ws.unmerge_cells(start_column=bounds[0], start_row=bounds[1], end_column=bounds[2], end_row=bounds[3])
    ws.insert_rows(wrapped + 1)
    for left, top, right, bottom in merges:
        shift = 1 if top > wrapped else 0
        ws.merge_cells(start_column=left, start_row=top + shift, end_column=right, end_row=bottom + shift)
    ws.cell(wrapped + 1, 2, full[cut + 1:])
    edited = tmp_path / "stt_trong.xlsx"
    wb.save(edited)
    assert criteria(edited) == published and len(published) == 7
    assert ("II", "1.1", "Ban hành và thực hiện Kế hoạch CCHC hàng năm", Decimal("7.5"), "") in [
        c[:5] for c in criteria(edited)]


def test_an_annex_whose_part_rows_are_headings_without_points_imports(tmp_path):
    """An annex whose part rows are headings merged across the row, no max of their own ("II |
    ĐÁNH GIÁ TÁC ĐỘNG CỦA CCHC" over B:E): refused, "mục II … chưa có điểm tối đa". A part or a
    parent with no max takes its children's sum, as a workbook's does; a leaf without one is still
    refused."""
    from cchc_xl.criteria_sets.importer import import_table
    from cchc_xl.criteria_sets.schema import InvalidSet

    from helpers import find_row

    wb = openpyxl.load_workbook(EXAMPLE)
    ws = wb.worksheets[0]
    ws.delete_cols(4, 2)  # an official table: STT, name, max
    for code in ("I", "II"):
        row = find_row(ws, code, code)
        ws.cell(row, 3).value = None
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=3)
    ws.cell(find_row(ws, "I", "1.1"), 3).value = None  # a parent too
    path = tmp_path / "phu_luc.xlsx"
    wb.save(path)
    imported = import_table(path, "pl")
    maxes = {c.key: c.max for c in imported.criteria}
    assert maxes["I"] == Decimal(74) and str(maxes["I"]) == "74" and maxes["II"] == Decimal(26)
    assert maxes["I.1.1"] == Decimal("2.5") and imported.base_max() == Decimal(100)
    assert imported.problems() == []
    ws.cell(find_row(ws, "I", "1.1.1"), 3).value = None  # a leaf without its max: no sum to take
    wb.save(path)
    with pytest.raises(InvalidSet, match="1.1.1"):
        import_table(path, "pl")


def test_an_annex_whose_numbering_starts_again_without_its_part_row_names_the_part_to_add(tmp_path, home):
    """An annex typed without its "II" row: the numbering starts again at 1 under part I. It was refused
    as "mục I.1 xuất hiện hai lần" (three times) and "mục I: điểm tối đa 74 khác tổng các mục con 100",
    where the reader reads such a workbook as part II. Now the importer reads it so too, and says the
    one thing to fix: the row where part II starts, and the row to add. With --force the set is saved
    with part II named for what it is, its max the sum of its items', and its criteria those of the
    bundled set."""
    from cchc_xl.criteria_sets import load_set
    from cchc_xl.criteria_sets.importer import import_table
    from cchc_xl.criteria_sets.schema import InvalidSet

    wb = openpyxl.load_workbook(EXAMPLE)
    ws = wb.worksheets[0]
    ws.delete_cols(4, 2)  # an official table: STT, name, max
    part_row = find_row(ws, "II", "II")
    ws.delete_rows(part_row)
    path = tmp_path / "phu_luc.xlsx"
    wb.save(path)
    with pytest.raises(InvalidSet) as refused:
        import_table(path, "pl")
    message = str(refused.value)
    assert "(1 vấn đề)" in message and "xuất hiện hai lần" not in message
    assert f"hàng {part_row}: STT bắt đầu lại từ 1" in message and "thêm dòng “II”" in message
    done = cli("templates", "import", path, "--id", "pl", "--force", env={"CCHC_XL_HOME": str(home)})
    assert done.returncode == 0, done.stderr
    assert f"(chú ý, lưu theo --force) hàng {part_row}: STT bắt đầu lại từ 1" in done.stdout
    saved, bundled = load_set("pl"), load_set("cap_xa_2023")
    assert [(c.key, c.max) for c in saved.criteria] == [(c.key, c.max) for c in bundled.criteria]
    assert [c.kind for c in saved.criteria if c.part == "II"] == [c.kind for c in bundled.criteria if c.part == "II"]
    part = saved.by_key()["II"]
    assert part.name == "Phần II" and part.max == Decimal(26) and saved.problems() == []


def test_a_word_annex_with_line_breaks_in_its_cells_imports_alike(tmp_path):
    """Line breaks typed in a Word cell (Shift+Enter: "Điểm" / "tối đa" in the header, a long name on
    two lines) were dropped: "Điểmtối đa" named no column ("thiếu cột Điểm tối đa"), and names were
    glued ("Kế hoạch CCHChàng năm")."""
    from cchc_xl.criteria_sets.importer import import_table

    def criteria(path):
        return [(c.part, c.code, " ".join(c.name.split()), c.max) for c in import_table(path, "hp").criteria]

    plain = criteria(official_docx(tmp_path / "a.docx"))
    broken = list(OFFICIAL)
    broken[3] = ("1.1", "Ban hành và thực hiện Kế hoạch CCHC\nhàng năm", *broken[3][2:])
    saved = list(HEADERS)
    try:
        HEADERS[2] = "Điểm\ntối đa"  # (python-docx writes "\n" as a line break, w:br)
        path = official_docx(tmp_path / "b.docx", broken)
    finally:
        HEADERS[:] = saved
    assert criteria(path) == plain and len(plain) == len(OFFICIAL)
    assert ("II", "1.1", "Ban hành và thực hiện Kế hoạch CCHC hàng năm") in [c[:3] for c in plain]


def test_an_annex_without_a_total_row_ends_at_its_signature_block(tmp_path):
    """An .xlsx annex with no "Tổng" row, signed below the table: the signature lines ("NGƯỜI LẬP
    BIỂU", the signer's name) became the last criterion's guidance, shown to every officer who
    fills a workbook made from the set. The table ends at the signature block, as the reader's does."""
    from cchc_xl.criteria_sets.importer import import_table

    wb = openpyxl.load_workbook(EXAMPLE)
    ws = wb.worksheets[0]
    ws.delete_cols(4, 2)  # an official table: STT, name, max
    ws.delete_rows(ws.max_row)  # no "Tổng" row
    last = ws.max_row
    for offset, (left, right) in enumerate([(None, "Hải Dương, ngày 10 tháng 3 năm 2023"),
                                            ("NGƯỜI LẬP BIỂU", "TM. ỦY BAN NHÂN DÂN"), (None, "CHỦ TỊCH"),
                                            ("Nguyễn Văn An", "Trần Văn Bình")]):
        ws.cell(last + 2 + offset, 2, left)
        ws.cell(last + 2 + offset, 3, right)
    path = tmp_path / "phu_luc_ky.xlsx"
    wb.save(path)
    imported = import_table(path, "pl")
    assert len(imported.criteria) == 105 and imported.base_max() == 100
    assert imported.criteria[-1].key == "II.3" and imported.criteria[-1].guidance == ""


@pytest.mark.parametrize("guidance", ["Chủ tịch UBND xã", "Tổng kết năm 2022"])
def test_an_annex_guidance_line_like_a_signature_above_the_total_row_is_kept(tmp_path, guidance):
    """The last criterion's guidance "Chủ tịch UBND xã" (who answers for it), or "Tổng kết năm 2022",
    alone on a row above the "Tổng" row: it read as the signature block or the total, the annex ended
    there, and the guidance was lost."""
    from cchc_xl.criteria_sets.importer import import_table

    from helpers import find_row

    wb = openpyxl.load_workbook(EXAMPLE)
    ws = wb.worksheets[0]
    ws.delete_cols(4, 2)  # an official table: STT, name, max
    last = find_row(ws, "II", "3")
    ws.insert_rows(last + 1)
    ws.cell(last + 1, 2, guidance)
    path = tmp_path / "phu_luc_chu_tich.xlsx"
    wb.save(path)
    imported = import_table(path, "pl")
    assert len(imported.criteria) == 105 and imported.base_max() == 100
    assert imported.criteria[-1].key == "II.3" and imported.criteria[-1].guidance == guidance


def test_an_annex_with_its_parts_in_lower_case_roman(tmp_path):
    """"i", "ii" for the parts: "i", read as a letter item with nothing above, was skipped, and part
    I went missing from the set (its base max 26 of 100)."""
    from cchc_xl.criteria_sets.importer import import_table

    from helpers import find_row

    wb = openpyxl.load_workbook(EXAMPLE)
    ws = wb.worksheets[0]
    ws.cell(find_row(ws, "I", "I"), 1).value = "i"
    ws.cell(find_row(ws, "II", "II"), 1).value = "ii"
    ws.delete_cols(4, 2)  # an official table: STT, name, max
    path = tmp_path / "la_ma_thuong.xlsx"
    wb.save(path)
    imported = import_table(path, "pl")
    assert [c.key for c in imported.criteria if c.is_part] == ["I", "II"] and imported.base_max() == 100


@pytest.mark.parametrize("period, province, said", [
    ("6 tháng đầu năm 2025", "Hải Dương", True),
    ("Năm 2026", "HẢI DƯƠNG", True),
    ("6 tháng đầu năm 2024", "Hải Dương", False),  # the later set is not yet in force for this period
    ("6 tháng đầu năm 2025", "Hải Phòng", False),  # another province's set says nothing of this one
])
def test_last_years_template_used_after_the_province_reissued_its_set_is_said(tmp_path, home, period, province, said):
    """A commune that keeps last year's workbook after the province issued its new set: the workbook
    follows the 2023 set to the letter, so nothing was said, and the reviewer ranked it on the old
    criteria. With a later set of the same province known, no later than the period, it is a warning."""
    import json

    from helpers import labelled_example

    from cchc_xl.resources import workbook_templates_dir

    data = json.loads((workbook_templates_dir() / "cap_xa_2023.json").read_text(encoding="utf-8"))
    data.update(id="hd_xa_2025", year=2025, province=province,
                title="Bộ chỉ số cải cách hành chính cấp xã tỉnh Hải Dương năm 2025")
    (home / "bo_tieu_chi").mkdir(parents=True)
    # the same criteria reissued: a workbook of 2025 follows the 2025 set as much, and is no old one
    (home / "bo_tieu_chi" / "hd_xa_2025.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    same = check_file(labelled_example(tmp_path, "cung.xlsx", **{"Kỳ đánh giá:": period}))
    in_force = "cap_xa_2023" if "2024" in period else "hd_xa_2025"
    assert same.assessment.criteria_set["id"] == in_force
    assert not [f for f in same.findings if f.code == "newer-criteria-set"]
    # the 2025 set moves half a point from 1.1 to 1.2: the workbook is the 2023 one
    for crit in data["criteria"]:
        if crit["part"] == "I" and crit["code"] in ("1.1", "1.2"):
            crit["max"] += -0.5 if crit["code"] == "1.1" else 0.5
    (home / "bo_tieu_chi" / "hd_xa_2025.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = check_file(labelled_example(tmp_path, "cu.xlsx", **{"Kỳ đánh giá:": period}))
    assert result.assessment.criteria_set["id"] == "cap_xa_2023"
    found = [(f.severity, f.message) for f in result.findings if f.code == "newer-criteria-set"]
    assert found == ([("warning", f"Sổ tính theo bộ tiêu chí năm 2023 (mã cap_xa_2023) nhưng kỳ đánh giá là {period}, "
                                  f"và đã có bộ mới hơn của tỉnh {province}: “Bộ chỉ số cải cách hành chính cấp xã "
                                  "tỉnh Hải Dương năm 2025” (mã hd_xa_2025, năm 2025). Hãy xem bộ nào đang áp dụng; "
                                  "sổ mới theo bộ đó: cchc-xl new --template hd_xa_2025.")] if said else [])


def test_new_for_a_period_after_districts_ended_says_the_set_is_of_the_district_era(tmp_path, home):
    """`new --period "6 tháng đầu năm 2026"` from the 2023 set made a workbook naming "kế hoạch CCHC
    của huyện" without a word; the set of a period before 1/7/2025 says nothing."""
    after = cli("new", "-o", str(tmp_path / "moi.xlsx"), "--unit", "Xã Ngọc Kỳ", "--period", "6 tháng đầu năm 2026")
    assert after.returncode == 0 and (tmp_path / "moi.xlsx").exists()
    lines = after.stdout.splitlines()
    assert lines[0] == f"Đã tạo {tmp_path / 'moi.xlsx'}"
    assert len(lines) == 2 and lines[1].startswith("Chú ý: Tên mục 1.1.2 còn nhắc “kế hoạch CCHC của huyện”")
    before = cli("new", "-o", str(tmp_path / "cu.xlsx"), "--period", "6 tháng đầu năm 2025")
    assert before.returncode == 0 and before.stdout.splitlines() == [f"Đã tạo {tmp_path / 'cu.xlsx'}"]


@pytest.mark.parametrize("period, said", [("Năm 2026", True), ("6 tháng cuối năm 2025", True),
                                          ("6 tháng đầu năm 2025", False)])
def test_the_set_of_the_province_a_merged_one_is_now_in_is_named(tmp_path, home, period, said):
    """A commune of the former Hải Dương, on Hải Dương's 2023 set after 1/7/2025, when Hải Phòng's
    (where Hải Dương now is) later set is known: "another province's set" said nothing."""
    import json

    from helpers import labelled_example

    from cchc_xl.resources import workbook_templates_dir

    data = json.loads((workbook_templates_dir() / "cap_xa_2023.json").read_text(encoding="utf-8"))
    data.update(id="hp_xa_2025", year=2025, province="Hải Phòng", title="Bộ chỉ số CCHC cấp xã thành phố Hải Phòng")
    for crit in data["criteria"]:  # not the 2023 set reissued: half a point moved from 1.1 to 1.2
        if crit["part"] == "I" and crit["code"] in ("1.1", "1.2"):
            crit["max"] += -0.5 if crit["code"] == "1.1" else 0.5
    (home / "bo_tieu_chi").mkdir(parents=True)
    (home / "bo_tieu_chi" / "hp_xa_2025.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = check_file(labelled_example(tmp_path, "cu.xlsx", **{"Kỳ đánh giá:": period}))
    assert result.assessment.criteria_set["id"] == "cap_xa_2023"
    found = [f.message for f in result.findings if f.code == "newer-criteria-set"]
    assert found == ([f"Sổ tính theo bộ tiêu chí năm 2023 (mã cap_xa_2023) nhưng kỳ đánh giá là {period}, và đã có bộ "
                      "mới hơn của thành phố Hải Phòng (tỉnh Hải Dương đã hợp nhất vào đó từ 01/07/2025): “Bộ chỉ số "
                      "CCHC cấp xã thành phố Hải Phòng” (mã hp_xa_2025, năm 2025). Hãy xem bộ nào đang áp dụng; sổ "
                      "mới theo bộ đó: cchc-xl new --template hp_xa_2025."] if said else [])


def test_a_workbook_on_its_provinces_set_of_after_the_reform_is_not_told_of_the_district(tmp_path, home):
    """When the set the workbook follows is the province's own of 2026, its names are the province's
    choice for today: no district-era warning (the body above is still judged)."""
    import json

    from helpers import labelled_example

    from cchc_xl.resources import workbook_templates_dir

    data = json.loads((workbook_templates_dir() / "cap_xa_2023.json").read_text(encoding="utf-8"))
    data.update(id="hd_xa_2026", year=2026, title="Bộ chỉ số CCHC cấp xã năm 2026")
    (home / "bo_tieu_chi").mkdir(parents=True)
    (home / "bo_tieu_chi" / "hd_xa_2026.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = check_file(labelled_example(tmp_path, "xa.xlsx", **{"Kỳ đánh giá:": "6 tháng đầu năm 2026",
                                                                 "Cấp trên:": "huyện Tứ Kỳ", "Nơi nhận:": None}))
    assert result.assessment.criteria_set["id"] == "hd_xa_2026"
    assert [f.cell for f in result.findings if f.code == "district-after-reform"] == ["C5"]
