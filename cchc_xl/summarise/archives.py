"""Workbooks sent inside a .zip: a mail's attachments downloaded at once come as one, and communes
zip their files. bulk reads them where they are, unpacked into a temporary folder of its own (never
beside the reviewer's files) that is removed when the batch ends; every output names them as
"thu.zip/xa_a.xlsx", never by the temporary copy.

The archive passes the same zip-bomb checks as every Office file (its directory, before anything
is inflated); a member's own path only names it: the copy is written under a number of ours, so
"../" or "C:\\" in a member's name can reach nothing.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
import zipfile
from pathlib import Path

from ..errors import UnreadableWorkbook, os_reason
from ..read.package import BAD_ZIP, MEMBER_DAMAGE, vet_members

ARCHIVE_SUFFIXES = {".zip"}
OTHER_ARCHIVES = {".rar", ".7z", ".tar", ".gz", ".tgz"}  # not read: said how to unpack


class Unpacker:
    """The batch's temporary folder, made when the first archive is met; ``cleanup`` removes it."""

    def __init__(self):
        self.folder: str | None = None
        self.count = 0

    def place(self, name: str) -> str:
        if self.folder is None:
            self.folder = tempfile.mkdtemp(prefix="cchc-xl-nen-")
        self.count += 1
        target = os.path.join(self.folder, str(self.count))
        os.mkdir(target)
        return os.path.join(target, name)

    def cleanup(self) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None


def member_name(info: zipfile.ZipInfo) -> str:
    """A member's name as its maker meant it: zips made without the UTF-8 flag (Windows' own
    "Compressed folder", older tools) hold the bytes of the maker's code page, which zipfile reads
    as cp437 ("X├ú" for "Xã"); UTF-8 bytes are tried first, then the Vietnamese code page."""
    name = info.filename
    if info.flag_bits & 0x800 or name.isascii():
        return name
    raw = name.encode("cp437")
    for encoding in ("utf-8", "cp1258"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return name


def unpack(archive_path: str, unpacker: Unpacker, wanted) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The workbooks of one .zip: ([(the copy's path, its name as shown)], [(name as shown, why it
    was not read)]). ``wanted(name) -> str | None``: None for a member to read, else why not."""
    from ..console import printable

    shown_archive = printable(archive_path)
    files: list[tuple[str, str]] = []
    skipped: list[tuple[str, str]] = []
    try:
        archive = zipfile.ZipFile(archive_path)
    except BAD_ZIP:
        return [], [(shown_archive, "tệp nén .zip bị hỏng hoặc chưa tải về hết, không mở được")]
    except OSError as exc:
        return [], [(shown_archive, f"không mở được tệp nén ({os_reason(exc)})")]
    with archive:
        try:
            vet_members(archive)
        except UnreadableWorkbook as exc:
            return [], [(shown_archive, str(exc))]
        for info in archive.infolist():
            name = member_name(info).replace("\\", "/")
            parts = [p for p in name.split("/") if p not in ("", ".", "..")]
            if info.is_dir() or not parts or "__MACOSX" in parts or parts[-1].startswith("._"):
                continue  # folders, and what macOS adds beside each file
            placed = os.path.join(archive_path, *parts)  # its name in every output
            shown = printable(placed)
            suffix = Path(parts[-1]).suffix.lower()
            if suffix in ARCHIVE_SUFFIXES | OTHER_ARCHIVES:
                skipped.append((shown, "tệp nén nằm trong tệp nén: hãy giải nén rồi chạy lại"))
                continue
            why = wanted(parts[-1])
            if why is not None:
                skipped.append((shown, why))
                continue
            if info.flag_bits & 1:
                skipped.append((shown, "tệp trong tệp nén có mật khẩu: hãy giải nén bằng mật khẩu rồi chạy lại"))
                continue
            try:
                copy = unpacker.place(_safe_name(parts[-1]))
                with archive.open(info) as source, open(copy, "wb") as target:
                    shutil.copyfileobj(source, target, 1024 * 1024)
            except MEMBER_DAMAGE:
                skipped.append((shown, "không giải nén được (tệp nén hỏng hoặc nén theo cách không hỗ trợ)"))
                continue
            except OSError as exc:
                skipped.append((shown, f"không giải nén được ({os_reason(exc)})"))
                continue
            try:  # when the commune saved it: the newest copy wins
                stamp = time.mktime(info.date_time + (0, 0, -1))
                os.utime(copy, (stamp, stamp))
            except (OverflowError, ValueError, OSError):
                pass  # a damaged date: the copy's own time stands
            files.append((copy, placed))
    return files, skipped


def _safe_name(name: str) -> str:
    """The member's own file name for its copy (a report named after it keeps it), without what a
    file system refuses."""
    cleaned = re.sub(r'[\x00-\x1f<>:"/\\|?*]', "_", name).strip(" ")
    stem, suffix = os.path.splitext(cleaned)
    return (stem.strip(" .")[:140] or "so_tinh") + suffix
