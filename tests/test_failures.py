"""Every failure is one Vietnamese line with a documented exit code, and nothing half-written."""
import errno
import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cchc_xl.errors import CchcError, RefusedWrite
from cchc_xl.write.atomic import exclusive_copy, write_atomically

from helpers import EXAMPLE


def cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "cchc_xl", *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8", cwd=cwd, stdin=subprocess.DEVNULL)


def one_line(proc):
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr, proc.stderr
    return lines[0]


def test_full_disk_leaves_nothing_behind(tmp_path):
    def save(temp):
        with open(temp, "wb") as handle:
            handle.write(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(RefusedWrite, match="đĩa đã đầy"):
        write_atomically(tmp_path / "ra.xlsx", save)
    assert list(tmp_path.iterdir()) == []


def test_backup_on_full_disk_is_removed(tmp_path, monkeypatch):
    source = tmp_path / "xa.xlsx"
    shutil.copyfile(EXAMPLE, source)

    def full(src, dst, *args, **kwargs):
        dst.write(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(shutil, "copyfileobj", full)
    with pytest.raises(RefusedWrite, match="đĩa đã đầy"):
        exclusive_copy(source, tmp_path / "xa.sao-luu-1.xlsx")
    assert [p.name for p in tmp_path.iterdir()] == ["xa.xlsx"]  # no 0-byte or half backup


@pytest.mark.parametrize("command", [["report", EXAMPLE, "-o"], ["new", "-o"], ["demo", "-o"], ["bulk", EXAMPLE, "-o"]])
def test_output_that_is_a_folder_is_one_line(tmp_path, command):
    folder = tmp_path / ("ra.docx" if command[0] == "report" else "ra.xlsx" if command[0] != "addin" else "ra.xlam")
    folder.mkdir()
    if command[0] == "demo":  # demo writes into a folder: make one of its files a folder
        (folder / "tong_hop.xlsx").mkdir(parents=True)
    proc = cli(*command, folder)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    line = one_line(proc)
    assert line.startswith("Lỗi:") and ("thư mục" in line or "không ghi được" in line)


def test_check_goes_on_after_an_unreadable_file(tmp_path):
    fifo = tmp_path / "treo.xlsx"
    os.mkfifo(fifo)
    good = tmp_path / "a.xlsx"
    shutil.copyfile(EXAMPLE, good)
    proc = cli("check", good, fifo)
    assert proc.returncode == 2
    assert "a.xlsx — Xã Ngọc Kỳ: 73,2/100" in proc.stdout and "không phải tệp thường" in proc.stderr


def test_libreoffice_is_killed_with_its_children_on_timeout(tmp_path):
    from cchc_xl.render.report import convert_to_pdf

    pid_file = tmp_path / "child.pid"
    fake = tmp_path / "soffice"
    # like soffice: a wrapper that starts the real office process and waits for it
    fake.write_text(f"#!/bin/sh\nsleep 300 &\necho $! > {pid_file}\nwait\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    docx = tmp_path / "bc.docx"
    docx.write_bytes(b"PK")
    start = time.monotonic()
    with pytest.raises(CchcError, match="đã dừng LibreOffice"):
        convert_to_pdf(docx, str(fake), timeout=2)
    assert time.monotonic() - start < 20
    child = int(pid_file.read_text())
    time.sleep(0.2)
    status = Path(f"/proc/{child}/status")
    # gone, or a zombie waiting for PID 1 to reap it: either way no longer running
    assert not status.exists() or "State:\tZ" in status.read_text()


def test_bulk_input_is_honest(tmp_path):
    folder = tmp_path / "huyen"
    folder.mkdir()
    shutil.copyfile(EXAMPLE, folder / "a.xlsx")
    shutil.copyfile(EXAMPLE, folder / "b.xlsx")
    (folder / "lien_ket.xlsx").symlink_to(folder / "a.xlsx")  # the same file twice
    (folder / "hong.xlsx").symlink_to(folder / "khong_con.xlsx")  # dangling
    os.mkfifo(folder / "ong.xlsx")
    (folder / "thu_muc.xlsx").mkdir()
    weird = os.fsencode(str(folder)) + b"/x\xe3_c.xlsx"  # not UTF-8: a Windows zip unpacked on Linux
    shutil.copyfile(EXAMPLE, weird)
    first = cli("bulk", folder, "-o", folder / "tong_hop_cu.xlsx")
    assert first.returncode == 0, first.stderr
    proc = cli("bulk", folder, "-o", tmp_path / "tong_hop.xlsx", "--json")
    assert proc.returncode == 0, proc.stderr
    import json

    data = json.loads(proc.stdout)
    assert len(data["workbooks"]) == 3  # a, b and the odd name; the link counted once
    reasons = {Path(s["path"]).name: s["reason"] for s in data["summary"]["skipped"]}
    assert "cùng một tệp" in reasons["lien_ket.xlsx"] or "cùng một tệp" in reasons["a.xlsx"]
    assert "liên kết hỏng" in reasons["hong.xlsx"] and "FIFO" in reasons["ong.xlsx"]
    assert "là thư mục" in reasons["thu_muc.xlsx"] and "sổ tổng hợp do cchc-xl lập" in reasons["tong_hop_cu.xlsx"]
    assert any("\ufffd" in w["path"] for w in data["workbooks"])  # shown with a replacement character


def test_bulk_never_overwrites_a_commune_workbook(tmp_path):
    folder = tmp_path / "huyen"
    folder.mkdir()
    shutil.copyfile(EXAMPLE, folder / "a.xlsx")
    shutil.copyfile(EXAMPLE, folder / "b.xlsx")
    before = (folder / "b.xlsx").read_bytes()
    proc = cli("bulk", folder, "-o", folder / "b.xlsx")
    assert proc.returncode == 2 and "không phải sổ tổng hợp" in one_line(proc)
    assert (folder / "b.xlsx").read_bytes() == before
    assert cli("bulk", folder, "-o", folder / "tong_hop.xlsx").returncode == 0
    again = cli("bulk", folder, "-o", folder / "tong_hop.xlsx")  # re-running replaces its own summary
    assert again.returncode == 0 and "Đã kiểm tra 2 sổ tính" in again.stdout


@pytest.mark.skipif(not sys.platform.startswith("linux") or os.geteuid() != 0,
                    reason="/proc refuses a new file even to root, who passes the early write check")
def test_a_summary_that_cannot_be_written_at_the_end_is_one_line(tmp_path):
    """The destination accepted at the start refuses the file at the end: one line, and not the
    tracebacks of openpyxl's unfinished sheets at exit ("Exception ignored in: <generator …>")."""
    folder = tmp_path / "huyen"
    folder.mkdir()
    shutil.copyfile(EXAMPLE, folder / "a.xlsx")
    proc = cli("bulk", folder, "-o", "/proc/tong_hop_cchc.xlsx")
    assert proc.returncode == 2 and "không ghi được /proc/tong_hop_cchc.xlsx" in one_line(proc)
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, '{"organisation": ' + "9" * 5000 + "}"])
def test_a_hostile_settings_file_is_one_line(tmp_path, monkeypatch, text):
    """cai_dat.json nested 100,000 deep, or with a 5,000-digit number: the same one line as a
    broken one (it was an unexpected RecursionError / ValueError)."""
    from cchc_xl.settings import load_settings

    monkeypatch.setenv("CCHC_XL_HOME", str(tmp_path))
    (tmp_path / "cai_dat.json").write_text(text, encoding="utf-8")
    with pytest.raises(CchcError, match=r"cai_dat.json hỏng \((RecursionError|ValueError)\); hãy sửa hoặc xóa nó"):
        load_settings()


def test_a_file_of_the_wrong_kind_or_not_there_is_said_in_vietnamese(tmp_path):
    """What the system or a library says in English ("No such file or directory", "is not a Word
    file, content type is …", "(PdfReadError)") is said in Vietnamese, naming the file."""
    from cchc_xl.resources import default_report_template

    not_pdf = tmp_path / "bao_cao.pdf"
    not_pdf.write_text("không phải PDF", encoding="utf-8")
    workbook_as_template = tmp_path / "mau.docx"
    shutil.copyfile(EXAMPLE, workbook_as_template)  # a workbook renamed .docx
    text_as_picture = tmp_path / "chu_ky.png"
    text_as_picture.write_text("không phải ảnh", encoding="utf-8")
    dotx = tmp_path / "mau_word.dotx"  # a Word template (.dotx), which python-docx does not open
    import zipfile

    with zipfile.ZipFile(default_report_template()) as src, zipfile.ZipFile(dotx, "w") as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"wordprocessingml.document.main+xml", b"wordprocessingml.template.main+xml")
            out.writestr(info, data)
    out = tmp_path / "bc.docx"
    cases = [
        (("verify", tmp_path / "khong_co.pdf"), "không mở được", "không tìm thấy tệp"),
        (("verify", tmp_path), "không mở được", "đây là thư mục, không phải tệp"),
        (("verify", not_pdf), "bao_cao.pdf", "(không phải PDF, hoặc tệp bị hỏng)"),
        (("report", EXAMPLE, "-o", out, "--template", workbook_as_template), "mẫu báo cáo mau.docx",
         "đây là sổ tính Excel, không phải tệp Word .docx"),
        (("report", EXAMPLE, "-o", out, "--template", dotx), "mẫu báo cáo mau_word.dotx",
         "đây là mẫu Word .dotx, không phải tệp Word .docx; hãy mở bằng Word rồi lưu thành .docx"),
        (("report", EXAMPLE, "-o", out, "--signature-image", text_as_picture), "ảnh chữ ký chu_ky.png",
         "không phải tệp ảnh"),
        (("templates", "import", workbook_as_template), "mau.docx", "đây là sổ tính Excel, không phải tệp Word .docx"),
    ]
    for args, names, says in cases:
        proc = cli(*args)
        line = one_line(proc)
        assert proc.returncode == 2 and names in line and says in line, (args, line)
        assert not any(word in line for word in ("Error", "such file", "content type", "directory")), line
    assert not out.exists()


@pytest.mark.parametrize("command,name,lock,app", [
    (["report", EXAMPLE, "-o"], "bao_cao_xa.docx", "~$o_cao_xa.docx", "Word"),  # Word replaces two letters
    (["report", EXAMPLE, "-o"], "bc.docx", "~$bc.docx", "Word"),
    (["bulk", EXAMPLE, "-o"], "tong_hop.xlsx", "~$tong_hop.xlsx", "Excel"),
    (["recalc", EXAMPLE, "-o"], "xa_moi.xlsx", ".~lock.xa_moi.xlsx#", "LibreOffice"),
    (["templates", "export", "cap_xa_2023", "-o"], "bo.xlsx", "~$bo.xlsx", "Excel"),
])
def test_an_output_open_in_office_is_refused_before_anything_is_written(tmp_path, command, name, lock, app):
    """On Windows a file open in Excel or Word is locked: replacing it failed at the very end, as
    'không có quyền ghi'. Its owner file says it is open: refused first, in one line."""
    target = tmp_path / name
    target.write_bytes(b"the officer's own, open")
    (tmp_path / lock).write_bytes(b"owner")
    proc = cli(*command, target, "--overwrite")
    line = one_line(proc)
    assert proc.returncode == 2 and f"tệp {name} đang mở trong {app} (có tệp khóa {lock})" in line, line
    assert target.read_bytes() == b"the officer's own, open"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, lock])


def test_an_excel_lock_of_another_name_does_not_refuse(tmp_path):
    # Excel keeps the whole name in its owner file: "~$ng_hop.xlsx" is ng_hop.xlsx's, not tong_hop.xlsx's
    (tmp_path / "~$ng_hop.xlsx").write_bytes(b"owner")
    proc = cli("bulk", EXAMPLE, "-o", tmp_path / "tong_hop.xlsx")
    assert proc.returncode == 0 and (tmp_path / "tong_hop.xlsx").exists(), proc.stderr


@pytest.mark.parametrize("winerror,says", [
    (32, "tệp đang mở trong một chương trình khác (Excel, Word, trình đọc PDF…); hãy đóng tệp rồi chạy lại"),
    (5, "không có quyền ghi (hoặc tệp đang mở trong một chương trình khác)"),
])
def test_windows_says_a_file_is_in_use_and_so_do_we(tmp_path, winerror, says):
    from cchc_xl.write.atomic import write_failure

    exc = PermissionError(errno.EACCES, "The process cannot access the file")
    exc.winerror = winerror  # what Windows adds to the error (no such attribute on Linux)
    message = str(write_failure(exc, tmp_path / "bc.pdf"))
    assert message == f"không ghi được {tmp_path / 'bc.pdf'}: {says} — không có tệp nào bị ghi dở."


def test_a_workbook_that_cannot_be_reached_says_why(tmp_path):
    # every OSError of the first look at the file was "không tìm thấy tệp"
    cases = [(tmp_path / ("a" * 300 + ".xlsx"), "tên tệp quá dài"),
             (Path(EXAMPLE) / "x.xlsx", "một phần của đường dẫn là tệp, không phải thư mục"),
             (tmp_path / "khong_co.xlsx", "không tìm thấy tệp")]
    for path, says in cases:
        proc = cli("check", path)
        assert proc.returncode == 2 and one_line(proc).endswith(f"không đọc được — {says}"), proc.stderr


@pytest.mark.parametrize("code,says", [(errno.ENAMETOOLONG, "tên tệp quá dài"), (errno.EIO, "lỗi đọc đĩa"),
                                       (errno.ELOOP, "liên kết vòng quanh, không trỏ tới tệp nào")])
def test_a_write_failure_the_writer_has_no_words_for_is_said_as_the_reader_says_it(tmp_path, code, says):
    # its last resort was the system's English text ("Input/output error")
    from cchc_xl.write.atomic import write_failure

    message = str(write_failure(OSError(code, os.strerror(code)), tmp_path / "bc.docx"))
    assert message == f"không ghi được {tmp_path / 'bc.docx'}: {says} — không có tệp nào bị ghi dở."


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux): a device that is always full")
@pytest.mark.parametrize("command", [["check", EXAMPLE, "--json"], ["check", EXAMPLE], ["templates", "list"],
                                     ["bulk", EXAMPLE, "--json", "-o", "{tmp}/tong_hop.xlsx"]])
def test_output_sent_to_a_full_disk_is_one_line(tmp_path, command):
    """`cchc-xl check … > ket_qua.json` on a full disk: the line said "không dùng được tệp tệp" (no file
    named, and "tệp" put in its place). Now it says it is the command's output, and bulk leaves no
    summary half-written."""
    args = [str(a).replace("{tmp}", str(tmp_path)) for a in command]
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "cchc_xl", *args], stdout=full, stderr=subprocess.PIPE,
                              text=True, encoding="utf-8", stdin=subprocess.DEVNULL)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr
    assert lines == ["Lỗi: không ghi được kết quả ra đầu ra (stdout): đĩa đã đầy."]
    assert list(tmp_path.iterdir()) == []


def test_an_unreadable_workbook_or_set_is_named_and_a_folder_is_called_one(tmp_path):
    """report, recalc and convert said "Lỗi: tệp bị hỏng hoặc chưa tải về hết" without a name: beside a
    criteria set (--against) nobody could tell which file was damaged; sign and templates import called a
    folder "không tìm thấy tệp", recalc "chỉ làm việc với sổ tính .xlsx". Each now names what it means."""
    data = EXAMPLE.read_bytes()
    (tmp_path / "hong.xlsx").write_bytes(data[: len(data) // 3])
    shutil.copyfile(EXAMPLE, tmp_path / "so.xlsx")
    (tmp_path / "thu_muc").mkdir()
    expected = [
        (("report", "hong.xlsx"), "Lỗi: hong.xlsx: tệp bị hỏng hoặc chưa tải về hết"),
        (("recalc", "hong.xlsx", "-o", "ra.xlsx"), "Lỗi: hong.xlsx: tệp bị hỏng hoặc chưa tải về hết"),
        (("convert", "hong.xlsx", "-o", "ra.xlsx"), "Lỗi: hong.xlsx: tệp bị hỏng hoặc chưa tải về hết"),
        (("report", "so.xlsx", "--against", "hong.xlsx"), "Lỗi: bộ tiêu chí hong.xlsx: tệp bị hỏng"),
        (("recalc", "so.xlsx", "--against", "hong.xlsx", "-o", "ra.xlsx"), "Lỗi: bộ tiêu chí hong.xlsx: tệp bị hỏng"),
        (("new", "-o", "moi.xlsx", "--template", "hong.xlsx"), "Lỗi: bộ tiêu chí hong.xlsx: tệp bị hỏng"),
        (("recalc", "thu_muc"), 'Lỗi: đây là thư mục, không phải tệp Excel; để kiểm tra cả thư mục, dùng `cchc-xl bulk "thu_muc"`'),
        (("sign", "thu_muc", "--as", "nguoi-ky", "--p12", "khoa.p12"), "Lỗi: thu_muc: đây là thư mục, không phải tệp PDF"),
        (("templates", "import", "thu_muc"), "Lỗi: thu_muc: đây là thư mục, không phải tệp bảng chính thức"),
        (("templates", "import", "hong.xlsx"), "Lỗi: hong.xlsx: tệp bị hỏng hoặc chưa tải về hết"),
    ]
    for args, said in expected:
        proc = cli(*args, cwd=tmp_path)
        assert proc.returncode == 2 and proc.stderr.startswith(said), (args, proc.stderr)
        assert one_line(proc)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hong.xlsx", "so.xlsx", "thu_muc"]  # (nothing written)
