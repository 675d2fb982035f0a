"""The summary and findings sheets on paper, links for any sheet name, rows without r, a Vietnamese CLI."""
import argparse
import os
import re
import shutil
import subprocess
import sys
import zipfile

import openpyxl
import pytest

from cchc_xl.summarise.bulk import bulk_check
from cchc_xl.write.recalc import recalc_file

from helpers import EXAMPLE, blank_parents, edited_example, find_row, with_control_codes

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice")


def cli(*args):
    return subprocess.run([sys.executable, "-m", "cchc_xl", *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8")


@pytest.fixture(scope="module")
def summary(tmp_path_factory):
    folder = tmp_path_factory.mktemp("xa")
    for i in range(12):
        shutil.copyfile(EXAMPLE, folder / f"xa_{i:02d}.xlsx")
    out = folder.parent / "tong_hop.xlsx"
    bulk_check([folder], output=out, jobs=1)
    return out


def test_chart_below_the_table_with_axis_from_zero(summary):
    with zipfile.ZipFile(summary) as z:
        chart = z.read("xl/charts/chart1.xml").decode()
        drawing = z.read("xl/drawings/drawing1.xml").decode()
    assert re.search(r'<(c:)?min val="0(\.0)?"\s*/>', chart)
    anchor = re.search(r"<(?:xdr:)?from><(?:xdr:)?col>(\d+)</(?:xdr:)?col>.*?<(?:xdr:)?row>(\d+)</", drawing, re.S)
    anchor_col, anchor_row = int(anchor.group(1)), int(anchor.group(2))
    assert anchor_row >= 13 + 1 and anchor_col <= 2  # below the 12 rows of units, at the left


def test_detail_headers_are_vietnamese_and_names_get_row_heights(summary):
    wb = openpyxl.load_workbook(summary)
    assert [c.value for c in wb["Chi tiết lỗi"][1]][:3] == ["Tệp", "Đơn vị", "Trang"]
    stats = wb["Theo tiêu chí"]
    long_rows = [r for r in range(2, stats.max_row + 1) if len(str(stats.cell(r, 4).value)) > 140]
    assert long_rows and all(stats.row_dimensions[r].height and stats.row_dimensions[r].height > 30 for r in long_rows)
    ws = wb["Tổng hợp"]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1 and ws.print_title_rows


@needs_soffice
def test_summary_prints_readable_on_a4(summary, tmp_path):
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(summary)], check=True, capture_output=True, timeout=240)
    pdf = tmp_path / "tong_hop.pdf"
    html = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True,
                          text=True).stdout
    heights = [float(m.group(2)) - float(m.group(1))
               for m in re.finditer(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">Ngọc', html)]
    assert heights and min(heights) >= 6.5  # unit names print at a readable size, not a strip
    page = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', html)
    assert float(page.group(1)) > float(page.group(2))  # landscape


def test_findings_links_work_for_any_sheet_name(tmp_path):
    wb = openpyxl.load_workbook(EXAMPLE)
    ws = wb.worksheets[0]
    ws.title = "Xã O'Neil"
    ws.cell(find_row(ws, "I", "1.2"), 4).value = 5  # an over-max finding to link to
    path = tmp_path / "nhay.xlsx"
    wb.save(path)
    recalc_file(path)
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        sheets = [n for n in names if n.startswith("xl/worksheets/sheet")]
        text = "".join(z.read(n).decode() for n in sheets)
    assert "location=\"'Xã O''Neil'!D" in text
    out = openpyxl.load_workbook(path)["Kết quả kiểm tra"]
    assert out.row_dimensions[1].height == 21  # the title keeps its own line


def test_recalc_writes_rows_in_order_when_r_is_omitted(tmp_path):
    source = edited_example(tmp_path, "blank.xlsx", blank_parents)
    path = tmp_path / "khong_r.xlsx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'(<row[^>]*?) r="\d+"', rb"\1", data)  # rows without r
                data = re.sub(rb'(<c) r="[A-Z]+\d+"', rb"\1", data, count=40)  # and some cells
            dst.writestr(item, data)
    recalc_file(path)
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    numbers = [int(n) for n in re.findall(r'<row[^>]*? r="(\d+)"', xml)]
    assert numbers == sorted(numbers) and len(numbers) == len(set(numbers))
    ws = openpyxl.load_workbook(path).worksheets[0]
    assert ws.cell(find_row(ws, "I", "I"), 4).value == 71.2 and ws.cell(find_row(ws, "I", "3"), 4).value == 17.1


def test_cli_speaks_vietnamese():
    proc = cli("check")
    assert proc.returncode == 2 and "cách dùng: cchc-xl check" in proc.stderr
    assert "lỗi: thiếu tham số bắt buộc: TỆP" in proc.stderr and "usage" not in proc.stderr
    wrong = cli("report", "x.xlsx", "--decimal", "x")
    assert "lựa chọn không hợp lệ: 'x'" in wrong.stderr
    helped = cli("--help")
    assert "tùy chọn:" in helped.stdout and "in hướng dẫn này rồi thoát" in helped.stdout
    assert cli("--version").stdout.startswith("cchc-xl ")
    from cchc_xl.cli import _parser

    def walk(parser):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    yield from walk(sub)
            else:
                yield action
    missing = [a.option_strings or a.dest for a in walk(_parser()) if not a.help]
    assert missing == []


def test_every_command_prints_its_help():
    # argparse expands "%" in help texts: a bare "theo % điểm" made `templates import --help` a traceback
    from cchc_xl.cli import _parser

    def parsers(parser, path=()):
        yield path, parser
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    yield from parsers(sub, path + (name,))
    seen = []
    for path, parser in parsers(_parser()):
        text = parser.format_help()
        assert "tùy chọn:" in text and "in hướng dẫn này rồi thoát" in text, path
        seen.append(" ".join(path))
    assert {"templates import", "addin build", "bulk", "sign"} <= set(seen)
    assert "theo % điểm tối đa" in cli("templates", "import", "--help").stdout


def test_check_given_a_folder_points_at_bulk(tmp_path):
    """A reviewer's first try, `cchc-xl check "Huyện A"`, said only that a folder is no file."""
    folder = tmp_path / "Huyện A"
    folder.mkdir()
    proc = cli("check", folder)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr + proc.stdout
    assert (proc.stdout + proc.stderr).strip().endswith(
        f'đây là thư mục, không phải tệp Excel; để kiểm tra cả thư mục, dùng `cchc-xl bulk "{folder}"`')
    # typed with its trailing separator: not in the command shown (cmd.exe reads \" as a quote in the name)
    trailing = cli("check", f"{folder}{os.sep}")
    assert (trailing.stdout + trailing.stderr).strip().endswith(f'`cchc-xl bulk "{folder}"`')


def test_a_command_without_its_task_names_what_is_missing_in_vietnamese():
    """`cchc-xl addin` alone said "thiếu tham số bắt buộc: addin_command", the program's own name for it."""
    from cchc_xl.cli import _parser

    def groups(parser, path=()):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                yield path, action
                for name, sub in action.choices.items():
                    yield from groups(sub, path + (name,))
    found = list(groups(_parser()))
    assert {path for path, _ in found} == {(), ("templates",), ("addin",)}
    for path, action in found:
        assert action.metavar in ("LỆNH", "VIỆC"), path
    proc = cli("addin")
    assert proc.returncode == 2 and proc.stderr.strip().splitlines()[-1] == "cchc-xl addin: lỗi: thiếu tham số bắt buộc: VIỆC"


def _score_cell_with_control_codes(tmp_path):
    """A self-score typed as text that is rich markup and carries terminal control codes (written
    as _x001B_ in the sheet XML, as Excel escapes them): the not-a-number finding quotes it."""
    def edit(ws):
        ws.cell(find_row(ws, "I", "1.4.1"), 4).value = "[/] xx MARK [/x]"

    return with_control_codes(edited_example(tmp_path, "typed.xlsx", edit), tmp_path / "markup.xlsx")


def test_cell_text_cannot_drive_the_terminal_or_break_the_table(tmp_path):
    """On a terminal (rich table) a "[/]" in a cell was a MarkupError, "Lỗi không mong đợi"; in
    both outputs an ESC, a BEL or a carriage return from a cell reached the terminal as it was."""
    import os

    pty = pytest.importorskip("pty")  # POSIX: a pseudo-terminal, so rich draws its table
    path = _score_cell_with_control_codes(tmp_path)
    plain = cli("check", path)
    assert plain.returncode == 1 and "“[/] xx ?]0;PWNED?? [/x]”, không phải là số" in plain.stdout
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f]", plain.stdout + plain.stderr)

    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "cchc_xl", "check", str(path)], stdout=follower,
                            stderr=follower, env={**os.environ, "COLUMNS": "200", "PYTHONIOENCODING": "utf-8"})
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert proc.wait(timeout=60) == 1
    shown = b"".join(chunks).decode("utf-8", "replace")
    assert "Lỗi không mong đợi" not in shown and "[/] xx ?]0;PWNED" in shown and "│" in shown  # rich's table
    assert "\x1b]0;PWNED" not in shown and "\x07" not in shown


def test_a_file_name_with_control_codes_is_printed_harmlessly(tmp_path):
    folder = tmp_path / "xa"
    folder.mkdir()
    (folder / "b\x07\x1b[2Jx.xlsx").write_text("không phải Excel", encoding="utf-8")
    shutil.copyfile(EXAMPLE, folder / "a.xlsx")
    proc = cli("bulk", folder, "-o", tmp_path / "tong_hop.xlsx")
    assert proc.returncode == 1, proc.stderr  # a file could not be read
    assert "b??[2Jx.xlsx: không phải tệp Excel" in proc.stdout + proc.stderr
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f]", proc.stdout + proc.stderr)


def test_check_expands_a_pattern_the_shell_left_as_typed(tmp_path):
    """cmd.exe passes "*.xlsx" to the program as typed: it was "không tìm thấy tệp"."""
    shutil.copyfile(EXAMPLE, tmp_path / "xa_a.xlsx")
    shutil.copyfile(EXAMPLE, tmp_path / "xa_b.xlsx")
    proc = cli("check", str(tmp_path / "xa_*.xlsx"))
    assert proc.returncode == 0, proc.stderr
    assert [line.split(" — ")[0] for line in proc.stdout.splitlines() if " — Xã" in line] == \
        [str(tmp_path / "xa_a.xlsx"), str(tmp_path / "xa_b.xlsx")]
    nothing = cli("check", str(tmp_path / "khong_*.xlsx"))
    assert nothing.returncode == 2 and "không tìm thấy tệp" in nothing.stdout + nothing.stderr


def test_an_appraised_workbook_says_its_appraised_total_at_every_door(tmp_path):
    """A reviewer appraises one workbook and checks it: `check`, `recalc`, the JSON and its findings sheet
    said the self-assessed total only. They now say the appraised one too, or how much is left to appraise;
    a column left empty for the reviewer says nothing (no appraisal of 0)."""
    import json

    from helpers import appraise

    done, begun, empty = (tmp_path / name for name in ("xong.xlsx", "do.xlsx", "trong.xlsx"))
    for path in (done, begun, empty):
        shutil.copy(EXAMPLE, path)
    appraise(done, {"3.5.3": 0.1})  # 0,3 self-assessed
    appraise(begun, {"3.5.3": None})
    appraise(empty, blank=True)

    def check(path, *more):
        return subprocess.run([sys.executable, "-m", "cchc_xl", "check", str(path), *more], capture_output=True,
                              text=True, encoding="utf-8")

    assert "; thẩm định 73/100 điểm; " in check(done).stdout.splitlines()[0]
    assert "; thẩm định chưa xong (còn 0,5 điểm chưa chấm); " in check(begun).stdout.splitlines()[0]
    assert "thẩm định" not in check(empty).stdout.splitlines()[0]
    data = json.loads(check(done, "--json").stdout)["workbooks"][0]
    assert data["appraisal"]["self"] == 73.0 and data["totals"]["self"] == 73.2
    # criterion by criterion too: the reviewer's points beside the commune's
    [item] = [c for c in data["criteria"] if c["code"] == "3.5.3"]
    assert (item["self"], item["appraised"], item["appraisal_comment"]) == (0.3, 0.1, "")
    assert "appraised" not in json.loads(subprocess.run(
        [sys.executable, "-m", "cchc_xl", "check", str(EXAMPLE), "--json"], capture_output=True, text=True,
        encoding="utf-8").stdout)["workbooks"][0]["criteria"][0]  # a table without the column: no such key
    assert json.loads(check(empty, "--json").stdout)["workbooks"][0]["appraisal"] is None
    outcome = recalc_file(done, tmp_path / "ra.xlsx")
    assert "thẩm định 73/100 điểm" in outcome.lines()[0]
    rows = {row[0]: row[1] for row in openpyxl.load_workbook(tmp_path / "ra.xlsx")["Kết quả kiểm tra"].iter_rows(
        max_row=10, values_only=True)}
    assert rows["Điểm thẩm định"] == 73 and rows["Điểm tự đánh giá (đã chấm)"] == 73.2
    recalc_file(empty, tmp_path / "rb.xlsx")
    assert "Điểm thẩm định" not in [row[0] for row in openpyxl.load_workbook(tmp_path / "rb.xlsx")[
        "Kết quả kiểm tra"].iter_rows(max_row=10, values_only=True)]
