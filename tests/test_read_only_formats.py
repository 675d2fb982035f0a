"""Old Excel 97–2003 workbooks (.xls) and LibreOffice spreadsheets (.ods), made by LibreOffice from
our own files: read as they are (check, report, bulk, templates import), refused with the way out
by what writes into the file (recalc, convert). They used to be refused everywhere ("hãy lưu lại
dạng .xlsx"), so a reviewer had to send them back and an old TCVN3 workbook could not even be
checked. Each is compared with the same workbook saved as .xlsx by the same LibreOffice."""
import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from cchc_xl.api import check_file
from cchc_xl.criteria_sets.importer import import_table
from cchc_xl.read import read_workbook
from cchc_xl.read.table import parse_workbook
from cchc_xl.read.xls import read_xls_grid
from cchc_xl.summarise.bulk import bulk_check

from helpers import EXAMPLE, EXCEL_KEEPS, edited_example, find_row, report_rows, typed_like_excel
from test_criteria_sets import OFFICIAL, official_xlsx
from test_reader_variety import _legacy_copy, _mixed_copy, _to_tcvn3

FORMATS = ("xls", "ods")
OLE, ZIP = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"PK\x03\x04"
pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice makes the real .xls files")


def cli(*args):
    return subprocess.run([sys.executable, "-m", "cchc_xl", *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8", timeout=120)


def _libreoffice(to: str, folder: Path, *paths: Path) -> None:
    subprocess.run(["soffice", "--headless", "--convert-to", to, "--outdir", str(folder), *map(str, paths)],
                   check=True, capture_output=True, timeout=300)


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """The same workbooks as .xls and, saved by the same LibreOffice, as .xlsx (both then hold the
    values LibreOffice computed, error values included)."""
    folder = tmp_path_factory.mktemp("old_excel")
    source = folder / "source"
    source.mkdir()

    def broken_cell(ws):
        ws[f"D{find_row(ws, 'I', '3.5.3')}"] = "=1/0"  # a formula gone wrong: #DIV/0!
        ws[f"D{find_row(ws, 'I', '1.1.3')}"] = dt.datetime(2023, 12, 31)  # "31.12" that Excel took for a date
        ws[f"D{find_row(ws, 'I', '1.1.3')}"].number_format = "dd/mm/yyyy"
        ws[f"D{find_row(ws, 'I', '1.1.2')}"] = dt.time(1, 2)  # "1:02", a time of day
        ws[f"D{find_row(ws, 'I', '1.1.2')}"].number_format = "hh:mm"

    edited_example(source, "loi.xlsx", broken_cell)
    _legacy_copy(source, "tcvn3.xlsx", _to_tcvn3, ".VnTime")
    half = 1, len(OFFICIAL) - 2
    official_xlsx(source / "phu_luc.xlsx", {"Phần I": OFFICIAL[:half[0]], "Phần II": OFFICIAL[half[0]:half[1]],
                                           "Phần III": OFFICIAL[half[1]:]})
    _mixed_copy(source, "mixed.xlsx")
    edited_example(source, "phan_tram.xlsx", typed_like_excel)
    inputs = [source / name for name in ("loi.xlsx", "tcvn3.xlsx", "phu_luc.xlsx", "mixed.xlsx", "phan_tram.xlsx")]
    for kind in FORMATS + ("xlsx",):
        (folder / kind).mkdir()
        _libreoffice(kind, folder / kind, *inputs)
    return folder


def _findings(path):
    result = check_file(path)
    assert result.readable, result.error
    return result, [(f.code, f.sheet, f.cell, f.message) for f in result.findings]


@pytest.mark.parametrize("kind", FORMATS)
def test_a_workbook_is_checked_as_the_same_workbook_saved_as_xlsx(made, kind):
    xls, xlsx = made / kind / f"loi.{kind}", made / "xlsx" / "loi.xlsx"
    magic = OLE if kind == "xls" else ZIP
    assert xls.read_bytes()[:len(magic)] == magic  # really that format, not an .xlsx renamed
    old, old_findings = _findings(xls)
    new, new_findings = _findings(xlsx)
    assert old_findings == new_findings
    assert old.assessment.totals().self == new.assessment.totals().self
    assert [(c.code, c.name, c.max.value, c.self.value, c.explanation) for c in old.assessment.criteria] == \
           [(c.code, c.name, c.max.value, c.self.value, c.explanation) for c in new.assessment.criteria]
    ws = openpyxl.load_workbook(EXAMPLE).worksheets[0]
    broken = f"D{find_row(ws, 'I', '3.5.3')}"
    assert ("cell-error", broken) in {(f.code, f.cell) for f in old.findings}  # not read as a blank
    assert any("#DIV/0!" in message for code, _, cell, message in old_findings if cell == broken)
    assert old.assessment.meta["unit"] == "Xã Ngọc Kỳ"
    # dates and times read as from the .xlsx (a time was a datetime on 31/12/1899: another message)
    said = {cell: message for code, _, cell, message in old_findings if code == "not-a-number"}
    assert "đang là ngày tháng (31/12/2023)" in said[f"D{find_row(ws, 'I', '1.1.3')}"]
    assert "“01:02”, không phải là số" in said[f"D{find_row(ws, 'I', '1.1.2')}"]


@pytest.mark.parametrize("kind", FORMATS)
def test_a_renamed_file_reads_by_what_it_is(made, tmp_path, kind):
    """A commune that renamed its file to .xlsx: read by its content (python-calamine's from_path
    goes by the name: an .ods named .xlsx was "bảng tính .ods bị hỏng")."""
    renamed = tmp_path / "xa.xlsx"
    shutil.copy(made / kind / f"loi.{kind}", renamed)
    assert _findings(renamed)[1] == _findings(made / kind / f"loi.{kind}")[1]


@pytest.mark.parametrize("kind", FORMATS)
def test_an_old_tcvn3_workbook_reads_in_unicode(made, kind):
    original, legacy = read_workbook(EXAMPLE), read_workbook(made / kind / f"tcvn3.{kind}")
    assert [c.name.lower() for c in legacy.criteria] == [c.name.lower() for c in original.criteria]
    assert legacy.meta["unit"] == "Xã Ngọc Kỳ" and legacy.totals().self == original.totals().self
    info = [f for f in check_file(made / kind / f"tcvn3.{kind}").findings if f.code == "legacy-encoding"]
    assert len(info) == 1 and "TCVN3" in info[0].message and "lưu lại dạng .xlsx" in info[0].message


def test_an_old_table_under_a_unicode_letterhead_in_an_xls_reads_in_unicode(made):
    """The .xls of a new template around last decade's TCVN3 table: the cells in .VnTime are read in
    Unicode (xlrd gives each cell's font), the Unicode ones stay as typed."""
    original, mixed = read_workbook(EXAMPLE), read_workbook(made / "xls" / "mixed.xls")
    assert [c.name.lower() for c in mixed.criteria] == [c.name.lower() for c in original.criteria]
    assert mixed.meta["unit"] == "Xã Ngọc Kỳ" and mixed.totals().self == original.totals().self
    assert [f.code for f in check_file(made / "xls" / "mixed.xls").findings if f.code == "legacy-encoding"] == [
        "legacy-encoding"]
    grid = read_xls_grid(str(made / "xls" / "mixed.xls"))
    parse_workbook(grid)
    row = find_row(openpyxl.load_workbook(made / "source" / "mixed.xlsx").worksheets[0], "I", "1.1") - 1
    assert grid.sheets[0].rows[row][6] == "Có"


@pytest.mark.parametrize("kind", FORMATS)
def test_a_percent_typed_in_the_explanation_reads_as_shown(made, kind):
    """"100%" typed in the explanation column (kept as 1 formatted 0%) read "1": .xls gives each
    cell's format through xlrd; .ods marks the cell a percentage (its thousands and dates are not
    read from its styles: LibreOffice's own display text is in the saver's language)."""
    read = {c.key: c.explanation for c in read_workbook(str(made / kind / f"phan_tram.{kind}")).criteria}
    as_xlsx = {c.key: c.explanation for c in read_workbook(str(made / "xlsx" / "phan_tram.xlsx")).criteria}
    shown = {f"I.{code}": text for code, _, _, text in EXCEL_KEEPS}
    assert {key: as_xlsx[key] for key in shown} == shown  # (LibreOffice kept every format)
    expected = shown if kind == "xls" else {**shown, "I.1.4": "1500", "I.1.5": "01/06/2023"}
    assert {key: read[key] for key in shown} == expected


@pytest.mark.parametrize("kind", FORMATS)
def test_report_and_bulk_read_it(made, tmp_path, kind):
    report = tmp_path / "bao_cao.docx"
    proc = cli("report", made / "xlsx" / "loi.xlsx", "-o", tmp_path / "ref.docx", "--force")
    assert proc.returncode == 0, proc.stderr
    proc = cli("report", made / kind / f"loi.{kind}", "-o", report, "--force")
    assert proc.returncode == 0, proc.stderr
    rows = [[cell.text for cell in row.cells] for row in report_rows(Document(str(report)))]
    assert rows == [[cell.text for cell in row.cells] for row in report_rows(Document(str(tmp_path / "ref.docx")))]
    assert any("Ban hành kế hoạch CCHC" in " ".join(row) for row in rows)

    folder = tmp_path / "xa"
    folder.mkdir()
    shutil.copy(made / kind / f"tcvn3.{kind}", folder / f"xa_cu.{kind}")
    shutil.copy(EXAMPLE, folder / "xa_moi.xlsx")
    outcome = bulk_check([folder], output=tmp_path / "tong_hop.xlsx", jobs=1)
    by_file = {Path(r.path).name: r for r in outcome.records}
    assert by_file[f"xa_cu.{kind}"].readable and by_file[f"xa_cu.{kind}"].unit == "Xã Ngọc Kỳ"
    assert (by_file[f"xa_cu.{kind}"].self, by_file[f"xa_cu.{kind}"].max) == (by_file["xa_moi.xlsx"].self, by_file["xa_moi.xlsx"].max)
    assert by_file[f"xa_cu.{kind}"].areas == by_file["xa_moi.xlsx"].areas and by_file[f"xa_cu.{kind}"].self is not None


@pytest.mark.parametrize("kind, said", [("xls", "sổ Excel cũ (.xls)"), ("ods", "bảng tính LibreOffice (.ods)")])
@pytest.mark.parametrize("command", ["recalc", "convert"])
def test_what_writes_into_the_file_asks_for_xlsx_and_writes_nothing(made, tmp_path, command, kind, said):
    path = tmp_path / f"tcvn3.{kind}"
    shutil.copy(made / kind / f"tcvn3.{kind}", path)
    before = path.read_bytes()
    args = [command, path] + (["-o", tmp_path / "ra.xlsx"] if command == "convert" else [])
    proc = cli(*args)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and said in lines[0] and "Lưu thành (Save As)" in lines[0] and ".xlsx)”" in lines[0]
    assert path.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == [path.name]


@pytest.mark.parametrize("kind", FORMATS)
def test_an_official_annex_imports_as_its_xlsx(made, kind):
    def criteria(path):
        return [(c.part, c.code, c.name, c.max, c.guidance) for c in import_table(path, "hp").criteria]

    old = criteria(made / kind / f"phu_luc.{kind}")
    assert old == criteria(made / "xlsx" / "phu_luc.xlsx") and len(old) == len(OFFICIAL)


@pytest.mark.parametrize("suffix", [".xls", ".ods"])
def test_an_xlsx_renamed_xls_reads_and_recalc_asks_for_its_real_name(tmp_path, suffix):
    """An .xlsx sent named .xls (or .ods): python-calamine went by the name and failed ("tệp bị hỏng
    (CalamineError)"), as openpyxl refused it. It reads as what it is; recalc writes it only under
    an .xlsx name, since Excel warns of a name that does not match the content."""
    renamed = tmp_path / f"xa{suffix}"
    shutil.copy(EXAMPLE, renamed)
    expected = _findings(EXAMPLE)[1]
    for engine in ("calamine", "openpyxl"):
        result = check_file(renamed, engine=engine)
        assert result.readable, (engine, result.error)
        assert [(f.code, f.sheet, f.cell, f.message) for f in result.findings] == expected
    before = renamed.read_bytes()
    for args in ([], ["-o", tmp_path / f"ra{suffix}"]):
        proc = cli("recalc", renamed, *args)
        assert proc.returncode == 2 and f"thực ra là sổ .xlsx mang đuôi {suffix}" in proc.stderr
    assert renamed.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == [renamed.name]
    proc = cli("recalc", renamed, "-o", tmp_path / "ra.xlsx")
    assert proc.returncode == 0, proc.stderr
    assert read_workbook(tmp_path / "ra.xlsx").totals().self == read_workbook(EXAMPLE).totals().self
    assert cli("report", renamed, "-o", tmp_path / "bc.docx").returncode == 0
