"""Bulk checking for reviewers: a folder in, one summary workbook out."""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from cchc_xl.api import check_file
from cchc_xl.summarise.bulk import bulk_check

from helpers import (PRINT_OWN_PEAK_MB, EXAMPLE, ROOT, appraise, lettered, bomb_member, damaged_member, edited_example,
                     find_row, labelled_example, saved_by_libreoffice, set_labels, set_labels_in)

sys.path.insert(0, str(ROOT))
from bench.generate import generate  # noqa: E402


def sheet_rows(path, name):
    """A summary sheet as dicts keyed by its header row."""
    ws = openpyxl.load_workbook(path)[name]
    headers = [c.value for c in ws[1]]
    return headers, [dict(zip(headers, [c.value for c in row])) for row in ws.iter_rows(min_row=2)]


@pytest.fixture(scope="module")
def reviewer_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("so_noi_vu")
    generate(folder / "huyen_a", 400, seed=7)
    generate(folder / "huyen_b", 1, seed=8, units=["=2+3"])  # formula injection through a unit name
    data = EXAMPLE.read_bytes()
    (folder / "cut.xlsx").write_bytes(data[: len(data) // 3])  # truncated download
    (folder / "ghi_chu.xlsx").write_text("không phải Excel", encoding="utf-8")
    (folder / "~$xa_0001.xlsx").write_bytes(b"lock")
    (folder / "doc_truoc.txt").write_text("đọc trước", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def summary(reviewer_folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("out") / "tong_hop.xlsx"
    outcome = bulk_check([reviewer_folder], output=out, jobs=2)
    return outcome, out


def test_summary_rows_and_reasons(summary, reviewer_folder):
    outcome, out = summary
    ws = openpyxl.load_workbook(out)["Tổng hợp"]
    _, rows = sheet_rows(out, "Tổng hợp")
    assert len(rows) == 403
    broken = {r["Tệp"]: r["Trạng thái"] for r in rows if r["Trạng thái"].startswith("không đọc được")}
    assert set(broken) == {"cut.xlsx", "ghi_chu.xlsx"}
    assert "hỏng" in broken["cut.xlsx"] and "không phải tệp Excel" in broken["ghi_chu.xlsx"]
    skipped = {Path(p).name: why for p, why in outcome.skipped}
    assert "~$xa_0001.xlsx" in skipped and "doc_truoc.txt" in skipped
    assert ws.freeze_panes == "C2" and ws.auto_filter.ref.startswith("A1:")
    with zipfile.ZipFile(out) as z:
        assert any(n.startswith("xl/charts/chart") for n in z.namelist())  # a native Excel chart


def test_injected_name_stays_text(summary):
    _, out = summary
    ws = openpyxl.load_workbook(out)["Tổng hợp"]
    cell = next(row[1] for row in ws.iter_rows(min_row=2) if row[1].value == "=2+3")
    assert cell.data_type == "s"
    with zipfile.ZipFile(out) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert b"<f>" not in z.read(name), name


def test_ranking_and_criteria_consistent_with_files(summary, reviewer_folder):
    outcome, out = summary
    _, rows = sheet_rows(out, "Tổng hợp")
    totals = {}
    for path in sorted((reviewer_folder / "huyen_a").glob("*.xlsx")):
        result = check_file(path)
        totals[f"huyen_a/{path.name}"] = (result.assessment.totals().self, result.ok)
    for row in rows:
        if row["Tệp"] in totals:
            assert Decimal(str(row["Điểm tự đánh giá"])) == totals[row["Tệp"]][0]
    assert sum(1 for row in rows if row["Tệp"] in totals) == 400
    valid = sorted([v[0] for v in totals.values() if v[1]] + [Decimal(str(r["Điểm tự đánh giá"])) for r in rows
                   if r["Tệp"].startswith("huyen_b") and r["Trạng thái"] == "hợp lệ"], reverse=True)
    for row in rows:
        if row["Trạng thái"] == "hợp lệ":
            expected = 1 + sum(1 for s in valid if s > Decimal(str(row["Điểm tự đánh giá"])))
            assert row["Xếp hạng"] == expected  # ties share a rank
        else:
            assert row["Xếp hạng"] is None
    # per-criterion statistics: recompute one from the files
    _, stat_rows = sheet_rows(out, "Theo tiêu chí")
    target = next(r for r in stat_rows if r["Phần"] == "I" and r["STT"] == "3.5.3")
    scores = []
    for path in sorted(reviewer_folder.glob("huyen_*/*.xlsx")):
        crit = next(c for c in check_file(path).assessment.criteria if c.part == "I" and c.code == "3.5.3")
        scores.append(crit.computed_self())
    mean = (sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.01"))
    assert Decimal(str(target["Điểm trung bình"])) == mean
    assert target["Số đơn vị đạt tối đa"] == sum(1 for s in scores if s == Decimal("0.5"))
    assert target["Số đơn vị dưới tối đa"] == sum(1 for s in scores if s < Decimal("0.5"))
    deductions = [r["Mức trừ trung bình"] or 0 for r in stat_rows]
    assert deductions == sorted(deductions, reverse=True)


def test_a_part_over_survey_criteria_counts_only_its_own_points(tmp_path):
    """Part II: 2 points of documents (II.1), 24 of surveys (II.2, II.3) scored by the province later.
    Its 24 pending points were its "mean deduction", the largest of the batch, at the top of "where
    communes lose points". It counts its own 2 points, whether the survey is scored yet or not."""
    folder = tmp_path / "xa"
    folder.mkdir()
    shutil.copyfile(EXAMPLE, folder / "ngoc_ky.xlsx")

    def lost_one_and_surveyed(ws):
        set_labels(ws, {"Tên đơn vị:": "Xã Tân Kỳ"})
        ws.cell(find_row(ws, "II", "1"), 4).value = 1
        ws.cell(find_row(ws, "II", "2"), 4).value = 12  # the survey's points, entered by the province
        ws.cell(find_row(ws, "II", "3"), 4).value = 9
    edited_example(folder, "tan_ky.xlsx", lost_one_and_surveyed)
    out = tmp_path / "tong_hop.xlsx"
    outcome = bulk_check([folder], output=out, jobs=1, want_json=True)
    headers, rows = sheet_rows(out, "Theo tiêu chí")
    part = next(r for r in rows if r["Phần"] == "II" and r["STT"] == "II")
    assert (part[headers[4]], part["Điểm trung bình"], part["Mức trừ trung bình"]) == (2, 1.5, 0.5)
    assert headers[4] == "Điểm tối đa chính thức (không gồm điểm điều tra)"
    assert not [r for r in rows if r["Phần"] == "II" and r["STT"] in ("2", "3")]
    assert rows[0]["Mức trừ trung bình"] < 24 and rows[0]["STT"] != "II"
    stats = {(s["part"], s["code"]): s for s in outcome.summary_json()["criteria"]}
    assert (stats["II", "II"]["max"], stats["II", "II"]["deduction"]) == (Decimal(2), Decimal("0.5"))


def test_the_console_names_where_communes_lose_most(tmp_path):
    """The reviewer's screen named the ranking only; where communes lose points was in the workbook.
    Three criteria, largest average loss first, none a part, an area, or inside one already named."""
    files = sorted((ROOT / "examples" / "cac_xa").glob("*.xlsx"))
    outcome = bulk_check(files, output=tmp_path / "tong_hop.xlsx", jobs=1)
    lines = outcome.lines()
    start = lines.index("Mất điểm nhiều nhất (xem trang “Theo tiêu chí”):")
    named = lines[start + 1:start + 4]
    official = {c.code: c.effective_max() for c in check_file(EXAMPLE).assessment.criteria if c.part == "I"}
    scores: dict[str, list[Decimal]] = {}
    for path in files:  # every readable workbook counts, by the official max (not an edited one)
        for c in check_file(path).assessment.criteria:
            if c.part == "I" and "." in c.code and c.computed_self() is not None:
                scores.setdefault(c.code, []).append(c.computed_self())
    worst = max(scores, key=lambda code: official[code] - sum(scores[code]) / len(scores[code]))
    assert named[0].startswith(f"  I.{worst} ")
    assert all(line.startswith("  I.") and "trung bình mất" in line and "đơn vị dưới tối đa" in line for line in named)
    codes = [line.split()[0] for line in named]
    assert len(set(codes)) == 3 and not any(a != b and b.startswith(a + ".") for a in codes for b in codes)
    from cchc_xl.summarise.bulk import _short

    assert _short("Kế hoạch\nCCHC  năm") == "Kế hoạch CCHC năm"  # a name typed over two lines: one screen line
    # two periods in one batch: each said apart, under its period (not the same heading twice)
    labelled = labelled_example(tmp_path, "ca_nam.xlsx", **{"Kỳ đánh giá:": "Năm 2023"})
    lines = bulk_check([*files, labelled], output=None, jobs=1).lines()
    assert [line for line in lines if line.startswith("Mất điểm")] == [  # (the latest period first, as ranked)
        "Mất điểm nhiều nhất — Năm 2023 (xem trang “Theo tiêu chí”):",
        "Mất điểm nhiều nhất — 6 tháng đầu năm 2023 (xem trang “Theo tiêu chí”):"]
    from cchc_xl.summarise.bulk import BulkOutcome

    def stat(set_id):  # one criterion of each of two sets, in one period: headed by the set
        return {"set": set_id, "period": "6 tháng đầu năm 2023", "part": "I", "code": "1.1", "name": "Kế hoạch",
                "max": Decimal(2), "deduction": Decimal(1), "below_max": 3}
    lines = BulkOutcome([], [], None, [stat("cap_xa_2023"), stat("hp_xa_2022")]).lines()
    assert [line for line in lines if line.startswith("Mất điểm")] == [
        "Mất điểm nhiều nhất — cap_xa_2023 (xem trang “Theo tiêu chí”):",
        "Mất điểm nhiều nhất — hp_xa_2022 (xem trang “Theo tiêu chí”):"]


def test_details_sheet_lists_every_finding(summary):
    outcome, out = summary
    details = openpyxl.load_workbook(out)["Chi tiết lỗi"]
    count = details.max_row - 1
    assert count == sum(len(r.findings) for r in outcome.records if r.readable) + 2


def lowered_max(ws):
    """3.5.3 scored 0.3 of 0.5: its max lowered to 0.3 and the parents 'adjusted' to hide it."""
    ws.cell(find_row(ws, "I", "3.5.3"), 3).value = 0.3
    ws.cell(find_row(ws, "I", "3.5"), 3).value = 3.8
    ws.cell(find_row(ws, "I", "3"), 3).value = 18.3
    ws.cell(find_row(ws, "I", "I"), 3).value = 73.8
    ws.cell(find_row(ws, "II", "3") + 1, 3).value = 99.8


def deleted_row(ws):
    ws.delete_rows(find_row(ws, "I", "1.5.2"))
    ws.cell(find_row(ws, "I", "1.5"), 3).value = 0.5


def test_against_catches_edited_max_and_deleted_criterion(tmp_path):
    hidden = edited_example(tmp_path, "an_diem.xlsx", lowered_max)
    plain = check_file(hidden)
    assert not any(f.code == "max-sum-mismatch" for f in plain.findings)  # the edit is consistent…
    result = check_file(hidden, against="cap_xa_2023")
    changed = [f for f in result.findings if f.code == "max-changed"]
    first = next(f for f in changed if f.criterion == "3.5.3")
    assert "0,3" in first.message and "0,5" in first.message and first.cell.startswith("C")
    missing = check_file(edited_example(tmp_path, "xoa.xlsx", deleted_row), against="cap_xa_2023")
    hit = [f for f in missing.findings if f.code == "criterion-missing"]
    assert len(hit) == 1 and hit[0].criterion == "1.5.2"


def test_cli_bulk_json_and_exit_code(tmp_path):
    folder = tmp_path / "xa"
    folder.mkdir()
    shutil.copyfile(EXAMPLE, folder / "ngoc_ky.xlsx")

    def another_unit(ws):  # two communes, not one sent twice
        lowered_max(ws)
        ws["C4"] = "Xã An Điền"
    edited_example(folder, "an_diem.xlsx", another_unit)
    out = tmp_path / "th.xlsx"
    proc = subprocess.run([sys.executable, "-m", "cchc_xl", "bulk", str(folder), "-o", str(out), "--against",
                           "cap_xa_2023", "--json", "--jobs", "1"], capture_output=True, text=True, encoding="utf-8")
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)
    assert len(data["workbooks"]) == 2
    by_name = {Path(w["path"]).name: w for w in data["workbooks"]}
    assert by_name["ngoc_ky.xlsx"]["ok"] is True and by_name["an_diem.xlsx"]["ok"] is False
    assert data["summary"]["ranking"] == [{"rank": 1, "unit": "Xã Ngọc Kỳ", "period": "6 tháng đầu năm 2023",
                                           "path": str(folder / "ngoc_ky.xlsx"), "sheet": None, "self": 73.2,
                                           "appraised": None, "ranked_by": "self"}]
    assert out.exists()
    good = subprocess.run([sys.executable, "-m", "cchc_xl", "bulk", str(folder / "ngoc_ky.xlsx"), "-o",
                           str(tmp_path / "one.xlsx")], capture_output=True, text=True, encoding="utf-8")
    assert good.returncode == 0


def test_reports_for_valid_workbooks(tmp_path):
    folder = tmp_path / "xa"
    folder.mkdir()
    shutil.copyfile(EXAMPLE, folder / "ngoc_ky.xlsx")
    edited_example(folder, "sai.xlsx", lambda ws: ws.cell(find_row(ws, "I", "1.2"), 4).__setattr__("value", 9))
    reports = tmp_path / "bao_cao"
    outcome = bulk_check([folder], output=tmp_path / "th.xlsx", reports_dir=reports, jobs=1)
    assert sorted(p.name for p in reports.iterdir()) == ["ngoc_ky_bao_cao.docx"]
    assert {Path(r.path).name: bool(r.report) for r in outcome.records} == {"ngoc_ky.xlsx": True, "sai.xlsx": False}
    # the command says how many reports it wrote, and where (it said nothing of them)
    assert f"Báo cáo Word: 1 báo cáo, trong thư mục {reports}" in outcome.lines()


def test_a_report_not_written_is_said_and_the_file_there_kept(tmp_path):
    """A file of the reviewer's own already has a report's name: it is kept, and the batch says
    which report was not made (it said nothing)."""
    folder = tmp_path / "xa"
    folder.mkdir()
    shutil.copyfile(EXAMPLE, folder / "ngoc_ky.xlsx")
    reports = tmp_path / "bao_cao"
    reports.mkdir()
    theirs = reports / "ngoc_ky_bao_cao.docx"
    theirs.write_bytes(b"ban cua toi")
    proc = subprocess.run([sys.executable, "-m", "cchc_xl", "bulk", str(folder), "-o", str(tmp_path / "th.xlsx"),
                           "--reports", str(reports)], capture_output=True, text=True, encoding="utf-8")
    assert proc.returncode == 0, proc.stderr
    assert theirs.read_bytes() == b"ban cua toi"
    line = next(line for line in proc.stdout.splitlines() if "chưa lập báo cáo" in line)
    assert "ngoc_ky.xlsx" in line and "ngoc_ky_bao_cao.docx đã có" in line and "--reports khác" in line


@pytest.mark.parametrize("jobs", [1, 2])
def test_reports_of_workbooks_with_the_same_name_do_not_replace_each_other(tmp_path, jobs):
    """Two districts' "xa_0001.xlsx" (and a "Xa_0002.xlsx" beside an "xa_0002.xlsx", the same name on
    Windows): each commune's report was written to the one name, the last replacing the others."""
    from docx import Document

    root = tmp_path / "tinh"
    generate(root / "huyen_a", 1, seed=1, units=["Xã An"])
    generate(root / "huyen_b", 2, seed=2, units=["Xã Bình", "Xã Cẩm"])
    shutil.copyfile(root / "huyen_b" / "xa_0002.xlsx", root / "huyen_b" / "Xa_0002.xlsx")
    reports = tmp_path / "bao_cao"

    outcome = bulk_check([root], output=tmp_path / "th.xlsx", reports_dir=reports, jobs=jobs)

    made = {Path(r.path).relative_to(root).as_posix(): Path(r.report).name for r in outcome.records}
    assert made == {"huyen_a/xa_0001.xlsx": "huyen_a_xa_0001_bao_cao.docx",
                    "huyen_b/xa_0001.xlsx": "huyen_b_xa_0001_bao_cao.docx",
                    "huyen_b/Xa_0002.xlsx": "huyen_b_Xa_0002_bao_cao.docx",
                    "huyen_b/xa_0002.xlsx": "huyen_b_xa_0002_bao_cao (2).docx"}
    assert len(list(reports.iterdir())) == 4
    for record in outcome.records:  # each report is its own commune's
        text = "\n".join(p.text for p in Document(record.report).paragraphs)
        assert record.unit.upper() in text.upper(), (record.unit, record.report)


def test_appraised_column_in_summary(tmp_path):
    path = tmp_path / "tham_dinh.xlsx"
    shutil.copy(EXAMPLE, path)
    appraise(path, {"3.5.3": 0.1})  # 0,3 self-assessed
    out = tmp_path / "th.xlsx"
    outcome = bulk_check([path], output=out, jobs=1)
    record = outcome.records[0]
    assert record.self == Decimal("73.2") and record.appraised == Decimal("73.0")
    headers, rows = sheet_rows(out, "Tổng hợp")
    row = rows[0]
    assert "Điểm thẩm định" in headers and row["Điểm thẩm định"] == 73
    assert Decimal(str(row["Chênh lệch (thẩm định - tự đánh giá)"])) == Decimal("-0.2")


def test_demo_runs_the_whole_job(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "cchc_xl", "demo", "-o", str(tmp_path / "demo")], capture_output=True,
                          text=True, encoding="utf-8", timeout=600)
    assert proc.returncode == 0, proc.stderr
    made = {p.name for p in (tmp_path / "demo").iterdir()}
    assert {"ngoc_ky_6thang_2023_da_tinh.xlsx", "bao_cao_ngoc_ky_6thang_2023.docx", "tong_hop.xlsx"} <= made
    assert "73,2/100" in proc.stdout and "Xã Đại Hợp (dai_hop.xlsx): 4 lỗi" in proc.stdout
    ws = openpyxl.load_workbook(tmp_path / "demo" / "ngoc_ky_6thang_2023_da_tinh.xlsx")["Kết quả kiểm tra"]
    assert ws["A1"].value.startswith("KẾT QUẢ KIỂM TRA")


def test_demo_keeps_an_edited_copy_of_the_example(tmp_path):
    """An officer tried the tool on the demo's copy of the example, then ran the demo again: the
    copy was replaced by the bundled one. Now the demo runs in the next free folder."""
    mine = tmp_path / "demo" / "ngoc_ky_6thang_2023.xlsx"
    mine.parent.mkdir()
    edited_example(tmp_path / "demo", mine.name, lambda ws: ws.cell(find_row(ws, "I", "1.2"), 4).__setattr__("value", 9))
    before = mine.read_bytes()
    proc = subprocess.run([sys.executable, "-m", "cchc_xl", "demo", "-o", str(tmp_path / "demo")], capture_output=True,
                          text=True, encoding="utf-8", timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert mine.read_bytes() == before and sorted(p.name for p in (tmp_path / "demo").iterdir()) == [mine.name]
    again = tmp_path / "demo (2)"
    assert f"ví dụ chạy trong {again}" in proc.stdout
    assert (again / mine.name).read_bytes() == EXAMPLE.read_bytes() and (again / "tong_hop.xlsx").is_file()


def test_against_extra_and_renamed_criteria(tmp_path):
    def edit(ws):
        ws.cell(find_row(ws, "I", "1.7"), 2).value = "Thực hiện nhiệm vụ cấp trên giao (đã viết lại)"
        row = find_row(ws, "I", "6.5")
        ws.insert_rows(row + 1)
        ws.cell(row + 1, 1).value = "6.6"
        ws.cell(row + 1, 2).value = "Tiêu chí tự thêm"
        ws.cell(row + 1, 3).value = 0
        ws.cell(row + 1, 4).value = 0
    result = check_file(edited_example(tmp_path, "them.xlsx", edit), against="cap_xa_2023")
    extra = [f for f in result.findings if f.code == "criterion-extra"]
    renamed = [f for f in result.findings if f.code == "name-changed"]
    assert [f.criterion for f in extra] == ["6.6"] and extra[0].cell.startswith("A")
    assert [f.criterion for f in renamed] == ["1.7"] and "đã viết lại" in renamed[0].message
    # spacing and case alone are not a change
    def respace(ws):
        ws.cell(find_row(ws, "I", "1.7"), 2).value = "  THỰC HIỆN các nhiệm vụ được UBND huyện,  Chủ tịch UBND huyện giao "
    same = check_file(edited_example(tmp_path, "space.xlsx", respace), against="cap_xa_2023")
    assert not any(f.code == "name-changed" for f in same.findings)


def test_bulk_works_with_spawned_workers_as_on_windows(tmp_path):
    generate(tmp_path / "xa", 12, seed=3)
    script = (
        "import multiprocessing, sys\n"
        "if __name__ == '__main__':\n"
        "    multiprocessing.set_start_method('spawn')\n"
        "    from cchc_xl.summarise.bulk import bulk_check\n"
        f"    o = bulk_check([{str(tmp_path / 'xa')!r}], output={str(tmp_path / 'th.xlsx')!r}, jobs=2,"
        " against='cap_xa_2023')\n"
        "    print(len(o.records), sum(r.ok for r in o.records))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["12", "12"]


def test_a_reader_panic_does_not_stop_the_batch(tmp_path, monkeypatch):
    """python-calamine reports Rust panics as PanicException, a BaseException: one file, one row."""
    import cchc_xl.read.files as files

    class PanicException(BaseException):
        pass

    real = files._read_calamine

    def flaky(path, maps):
        if "hong" in path:
            raise PanicException("called `Option::unwrap()` on a `None` value")
        return real(path, maps)

    monkeypatch.setattr(files, "_read_calamine", flaky)
    folder = tmp_path / "xa"
    folder.mkdir()
    shutil.copyfile(EXAMPLE, folder / "a_tot.xlsx")
    shutil.copyfile(EXAMPLE, folder / "b_hong.xlsx")
    outcome = bulk_check([folder], output=None, jobs=1)
    status = {Path(r.path).name: r.status for r in outcome.records}
    assert status["a_tot.xlsx"] == "hợp lệ" and status["b_hong.xlsx"].startswith("không đọc được")


def test_a_worker_that_dies_does_not_stop_the_batch(tmp_path, monkeypatch):
    """A file that kills its worker process (as a native crash would) gets its own row."""
    import os

    import cchc_xl.summarise.bulk as bulk

    real = bulk._check_one

    def deadly(path, *args):
        if "chet" in path:
            os._exit(3)
        return real(path, *args)

    monkeypatch.setattr(bulk, "_check_one", deadly)  # forked workers inherit it
    folder = tmp_path / "xa"
    generate(folder, 10, seed=5)
    shutil.copyfile(EXAMPLE, folder / "xa_0005_chet.xlsx")
    outcome = bulk_check([folder], output=tmp_path / "th.xlsx", jobs=2)
    assert len(outcome.records) == 11
    dead = [r for r in outcome.records if "chet" in r.path]
    assert len(dead) == 1 and not dead[0].readable and "dừng đột ngột" in dead[0].error
    assert sum(1 for r in outcome.records if r.ok) == 10


def test_streamed_json_equals_the_library_json(tmp_path):
    """bulk --json writes workbook by workbook; the result is the same document the library builds."""
    import json as _json

    from cchc_xl.resources import examples_dir
    from cchc_xl.summarise.bulk import bulk_check as _bulk

    folder = examples_dir() / "cac_xa"
    proc = subprocess.run([sys.executable, "-m", "cchc_xl", "bulk", str(folder), "-o", str(tmp_path / "a.xlsx"),
                           "--json", "--jobs", "1"], capture_output=True, text=True, encoding="utf-8")
    streamed = _json.loads(proc.stdout)
    whole = _json.loads(_json.dumps(_bulk([folder], output=tmp_path / "b.xlsx", want_json=True, jobs=1).to_json()))
    key = lambda w: w["path"]  # noqa: E731
    assert sorted(streamed["workbooks"], key=key) == sorted(whole["workbooks"], key=key)
    assert streamed["summary"] == whole["summary"] and len(streamed["workbooks"]) == 6


def test_streamed_summary_rows_are_the_records_exactly(tmp_path):
    """The rows that grow with the batch are written as sheet XML and spliced into openpyxl's
    workbook: every value must come back as the record holds it, through two readers, with
    text that could break XML or become a formula kept as inert text."""
    from python_calamine import CalamineWorkbook

    from cchc_xl.rules.catalogue import SEVERITY_VI

    units = ["Xã A & B <C>", "=HYPERLINK(\"http://x\")", "  Xã có\x01 ký tự lạ  ", "Xã \"Ngọc\" Kỳ"]
    generate(tmp_path / "in", len(units), seed=3, units=units)
    out = tmp_path / "tong_hop.xlsx"
    outcome = bulk_check([tmp_path / "in"], output=out, jobs=1)
    book = openpyxl.load_workbook(out)
    calamine = CalamineWorkbook.from_path(str(out))

    detail = [[c.value for c in row] for row in book["Chi tiết lỗi"].iter_rows(min_row=2)]
    expected = []
    for r in outcome.records:
        for f in r.findings:
            expected.append([Path(r.path).name, r.unit, f["sheet"], f["cell"],
                             f"{f['part']} / {f['criterion']}".strip(" /") or None, f["code"],
                             SEVERITY_VI[f["severity"]], f["message"]])
    expected = [[v.replace("\x01", "") if isinstance(v, str) else v for v in row] for row in expected]
    assert detail == expected and len(detail) >= 4
    assert calamine.get_sheet_by_name("Chi tiết lỗi").to_python()[1:] == [[v or "" for v in row] for row in expected]

    headers, rows = sheet_rows(out, "Tổng hợp")
    by_file = {row["Tệp"]: row for row in rows}
    for r in outcome.records:
        row = by_file[Path(r.path).name]
        assert row["Đơn vị"] == r.unit.replace("\x01", "")
        assert Decimal(str(row["Điểm tự đánh giá"])) == r.self and Decimal(str(row["Điểm tối đa"])) == r.max
        assert row["Xếp hạng"] == r.rank and row["Số lỗi"] == r.errors
    assert {row["Đơn vị"] for row in rows} >= {"Xã A & B <C>", "=HYPERLINK(\"http://x\")", "Xã \"Ngọc\" Kỳ"}
    with zipfile.ZipFile(out) as z:
        sheets = b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
    assert b"<f>" not in sheets  # the unit that looks like a formula stays text
    assert len(calamine.get_sheet_by_name("Tổng hợp").to_python()) == len(rows) + 1 == len(outcome.records) + 1
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".~cchc-xl-")] == []


@pytest.mark.parametrize("empty_form", [b"<sheetData></sheetData>", b"<sheetData/>"])
def test_streamed_rows_spliced_into_an_empty_sheet(tmp_path, empty_form):
    """A sheet openpyxl left without rows, in either XML form, receives the streamed rows."""
    from cchc_xl.summarise.workbook import _splice_rows, _XmlRows

    wb = openpyxl.Workbook(write_only=True)
    wb.create_sheet("Trang")
    wb.save(tmp_path / "a.xlsx")
    with zipfile.ZipFile(tmp_path / "a.xlsx") as zin, zipfile.ZipFile(tmp_path / "b.xlsx", "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = data.replace(b"<sheetData></sheetData>", empty_form)
                assert empty_form in data
            zout.writestr(item, data)
    rows = _XmlRows(first_row=1)
    rows.row(["Xã A & B", 1.5, None, "<x>"])
    rows.row([Decimal("2"), "=1+1"])
    _splice_rows(tmp_path / "b.xlsx", tmp_path / "c.xlsx", {"Trang": rows})
    values = [[c.value for c in row] for row in openpyxl.load_workbook(tmp_path / "c.xlsx")["Trang"].iter_rows()]
    assert values == [["Xã A & B", 1.5, None, "<x>"], [2, "=1+1", None, None]]
    assert openpyxl.load_workbook(tmp_path / "c.xlsx")["Trang"]["B2"].data_type == "s"


SNAPSHOT = Path(__file__).parent / "data" / "bulk_outputs.json"


def _snapshot_folder(folder: Path) -> Path:
    """Three communes, the model report, two edited copies (slips of several kinds) and a broken
    download: the same files every time."""
    folder.mkdir()
    for source in sorted((ROOT / "examples" / "cac_xa").glob("*.xlsx"))[:3]:
        shutil.copyfile(source, folder / source.name)
    shutil.copyfile(EXAMPLE, folder / "ngoc_ky_6thang.xlsx")

    def slips(ws):
        ws.cell(find_row(ws, "I", "1.1.1"), 4).value = 3  # over its max
        ws.cell(find_row(ws, "I", "1.3.1"), 4).value = None  # not scored
        ws.cell(find_row(ws, "I", "2.1"), 5).value = "Báo cáo số 12/KH-UBND ngày 31/02/2023"  # type and date
        ws.cell(find_row(ws, "I", "2"), 3).value = 9  # an edited max

    def blanks(ws):
        for code in ("1", "1.1", "1.1.2", "3.2"):  # parents left to the sums, a leaf not scored
            ws.cell(find_row(ws, "I", code), 4).value = None

    edited_example(folder, "sua_diem.xlsx", slips)
    edited_example(folder, "de_trong.xlsx", blanks)
    data = EXAMPLE.read_bytes()
    (folder / "tai_do.xlsx").write_bytes(data[: len(data) // 2])
    # four workbooks of Xã Ngọc Kỳ: the newest stands for it in the ranking; fixed times (noon
    # UTC, a day apart) so the snapshot does not follow the file system's clock
    for day, name in enumerate(sorted(p.name for p in folder.iterdir())):
        os.utime(folder / name, (1_600_000_000 + 86_400 * day,) * 2)
    return folder


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def bulk_outputs(folder: Path, output: Path, jobs: int) -> dict:
    """Everything a batch gives a reviewer, with the folder's path taken out: each workbook's record
    and JSON (findings, totals, criteria), the summary's JSON, and every cell of the summary."""
    outcome = bulk_check([folder], output=output, jobs=jobs, want_json=True)
    for record in outcome.records:  # the criteria's texts as digests: any change shows, the file stays small
        for criterion in (record.json or {}).get("criteria", []):
            for key in ("name", "explanation"):
                criterion[key] = hashlib.sha1(criterion[key].encode("utf-8")).hexdigest()[:12]
    text = json.dumps({
        "records": [{k: _plain(v) for k, v in vars(r).items()} for r in outcome.records],
        "summary": outcome.summary_json(),
        "cells": {ws.title: [[_plain(v) for v in row] for row in ws.iter_rows(values_only=True)]
                  for ws in openpyxl.load_workbook(output).worksheets},
    }, ensure_ascii=False, default=_plain, sort_keys=True)
    return json.loads(text.replace(json.dumps(str(folder))[1:-1], "<thư mục>"))


def _snapshot_text(value, depth: int = 0) -> str:
    """JSON with one record, finding or sheet row per line: small, and its diffs readable."""
    if depth < 3 and isinstance(value, dict):
        items = [f"{json.dumps(k, ensure_ascii=False)}: {_snapshot_text(v, depth + 1)}" for k, v in sorted(value.items())]
        return "{\n" + ",\n".join(items) + "\n}"
    if depth < 3 and isinstance(value, list) and value:
        return "[\n" + ",\n".join(json.dumps(v, ensure_ascii=False, sort_keys=True) for v in value) + "\n]"
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@pytest.mark.parametrize("jobs", [1, 2])
def test_bulk_outputs_are_the_recorded_ones(tmp_path, jobs, monkeypatch):
    """Speed work must not change a single output: the records, findings, JSON and summary cells
    of a fixed folder equal the reviewed snapshot in tests/data (after a deliberate change to an
    output, rewrite it with CCHC_XL_WRITE_SNAPSHOT=1 and review its diff)."""
    import time

    monkeypatch.setenv("CCHC_XL_HOME", str(tmp_path / "home"))  # the bundled sets only, on any machine
    monkeypatch.setenv("TZ", "UTC")  # "Sửa lúc" of the files is shown in local time
    time.tzset()
    try:
        outputs = bulk_outputs(_snapshot_folder(tmp_path / "xa"), tmp_path / "tong_hop.xlsx", jobs)
    finally:
        monkeypatch.undo()
        time.tzset()
    if os.environ.get("CCHC_XL_WRITE_SNAPSHOT") == "1" and jobs == 1:
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(_snapshot_text(outputs) + "\n", encoding="utf-8")
    recorded = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert len(outputs["records"]) == 7 and sum(not r["readable"] for r in outputs["records"]) == 1
    for ours, theirs in zip(outputs["records"], recorded["records"]):
        assert ours == theirs, Path(ours["path"]).name
    assert outputs["summary"] == recorded["summary"]
    for sheet, rows in recorded["cells"].items():
        assert outputs["cells"][sheet] == rows, sheet
    assert outputs == recorded


@pytest.mark.parametrize("count,jobs", [(1, 2), (7, 2), (100, 2), (404, 2), (1000, 4), (3000, 16)])
def test_chunks_cover_every_file_once_in_order_with_a_fine_last_round(count, jobs):
    from cchc_xl.summarise.bulk import _chunks

    tasks = [f"xa_{i}.xlsx" for i in range(count)]
    chunks = _chunks(tasks, jobs)
    assert [t for chunk in chunks for t in chunk] == tasks and all(chunks)
    largest = max(map(len, chunks))
    if largest > 3:  # the last round is cut finer, so no worker waits long for the others
        assert max(len(c) for c in chunks[-jobs:]) <= largest // 4


def test_earlier_summaries_found_by_the_workers_are_skipped_as_before(tmp_path):
    """The workers, not the walk, open each file to tell an earlier summary from a commune. The
    batch still gives what collecting them up front gives (collect_paths): the same communes,
    the same skipped list in the same order, and names relative to the communes' own folder."""
    from cchc_xl.summarise.bulk import SUMMARY_REASON, collect_paths
    from cchc_xl.summarise.workbook import display_names

    top = tmp_path / "tinh"
    communes = top / "huyen_a"
    generate(communes, 9, seed=7)
    bulk_check([communes], output=top / "tong_hop_cu.xlsx", jobs=1)  # an earlier run, above the communes
    (communes / "~$xa_0002.xlsx").write_bytes(b"lock")
    with zipfile.ZipFile(top / "tong_hop_cu.xlsx") as source, \
            zipfile.ZipFile(communes / "th_khong_dau.xlsx", "w", zipfile.ZIP_DEFLATED) as unmarked:
        for item in source.infolist():  # an older summary, without the mark: known by its sheets
            unmarked.writestr(item, source.read(item.filename).replace(b"cchc-xl:tong-hop", b""))
    (communes / "lien_ket.xlsx").symlink_to(communes / "th_khong_dau.xlsx")  # two ways to one summary
    inputs = [communes, top / "tong_hop_cu.xlsx"]  # as first listed, names would start at "tinh"
    output = tmp_path / "tong_hop.xlsx"

    outcome = bulk_check(inputs, output=output, jobs=2)

    files, skipped = collect_paths(inputs, exclude=[output])
    assert [r.path for r in outcome.records] == [str(p) for p in files] and len(files) == 9
    assert outcome.skipped == skipped
    reasons = {Path(p).name: why for p, why in skipped}
    assert [name for name, why in reasons.items() if why == SUMMARY_REASON] == \
        ["lien_ket.xlsx", "th_khong_dau.xlsx", "tong_hop_cu.xlsx"]
    named = {row[0] for row in openpyxl.load_workbook(output)["Chi tiết lỗi"].iter_rows(min_row=2, values_only=True)}
    assert named and named <= set(display_names([str(p) for p in files]).values())
    assert not any(name.startswith("huyen_a") for name in named)  # not relative to the summary's folder


@pytest.mark.parametrize("how", ["deflate", "method", "encrypted"])
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_damaged_core_properties_part_does_not_stop_the_batch(tmp_path, jobs, how):
    """Telling an earlier summary reads docProps/core.xml; a damaged deflate stream there (which
    zipfile reports as zlib.error) once stopped the whole batch with a traceback, and a compression
    method or zip password no Office writes made the file "lỗi khi đọc (RuntimeError)". Now that
    file is checked like any other, as `check` does: its table is intact."""
    folder = tmp_path / "xa"
    generate(folder, 3, seed=11)
    damaged_member(EXAMPLE, folder / "hong_core.xlsx", "docProps/core.xml", how)
    with pytest.raises((zipfile.zlib.error, RuntimeError)), zipfile.ZipFile(folder / "hong_core.xlsx") as damaged:
        damaged.read("docProps/core.xml")  # the damage is real

    outcome = bulk_check([folder], output=tmp_path / "tong_hop.xlsx", jobs=jobs)

    status = {Path(r.path).name: r.status for r in outcome.records}
    assert len(status) == 4 and status["hong_core.xlsx"] == "hợp lệ"
    assert not outcome.skipped


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_part_that_cannot_be_inflated_is_named_in_the_batch(tmp_path, jobs):
    """Damage in a part every reader needs: one Vietnamese reason naming the part, not "lỗi khi
    đọc (error)", and the rest of the batch checked."""
    folder = tmp_path / "xa"
    generate(folder, 2, seed=12)
    damaged_member(EXAMPLE, folder / "hong_workbook.xlsx", "xl/workbook.xml", "deflate")
    damaged_member(EXAMPLE, folder / "la_rels.xlsx", "xl/_rels/workbook.xml.rels", "method")

    outcome = bulk_check([folder], output=tmp_path / "tong_hop.xlsx", jobs=jobs)

    errors = {Path(r.path).name: r.error for r in outcome.records if not r.readable}
    assert errors == {
        "hong_workbook.xlsx": "tệp bị hỏng hoặc chưa tải về hết (phần “xl/workbook.xml” không giải nén được)",
        "la_rels.xlsx": "phần “xl/_rels/workbook.xml.rels” của tệp được nén hoặc đặt mật khẩu theo cách Excel "
                        "không dùng: hãy mở tệp bằng Excel rồi lưu lại",
    }
    assert sum(r.readable for r in outcome.records) == 2


PEAK_OF_A_BATCH = """
import resource, sys
from cchc_xl.summarise.bulk import bulk_check
outcome = bulk_check([sys.argv[1]], output=sys.argv[2], jobs=1)
""" + PRINT_OWN_PEAK_MB + """
for record in outcome.records:
    print(record.error)
"""


@pytest.mark.parametrize("member", ["docProps/core.xml", "xl/workbook.xml"])
def test_a_zip_bomb_in_a_part_read_before_the_checks_is_not_inflated(tmp_path, member):
    """Whether a file is an earlier summary is asked before the zip-bomb checks: it reads only the
    first 64 KB of these parts. It once inflated them whole: 1.25 GB for a 625 KB file."""
    folder = tmp_path / "xa"
    folder.mkdir()
    bomb = bomb_member(EXAMPLE, folder / "bom.xlsx", member, 400)
    assert bomb.stat().st_size < 2_000_000

    proc = subprocess.run([sys.executable, "-c", PEAK_OF_A_BATCH, str(folder), str(tmp_path / "tong_hop.xlsx")],
                          capture_output=True, text=True, encoding="utf-8", timeout=120)

    assert proc.returncode == 0, proc.stderr
    peak, reason = proc.stdout.splitlines()
    assert f"phần “{member}” bung ra 400 MB (nghi là “zip bomb”)" in reason
    assert int(peak) < 250  # MB; whole it would be over 400


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_folder_of_earlier_summaries_only_is_said_plainly(tmp_path, jobs):
    """Found to be summaries only by the workers, the folder still gives the one-line error, and
    neither a summary nor an empty reports folder is left behind."""
    from cchc_xl.errors import CchcError

    communes = tmp_path / "xa"
    generate(communes, 2, seed=4)
    old = tmp_path / "cu"
    old.mkdir()
    bulk_check([communes], output=old / "tong_hop_1.xlsx", jobs=1)
    shutil.copyfile(old / "tong_hop_1.xlsx", old / "tong_hop_2.xlsx")
    with pytest.raises(CchcError, match="không tìm thấy sổ tính"):
        bulk_check([old], output=tmp_path / "moi.xlsx", jobs=jobs, reports_dir=tmp_path / "bao_cao")
    assert not (tmp_path / "moi.xlsx").exists() and not (tmp_path / "bao_cao").exists()
    assert sorted(p.name for p in old.iterdir()) == ["tong_hop_1.xlsx", "tong_hop_2.xlsx"]


def test_this_runs_summary_is_told_by_its_real_path_not_by_its_inode(tmp_path):
    """Re-running into the folder: the summary and a link to it are "this run's summary"; a hard link
    (same inode, another path) is an earlier summary, as before the walk compared inodes first."""
    folder = tmp_path / "xa"
    generate(folder, 2, seed=6)
    output = folder / "tong_hop.xlsx"
    bulk_check([folder], output=output, jobs=1)
    (folder / "lien_ket.xlsx").symlink_to(output)
    os.link(output, folder / "cung_tep.xlsx")

    outcome = bulk_check([folder], output=output, jobs=2, overwrite=True)

    reasons = {Path(p).name: why for p, why in outcome.skipped}
    assert reasons == {"cung_tep.xlsx": "sổ tổng hợp do cchc-xl lập (không phải sổ của xã)",
                       "lien_ket.xlsx": "sổ tổng hợp của lần chạy này",
                       "tong_hop.xlsx": "sổ tổng hợp của lần chạy này"}
    assert len(outcome.records) == 2


def test_a_file_system_without_file_numbers_does_not_merge_the_files(tmp_path, monkeypatch):
    """Some network shares and FAT drives on Windows give every file st_ino 0; read as an identity,
    every file after the first would be skipped as "the same file" as the first."""
    import cchc_xl.summarise.bulk as bulk

    def unnumbered(status):
        return os.stat_result((status.st_mode, 0, status.st_dev, status.st_nlink, status.st_uid, status.st_gid,
                               status.st_size, status.st_atime, status.st_mtime, status.st_ctime))

    class NoFileNumbers:  # the os module as such a file system shows it
        def __getattr__(self, name):
            return getattr(os, name)

        def stat(self, path, *args, **kwargs):
            return unnumbered(os.stat(path, *args, **kwargs))

        def lstat(self, path, *args, **kwargs):
            return unnumbered(os.lstat(path, *args, **kwargs))

    folder = tmp_path / "xa"
    generate(folder, 3, seed=12)
    monkeypatch.setattr(bulk, "os", NoFileNumbers())
    assert bulk.os.stat(folder / "xa_0001.xlsx").st_ino == 0
    outcome = bulk_check([folder, folder / "xa_0002.xlsx"], output=tmp_path / "tong_hop.xlsx", jobs=1)
    assert sorted(Path(r.path).name for r in outcome.records) == ["xa_0001.xlsx", "xa_0002.xlsx", "xa_0003.xlsx"]
    assert not outcome.skipped  # (the second path to xa_0002 is the same Path: read once without a file number)


def test_the_pool_is_bounded_whatever_jobs_asks(tmp_path):
    """"--jobs 100000" forked until the machine stalled; 0 or -3 meant one process, silently."""
    from cchc_xl.summarise.bulk import available_cores, pool_size

    cores = available_cores()
    assert pool_size(None) == min(cores, 61) and pool_size(1) == 1
    assert pool_size(100_000) == min(4 * cores, 61)
    folder = tmp_path / "xa"
    generate(folder, 3, seed=4)
    proc = subprocess.run([sys.executable, "-m", "cchc_xl", "bulk", str(folder), "-o", str(tmp_path / "th.xlsx"),
                           "--jobs", "100000"], capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert proc.returncode == 0 and "Đã kiểm tra 3 sổ tính" in proc.stdout, proc.stderr
    for wrong in ("0", "-3", "hai"):
        proc = subprocess.run([sys.executable, "-m", "cchc_xl", "bulk", str(folder), "--jobs", wrong],
                              capture_output=True, text=True, encoding="utf-8", timeout=60)
        assert proc.returncode == 2 and f"“{wrong}” không phải số nguyên dương" in proc.stderr


def test_names_of_workbooks_on_two_windows_drives(monkeypatch):
    """bulk C:\\xa D:\\xa on Windows: the folders share no common one, and os.path.commonpath raised
    ValueError ("Paths don't have the same drive"). They are shown whole instead."""
    import ntpath
    import types

    import cchc_xl.summarise.workbook as workbook

    monkeypatch.setattr(workbook, "os", types.SimpleNamespace(path=ntpath, sep="\\"))
    paths = ["C:\\huyen\\xa_1.xlsx", "D:\\huyen\\xa_1.xlsx"]
    assert workbook.display_names(paths) == {p: p for p in paths}


def test_report_names_are_file_names_whatever_the_folders(tmp_path):
    """Folders told apart by a name Windows cannot hold in a file name ("a:b", as a whole path
    shown with its drive "C:" would be) give report names without it."""
    from cchc_xl.summarise.bulk import report_names

    paths = [str(tmp_path / "a:b" / "xa_1.xlsx"), str(tmp_path / "c" / "xa_1.xlsx")]
    assert report_names(paths) == {paths[0]: "a_b_xa_1_bao_cao.docx", paths[1]: "c_xa_1_bao_cao.docx"}


def test_the_summary_does_not_load_numpy_for_openpyxl(tmp_path):
    """openpyxl imports numpy whenever it is installed (~150 ms of the main process's CPU while the
    workers check); cchc-xl's own openpyxl goes without it, and numpy still loads when asked later.
    A stand-in numpy on the path says when it is imported."""
    fake = tmp_path / "site" / "numpy"
    fake.mkdir(parents=True)
    names = ["short", "ushort", "intc", "uintc", "int_", "uint", "longlong", "ulonglong", "half", "float16",
             "single", "double", "longdouble", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
             "uint64", "intp", "uintp", "float32", "float64", "bool_", "floating", "integer"]
    (fake / "__init__.py").write_text("import sys\nsys.stderr.write('NUMPY-LOADED\\n')\n"
                                      + "".join(f"class {name}: pass\n" for name in names))
    folder = tmp_path / "xa"
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / "xa_a.xlsx")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path / "site"), str(ROOT)])}
    plain = subprocess.run([sys.executable, "-c", "import openpyxl"], capture_output=True, text=True, env=env)
    assert "NUMPY-LOADED" in plain.stderr  # the stand-in is what openpyxl finds
    script = ("import sys; from cchc_xl.summarise.bulk import bulk_check\n"
              f"bulk_check([{str(folder)!r}], output={str(tmp_path / 'tong_hop.xlsx')!r}, jobs=1)\n"
              "print('numpy' in sys.modules)\n"
              "import openpyxl.compat.numbers as n; print(n.NUMPY)\n"
              "import numpy; print('later', numpy.__name__)\n")
    ours = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert ours.returncode == 0, ours.stderr
    assert ours.stdout.split("\n")[:3] == ["False", "False", "later numpy"]
    assert ours.stderr.count("NUMPY-LOADED") == 1  # by the script's own import, at the end
    assert openpyxl.load_workbook(tmp_path / "tong_hop.xlsx")["Tổng hợp"]["B2"].value


def test_a_folder_is_listed_in_the_order_of_its_sorted_paths(tmp_path):
    """bulk lists a folder with os.scandir (pathlib's walk cost ~10 ms per 400 files before any
    worker started): the files, skipped entries and their order are those of sorted(rglob("*")),
    names that sort differently as text than as paths ("a b" / "a-b" / "a"), a link to a folder
    listed but not entered, a broken link said."""
    from cchc_xl.summarise.bulk import _listing, collect_paths

    names = ["a b/x.xlsx", "a/x.xlsx", "a/b/c.xlsx", "A/y.xlsx", "a-b/z.xlsx", "a.b/q.xlsx", "b.xlsx",
             "a/b.xlsx/k.xlsx", "Z.xlsx", ".an/x.xlsx", "é/u.xlsx", "e/u.xlsx", "a/b/ghi_chu.txt"]
    data = EXAMPLE.read_bytes()
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    os.symlink(tmp_path / "a", tmp_path / "lien_ket_a")
    os.symlink(tmp_path / "khong_con", tmp_path / "hong.xlsx")
    listed = [Path(p) for p in _listing(tmp_path)]
    assert listed == sorted(tmp_path.rglob("*"))
    assert listed.index(tmp_path / "a" / "b" / "c.xlsx") < listed.index(tmp_path / "a b")  # "a/…" before "a b"
    assert tmp_path / "lien_ket_a" in listed and tmp_path / "lien_ket_a" / "x.xlsx" not in listed
    files, skipped = collect_paths([tmp_path])
    assert [p.relative_to(tmp_path).as_posix() for p in files] == [
        ".an/x.xlsx", "A/y.xlsx", "Z.xlsx", "a/b/c.xlsx", "a/b.xlsx/k.xlsx", "a/x.xlsx", "a b/x.xlsx", "a-b/z.xlsx", "a.b/q.xlsx",
        "b.xlsx", "e/u.xlsx", "é/u.xlsx"]
    reasons = {Path(p).relative_to(tmp_path).as_posix(): why for p, why in skipped}
    assert "liên kết hỏng" in reasons["hong.xlsx"] and "là thư mục" in reasons["a/b.xlsx"]
    assert reasons["a/b/ghi_chu.txt"] == "không phải sổ tính Excel"


def test_criteria_statistics_are_the_same_in_any_number_of_processes(summary, reviewer_folder):
    """Each worker describes a criterion (set, part, name, official max) only in the first chunk it
    sends with it: whatever the number of processes, and so whichever chunks each one takes, the
    statistics per criterion are those of a batch checked in one process."""
    outcome, _ = summary  # 2 processes
    one = bulk_check([reviewer_folder], output=None, jobs=1)
    three = bulk_check([reviewer_folder], output=None, jobs=3)
    assert len(one.criteria_stats) > 100
    assert one.criteria_stats == outcome.criteria_stats == three.criteria_stats
    first = next(s for s in one.criteria_stats if s["code"] == "3.5.3")
    assert first["name"] and first["max"] > 0 and first["full"] + first["below_max"] + first["unscored"] == 401


def test_summary_rows_made_on_arrival_follow_columns_a_later_workbook_adds(tmp_path):
    """The summary sheet's rows are made as results arrive, before the batch's columns are all
    known: a workbook that brings an area, an appraisal or a percent later makes the earlier rows
    again, with every value under its own header, and the rank is added at the end."""
    from cchc_xl.summarise.bulk import BulkOutcome, UnitRecord, rank
    from cchc_xl.summarise.workbook import write_summary

    d = Decimal
    records = [
        UnitRecord("/x/a.xlsx", True, True, unit="Xã A", max=d(100), self=d("80.5"), pending=d(0),
                   areas={"I": d(40)}),
        UnitRecord("/x/b.xlsx", False, False, error="tệp bị hỏng"),
        UnitRecord("/x/c.xlsx", True, True, unit="Xã C", max=d(100), self=d("91.25"), pending=d(2),
                   areas={"I": d(45), "II": d("46.25")}, appraised=d(90), percent=d("91.3")),
        UnitRecord("/x/e.xlsx", True, False, unit="Xã E", max=d(100), self=d(70), pending=d(0),
                   areas={"II": d(30), "III": d(40)}, errors=2, warnings=1),
    ]
    rank(records)
    out = write_summary(BulkOutcome(records, [], None, []), tmp_path / "tong_hop.xlsx")
    headers, rows = sheet_rows(out, "Tổng hợp")
    assert headers[-9:] == ["Lĩnh vực I", "Lĩnh vực II", "Lĩnh vực III", "Điểm thẩm định",
                            "Chênh lệch (thẩm định - tự đánh giá)", "Số lỗi", "Số cảnh báo", "Trạng thái", "Xếp hạng"]
    assert "Tỷ lệ (%)" in headers
    by_unit = {row["Tệp"]: row for row in rows}
    a, b, c, e = (by_unit[n] for n in ("a.xlsx", "b.xlsx", "c.xlsx", "e.xlsx"))
    assert (a["STT"], a["Lĩnh vực I"], a["Lĩnh vực II"], a["Điểm thẩm định"], a["Tỷ lệ (%)"]) == (1, 40, None, None, None)
    assert (a["Điểm tự đánh giá"], a["Trạng thái"], a["Xếp hạng"]) == (80.5, "hợp lệ", 2)
    assert (b["STT"], b["Trạng thái"], b["Xếp hạng"], b["Số lỗi"]) == (2, "không đọc được: tệp bị hỏng", None, None)
    assert (c["Lĩnh vực II"], c["Điểm thẩm định"], c["Chênh lệch (thẩm định - tự đánh giá)"]) == (46.25, 90, -1.25)
    assert (c["Tỷ lệ (%)"], c["Xếp hạng"]) == (91.3, 1)
    assert (e["Lĩnh vực I"], e["Lĩnh vực III"], e["Số lỗi"], e["Số cảnh báo"], e["Xếp hạng"]) == (None, 40, 2, 1, None)


def test_excel_style_workbooks_read_as_their_inline_twins(tmp_path):
    """The bench's Excel-style folder (texts in a shared-strings part, as Excel saves them) holds the
    same workbooks as the inline one: both readers give the same result for each, and the texts
    really moved (an unknown shared string would be a blank cell, no longer its unit)."""
    inline = generate(tmp_path / "inline", 3, seed=9, units=["Xã A & B", "Phường Đông", "Xã <Tây>"])
    shared = generate(tmp_path / "excel", 3, seed=9, units=["Xã A & B", "Phường Đông", "Xã <Tây>"],
                      shared_strings=True)
    for one, twin, unit in zip(inline, shared, ["Xã A & B", "Phường Đông", "Xã <Tây>"]):
        with zipfile.ZipFile(twin) as archive:
            sheet = archive.read("xl/worksheets/sheet1.xml")
            assert b"inlineStr" not in sheet and b't="s"' in sheet
            assert unit.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").encode() in \
                archive.read("xl/sharedStrings.xml")
        for engine in ("calamine", "openpyxl"):
            a, b = check_file(one, engine=engine).to_json(), check_file(twin, engine=engine).to_json()
            assert a.pop("path") != b.pop("path") and a == b, engine
            assert b["meta"]["Tên đơn vị"] == unit and b["findings"], engine


def test_other_office_files_a_commune_may_send_are_named_with_how_to_save_them(tmp_path):
    """A commune's sheet saved from LibreOffice (.ods) or as Excel's binary .xlsb was left aside as
    "không phải sổ tính Excel" (the commune missing from the ranking without a row); a Word file
    renamed .xlsx was "thiếu xl/workbook.xml". Each is now a row the reviewer can act on. (An .ods
    is now read; this one's content is no spreadsheet.)"""
    import zipfile

    folder = tmp_path / "huyen"
    folder.mkdir()
    shutil.copyfile(EXAMPLE, folder / "xa_a.xlsx")
    with zipfile.ZipFile(folder / "xa_b.ods", "w") as ods:  # as LibreOffice writes one: mimetype first, stored
        ods.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        ods.writestr("content.xml", "<office:document-content/>")
        ods.writestr("META-INF/manifest.xml", "<manifest/>")
    with zipfile.ZipFile(folder / "xa_c.xlsb", "w") as xlsb:
        xlsb.writestr("[Content_Types].xml", "<Types/>")
        xlsb.writestr("xl/workbook.bin", b"\x83\x01\x00")
    with zipfile.ZipFile(folder / "xa_d.xlsx", "w") as word:
        word.writestr("[Content_Types].xml", "<Types/>")
        word.writestr("word/document.xml", "<w:document/>")
    outcome = bulk_check([folder], output=tmp_path / "tong_hop.xlsx", jobs=1)
    errors = {Path(r.path).name: r.error for r in outcome.records if not r.readable}
    save_again = "hãy mở bằng Excel hoặc LibreOffice rồi lưu lại dạng .xlsx"
    assert errors == {
        "xa_b.ods": "bảng tính .ods bị hỏng, không đọc được nội dung",  # (a real one is read: test_read_only_formats)
        "xa_c.xlsb": f"đây là sổ tính Excel dạng nhị phân (.xlsb): {save_again}",
        "xa_d.xlsx": "đây là tệp Word (.docx), không phải sổ tính Excel",
    }
    assert [r.unit for r in outcome.records if r.ok] == ["Xã Ngọc Kỳ"] and not outcome.skipped
    _, rows = sheet_rows(tmp_path / "tong_hop.xlsx", "Tổng hợp")
    assert len(rows) == 4  # a row for each, the reviewer sees who must send again


def test_a_unit_sent_twice_is_ranked_once_and_named(tmp_path):
    """A corrected copy sent again ("ngoc_ky (1).xlsx"): the unit was ranked twice, pushing the
    others down. Now the newest file stands for it; the batch says so in every output."""
    folder = tmp_path / "nhan"
    shutil.copytree(ROOT / "examples" / "cac_xa", folder)
    again = folder / "ngoc_ky (1).xlsx"
    shutil.copy(folder / "ngoc_ky.xlsx", again)
    os.utime(folder / "ngoc_ky.xlsx", (1_600_000_000, 1_600_000_000))  # the first one sent, older
    out = tmp_path / "tong_hop.xlsx"
    proc = subprocess.run([sys.executable, "-m", "cchc_xl", "bulk", str(folder), "-o", str(out), "--jobs", "2"],
                          capture_output=True, text=True, encoding="utf-8")
    assert proc.returncode == 1, proc.stderr  # two of the six communes have errors, as before
    assert ("⚠ Xã Ngọc Kỳ (6 tháng đầu năm 2023) có 2 sổ: ngoc_ky (1).xlsx, ngoc_ky.xlsx — chỉ tệp sửa sau cùng, "
            "ngoc_ky (1).xlsx, được xếp hạng và tính vào thống kê theo tiêu chí; tệp kia không.") in proc.stdout
    ranking = [line.strip() for line in proc.stdout.splitlines() if line.strip()[:2] in ("1.", "2.", "3.", "4.")]
    assert ranking == ["1. Xã Quang Phục — 74,65 điểm", "2. Xã Ngọc Kỳ — 73,2 điểm", "2. Xã Nguyên Giáp — 73,2 điểm",
                       "4. Xã Hà Kỳ — 72,3 điểm"]
    book = openpyxl.load_workbook(out)
    ranks = {row[4]: row[-1] for row in book["Tổng hợp"].iter_rows(min_row=2, values_only=True) if row[4]}
    assert ranks["ngoc_ky (1).xlsx"] == 2 and ranks["ngoc_ky.xlsx"] == "trùng"
    listed = list(book["Đơn vị nhiều sổ"].iter_rows(values_only=True))
    assert [(r[2], r[6]) for r in listed[1:]] == [("ngoc_ky (1).xlsx", 2), ("ngoc_ky.xlsx", "không")]
    assert listed[2][3].startswith("13/09/2020")  # when the older one was last saved, as the reviewer's clock says
    # each copy opens from its row, to compare them (a sheet with no chart: its relationships made for the links)
    twice = book["Đơn vị nhiều sổ"]
    assert [twice.cell(row, 3).hyperlink.target for row in (2, 3)] == ["nhan/ngoc_ky%20(1).xlsx", "nhan/ngoc_ky.xlsx"]
    with zipfile.ZipFile(out) as package:
        rels = [name for name in package.namelist() if name.startswith("xl/worksheets/_rels/")]
        made = [name for name in rels if b"drawing" not in package.read(name)]  # (no chart on these sheets)
        assert any(b'Target="nhan/ngoc_ky%20(1).xlsx" TargetMode="External"' in package.read(name) for name in made)
    summary = bulk_check([folder], output=None, jobs=1).summary_json()
    assert summary["duplicates"] == [{"unit": "Xã Ngọc Kỳ", "period": "6 tháng đầu năm 2023",
                                      "ranked": str(again), "not_ranked": [str(folder / "ngoc_ky.xlsx")]}]
    assert [r["rank"] for r in summary["ranking"]] == [1, 2, 2, 4]


def test_a_unit_sent_twice_counts_once_in_the_criteria_statistics(tmp_path):
    """The older copy of a unit's workbook (here scored lower on 1.1.1) was counted in "Theo tiêu
    chí" beside the newer one: the statistics now equal those of the folder without it."""
    folder = tmp_path / "nhan"
    shutil.copytree(ROOT / "examples" / "cac_xa", folder)
    older = folder / "ngoc_ky (cũ).xlsx"
    wb = openpyxl.load_workbook(folder / "ngoc_ky.xlsx")
    ws = wb.worksheets[0]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "1.1.1")
    ws.cell(row, 4).value = 0
    wb.save(older)
    os.utime(older, (1_600_000_000, 1_600_000_000))
    alone = tmp_path / "cu"
    alone.mkdir()
    shutil.copy(older, alone / older.name)

    def criterion(summary, code="1.1.1"):
        return next(s for s in summary["criteria"] if s["code"] == code)
    with_copy = bulk_check([folder], output=tmp_path / "tong_hop.xlsx", jobs=2)
    assert [Path(r.path).name for r in with_copy.duplicates[0]] == ["ngoc_ky.xlsx", "ngoc_ky (cũ).xlsx"]
    assert criterion(bulk_check([alone], output=None, jobs=1).summary_json())["min"] == 0  # what it would add
    older.unlink()
    without = bulk_check([folder], output=None, jobs=1).summary_json()
    assert with_copy.summary_json()["criteria"] == without["criteria"]
    assert criterion(without)["min"] == 0.5 and criterion(without)["full"] == 6
    _, rows = sheet_rows(tmp_path / "tong_hop.xlsx", "Theo tiêu chí")
    assert openpyxl.load_workbook(tmp_path / "tong_hop.xlsx")["Theo tiêu chí"].auto_filter.ref == \
        f"A1:K{len(rows) + 1}"  # one period: 11 columns
    row = next(r for r in rows if r["STT"] == "1.1.1")
    # lowest, reached the max, below it: the copy not counted
    assert (row["Điểm thấp nhất"], row["Số đơn vị đạt tối đa"], row["Số đơn vị dưới tối đa"]) == (0.5, 6, 0)
    assert any("được xếp hạng và tính vào thống kê theo tiêu chí; tệp kia không." in line
               for line in with_copy.lines())


def test_each_period_is_ranked_on_its_own(tmp_path):
    """A year's workbook in a folder of 6-month ones was ranked among them. Spellings of one
    period ("Sáu tháng đầu năm 2023") rank together."""
    folder = tmp_path / "nhan"
    shutil.copytree(ROOT / "examples" / "cac_xa", folder)

    set_labels_in(folder / "ha_ky.xlsx", {"Kỳ đánh giá:": "Năm 2022"})
    set_labels_in(folder / "nguyen_giap.xlsx", {"Kỳ đánh giá:": "Sáu tháng đầu năm 2023"})
    out = tmp_path / "tong_hop.xlsx"
    outcome = bulk_check([folder], output=out, jobs=2)
    lines = outcome.lines()
    assert "  ⚠ Các sổ thuộc 2 kỳ đánh giá khác nhau: xếp hạng và thống kê theo tiêu chí riêng từng kỳ." in lines
    first = lines.index("Xếp hạng — 6 tháng đầu năm 2023 (chỉ các sổ hợp lệ):")
    assert lines[first + 1:first + 4] == ["    1. Xã Quang Phục — 74,65 điểm", "    2. Xã Ngọc Kỳ — 73,2 điểm",
                                          "    2. Xã Nguyên Giáp — 73,2 điểm"]
    assert lines[first + 4:first + 6] == ["Xếp hạng — Năm 2022 (chỉ các sổ hợp lệ):", "    1. Xã Hà Kỳ — 72,3 điểm"]
    ranks = {row[4]: row[-1] for row in openpyxl.load_workbook(out)["Tổng hợp"].iter_rows(min_row=2, values_only=True)
             if row[4]}
    assert ranks["ha_ky.xlsx"] == 1 and ranks["quang_phuc.xlsx"] == 1 and ranks["nguyen_giap.xlsx"] == 2
    assert [(r["period"], r["rank"]) for r in outcome.summary_json()["ranking"]] == [
        ("6 tháng đầu năm 2023", 1), ("6 tháng đầu năm 2023", 2), ("Sáu tháng đầu năm 2023", 2), ("Năm 2022", 1)]
    # the criteria statistics too: a year's scores are not averaged with 6 months' (five workbooks)
    counted = {(s["period"], s["code"]): s["full"] + s["below_max"] + s["unscored"]
               for s in outcome.summary_json()["criteria"] if s["set"] == "cap_xa_2023"}
    assert counted[("6 tháng đầu năm 2023", "1.1.1")] == 5 and counted[("Năm 2022", "1.1.1")] == 1
    titles, rows = sheet_rows(out, "Theo tiêu chí")
    assert titles[:3] == ["Bộ tiêu chí", "Kỳ đánh giá", "Phần"]
    assert openpyxl.load_workbook(out)["Theo tiêu chí"].auto_filter.ref == f"A1:L{len(rows) + 1}"  # 12 columns
    assert [r["Kỳ đánh giá"] for r in rows if r["STT"] == "1.1.1"] == ["6 tháng đầu năm 2023", "Năm 2022"]  # latest first


def test_an_appraisal_column_left_for_the_reviewer_is_no_appraisal_of_0(tmp_path):
    """A province's template has a "Điểm thẩm định" column the commune leaves empty: the summary gave
    every commune "Điểm thẩm định" 0 and a difference of -73,2. A blank column is no appraisal; one begun
    and not finished says how many points are left, and gives no total yet."""
    folder = tmp_path / "nhan"
    shutil.copytree(ROOT / "examples" / "cac_xa", folder)
    for path in folder.glob("*.xlsx"):
        appraise(path, blank=path.name != "ha_ky.xlsx")  # Hà Kỳ's 3.4.2 (0,5) is blank: not finished
    out = tmp_path / "tong_hop.xlsx"
    outcome = bulk_check([folder], output=out, jobs=1)
    _, rows = sheet_rows(out, "Tổng hợp")
    by_file = {r["Tệp"]: r for r in rows if r["Tệp"]}
    assert by_file["ha_ky.xlsx"]["Điểm thẩm định"] == "chưa xong (còn 0,5 điểm chưa chấm)"
    assert by_file["ha_ky.xlsx"]["Chênh lệch (thẩm định - tự đánh giá)"] is None
    assert by_file["ngoc_ky.xlsx"]["Điểm thẩm định"] is None
    assert [r.appraised for r in outcome.records] == [None] * 6
    assert "  (đã thẩm định xong 0/4 sổ, 1 sổ đang thẩm định dở: xếp hạng theo điểm tự đánh giá cho đến khi thẩm " \
           "định xong mọi sổ)" in outcome.lines()
    blank = tmp_path / "trong"
    shutil.copytree(ROOT / "examples" / "cac_xa", blank)
    for path in blank.glob("*.xlsx"):
        appraise(path, blank=True)
    assert "Điểm thẩm định" not in sheet_rows(bulk_check([blank], output=tmp_path / "th2.xlsx", jobs=1).output,
                                              "Tổng hợp")[0]


def test_units_all_appraised_are_ranked_by_the_appraised_points(tmp_path):
    """Once the reviewer has appraised every valid workbook of a period, the province ranks by the
    appraised points, not by what each commune gave itself: Quang Phục, first by its own 74,65, had 2
    points taken off 1.2 and comes last."""
    folder = tmp_path / "nhan"
    shutil.copytree(ROOT / "examples" / "cac_xa", folder)
    for path in folder.glob("*.xlsx"):
        changed = {"quang_phuc.xlsx": {"1.2": 0}, "ha_ky.xlsx": {"3.4.2": 0.5}}.get(path.name)
        appraise(path, changed)
    out = tmp_path / "tong_hop.xlsx"
    outcome = bulk_check([folder], output=out, jobs=1)
    lines = outcome.lines()
    first = lines.index("Xếp hạng theo điểm thẩm định (chỉ các sổ hợp lệ):")
    assert lines[first + 1:first + 5] == [
        "    1. Xã Ngọc Kỳ — 73,2 điểm thẩm định (tự đánh giá 73,2)",
        "    1. Xã Nguyên Giáp — 73,2 điểm thẩm định (tự đánh giá 73,2)",
        "    3. Xã Hà Kỳ — 72,8 điểm thẩm định (tự đánh giá 72,3)",
        "    4. Xã Quang Phục — 72,65 điểm thẩm định (tự đánh giá 74,65)"]
    ranking = outcome.summary_json()["ranking"]
    assert [(r["unit"], r["rank"], r["appraised"], r["ranked_by"]) for r in ranking][2:] == [
        ("Xã Hà Kỳ", 3, 72.8, "appraised"), ("Xã Quang Phục", 4, 72.65, "appraised")]
    _, rows = sheet_rows(out, "Tổng hợp")
    ranks = {r["Tệp"]: (r["Điểm thẩm định"], r["Chênh lệch (thẩm định - tự đánh giá)"], r["Xếp hạng"]) for r in rows
             if r["Tệp"]}
    assert ranks["quang_phuc.xlsx"] == (72.65, -2, 4) and ranks["ngoc_ky.xlsx"] == (73.2, 0, 1)
    # one of them not appraised yet: by the self-assessment, and said
    shutil.copy(ROOT / "examples" / "cac_xa" / "ngoc_ky.xlsx", folder / "ngoc_ky.xlsx")
    lines = bulk_check([folder], output=None, jobs=1).lines()
    assert lines[1:3] == ["Xếp hạng (chỉ các sổ hợp lệ):", "    1. Xã Quang Phục — 74,65 điểm"]
    assert "  (đã thẩm định xong 3/4 sổ: xếp hạng theo điểm tự đánh giá cho đến khi thẩm định xong mọi sổ)" in lines


def test_a_period_stated_by_its_days_is_ranked_with_the_period_it_spans(tmp_path):
    """"Kỳ đánh giá: Từ ngày 15/12/2022 đến ngày 14/6/2023" (the reporting period's days, as reports state
    their figures) was keyed as the year 2023: the commune was ranked alone, apart from the other 6-month
    workbooks of its period."""
    folder = tmp_path / "nhan"
    shutil.copytree(ROOT / "examples" / "cac_xa", folder)
    set_labels_in(folder / "ha_ky.xlsx", {"Kỳ đánh giá:": "Từ ngày 15/12/2022 đến ngày 14/6/2023"})
    outcome = bulk_check([folder], output=None, jobs=1)
    lines = outcome.lines()
    assert not [line for line in lines if "kỳ đánh giá khác nhau" in line]
    first = lines.index("Xếp hạng (chỉ các sổ hợp lệ):")  # one period: one ranking
    assert lines[first + 1:first + 5] == ["    1. Xã Quang Phục — 74,65 điểm", "    2. Xã Ngọc Kỳ — 73,2 điểm",
                                          "    2. Xã Nguyên Giáp — 73,2 điểm", "    4. Xã Hà Kỳ — 72,3 điểm"]


@pytest.mark.parametrize("typed,key", [
    ("từ 01/7/2025 đến 31/12/2025", ("2025", "6 thang cuoi")),
    ("15/12/2025 - 14/6/2026", ("2026", "6 thang dau")),
    ("từ ngày 15 tháng 12 năm 2025 đến ngày 14 tháng 6 năm 2026", ("2026", "6 thang dau")),
    ("01.4.2026 - 30.6.2026", ("2026", "quy 2")),
    ("01/01/2026 - 30/9/2026", ("2026", "9 thang")),
    ("01/01/2026-30/6/2026", ("2026", "6 thang dau")),  # (no spaces round the dash)
    ("15/12/2025 - 14/12/2026", ("2026", "nam")),
    ("Năm 2025 (từ ngày 01/7/2025 đến ngày 31/12/2025)", ("2025", "nam")),  # the year's assessment, said so
    ("6 tháng đầu năm 2026 (từ 15/12/2025 đến 14/6/2026)", ("2026", "6 thang dau")),
])
def test_period_keys_of_periods_stated_by_their_days(typed, key):
    from cchc_xl.text import period_key, period_start

    assert period_key(typed) == key
    assert period_start(typed).month == {"6 thang cuoi": 7, "quy 2": 4}.get(key[1], 1)


def test_units_are_told_apart_by_their_marks_not_by_where_the_mark_sits(tmp_path):
    """"Xã Tân Hòa" and "xã Tân Hoà" (the old place of the mark) are one unit sent twice; "Xã Tân
    Hóa" is another commune and is ranked (folding the marks away made it a duplicate)."""
    from cchc_xl.summarise.bulk import UnitRecord, rank, same_unit_groups

    def record(name, unit, self):
        path = tmp_path / name
        path.write_bytes(b"")
        return UnitRecord(str(path), True, True, unit=unit, period="6 tháng đầu năm 2023", self=Decimal(self))
    records = [record("a.xlsx", "Xã Tân Hòa", 70), record("b.xlsx", "xã Tân Hoà", 71),
               record("c.xlsx", "Xã Tân Hóa", 72), record("d.xlsx", "UBND xã Tân Hóa ", 72)]
    os.utime(records[0].path, (1_600_000_000,) * 2)
    os.utime(records[2].path, (1_600_000_000,) * 2)
    groups = same_unit_groups(records)
    assert [[Path(r.path).name for r in group] for group in groups] == [["b.xlsx", "a.xlsx"], ["d.xlsx", "c.xlsx"]]
    rank(records)
    assert [(Path(r.path).name, r.rank) for r in records] == [("a.xlsx", None), ("b.xlsx", 2), ("c.xlsx", None),
                                                             ("d.xlsx", 1)]


def test_forgetting_a_workbook_takes_back_exactly_what_it_added():
    """The counts that make an older copy's statistics removable: a criterion only it had goes,
    the minimum comes back up, and a file changed since (a score never added) takes nothing."""
    from cchc_xl.summarise.bulk import criteria_statistics, finish_statistics, forget_statistics, merge_statistics

    def stats(scores):
        gathered = {("s", ("2023", "nam"), code): {"set": "s", "period": "Năm 2023", "part": "I", "code": code,
                                                    "name": code, "max": Decimal(2), "scores": list(values)}
                    for code, values in scores.items()}
        return finish_statistics(gathered)

    def sendable(finished):
        return {key: (dict(e["counts"]), e["set"], e["period"], e["part"], e["code"], e["name"], e["max"])
                for key, e in finished.items()}
    total: dict = {}
    merge_statistics(total, sendable(stats({"1": [Decimal(2), Decimal(1), None]})))
    older = stats({"1": [Decimal("0.5")], "9": [Decimal(1)]})
    merge_statistics(total, sendable(older))
    one = next(s for s in criteria_statistics(total) if s["code"] == "1")
    assert (one["min"], one["unscored"], one["below_max"]) == (Decimal("0.5"), 1, 2)
    forget_statistics(total, older)
    assert [s["code"] for s in criteria_statistics(total)] == ["1"]
    one = criteria_statistics(total)[0]
    assert (one["min"], one["mean"], one["full"], one["below_max"], one["unscored"]) == (
        Decimal(1), Decimal("1.50"), 1, 1, 1)
    forget_statistics(total, stats({"1": [Decimal("1.75")]}))  # never added: nothing taken
    assert criteria_statistics(total)[0]["mean"] == Decimal("1.50")


def test_who_edited_the_official_max_points_reads_along_the_units_row(tmp_path):
    """A reviewer's first question ("who edited the official max points") had its answer only among
    all findings in "Chi tiết lỗi": the summary now names the edited criteria on each unit's row,
    part by part, in a column that appears only when some workbook edited them."""
    folder = tmp_path / "nhan"
    shutil.copytree(ROOT / "examples" / "cac_xa", folder)
    wb = openpyxl.load_workbook(folder / "ha_ky.xlsx")
    ws = wb.worksheets[0]
    ws.cell(find_row(ws, "II", "2"), 3).value = 9  # part II's criterion 2 (not part I's)
    wb.save(folder / "ha_ky.xlsx")
    out = tmp_path / "tong_hop.xlsx"
    bulk_check([folder], output=out, jobs=2)
    titles, rows = sheet_rows(out, "Tổng hợp")
    assert titles.index("Mục bị sửa điểm tối đa") == titles.index("Số lỗi") - 1
    edited = {r["Tệp"]: r["Mục bị sửa điểm tối đa"] for r in rows}
    assert edited == {"dai_hop.xlsx": "I: I, 3, 3.5, 3.5.3", "ha_ky.xlsx": "II: 2", "ngoc_ky.xlsx": None,
                      "nguyen_giap.xlsx": None, "quang_phuc.xlsx": None, "tan_ky.xlsx": None}
    _, details = sheet_rows(out, "Chi tiết lỗi")
    assert sorted(r["STT"] for r in details if r["Mã"] == "max-changed" and r["Tệp"] == "ha_ky.xlsx") == [
        "II / 2"]
    (folder / "dai_hop.xlsx").unlink()
    (folder / "ha_ky.xlsx").unlink()
    bulk_check([folder], output=out, jobs=1, overwrite=True)
    assert "Mục bị sửa điểm tối đa" not in sheet_rows(out, "Tổng hợp")[0]


def _zip_of(path, members):
    """A .zip as a mail program or Windows' "Compressed folder" makes it: ``members`` are (name, bytes,
    date); a name written without zip's UTF-8 flag (the maker's code page, as older tools do) when it
    starts with "legacy:"; one marked "locked:" carries zip's password flag."""
    patches = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data, date in members:
            legacy, locked = name.startswith("legacy:"), name.startswith("locked:")
            name = name.split(":", 1)[1] if legacy or locked else name
            written = name
            if legacy:  # an ASCII stand-in of the same length, its bytes replaced below
                written = "Q" * len(name.encode("utf-8"))
                patches.append((written.encode(), name.encode("utf-8")))
            info = zipfile.ZipInfo(written, date_time=date)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
            if locked:
                patches.append(("flag", written.encode()))
    raw = bytearray(Path(path).read_bytes())
    for old, new in patches:
        if old == "flag":  # the password bit, in the local header (+6) and the central directory (+8)
            for signature, at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
                start = raw.find(signature)
                while start >= 0:
                    name_at = start + (30 if at == 6 else 46)
                    if raw[name_at:name_at + len(new)] == new:
                        raw[start + at] |= 1
                    start = raw.find(signature, start + 4)
        else:
            raw = bytearray(bytes(raw).replace(old, new))
    Path(path).write_bytes(bytes(raw))
    return Path(path)


@pytest.mark.parametrize("jobs", [1, 2])
def test_workbooks_inside_a_zip_are_checked_and_named_by_their_place_in_it(tmp_path, jobs, monkeypatch):
    """A mail's attachments downloaded at once come as one .zip: it was "không phải sổ tính Excel" and
    its communes were missing from the ranking. They are read from copies in a temporary folder of
    bulk's own (removed after), named "thu.zip/…" in every output; a member's "../" reaches nothing."""
    import tempfile

    folder = tmp_path / "so_noi_vu"
    folder.mkdir()
    example = EXAMPLE.read_bytes()
    other = edited_example(tmp_path, "b.xlsx", lambda ws: ws.cell(4, 3, "Xã An Lư")).read_bytes()
    _zip_of(folder / "thu.zip", [
        ("legacy:huyện A/Xã An Lư.xlsx", other, (2023, 6, 20, 8, 0, 0)),  # a name without the UTF-8 flag
        ("../../ngoai.xlsx", example, (2023, 6, 1, 8, 0, 0)),  # Ngọc Kỳ, sent first …
        ("__MACOSX/huyện A/._Xã An Lư.xlsx", b"\x00\x05\x16\x07", (2023, 6, 20, 8, 0, 0)),
        ("bao_cao_ky_so.pdf", b"%PDF-1.7", (2023, 6, 20, 8, 0, 0)),
        ("lan_truoc.zip", b"PK\x05\x06" + bytes(18), (2023, 6, 20, 8, 0, 0)),
        ("locked:mat_khau.xlsx", example, (2023, 6, 20, 8, 0, 0)),
    ])
    shutil.copyfile(EXAMPLE, folder / "ngoc_ky_sua.xlsx")  # … and its corrected copy, saved later
    os.utime(folder / "ngoc_ky_sua.xlsx", (1_700_000_000, 1_700_000_000))  # 14/11/2023
    (folder / "khac.rar").write_bytes(b"Rar!\x1a\x07\x00")
    temporary = tmp_path / "tam"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    sink = []
    outcome = bulk_check([folder], output=tmp_path / "tong_hop.xlsx", jobs=jobs, reports_dir=tmp_path / "bc",
                         json_sink=sink.append)
    assert list(temporary.iterdir()) == []  # the copies are gone
    inside = str(folder / "thu.zip")
    names = {r.path: r for r in outcome.records}
    assert sorted(names) == sorted([str(folder / "ngoc_ky_sua.xlsx"), os.path.join(inside, "ngoai.xlsx"),
                                    os.path.join(inside, "huyện A", "Xã An Lư.xlsx")])
    assert all(r.readable for r in outcome.records) and sorted(j["path"] for j in sink) == sorted(names)
    an_lu = names[os.path.join(inside, "huyện A", "Xã An Lư.xlsx")]
    assert an_lu.unit == "Xã An Lư" and an_lu.rank == 1  # (the same score: both rank 1)
    # the newest copy of Ngọc Kỳ stands for it, by the date the .zip keeps for its member
    assert names[os.path.join(inside, "ngoai.xlsx")].duplicate_of == str(folder / "ngoc_ky_sua.xlsx")
    skipped = dict(outcome.skipped)
    assert skipped == {
        str(folder / "khac.rar"): "tệp nén .rar: hãy giải nén rồi chạy lại (cchc-xl đọc được bên trong tệp .zip)",
        os.path.join(inside, "bao_cao_ky_so.pdf"): "không phải sổ tính Excel",
        os.path.join(inside, "lan_truoc.zip"): "tệp nén nằm trong tệp nén: hãy giải nén rồi chạy lại",
        os.path.join(inside, "mat_khau.xlsx"): "tệp trong tệp nén có mật khẩu: hãy giải nén bằng mật khẩu rồi chạy lại",
    }
    assert not (tmp_path / "ngoai.xlsx").exists() and not (folder.parent.parent / "ngoai.xlsx").exists()
    _, rows = sheet_rows(tmp_path / "tong_hop.xlsx", "Tổng hợp")
    assert {row["Tệp"] for row in rows} == {"ngoc_ky_sua.xlsx", os.path.join("thu.zip", "ngoai.xlsx"),
                                           os.path.join("thu.zip", "huyện A", "Xã An Lư.xlsx")}
    assert sorted(p.name for p in (tmp_path / "bc").iterdir()) == [
        "Xã An Lư_bao_cao.docx", "ngoai_bao_cao.docx", "ngoc_ky_sua_bao_cao.docx"]


def test_an_earlier_summary_inside_a_zip_is_named_by_its_place_in_it(tmp_path):
    """A reviewer who zips last period's folder, summary included: the summary is left out as
    always, and named "thu.zip/tong_hop.xlsx", not by its temporary copy."""
    first = tmp_path / "lan_truoc"
    first.mkdir()
    shutil.copyfile(EXAMPLE, first / "xa.xlsx")
    bulk_check([first], output=first / "tong_hop.xlsx", jobs=1)
    folder = tmp_path / "thu"
    folder.mkdir()
    date = (2023, 7, 1, 8, 0, 0)
    _zip_of(folder / "thu.zip", [("xa.xlsx", EXAMPLE.read_bytes(), date),
                                 ("tong_hop.xlsx", (first / "tong_hop.xlsx").read_bytes(), date)])
    outcome = bulk_check([folder], output=tmp_path / "moi.xlsx", jobs=1)
    assert [r.path for r in outcome.records] == [os.path.join(str(folder / "thu.zip"), "xa.xlsx")]
    assert outcome.skipped == [(os.path.join(str(folder / "thu.zip"), "tong_hop.xlsx"),
                                "sổ tổng hợp do cchc-xl lập (không phải sổ của xã)")]


def test_a_zip_bomb_among_the_attachments_is_one_row_and_the_batch_goes_on(tmp_path):
    folder = tmp_path / "thu"
    folder.mkdir()
    shutil.copyfile(EXAMPLE, folder / "xa.xlsx")
    with zipfile.ZipFile(folder / "bom.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("xa_b.xlsx", "w", force_zip64=True) as member:
            chunk = bytes(1 << 24)
            for _ in range(20):  # 320 MB of zeros in ~300 KB
                member.write(chunk)
    outcome = bulk_check([folder], output=tmp_path / "tong_hop.xlsx", jobs=1)
    assert [r.unit for r in outcome.records] == ["Xã Ngọc Kỳ"]
    assert outcome.skipped == [(str(folder / "bom.zip"),
                                "tệp nén bất thường: phần “xa_b.xlsx” bung ra 320 MB (nghi là “zip bomb”), đã từ chối đọc")]


def _heavy_workbook(folder, name="nang.xlsx", rows=60_000, cols=20):
    """The example with 1.2 million numbers below its table: a real workbook that takes seconds to
    read (a worker busy that long looks stuck under a short --timeout). Written row by row: this
    process stays small (a later test measures its children's memory)."""
    path = Path(folder) / name
    with zipfile.ZipFile(EXAMPLE) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(item, data)
                continue
            head, tail = data.split(b"</sheetData>")
            with dst.open(item.filename, "w") as sheet:
                sheet.write(head)
                for r in range(300, 300 + rows):
                    sheet.write(b'<row r="%d">' % r + b"".join(b'<c r="%s%d"><v>1</v></c>' % (bytes([65 + c]), r)
                                                              for c in range(cols)) + b"</row>")
                sheet.write(b"</sheetData>" + tail)
    return path


def test_a_file_a_worker_is_stuck_in_gets_its_row_and_the_batch_goes_on(tmp_path):
    """A file no worker could finish (a reader caught in a damaged file) held the batch forever:
    the reviewer's hundreds of workbooks and summary waited on one. With no file finished for
    --timeout seconds, the workers are stopped, the rest is checked one file per process within
    the limit, and the file at fault gets its row. (Here a heavy but sound workbook under a limit
    far below its reading time stands for it.)"""
    folder = tmp_path / "xa"
    folder.mkdir()
    _heavy_workbook(folder, "a_nang.xlsx")
    for name in ("b.xlsx", "c.xlsx", "d.xlsx"):
        shutil.copyfile(EXAMPLE, folder / name)
    proc = subprocess.run([sys.executable, "-m", "cchc_xl", "bulk", str(folder), "-o", str(tmp_path / "th.xlsx"),
                           "--jobs", "2", "--timeout", "0,5", "--json"], capture_output=True, text=True,
                          encoding="utf-8", timeout=120)
    assert proc.returncode == 1, proc.stderr
    rows = {Path(w["path"]).name: w for w in json.loads(proc.stdout)["workbooks"]}
    assert set(rows) == {"a_nang.xlsx", "b.xlsx", "c.xlsx", "d.xlsx"}
    assert rows["a_nang.xlsx"]["error"].startswith("đọc quá 0,5 giây mà chưa xong, đã dừng")
    assert all(rows[n]["ok"] for n in ("b.xlsx", "c.xlsx", "d.xlsx"))
    _, summary = sheet_rows(tmp_path / "th.xlsx", "Tổng hợp")
    assert len(summary) == 4
    # without the limit the same file is read (seconds, not a fault)
    outcome = bulk_check([folder / "a_nang.xlsx", folder / "b.xlsx"], output=None, jobs=2)
    assert all(r.readable for r in outcome.records)


@pytest.mark.parametrize("refusal", ["mktime", "utime"])
def test_a_member_date_the_platform_refuses_leaves_the_copy_read(tmp_path, monkeypatch, refusal):
    """A damaged member date (DOS date month 0, day 0), which Windows' C library refuses where Linux's
    carries it over: the copy keeps its own time and is read, the archive is not lost. (Linux takes
    every such date, so the refusal is the platform's call made to fail.)"""
    import time

    folder = tmp_path / "thu"
    folder.mkdir()
    _zip_of(folder / "thu.zip", [("xa.xlsx", EXAMPLE.read_bytes(), (1980, 1, 1, 0, 0, 0))])

    def refuses(*args, **kwargs):
        raise OverflowError("mktime argument out of range") if refusal == "mktime" else OSError(22, "Invalid argument")

    monkeypatch.setattr(time if refusal == "mktime" else os, refusal, refuses)
    outcome = bulk_check([folder], output=tmp_path / "tong_hop.xlsx", jobs=1)
    assert [(r.unit, r.readable) for r in outcome.records] == [("Xã Ngọc Kỳ", True)]
    assert outcome.skipped == []


def test_a_whole_drive_is_refused_at_once_not_listed_for_minutes(tmp_path, monkeypatch, capsys):
    """`bulk C:\\` (a whole drive picked by mistake) listed every file on it, for minutes, without a
    word, each one a row of "Tệp bỏ qua" (more than Excel's 1,048,576 on a full drive). Past
    MAX_LISTED entries it is one line, exit 2, nothing written; here the limit is lowered to 60."""
    from cchc_xl.cli import main
    from cchc_xl.summarise import bulk

    monkeypatch.setattr(bulk, "MAX_LISTED", 60)
    drive = tmp_path / "o_dia"
    for folder in range(8):
        (drive / f"thu_muc_{folder}").mkdir(parents=True)
        for name in range(9):
            (drive / f"thu_muc_{folder}" / f"tep_{name}.txt").write_text("x")
    shutil.copy(EXAMPLE, drive / "thu_muc_0" / "xa.xlsx")
    out = tmp_path / "tong_hop.xlsx"
    assert main(["bulk", str(drive), "-o", str(out)]) == 2
    said = capsys.readouterr().err
    assert said.startswith(f"Lỗi: {drive} có hơn 60 tệp và thư mục con: hãy chỉ đúng thư mục chứa sổ tính")
    assert not out.exists()
    monkeypatch.setattr(bulk, "MAX_LISTED", 200)  # the same folder under the limit: checked as before
    assert main(["bulk", str(drive), "-o", str(out)]) == 0 and out.exists()


def test_findings_past_excels_last_row_are_said_in_the_last_row(tmp_path, monkeypatch):
    """A national roll-up's findings can pass a worksheet's 1,048,576 rows: Excel then refuses the
    summary ("repairs" it, dropping rows, or will not open it). The rows that fit are written and
    the last row says how many more there are, and where they all are (the JSON). The limit is
    lowered to 12 rows here: 3 workbooks × 5 findings do not fit."""
    import openpyxl

    from cchc_xl.summarise import workbook

    monkeypatch.setattr(workbook, "EXCEL_ROWS", 12)
    folder = tmp_path / "xa"
    folder.mkdir()
    for name in ("a", "b", "c"):
        shutil.copy(EXAMPLE, folder / f"xa_{name}.xlsx")
    seen = []
    outcome = bulk_check([folder], output=tmp_path / "th.xlsx", jobs=1, json_sink=seen.append)
    assert sum(len(r.findings) for r in outcome.records) == 15
    assert sum(len(w["findings"]) for w in seen) == 15  # every one in the JSON
    detail = openpyxl.load_workbook(tmp_path / "th.xlsx")["Chi tiết lỗi"]
    assert detail.max_row == 12 and detail.cell(11, 6).value  # rows 2–11: ten findings
    assert detail.cell(12, 1).value == ("… và 5 phát hiện nữa không vừa trang này (Excel chỉ chứa 12 hàng): toàn bộ "
                                        "có trong đầu ra JSON (`cchc-xl bulk … --json`).")
    assert detail.auto_filter.ref == "A1:H12"


@pytest.mark.parametrize("spellings", [
    ["Quý II/2023", "quý II năm 2023", "Quý 2 năm 2023"],
    ["6T/2023", "6 tháng đầu năm 2023", "06T đầu năm 2023"],
    ["9 tháng năm 2023", "Chín tháng 2023", "9 tháng 2023"],
])
def test_spellings_of_a_quarter_nine_or_six_months_rank_together(tmp_path, spellings):
    """"Quý II/2023" and "quý II năm 2023" (or "Quý 2 năm 2023") were three periods, each ranked on its
    own; "6T/2023" was read as the year, and "Chín tháng 2023" apart from "9 tháng năm 2023"."""
    folder = tmp_path / "nhan"
    shutil.copytree(ROOT / "examples" / "cac_xa", folder)
    names = ["quang_phuc.xlsx", "ngoc_ky.xlsx", "nguyen_giap.xlsx", "ha_ky.xlsx"]
    for name, text in zip(names, [spellings[0], *spellings]):
        set_labels_in(folder / name, {"Kỳ đánh giá:": text})
    outcome = bulk_check([folder], output=None, jobs=1)
    lines = outcome.lines()
    assert not any("kỳ đánh giá khác nhau" in line or line.startswith("Xếp hạng —") for line in lines)
    first = lines.index("Xếp hạng (chỉ các sổ hợp lệ):")  # one period: one ranking
    assert lines[first + 1:first + 5] == ["    1. Xã Quang Phục — 74,65 điểm", "    2. Xã Ngọc Kỳ — 73,2 điểm",
                                          "    2. Xã Nguyên Giáp — 73,2 điểm", "    4. Xã Hà Kỳ — 72,3 điểm"]


def test_two_communes_of_one_name_told_apart_by_their_district_are_both_ranked(tmp_path):
    """Before 2025 many districts had a "Xã Tân Tiến"; officers tell theirs apart as they type the unit
    ("UBND xã Tân Tiến, huyện Văn Giang"). Both are ranked, not taken for a corrected copy of one
    another; a unit typed with its council ("UBND xã Ngọc Kỳ") is still the same unit as "Xã Ngọc Kỳ"."""
    folder = tmp_path / "nhan"
    shutil.copytree(ROOT / "examples" / "cac_xa", folder)
    shutil.copy(folder / "ngoc_ky.xlsx", folder / "ngoc_ky (1).xlsx")

    set_labels_in(folder / "ha_ky.xlsx", {"Tên đơn vị:": "UBND xã Tân Tiến, huyện Văn Giang"})
    set_labels_in(folder / "quang_phuc.xlsx", {"Tên đơn vị:": "UBND xã Tân Tiến, huyện Gia Lộc"})
    set_labels_in(folder / "ngoc_ky (1).xlsx", {"Tên đơn vị:": "UBND xã Ngọc Kỳ"})
    outcome = bulk_check([folder], output=None, jobs=1)
    ranked = {(r.unit, r.rank) for r in outcome.records if r.ok and r.duplicate_of is None}
    assert {("Xã Tân Tiến, huyện Văn Giang", 4), ("Xã Tân Tiến, huyện Gia Lộc", 1)} <= ranked
    assert [[Path(r.path).name for r in group] for group in outcome.duplicates] in (
        [["ngoc_ky (1).xlsx", "ngoc_ky.xlsx"]], [["ngoc_ky.xlsx", "ngoc_ky (1).xlsx"]])


@pytest.mark.parametrize("first,second", [
    (None, "UBND huyện Tứ Kỳ"), ("Ủy ban nhân dân huyện Tứ Kỳ", "UBND huyện Tứ Kỳ"),
    ("Phòng Nội vụ huyện Tứ Kỳ", "huyện Tứ Kỳ"), ("Sở Nội vụ thành phố Hải Phòng", "UBND thành phố Hải Phòng"),
    ("UBND huyện Tứ Kỳ", "UBND TP. Hải Phòng"), ("Sở Nội vụ", "UBND tỉnh Hải Dương"),
])
def test_a_copy_sent_again_with_its_body_above_mended_is_the_same_unit(tmp_path, first, second):
    """A commune sends its workbook, is told to mend "Cấp trên" (left blank, spelt otherwise, an agency, a
    district gone since 2025), and sends it again: both copies were ranked, the commune twice."""
    folder = tmp_path / "nhan"
    folder.mkdir()
    older = labelled_example(folder, "ngoc_ky.xlsx", **{"Cấp trên:": first})
    newer = labelled_example(folder, "ngoc_ky (1).xlsx", **{"Cấp trên:": second})
    os.utime(older, (1_700_000_000, 1_700_000_000))  # (sent first)
    outcome = bulk_check([folder], output=None, jobs=1)
    assert [[Path(r.path).name for r in group] for group in outcome.duplicates] == [["ngoc_ky (1).xlsx", "ngoc_ky.xlsx"]]
    assert sorted((Path(r.path).name, r.rank) for r in outcome.records) == [("ngoc_ky (1).xlsx", 1), ("ngoc_ky.xlsx", None)]
    ranking = [line for line in outcome.lines() if line.startswith("    1. ")]
    assert ranking == ["    1. Xã Ngọc Kỳ — 73,2 điểm"]


def test_two_places_of_one_level_are_still_two_communes(tmp_path):
    from cchc_xl.summarise.bulk import place_key, same_place

    assert not same_place([place_key("Phòng Nội vụ huyện Tứ Kỳ"), place_key("UBND huyện Gia Lộc")])
    assert not same_place([place_key("TP. Hải Dương"), place_key("thành phố Hải Phòng"), ""])
    assert same_place([place_key("UBND TX.Kinh Môn"), place_key("Ủy ban nhân dân thị xã Kinh Môn"), place_key("Sở Nội vụ")])
    # a party committee named by its level is of that place; the commune's own party committee names none above
    assert place_key("Huyện ủy Tứ Kỳ") == place_key("UBND huyện Tứ Kỳ") != place_key("Huyện ủy Gia Lộc")
    assert place_key("Thành ủy Hải Phòng") == place_key("UBND thành phố Hải Phòng")
    assert place_key("Đảng ủy xã Ngọc Kỳ") == ""


def test_two_communes_of_one_name_under_two_district_letterheads_are_both_ranked(tmp_path):
    """Letterheads "UBND HUYỆN VĂN GIANG / UBND XÃ TÂN TIẾN" and "UBND HUYỆN GIA LỘC / UBND XÃ TÂN TIẾN" are two
    communes: they were taken for one commune's corrected copy, and one of them was left unranked."""
    from helpers import letterhead_example

    folder = tmp_path / "nhan"
    folder.mkdir()
    for name, district in (("tan_tien_vg.xlsx", "VĂN GIANG"), ("tan_tien_gl.xlsx", "GIA LỘC")):
        path = letterhead_example(folder, name)
        wb = openpyxl.load_workbook(path)
        ws = wb.worksheets[0]
        ws["A1"] = f"UBND HUYỆN {district}\nUBND XÃ TÂN TIẾN"
        ws["A5"] = "BÁO CÁO KẾT QUẢ TỰ ĐÁNH GIÁ CHỈ SỐ CCHC 6 THÁNG ĐẦU NĂM 2023"
        wb.save(path)
    out = tmp_path / "tong_hop.xlsx"
    outcome = bulk_check([folder], output=out, jobs=1)
    assert [(r.unit, r.superior, r.rank, r.duplicate_of) for r in sorted(outcome.records, key=lambda r: r.superior)] == [
        ("Xã Tân Tiến", "UBND huyện Gia Lộc", 1, None), ("Xã Tân Tiến", "UBND huyện Văn Giang", 1, None)]
    assert outcome.duplicates == []
    # told apart wherever they are listed together: the ranking on the screen, and the summary's "Đơn vị"
    ranking = [line.split(". ", 1)[1] for line in outcome.lines() if line.startswith("    1. ")]
    assert sorted(ranking) == ["Xã Tân Tiến (huyện Gia Lộc) — 73,2 điểm", "Xã Tân Tiến (huyện Văn Giang) — 73,2 điểm"]
    _, rows = sheet_rows(out, "Tổng hợp")
    assert sorted((r["Đơn vị"], r["Tệp"]) for r in rows if r["Đơn vị"]) == [
        ("Xã Tân Tiến (huyện Gia Lộc)", "tan_tien_gl.xlsx"), ("Xã Tân Tiến (huyện Văn Giang)", "tan_tien_vg.xlsx")]
    # and in "Chi tiết lỗi", where a reviewer filters the findings by unit
    _, details = sheet_rows(out, "Chi tiết lỗi")
    assert {(r["Đơn vị"], r["Tệp"]) for r in details if r["Tệp"]} == {
        ("Xã Tân Tiến (huyện Gia Lộc)", "tan_tien_gl.xlsx"), ("Xã Tân Tiến (huyện Văn Giang)", "tan_tien_vg.xlsx")}
    # a third, whose letterhead names no body above it: its file tells it apart
    path = letterhead_example(folder, "tan_tien.xlsx")
    wb = openpyxl.load_workbook(path)
    wb.worksheets[0]["A1"] = "UBND XÃ TÂN TIẾN"
    wb.worksheets[0]["A5"] = "BÁO CÁO KẾT QUẢ TỰ ĐÁNH GIÁ CHỈ SỐ CCHC 6 THÁNG ĐẦU NĂM 2023"
    wb.save(path)
    outcome = bulk_check([folder], output=None, jobs=1)
    assert sorted(line.split(". ", 1)[1] for line in outcome.lines() if line.startswith("    1. ")) == [
        "Xã Tân Tiến (huyện Gia Lộc) — 73,2 điểm", "Xã Tân Tiến (huyện Văn Giang) — 73,2 điểm",
        "Xã Tân Tiến (tan_tien.xlsx) — 73,2 điểm"]


def test_a_period_ranked_by_the_appraisal_loses_its_points_by_the_appraisal(tmp_path):
    """Where communes lose points ("Theo tiêu chí", the console's "Mất điểm nhiều nhất", the JSON) was
    told by the self-assessment though the period was ranked by the appraised points: Quang Phục's 1.2,
    appraised 0 of 2, was no loss at all. Once the period is ranked by the appraisal it is told by the
    appraised scores, and says so."""
    folder = tmp_path / "nhan"
    shutil.copytree(ROOT / "examples" / "cac_xa", folder)
    for path in folder.glob("*.xlsx"):
        appraise(path, {"quang_phuc.xlsx": {"1.2": 0}, "ha_ky.xlsx": {"3.4.2": 0.5}}.get(path.name))
    appraised = [next(c.appraised.value for c in check_file(path).assessment.criteria if c.key == "I.1.2")
                 for path in sorted(folder.glob("*.xlsx"))]
    out = tmp_path / "tong_hop.xlsx"
    outcome = bulk_check([folder], output=out, jobs=1)
    [stat] = [s for s in outcome.criteria_stats if s["code"] == "1.2"]
    assert stat["scored_by"] == "appraised" and stat["min"] == 0 == min(appraised)
    assert stat["mean"] == (sum(appraised) / len(appraised)).quantize(Decimal("0.01"))
    assert any(line.startswith("Mất điểm nhiều nhất theo điểm thẩm định") for line in outcome.lines())
    titles, rows = sheet_rows(out, "Theo tiêu chí")
    assert titles[-1] == "Theo điểm" and {r["Theo điểm"] for r in rows} == {"thẩm định"}
    assert next(r for r in rows if r["STT"] == "1.2")["Điểm thấp nhất"] == 0

    def chart_of(path):  # the summary chart's title and the column it plots
        headers = next(openpyxl.load_workbook(path)["Tổng hợp"].iter_rows(max_row=1, values_only=True))
        xml = zipfile.ZipFile(path).read("xl/charts/chart1.xml").decode()
        plotted = [h for i, h in enumerate(headers)
                   if f"<val><numRef><f>'Tổng hợp'!${openpyxl.utils.get_column_letter(i + 1)}$2:" in xml]
        return ("Điểm thẩm định theo đơn vị" in xml, plotted)
    assert chart_of(out) == (True, ["Điểm thẩm định"])  # the points the units are ranked by
    # one workbook not appraised: ranked, and its losses told, by the self-assessment
    shutil.copy(ROOT / "examples" / "cac_xa" / "ngoc_ky.xlsx", folder / "ngoc_ky.xlsx")
    outcome = bulk_check([folder], output=out, jobs=1, overwrite=True)
    [stat] = [s for s in outcome.criteria_stats if s["code"] == "1.2"]
    assert stat["scored_by"] == "self" and stat["min"] > 0
    assert "Theo điểm" not in sheet_rows(out, "Theo tiêu chí")[0]
    assert chart_of(out) == (False, ["Điểm tự đánh giá"])


@pytest.mark.parametrize("seed", [3, 7])
def test_communes_typing_their_tables_each_their_own_way_are_checked_as_the_same_tables(tmp_path, seed):
    """bench/presentations.py --bulk: the six communes of examples/cac_xa, each typed its own way (lettered
    items or parts, codes in names, two-row headers, TCVN3…), give the same units, totals, ranks, errors and
    losses by criterion as the workbooks as they are."""
    from bench import presentations

    expected = presentations.bulk_summary(bulk_check([ROOT / "examples" / "cac_xa"], output=None, jobs=1))
    assert presentations.run_bulk(seed, tmp_path, expected) is None


def test_a_commune_lettering_its_items_loses_points_in_the_same_rows_as_the_others(tmp_path):
    """Where communes lose points counts a commune that types 1.1.1–1.1.3 as a), b), c) with the others:
    its items were rows of their own ("1.1.a"), and it followed no set, so it was left out of the rest."""
    folder = tmp_path / "xa"
    shutil.copytree(ROOT / "examples" / "cac_xa", folder)
    wb = openpyxl.load_workbook(folder / "ha_ky.xlsx")
    lettered(wb.worksheets[0])
    wb.save(folder / "ha_ky.xlsx")
    numbered = bulk_check([ROOT / "examples" / "cac_xa"], output=None, jobs=1).criteria_stats
    outcome = bulk_check([folder], output=None, jobs=1)
    assert {r.criteria_set for r in outcome.records} == {"cap_xa_2023"}
    assert not [s for s in outcome.criteria_stats if "." in s["code"] and s["code"][-1:].isalpha()]
    assert [(s["code"], s["mean"], s["below_max"]) for s in outcome.criteria_stats] == \
        [(s["code"], s["mean"], s["below_max"]) for s in numbered]


def test_a_workbook_that_gathers_several_units_gives_each_unit_a_row(tmp_path):
    """A workbook gathering several communes, one sheet each (a district's collection): one table was
    checked and ranked, the others only named by several-units. Each unit is now checked, ranked, counted
    in the statistics and reported on its own, told apart by its sheet in every output; a unit also sent
    in a file of its own is one unit, counted once."""
    from docx import Document

    from helpers import gathered_communes

    folder = tmp_path / "nhan"
    folder.mkdir()
    wb = gathered_communes()
    ha_ky = wb["Hà Kỳ"]
    ha_ky.cell(find_row(ha_ky, "I", "1.2"), 4).value = 0  # 2 points lost: 71,2
    wb.save(folder / "tong_hop_xa.xlsx")
    single = folder / "ngoc_ky.xlsx"
    shutil.copy(ROOT / "examples" / "cac_xa" / "ngoc_ky.xlsx", single)
    os.utime(single, (1_700_000_000, 1_700_000_000))  # sent before the collection
    out, reports = tmp_path / "tong_hop.xlsx", tmp_path / "bao_cao"
    outcome = bulk_check([folder], output=out, jobs=2, reports_dir=reports, want_json=True)
    lines = outcome.lines()
    assert lines[0] == "Đã kiểm tra 2 sổ tính (4 đơn vị): 4 hợp lệ, 0 có lỗi, 0 không đọc được."
    gathered = {r.sheet: r for r in outcome.records if r.path.endswith("tong_hop_xa.xlsx")}
    assert {sheet: (r.unit, r.self) for sheet, r in gathered.items()} == {
        "Ngọc Kỳ": ("Xã Ngọc Kỳ", Decimal("73.2")), "Hà Kỳ": ("Xã Hà Kỳ", Decimal("71.2")),
        "Quang Phục": ("Xã Quang Phục", Decimal("73.2"))}
    assert [r.rank for r in (gathered["Ngọc Kỳ"], gathered["Quang Phục"], gathered["Hà Kỳ"])] == [1, 1, 3]
    assert "    3. Xã Hà Kỳ — 71,2 điểm" in lines
    # the unit sent twice: the later one (the collection's sheet) ranked, the file of its own not
    [group] = outcome.duplicates
    assert [(Path(r.path).name, r.sheet) for r in group] == [("tong_hop_xa.xlsx", "Ngọc Kỳ"), ("ngoc_ky.xlsx", None)]
    assert any("tong_hop_xa.xlsx (trang “Ngọc Kỳ”), ngoc_ky.xlsx" in line for line in lines)
    [stat] = [s for s in outcome.criteria_stats if s["code"] == "1.2"]
    assert (stat["full"], stat["below_max"], stat["min"]) == (2, 1, 0)  # three units, each once
    _, rows = sheet_rows(out, "Tổng hợp")
    assert sorted(r["Tệp"] for r in rows if r["Tệp"]) == [
        "ngoc_ky.xlsx", "tong_hop_xa.xlsx (trang “Hà Kỳ”)", "tong_hop_xa.xlsx (trang “Ngọc Kỳ”)",
        "tong_hop_xa.xlsx (trang “Quang Phục”)"]
    for sheet in ("Ngọc Kỳ", "Hà Kỳ", "Quang Phục"):
        report = reports / f"tong_hop_xa_{sheet}_bao_cao.docx"
        assert gathered[sheet].report == str(report)
        letterhead = Document(report).tables[0].rows[0].cells[0].text
        assert f"XÃ {sheet.upper()}" in letterhead
    assert {(Path(w["path"]).name, w.get("sheet")) for w in outcome.to_json()["workbooks"]} == {
        ("ngoc_ky.xlsx", None), ("tong_hop_xa.xlsx", "Ngọc Kỳ"), ("tong_hop_xa.xlsx", "Hà Kỳ"),
        ("tong_hop_xa.xlsx", "Quang Phục")}


def test_the_console_counts_full_points_explained_as_not_done(tmp_path):
    """Where a reviewer looks first for points to take off: full points beside "Chưa thực hiện" were one warning
    among many in "Chi tiết lỗi", never on the screen."""
    folder = tmp_path / "nhan"
    shutil.copytree(ROOT / "examples" / "cac_xa", folder)

    def full_points(ws):  # 1.6.1 and 1.6.2 at their full 0,25, their explanation still "Chưa thực hiện"
        for code in ("1.6.1", "1.6.2"):
            ws.cell(find_row(ws, "I", code), 4).value = 0.25
    for name in ("ha_ky.xlsx", "tan_ky.xlsx"):
        wb = openpyxl.load_workbook(folder / name)
        full_points(wb.worksheets[0])
        wb.save(folder / name)
    lines = bulk_check([folder], output=None, jobs=1).lines()
    assert ("  ⚠ 2 đơn vị có 4 mục được tối đa điểm mà giải trình ghi chưa thực hiện (mã explanation-says-not-done, "
            "xem trang “Chi tiết lỗi”).") in lines
    assert not [line for line in bulk_check([ROOT / "examples" / "cac_xa"], output=None, jobs=1).lines()
                if "chưa thực hiện (mã" in line]


def test_the_console_counts_units_that_scored_the_surveys_themselves(tmp_path):
    """A commune that typed SIPAS's 10 points into its self-assessment is ranked with them: the reviewer is told
    on the screen, before the ranking is published."""
    folder = tmp_path / "nhan"
    shutil.copytree(ROOT / "examples" / "cac_xa", folder)
    wb = openpyxl.load_workbook(folder / "ha_ky.xlsx")
    ws = wb.worksheets[0]
    ws.cell(find_row(ws, "II", "2"), 4).value, ws.cell(find_row(ws, "II", "3"), 4).value = 14, 10
    wb.save(folder / "ha_ky.xlsx")
    outcome = bulk_check([folder], output=None, jobs=1)
    assert ("  ⚠ 1 đơn vị có 2 mục điều tra xã hội học/SIPAS mà xã tự ghi điểm (tính vào tổng và xếp hạng) "
            "(mã survey-self-scored, xem trang “Chi tiết lỗi”).") in outcome.lines()
    assert not [line for line in bulk_check([ROOT / "examples" / "cac_xa"], output=None, jobs=1).lines()
                if "survey-self-scored" in line]


def test_the_console_counts_appraisal_deductions_without_a_reason(tmp_path):
    """Before the province publishes its appraisal, every point taken off needs its reason in "Ý kiến thẩm định":
    the deductions left without one were warnings in "Chi tiết lỗi" only."""
    folder = tmp_path / "nhan"
    shutil.copytree(ROOT / "examples" / "cac_xa", folder)
    for name, changed in (("ngoc_ky.xlsx", {"1.2": 1}), ("quang_phuc.xlsx", {"1.2": 0, "1.4.1": 0})):
        path = folder / name
        appraise(path, changed)
        wb = openpyxl.load_workbook(path)
        ws = wb.worksheets[0]
        header = next(r for r in range(1, 40) if ws.cell(r, 5).value == "Điểm thẩm định")
        ws.insert_cols(6)
        ws.cell(header, 6).value = "Ý kiến thẩm định"
        wb.save(path)
    lines = bulk_check([folder], output=None, jobs=1).lines()
    assert ("  ⚠ 2 đơn vị có 3 mục bị trừ điểm khi thẩm định mà chưa ghi ý kiến thẩm định (mã appraisal-unexplained, "
            "xem trang “Chi tiết lỗi”).") in lines


@pytest.mark.parametrize("marked", [True, False])
def test_the_summary_is_no_communes_workbook_for_check_recalc_report_or_the_button(tmp_path, marked):
    """A reviewer running check on bulk's summary (or clicking the button in it) got a commune of 4
    criteria (one per commune, "Mục 1 được 73,2/100 điểm nhưng chưa có nội dung giải trình"); recalc
    wrote its marks and a findings sheet into the summary, report made a report of it. Each now says
    what the file is, exit 2, and writes nothing; a summary without the mark (an older version's) is
    told by its sheets."""
    from helpers import remote_book

    import cchc_xl

    folder = tmp_path / "xa"
    generate(folder, 4, seed=3)
    summary = tmp_path / "tong_hop.xlsx"
    bulk_check([folder], output=summary, jobs=1)
    if not marked:
        with zipfile.ZipFile(summary) as source:
            parts = {info: source.read(info) for info in source.infolist()}
        with zipfile.ZipFile(summary, "w", zipfile.ZIP_DEFLATED) as target:
            for info, data in parts.items():
                target.writestr(info, data.replace(b"cchc-xl:tong-hop", b"") if info.filename.startswith("docProps/")
                                else data)
    before = summary.read_bytes()
    said = "đây là sổ tổng hợp do cchc-xl bulk lập"
    for command in (["check", summary], ["recalc", summary], ["recalc", summary, "-o", tmp_path / "ra.xlsx"],
                    ["report", summary, "-o", tmp_path / "bc.docx"]):
        proc = subprocess.run([sys.executable, "-m", "cchc_xl", *map(str, command)], capture_output=True, text=True,
                              encoding="utf-8")
        assert proc.returncode == 2, (command, proc.stdout, proc.stderr)
        assert said in proc.stdout + proc.stderr and "Traceback" not in proc.stderr
    assert summary.read_bytes() == before
    assert not (tmp_path / "ra.xlsx").exists() and not (tmp_path / "bc.docx").exists()
    assert sorted(p.name for p in summary.parent.iterdir() if "sao-luu" in p.name) == []  # (no backup made either)
    book = remote_book(summary, by_path=True)
    assert cchc_xl.main(book) is None
    done = book.json()["actions"]
    [alert] = [a["args"][0] for a in done if a["func"] == "alert"]
    assert said in alert and not [a for a in done if a["func"] in ("setValues", "setRangeColors", "addSheet")]


def test_an_officers_sheets_named_like_the_summarys_are_still_checked(tmp_path):
    """The summary is told by its sheets' whole names: an officer's "Tổng hợp điểm" beside "Theo tiêu chí
    năm trước" is checked like any workbook (a test on parts of the names took it for a summary)."""
    import openpyxl

    wb = openpyxl.load_workbook(EXAMPLE)
    wb.worksheets[0].title = "Tổng hợp điểm"
    wb.create_sheet("Theo tiêu chí năm trước")
    path = tmp_path / "xa.xlsx"
    wb.save(path)
    result = check_file(path)
    assert result.readable and result.assessment.sheet == "Tổng hợp điểm"
    outcome = bulk_check([path], output=tmp_path / "th.xlsx", jobs=1)
    assert [r.ok for r in outcome.records] == [True] and not outcome.skipped


def test_each_units_row_opens_its_workbook(tmp_path):
    """A reviewer reads the ranking and wants the commune's workbook: the "Tệp" cell showed its name only.
    It is now a link to the file (relative: the summary and the folder can be moved or sent together),
    as Excel escapes a file's address (space %20, # %23), blue and underlined; a workbook unpacked from
    a .zip has none (its copy is gone when the batch ends). LibreOffice follows each link to the file."""
    import urllib.parse

    folder = tmp_path / "so_noi_vu" / "huyện A"
    folder.mkdir(parents=True)
    shutil.copyfile(EXAMPLE, folder / "Xã An #1.xlsx")
    generate(folder / "xa", 2, seed=5)
    with zipfile.ZipFile(tmp_path / "so_noi_vu" / "thu.zip", "w") as archive:
        archive.write(EXAMPLE, "xa_trong_thu.xlsx")
    out = tmp_path / "bao_cao" / "tong_hop.xlsx"
    outcome = bulk_check([tmp_path / "so_noi_vu"], output=out, jobs=1)
    ws = openpyxl.load_workbook(out)["Tổng hợp"]
    column = [c.value for c in ws[1]].index("Tệp") + 1
    links = {}
    for row in range(2, len(outcome.records) + 2):
        cell = ws.cell(row, column)
        links[cell.value] = cell.hyperlink.target if cell.hyperlink else None
        if cell.hyperlink:
            assert cell.font.u == "single" and cell.font.color.rgb == "FF0563C1"
    assert links["huyện A/Xã An #1.xlsx"] == "../so_noi_vu/huyện%20A/Xã%20An%20%231.xlsx"
    assert [name for name, target in links.items() if target is None] == ["thu.zip/xa_trong_thu.xlsx"]
    for name, target in links.items():
        if target is not None:
            assert (out.parent / urllib.parse.unquote(target)).resolve() == (tmp_path / "so_noi_vu" / name).resolve()
    # the real office suite: LibreOffice reads the links and resolves them to the files
    ods = saved_by_libreoffice(out, "ods")
    with zipfile.ZipFile(ods) as package:
        content = package.read("content.xml").decode()
    import re

    found = {urllib.parse.unquote(h) for h in re.findall(r'xlink:href="(\.\./[^"#]+\.xlsx)"', content)}
    # (an .ods's relative address starts from inside its package: one "../" more)
    resolved = {(ods.parent / h[3:]).resolve() for h in found}
    assert resolved == {(tmp_path / "so_noi_vu" / name).resolve() for name, t in links.items() if t}
    # each finding's cell opens the commune's workbook at that cell
    detail = openpyxl.load_workbook(out)["Chi tiết lỗi"]
    at = {(row[0].value, row[3].value): row[3] for row in detail.iter_rows(min_row=2)}
    cell = at[("huyện A/Xã An #1.xlsx", "E76")]  # the example's one deduction left unexplained
    assert (cell.hyperlink.target, cell.hyperlink.location) == (links["huyện A/Xã An #1.xlsx"], "'Tự đánh giá'!E76")
    assert cell.font.u == "single"
    assert all(c.hyperlink is None for (name, _), c in at.items() if name == "thu.zip/xa_trong_thu.xlsx")
    assert "Xã%20An%20%231.xlsx#&apos;Tự%20đánh%20giá&apos;!E76" in content  # (LibreOffice reads the place too)


def test_a_link_to_a_workbook_on_another_drive_or_a_shared_folder_is_whole(monkeypatch):
    """On Windows a file on another drive (or on a shared folder) has no address relative to the summary's:
    the link gives it whole, as a file:// address (Windows' own path rules, ntpath, stand in here)."""
    import ntpath
    import types

    from cchc_xl.summarise import workbook

    monkeypatch.setattr(workbook, "os", types.SimpleNamespace(path=ntpath, sep="\\"))
    assert workbook.link_to_file(r"D:\Nội vụ\huyện A\Xã An #1.xlsx", r"C:\tong hop") == \
        "file:///D:/Nội%20vụ/huyện%20A/Xã%20An%20%231.xlsx"
    assert workbook.link_to_file(r"\\may-chu\tlkc\xa.xlsx", r"C:\tong hop") == "file://may-chu/tlkc/xa.xlsx"
    assert workbook.link_to_file(r"C:\tong hop\xa\b.xlsx", r"C:\tong hop") == "xa/b.xlsx"


def test_a_file_name_no_link_can_hold_leaves_the_summary_whole(tmp_path):
    """A file name with a control character, or with bytes that are not UTF-8 (an old zip's, a Linux
    share's): no link can hold it (XML refuses the one; the other's letters are replaced), so its row has
    none, and the summary stays a workbook Excel and LibreOffice open."""
    folder = tmp_path / "xa"
    folder.mkdir()
    shutil.copyfile(EXAMPLE, folder / "binh thuong.xlsx")
    shutil.copyfile(EXAMPLE, folder / "dieu\x01khien.xlsx")
    odd = os.fsdecode(os.fsencode(str(folder)) + b"/x\xe3_c.xlsx")
    shutil.copyfile(EXAMPLE, odd)
    out = tmp_path / "th.xlsx"
    outcome = bulk_check([folder], output=out, jobs=1)
    assert len(outcome.records) == 3
    ws = openpyxl.load_workbook(out)["Tổng hợp"]
    column = [c.value for c in ws[1]].index("Tệp") + 1
    linked = {ws.cell(row, column).value: ws.cell(row, column).hyperlink for row in range(2, 5)}
    assert [name for name, link in linked.items() if link is not None] == ["binh thuong.xlsx"]
    assert linked["binh thuong.xlsx"].target == "xa/binh%20thuong.xlsx"
    assert saved_by_libreoffice(out, "ods").exists()  # (LibreOffice opens it: its XML is whole)


def test_links_stop_at_excels_most_a_sheet_a_workbooks_findings_all_or_none(tmp_path, monkeypatch):
    """Excel holds at most 65,530 hyperlinks on a worksheet (a national roll-up's findings pass it): the
    links stop there, a workbook's findings linked all or none, and the rows go on without links."""
    from cchc_xl.summarise import workbook

    monkeypatch.setattr(workbook, "LINKS_A_SHEET", 12)
    folder = tmp_path / "xa"
    folder.mkdir()
    for n in range(4):
        shutil.copyfile(EXAMPLE, folder / f"xa_{n}.xlsx")  # (5 findings each)
    out = tmp_path / "th.xlsx"
    bulk_check([folder], output=out, jobs=1)
    detail = openpyxl.load_workbook(out)["Chi tiết lỗi"]
    linked = {}
    for row in detail.iter_rows(min_row=2):
        linked.setdefault(row[0].value, []).append(row[3].hyperlink is not None)
    assert [all(flags) for flags in linked.values()] == [True, True, False, False]
    assert [any(flags) for flags in linked.values()] == [True, True, False, False]
    assert sum(map(sum, linked.values())) == 10 and sum(map(len, linked.values())) == 20
    monkeypatch.setattr(workbook, "LINKS_A_SHEET", 2)  # the units' rows: the first two linked
    bulk_check([folder], output=out, jobs=1, overwrite=True)
    summary = openpyxl.load_workbook(out)["Tổng hợp"]
    assert [summary.cell(row, 5).hyperlink is not None for row in range(2, 6)] == [True, True, False, False]
