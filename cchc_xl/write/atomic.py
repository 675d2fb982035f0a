"""Write a file so that a crash never leaves it half-written: temp file in the same folder, then rename.

Shared by every command that writes (recalc, report, bulk summary, sign, add-in), so they all
behave alike: a new file gets the permissions the umask gives (colleagues on a shared folder can
open it), a replaced file keeps its mode, a symlink has its target replaced (not the link), and a
failure (permission, full disk, missing folder) leaves nothing behind and says why in Vietnamese.
"""
from __future__ import annotations

import errno
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable

from ..errors import RefusedWrite, os_reason


def _umask() -> int:
    """The process umask, read without changing it where the system tells it (Linux): setting it to
    0 and back, even briefly, would give files other threads create at that moment mode 0666."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0)
    os.umask(mask)
    return mask


_WORD_FILES = (".docx", ".docm", ".doc", ".dotx")


def lock_file_for(path: Path) -> Path | None:
    """Excel's owner file ("~$name"), Word's ("~$me.docx" for a longer name: its first two letters
    replaced) or LibreOffice's (".~lock.name#") when the file is open."""
    word = path.suffix.lower() in _WORD_FILES  # (Excel keeps the whole name: "~$me.xlsx" is not name.xlsx's)
    for name in (f"~${path.name}", *([f"~${path.name[2:]}"] if word else []), f".~lock.{path.name}#"):
        candidate = path.with_name(name)
        if candidate.exists():
            return candidate
    return None


def refuse_if_open(path: Path) -> None:
    """Refuse, before anything is written, a file open in Excel, Word or LibreOffice (its owner
    file "~$…" or ".~lock.…#" is beside it): on Windows the file is locked, and replacing it would
    fail at the very end, or, for an unsaved workbook, lose the officer's edits when it is saved."""
    lock = lock_file_for(path)
    if lock is None:
        return
    app = ("LibreOffice" if lock.name.startswith(".~lock.")
           else "Word" if path.suffix.lower() in _WORD_FILES else "Excel")
    raise RefusedWrite(f"tệp {path.name} đang mở trong {app} (có tệp khóa {lock.name}); hãy đóng {app} rồi chạy "
                       f"lại — chưa ghi gì. ({app} đã đóng mà vẫn báo vậy: hãy xóa tệp khóa đó.)")


def nearest_existing(path: Path) -> Path:
    """``path`` or its nearest ancestor that exists: where a missing output folder would be made, or
    the file that stands in its way."""
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def write_failure(exc: OSError, target: Path, writing: bool = True) -> RefusedWrite:
    """One Vietnamese line for an OSError met on ``target`` (while writing it, unless ``writing``
    is False: an error whose operation is not known, as at the command line's last resort)."""
    from ..console import printable

    why = failure_reason(exc, target, writing)
    if not writing:
        return RefusedWrite(printable(f"không dùng được tệp {target}: {why}."))
    return RefusedWrite(printable(f"không ghi được {target}: {why} — không có tệp nào bị ghi dở."))


def failure_reason(exc: OSError, target: Path, writing: bool = True) -> str:
    """Why an OSError met on ``target`` happened, in Vietnamese (the system's words are English)."""
    code = exc.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        why = "đĩa đã đầy"
    elif getattr(exc, "winerror", None) in (32, 33):  # Windows: a sharing or lock violation
        why = "tệp đang mở trong một chương trình khác (Excel, Word, trình đọc PDF…); hãy đóng tệp rồi chạy lại"
    elif code in (errno.EACCES, errno.EPERM):
        why = "không có quyền ghi" if writing else "không có quyền truy cập"
        if getattr(exc, "winerror", None) == 5:  # Windows says "access denied" for a file open elsewhere too
            why += " (hoặc tệp đang mở trong một chương trình khác)"
    elif code == errno.EROFS:
        why = "ổ đĩa chỉ cho phép đọc"
    elif code == errno.ENOENT and target.parent.is_dir():  # a folder that takes no new files (/proc)
        why = f"thư mục {target.parent} không nhận tệp mới"
    elif code == errno.ENOENT:
        why = f"thư mục {target.parent} không tồn tại"
    elif code == errno.EISDIR:
        why = "đó là một thư mục"
    elif code in (errno.EEXIST, errno.ENOTDIR):  # a file where a folder of the path should be
        blocking = nearest_existing(target.parent)
        why = (f"{blocking} là một tệp, không phải thư mục" if blocking.exists() and not blocking.is_dir()
               else "ở đó đã có một tệp hoặc thư mục cùng tên" if code == errno.EEXIST
               else "một phần của đường dẫn là tệp, không phải thư mục")
    else:  # a name too long, a link loop, a disk error…: the reader's wording (the system's is English)
        why = os_reason(exc)
    return why


def write_atomically(target, save: Callable[[str], None], suffix: str = ".tmp") -> Path:
    """Call ``save(temp_path)``, then move the finished file over ``target`` in one step."""
    target = Path(target)
    if target.is_symlink():
        target = Path(os.path.realpath(target))  # write the file the link points to; keep the link
    if target.is_dir():
        raise RefusedWrite(f"không ghi được {target}: đó là một thư mục, hãy ghi tên tệp.")
    refuse_if_open(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".~cchc-xl-", suffix=suffix, dir=target.parent)
    except OSError as exc:
        raise write_failure(exc, target) from None
    os.close(fd)
    try:
        save(temp)
        if target.exists():
            shutil.copymode(target, temp)  # a replaced file keeps its mode
        else:
            os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes 0600; a new file gets what the umask gives
        os.replace(temp, target)
    except OSError as exc:
        raise write_failure(exc, target) from None
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return target


def exclusive_copy(source: Path, stem_target: Path) -> Path:
    """Copy ``source`` to a name that did not exist (O_EXCL): ``x.sao-luu-…``, then ``… (2)``…

    Two runs in the same second never share, reuse or overwrite a backup. A failed copy
    (full disk) removes what it began.
    """
    number = 1
    while True:
        candidate = stem_target if number == 1 else stem_target.with_name(
            f"{stem_target.stem} ({number}){stem_target.suffix}")
        try:
            handle = open(candidate, "xb")
        except FileExistsError:
            number += 1
            continue
        except OSError as exc:
            raise write_failure(exc, candidate) from None
        try:
            with handle, open(source, "rb") as original:
                shutil.copyfileobj(original, handle)
                handle.flush()
                os.fsync(handle.fileno())
            shutil.copystat(source, candidate)
        except OSError as exc:
            candidate.unlink(missing_ok=True)
            raise write_failure(exc, candidate) from None
        return candidate
