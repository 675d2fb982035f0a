"""The output policy every command follows: never overwrite what was not asked for, never lose a byte."""
import os
import shutil
import stat
import subprocess
import sys
import threading

import pytest

from cchc_xl.errors import RefusedWrite
from cchc_xl.write.recalc import recalc_file

from helpers import EXAMPLE, ROOT, blank_parents, edited_example


def cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "cchc_xl", *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8", cwd=cwd)


@pytest.fixture()
def workbook(tmp_path):
    return edited_example(tmp_path, "xa.xlsx", blank_parents)


def test_new_outputs_follow_the_umask(tmp_path, workbook):
    old = os.umask(0o022)
    try:
        out = tmp_path / "ra.xlsx"
        recalc_file(workbook, out)
        assert stat.S_IMODE(out.stat().st_mode) == 0o644
        assert cli("report", workbook, "-o", tmp_path / "bc.docx").returncode == 0
        assert stat.S_IMODE((tmp_path / "bc.docx").stat().st_mode) == 0o644
    finally:
        os.umask(old)


def test_replaced_file_keeps_its_mode(workbook):
    os.chmod(workbook, 0o640)
    recalc_file(workbook)
    assert stat.S_IMODE(workbook.stat().st_mode) == 0o640


def test_concurrent_recalcs_keep_every_backup_and_the_original(tmp_path, workbook):
    original = workbook.read_bytes()
    errors = []

    def run():
        try:
            recalc_file(workbook)
        except RefusedWrite as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    backups = sorted(tmp_path.glob("xa.sao-luu-*"))
    assert not errors and len(backups) == 6  # one fresh backup per run, never reused
    assert any(b.read_bytes() == original for b in backups)  # the original survives byte for byte


def test_output_naming_the_input_is_in_place_with_backup(tmp_path, workbook):
    original = workbook.read_bytes()
    (tmp_path / "sub").mkdir()
    # -o resolves to the input itself: recalc in place, with its backup
    proc = cli("recalc", workbook, "-o", tmp_path / "sub" / ".." / workbook.name)
    assert proc.returncode == 0, proc.stderr
    backups = list(tmp_path.glob("xa.sao-luu-*"))
    assert len(backups) == 1 and backups[0].read_bytes() == original


def test_symlink_recalc_writes_the_real_file(tmp_path, workbook):
    link = tmp_path / "lien_ket.xlsx"
    link.symlink_to(workbook)
    before = workbook.read_bytes()
    recalc_file(link)
    assert link.is_symlink() and workbook.read_bytes() != before


def test_unrelated_existing_output_is_refused(tmp_path, workbook):
    mine = tmp_path / "cua_toi.xlsx"
    shutil.copyfile(EXAMPLE, mine)
    kept = mine.read_bytes()
    proc = cli("recalc", workbook, "-o", mine)
    assert proc.returncode == 2 and "--overwrite" in proc.stderr and mine.read_bytes() == kept
    assert cli("recalc", workbook, "-o", mine, "--overwrite").returncode == 0
    assert cli("recalc", workbook, "-o", mine).returncode == 0  # now it is our own earlier output
    letter = tmp_path / "thu.docx"
    letter.write_bytes(b"PK\x03\x04 a letter of the officer")
    proc = cli("report", workbook, "-o", letter)
    assert proc.returncode == 2 and "không phải báo cáo do cchc-xl lập" in proc.stderr
    assert letter.read_bytes() == b"PK\x03\x04 a letter of the officer"
    ours = tmp_path / "bc.docx"
    assert cli("report", workbook, "-o", ours).returncode == 0
    assert cli("report", workbook, "-o", ours).returncode == 0  # re-running replaces its own report


def test_libreoffice_lock_is_refused(tmp_path, workbook):
    (tmp_path / f".~lock.{workbook.name}#").write_text(",user,host,28.11.2026 10:00,user;")
    before = workbook.read_bytes()
    proc = cli("recalc", workbook)
    assert proc.returncode == 2 and "LibreOffice" in proc.stderr and workbook.read_bytes() == before


def test_missing_output_folder_is_created_and_docx_input_refused(tmp_path, workbook):
    out = tmp_path / "moi" / "thu_muc" / "ra.xlsx"
    assert cli("recalc", workbook, "-o", out).returncode == 0 and out.exists()
    docx = tmp_path / "bc.docx"
    docx.write_bytes(b"PK")
    proc = cli("recalc", docx)
    assert proc.returncode == 2 and "chỉ làm việc với sổ tính .xlsx/.xlsm" in proc.stderr


def test_unwritable_folder_is_one_line_and_leaves_nothing(tmp_path, workbook):
    if os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    locked = tmp_path / "khoa"
    locked.mkdir()
    locked.chmod(0o500)
    proc = cli("report", workbook, "-o", locked / "bc.docx")
    assert proc.returncode == 2 and "không có quyền ghi" in proc.stderr and "Traceback" not in proc.stderr
    assert list(locked.iterdir()) == []


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs /proc (Linux): a folder that takes no new file")
def test_a_folder_that_takes_no_new_file_is_not_said_missing(workbook):
    """Creating a file in /proc fails with "no such file" even for root: the line said "thư mục /proc
    không tồn tại" of a folder that is there."""
    proc = cli("report", workbook, "-o", "/proc/bc.docx")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == [
        "Lỗi: không ghi được /proc/bc.docx: thư mục /proc không nhận tệp mới — không có tệp nào bị ghi dở."]


@pytest.mark.parametrize("command", ["report", "recalc", "new", "templates export", "bulk -o", "bulk --reports"])
def test_a_file_where_the_output_folder_should_be_is_one_vietnamese_line(tmp_path, workbook, command):
    """-o (or --reports) below a file ("xa.xlsx/bc.docx", a typo of a folder): the operating system
    says "File exists" or "Not a directory"; the officer reads which file stands in the way, in
    Vietnamese, exit 2, and nothing is written."""
    before = workbook.read_bytes()
    target = workbook / "moi" / "ra.xlsx"
    args = {
        "report": ["report", workbook, "-o", workbook / "bc.docx"],
        "recalc": ["recalc", workbook, "-o", target],
        "new": ["new", "-o", target],
        "templates export": ["templates", "export", "cap_xa_2023", "-o", workbook / "bo.json"],
        "bulk -o": ["bulk", workbook, "-o", target, "--jobs", "1"],
        "bulk --reports": ["bulk", workbook, "-o", tmp_path / "tong_hop.xlsx", "--reports", workbook / "bao_cao",
                           "--jobs", "1"],
    }[command]
    proc = cli(*args)
    assert proc.returncode == 2, proc.stderr
    line = proc.stderr.strip()
    assert "\n" not in line and "Traceback" not in line and "File exists" not in line and "Not a directory" not in line
    assert f"{workbook} là một tệp" in line or f"nằm trong {workbook}, mà đó là một tệp" in line, line
    assert workbook.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == [workbook.name]


@pytest.mark.parametrize("command", [["recalc", "SO"], ["report", "SO"], ["bulk", "THU_MUC"], ["new"], ["demo"],
                                     ["convert", "SO"], ["bulk", "THU_MUC", "--reports"]])
def test_an_output_named_by_an_empty_variable_is_refused_and_nothing_is_written(tmp_path, command):
    """`cchc-xl recalc so.xlsx -o "$RA"` with $RA unset: the empty name was taken as no -o, and recalc wrote
    over the workbook itself (after a backup); bulk --reports "" wrote the reports into the current folder.
    An empty output name is now refused, exit 2, and nothing is written anywhere."""
    folder = tmp_path / "xa"
    folder.mkdir()
    workbook = folder / "so.xlsx"
    shutil.copyfile(EXAMPLE, workbook)
    before = workbook.read_bytes()
    args = [str(workbook) if a == "SO" else str(folder) if a == "THU_MUC" else a for a in command]
    option = [] if args[-1] == "--reports" else ["-o"]
    cwd = tmp_path / "noi_chay"
    cwd.mkdir()
    proc = subprocess.run([sys.executable, "-m", "cchc_xl", *args, *option, ""], capture_output=True, text=True,
                          encoding="utf-8", cwd=cwd, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "để trống" in proc.stderr and "Traceback" not in proc.stderr
    assert workbook.read_bytes() == before and sorted(p.name for p in folder.iterdir()) == ["so.xlsx"]
    assert list(cwd.iterdir()) == []
