"""Checks on the .xlsx/.xlsm package before any parser sees it.

Refuses, with a one-line Vietnamese reason: missing/empty files, old .xls,
password-protected files, non-zip or truncated files, zip bombs and XML with a
DOCTYPE (entity expansion). Also maps sheet names to their XML parts and finds
formulas without a cached value, which neither reader reports.
"""
from __future__ import annotations

import io
import os
import re
import stat
import struct
import zipfile
import zlib
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import PassedOver, UnreadableWorkbook, os_reason

MAX_TOTAL_UNCOMPRESSED = 256 * 1024 * 1024
MAX_PART_UNCOMPRESSED = 128 * 1024 * 1024
MAX_RATIO = 200  # a normal sheet compresses 5-20×; a bomb 1000×
MAX_MEMBERS = 10000
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# ISO 29500 Strict files (LibreOffice and Excel can save them) use other namespace names
NS_MAIN_STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
NS_REL_STRICT = "http://purl.oclc.org/ooxml/officeDocument/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


@dataclass
class PackageInfo:
    path: str
    sheets: list[tuple[str, str]] = field(default_factory=list)  # (name, part path)
    hidden: set[str] = field(default_factory=set)  # names of hidden sheets
    strict: bool = False  # ISO 29500 Strict namespaces
    # Review → Protect Workbook (its structure): Excel refuses to add a sheet, such as our findings sheet
    structure_locked: bool = False
    members: dict[str, zipfile.ZipInfo] = field(default_factory=dict)


SAVE_AS = "hãy mở bằng Excel, chọn Lưu thành (Save As) → “Excel Workbook (*.xlsx)”"


# formats the reader reads but nothing writes into (recalc, convert): what each is, how to save it again
READ_ONLY_FORMATS = {
    ".xls": ("sổ Excel cũ (.xls)", f"{SAVE_AS} rồi chạy lại"),
    ".ods": ("bảng tính LibreOffice (.ods)", "hãy mở bằng LibreOffice (hoặc Excel), chọn Lưu thành (Save As) → "
                                              "“Excel 2007-365 (.xlsx)” rồi chạy lại"),
}


def misnamed_advice(path) -> str:
    """What recalc and convert say of a misnamed .xlsx (they write it only under its real name)."""
    path = Path(path)
    return f"{path.name} thực ra là sổ .xlsx mang đuôi {path.suffix}: hãy đổi đuôi tệp thành .xlsx rồi chạy lại"


def misnamed_xlsx(path) -> bool:
    """An Excel 2007+ workbook whose name says otherwise (an .xlsx renamed .xls, as some send them):
    read as what it is; what writes asks for its real name."""
    try:
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.NameToInfo
    except (OSError, *BAD_ZIP):
        return False


class OpenDocumentFile(UnreadableWorkbook):
    """A LibreOffice/OpenOffice spreadsheet (.ods): the reader reads it (read.ods); what writes into
    a package (recalc, convert) says this message."""


class OldExcelFile(UnreadableWorkbook):
    """An Excel 97–2003 file (.xls, OLE), not password-protected: the reader reads it (read.xls);
    what writes into a package (recalc, convert) says this message."""


IN_MEMORY = 4 * 1024 * 1024  # read in one go up to this size (a commune's workbook: ~10-500 KB); a larger
# one gains little from it, and a batch's workers each holding one would add up


def check_file(path: str) -> bytes | None:
    """Refuse what is no .xlsx/.xlsm in one line; returns the whole file when it is small enough
    to be read in one go (IN_MEMORY), else None."""
    try:
        status = os.stat(path)  # one call for what exists(), isdir(), isfile() and getsize() ask
    except OSError as exc:  # not there, not reachable (a name too long, a file where a folder should be)
        raise UnreadableWorkbook(os_reason(exc) if exc.errno else "không tìm thấy tệp") from None
    except ValueError:  # not a path (a NUL byte in it)
        raise UnreadableWorkbook("không tìm thấy tệp") from None
    if stat.S_ISDIR(status.st_mode):
        # (without a trailing \ : in cmd.exe, "Huyện A\" escapes its closing quote)
        raise UnreadableWorkbook(f'đây là thư mục, không phải tệp Excel; để kiểm tra cả thư mục, dùng '
                                 f'`cchc-xl bulk "{path.rstrip("/" + os.sep) or path}"`')
    if not stat.S_ISREG(status.st_mode):  # a FIFO or a device would block or never end
        raise UnreadableWorkbook("không phải tệp thường (FIFO, thiết bị…)")
    if status.st_size == 0:
        raise UnreadableWorkbook("tệp rỗng (0 byte)")
    try:
        with open(path, "rb") as handle:
            data = handle.read() if status.st_size <= IN_MEMORY else None
            head = data[:8] if data is not None else handle.read(8)
    except OSError as exc:
        raise UnreadableWorkbook(f"không mở được tệp ({os_reason(exc)})") from None
    if head == OLE_MAGIC:
        if _ole_is_encrypted(path):
            raise UnreadableWorkbook("tệp được đặt mật khẩu: hãy gỡ mật khẩu trong Excel rồi gửi lại")
        raise OldExcelFile("tệp Excel cũ (.xls): hãy mở bằng Excel và lưu lại dạng .xlsx")
    if head[:2] != b"PK":
        raise UnreadableWorkbook(_what_it_is(path, data))
    return data


def _what_it_is(path: str, data: bytes | None) -> str:
    """Why a file that is no zip is no workbook. Software that exports "Excel" often writes a web
    page or Excel 2003's XML under an .xls name; Excel opens both, so the officer sees a workbook."""
    if data is None:
        with open(path, "rb") as handle:
            data = handle.read(4096)
    start = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    saved = f"{SAVE_AS} rồi gửi lại tệp .xlsx"
    if start.startswith(b"<") and b"urn:schemas-microsoft-com:office:spreadsheet" in start:
        return f"tệp là bảng tính XML của Excel 2003 (XML Spreadsheet), không phải sổ .xlsx: {saved}"
    if start.startswith(b"<") and (b"<html" in start or b"<table" in start or b"<!doctype html" in start):
        return f"tệp là trang web (HTML) mang tên sổ Excel, thường do phần mềm xuất ra: {saved}"
    return "không phải tệp Excel .xlsx/.xlsm (nội dung không phải dạng zip)"


class InMemoryZip(zipfile.ZipFile):
    """A zip read from the file's bytes: one read of the file, no handle left open while it is
    checked (Windows keeps an open file locked), and members inflated straight from the bytes
    (read_member), without zipfile's file object for each one."""

    def __init__(self, data: bytes):
        super().__init__(io.BytesIO(data))  # (BytesIO shares the bytes: no copy)
        self.data = data


def _inflate(archive: InMemoryZip, name: str, limit: int) -> bytes | None:
    """A whole member of an InMemoryZip as zipfile would read it, or None for anything out of the
    ordinary (missing, encrypted, another method, a header, size or CRC that does not agree, a
    damaged stream) and for a part's head only (zipfile's read-ahead decides what damage it
    meets there): zipfile then reads it and says what is wrong. Never more than the directory's
    size (vetted by vet_members) is inflated."""
    info = archive.NameToInfo.get(name)
    if info is None or 0 <= limit < info.file_size or info.flag_bits & 1 or \
            info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return None
    data, offset = archive.data, info.header_offset
    if data[offset:offset + 4] != b"PK\x03\x04":
        return None
    name_length, extra_length = _LOCAL_LENGTHS.unpack_from(data, offset + 26)
    written = info.orig_filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437", "replace")
    if data[offset + 30:offset + 30 + name_length] != written:
        return None
    start = offset + 30 + name_length + extra_length
    raw = data[start:start + info.compress_size]
    if len(raw) != info.compress_size:
        return None
    if info.compress_type == zipfile.ZIP_STORED:
        out = raw
    else:
        try:  # one byte more than the directory says: a longer stream is not this path's case
            out = zlib.decompressobj(-15).decompress(raw, info.file_size + 1)
        except zlib.error:
            return None
    if len(out) != info.file_size or zlib.crc32(out) != info.CRC:
        return None
    return out


_LOCAL_LENGTHS = struct.Struct("<HH")  # a local file header's name and extra field lengths


def _ole_is_encrypted(path: str) -> bool:
    try:
        import olefile

        with olefile.OleFileIO(path) as ole:
            return ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage")
    except Exception:  # olefile missing or the OLE file itself is damaged
        with open(path, "rb") as handle:
            return "EncryptionInfo".encode("utf-16-le") in handle.read(4 * 1024 * 1024)


# what zipfile raises for a member it cannot inflate: a damaged or cut deflate stream, a wrong CRC
INFLATE_DAMAGE = (zipfile.BadZipFile, zlib.error, EOFError, UnicodeDecodeError)
# what zipfile raises opening a damaged directory: a name flagged UTF-8 that is not ("Lỗi không mong
# đợi (UnicodeDecodeError)" once), a record cut short, a zip "version" from no real maker
BAD_ZIP = (zipfile.BadZipFile, UnicodeDecodeError, EOFError, struct.error, NotImplementedError)
# … or a compression method or an encryption Office never writes (NotImplementedError, RuntimeError):
# caught only around zip reads, RuntimeError being broad
MEMBER_DAMAGE = (*INFLATE_DAMAGE, RuntimeError)
HEAD = 65536  # what a quick test on a part (an earlier output's mark) reads of it


def read_member(archive: zipfile.ZipFile, name: str, limit: int = -1) -> bytes:
    """A member's bytes, or only its first ``limit`` (inflating no more: safe before the zip-bomb
    checks); a member that cannot be inflated is one Vietnamese line naming it."""
    if isinstance(archive, InMemoryZip):
        data = _inflate(archive, name, limit)
        if data is not None:
            return data
    try:
        if limit < 0:
            return archive.read(name)
        with archive.open(name) as handle:
            return handle.read(limit)
    except MEMBER_DAMAGE as exc:
        if isinstance(exc, RuntimeError):  # an unsupported method (NotImplementedError) or a zip password
            raise UnreadableWorkbook(f"phần “{name}” của tệp được nén hoặc đặt mật khẩu theo cách Excel không "
                                     "dùng: hãy mở tệp bằng Excel rồi lưu lại") from None
        raise UnreadableWorkbook(f"tệp bị hỏng hoặc chưa tải về hết (phần “{name}” không giải nén được)") from None


def read_head(archive: zipfile.ZipFile, name: str, heads: dict | None = None) -> bytes | None:
    """The first HEAD bytes of a member, None when it is missing or damaged (the reader then says
    how). ``heads`` keeps what was read, for open_package to reuse."""
    if heads is not None and name in heads:
        return heads[name]
    try:
        data = read_member(archive, name, HEAD)
    except (KeyError, OSError, UnreadableWorkbook):
        data = None
    if heads is not None:
        heads[name] = data
    return data


def carries_mark(source, mark: bytes, heads: dict | None = None, part: str = "docProps/core.xml") -> bool:
    """An Office file that cchc-xl wrote earlier: ``mark`` in its core properties (or in ``part``: the
    add-in's ribbon). ``source``: a path, or a zipfile.ZipFile already open (``heads``: see read_head)."""
    try:
        if isinstance(source, zipfile.ZipFile):
            return mark in (read_head(source, part, heads) or b"")
        with zipfile.ZipFile(source) as archive:
            return mark in (read_head(archive, part) or b"")
    except (OSError, *BAD_ZIP):
        return False


SUMMARY_MARK = b"cchc-xl:tong-hop"  # core property "identifier" of the summary workbooks `bulk` writes
SUMMARY_SHEETS = ("Tổng hợp", "Theo tiêu chí")  # (an older summary, or one Excel saved again, by its sheets)
NOT_A_COMMUNE = ("đây là sổ tổng hợp do cchc-xl bulk lập (trang “Tổng hợp”, “Theo tiêu chí”), không phải sổ tự đánh "
                 "giá của một đơn vị: hãy mở sổ của từng xã, hoặc chạy lại cchc-xl bulk trên thư mục các sổ")


def summary_inside(archive: zipfile.ZipFile, heads: dict | None = None) -> bool:
    """A summary workbook of ``bulk`` (marked, or older ones by their sheets): never a commune's. Asked
    on a zip already open (bulk's workers pass it as ``pass_over``: the heads read here are not read
    again). Only the first 64 KB of a part is inflated, since this comes before the zip-bomb checks; a
    damaged part is not a summary (the reader then says what is wrong)."""
    if carries_mark(archive, SUMMARY_MARK, heads):
        return True
    book = read_head(archive, "xl/workbook.xml", heads)
    return book is not None and all(re.search(rb"""\bname=["']%s["']""" % re.escape(sheet.encode()), book)
                                    for sheet in SUMMARY_SHEETS)  # (whole names: "Tổng hợp điểm" is an officer's)


def is_our_summary(path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return summary_inside(archive)
    except (OSError, *BAD_ZIP):
        return False


XML_PARTS = ("xl/sharedStrings.xml", "xl/styles.xml")  # parsed whole by Python readers (openpyxl, recalc)


def open_zip(path: str) -> zipfile.ZipFile:
    """The file as a zip, after check_file; nothing is vetted yet (vet_members). The caller closes it."""
    data = check_file(path)
    try:
        return InMemoryZip(data) if data is not None else zipfile.ZipFile(path)
    except BAD_ZIP:
        raise UnreadableWorkbook("tệp bị hỏng hoặc chưa tải về hết (không đọc được cấu trúc zip)") from None
    except OSError as exc:
        raise UnreadableWorkbook(f"không mở được tệp ({os_reason(exc)})") from None


def open_package(path: str, vet_xml_parts: bool = True, pass_over=None) -> tuple[zipfile.ZipFile, PackageInfo]:
    """Open and vet the zip; the caller closes it.

    ``vet_xml_parts=False``: the caller reads shared strings and styles with python-calamine, whose
    XML reader refuses entities itself; refuse_xml_parts() then explains a failure.
    ``pass_over(archive, heads)``: asked first, on the open zip; True raises PassedOver. What it
    reads through read_head(archive, name, heads) is not read again here. Without it, a summary of
    ``bulk`` is refused (summary_inside): it is no commune's workbook."""
    archive = open_zip(path)
    heads: dict[str, bytes | None] = {}
    if pass_over is not None and pass_over(archive, heads):
        archive.close()
        raise PassedOver(path)
    if pass_over is None and summary_inside(archive, heads):
        # check, recalc, report on bulk's summary: it read as a table of 4 "criteria" (one per commune),
        # and recalc wrote its marks into the summary
        archive.close()
        raise UnreadableWorkbook(NOT_A_COMMUNE)
    try:
        info = PackageInfo(path)
        info.members = vet_members(archive)
        if "xl/workbook.xml" not in info.members:
            reason = _not_a_workbook(archive, info.members)
            # an .ods is read by read.ods; what writes into a package says the reason
            raise (OpenDocumentFile if _is_ods(archive, info.members) else UnreadableWorkbook)(reason)
        info.sheets, info.hidden, info.strict, info.structure_locked = sheet_parts(archive, heads.get("xl/workbook.xml"))
        # sheet parts are checked where they are read in full (read_sheet_part)
        if vet_xml_parts:
            refuse_xml_parts(archive, info)
        return archive, info
    except UnreadableWorkbook:
        archive.close()
        raise
    except (zipfile.BadZipFile, EOFError, ET.ParseError, KeyError, OSError, ValueError):
        archive.close()
        raise UnreadableWorkbook("tệp bị hỏng hoặc chưa tải về hết (không đọc được nội dung)") from None


def _is_ods(archive: zipfile.ZipFile, members) -> bool:
    return "content.xml" in members and b"opendocument.spreadsheet" in (read_head(archive, "mimetype") or b"")


def _not_a_workbook(archive: zipfile.ZipFile, members) -> str:
    """Why a zip without xl/workbook.xml is no .xlsx/.xlsm: another office file (a commune may save
    its sheet from LibreOffice as .ods, or from Excel as .xlsb), said so that it can be saved again."""
    if "xl/workbook.bin" in members:
        kind = "sổ tính Excel dạng nhị phân (.xlsb)"
    elif _is_ods(archive, members):
        kind = "bảng tính LibreOffice/OpenOffice (.ods)"
    elif "word/document.xml" in members:
        return "đây là tệp Word (.docx), không phải sổ tính Excel"
    elif "ppt/presentation.xml" in members:
        return "đây là tệp PowerPoint, không phải sổ tính Excel"
    elif any(name.lower().endswith((".xlsx", ".xlsm", ".xls", ".ods")) for name in members):
        return ("đây là tệp nén chứa sổ tính, không phải một sổ tính: `cchc-xl bulk` đọc các sổ bên trong tệp .zip "
                "(hoặc hãy giải nén rồi chạy lại)")
    else:
        return "tệp zip này không phải sổ tính Excel (thiếu xl/workbook.xml)"
    return f"đây là {kind}: hãy mở bằng Excel hoặc LibreOffice rồi lưu lại dạng .xlsx"


def vet_members(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The zip-bomb checks, from the zip directory alone (nothing is inflated): every Office file
    cchc-xl opens passes them. Returns the members by name."""
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise UnreadableWorkbook("tệp chứa quá nhiều thành phần (nghi là tệp độc hại)")
    members = {}
    total = 0
    for item in infos:
        total += item.file_size
        ratio = item.file_size / max(item.compress_size, 1)
        if item.file_size > MAX_PART_UNCOMPRESSED or (item.file_size > 8 * 1024 * 1024 and ratio > MAX_RATIO):
            raise UnreadableWorkbook(
                f"tệp nén bất thường: phần “{item.filename}” bung ra "
                f"{item.file_size // (1024 * 1024)} MB (nghi là “zip bomb”), đã từ chối đọc"
            )
        members[item.filename] = item
    if total > MAX_TOTAL_UNCOMPRESSED:
        raise UnreadableWorkbook("tệp bung ra quá lớn (nghi là “zip bomb”), đã từ chối đọc")
    return members


def vet_word_file(path) -> None:
    """A .docx before python-docx reads it whole (a province's annex, a report template): a zip
    within the zip-bomb limits. A part python-docx then cannot inflate raises MEMBER_DAMAGE."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = vet_members(archive)
            # (read whole, within the limits just vetted: a document of many parts lists them all)
            types = read_member(archive, "[Content_Types].xml") if "[Content_Types].xml" in members else b""
    except BAD_ZIP:
        raise UnreadableWorkbook("tệp bị hỏng hoặc không phải tệp Word .docx (không đọc được cấu trúc zip)") from None
    except OSError as exc:
        raise UnreadableWorkbook(f"không mở được tệp ({os_reason(exc)})") from None
    if _WORD_DOCUMENT not in types:  # python-docx would say it in English, naming the content type
        kind = next((name for mark, name in _OTHER_OFFICE_FILES if mark in types), None)
        raise UnreadableWorkbook(f"đây là {kind}, không phải tệp Word .docx; hãy mở bằng Word rồi lưu thành .docx"
                                 if kind else "không phải tệp Word .docx")


_WORD_DOCUMENT = b"wordprocessingml.document.main+xml"  # a .docx's main part ([Content_Types].xml)
_OTHER_OFFICE_FILES = ((b"wordprocessingml.template.main+xml", "mẫu Word .dotx"),
                       (b"ms-word.document.macroEnabled.main+xml", "tệp Word có macro .docm"),
                       (b"ms-word.template.macroEnabledTemplate.main+xml", "mẫu Word có macro .dotm"),
                       (b"spreadsheetml", "sổ tính Excel"), (b"presentationml", "tệp PowerPoint"))


def refuse_xml_parts(archive: zipfile.ZipFile, info: PackageInfo) -> None:
    for name in XML_PARTS:
        if name in info.members:
            refuse_doctype(archive, name)


def refuse_doctype(archive: zipfile.ZipFile, name: str, data: bytes | None = None) -> None:
    """XML with a DOCTYPE can expand entities (billion laughs): refused before any parser sees it."""
    if data is None:
        data = read_member(archive, name, 2048)
    head = data[:2048]
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise UnreadableWorkbook(f"phần “{name}” chứa khai báo DOCTYPE/ENTITY (nghi là tệp độc hại), đã từ chối đọc")


def read_sheet_part(archive: zipfile.ZipFile, name: str) -> bytes:
    data = read_member(archive, name)
    refuse_doctype(archive, name, data)
    return data


def sheet_parts(archive: zipfile.ZipFile, head: bytes | None = None
                ) -> tuple[list[tuple[str, str]], set[str], bool, bool]:
    """(sheets as (name, part), hidden sheets, strict namespaces, structure locked). ``head``: the
    workbook part's first HEAD bytes, already read (the whole part when shorter)."""
    data = head if head is not None and len(head) < HEAD else read_member(archive, "xl/workbook.xml")
    refuse_doctype(archive, "xl/workbook.xml", data)
    book = ET.fromstring(data)
    rels_name = "xl/_rels/workbook.xml.rels"
    targets = {}
    if rels_name in archive.namelist():
        rels = read_member(archive, rels_name)
        refuse_doctype(archive, rels_name, rels)
        for rel in ET.fromstring(rels):
            target = rel.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else "xl/" + target
            targets[rel.get("Id")] = os.path.normpath(target).replace(os.sep, "/")
    strict = book.tag == f"{{{NS_MAIN_STRICT}}}workbook"
    main, rel = (NS_MAIN_STRICT, NS_REL_STRICT) if strict else (NS_MAIN, NS_REL)
    sheets, hidden = [], set()
    for sheet in book.iter(f"{{{main}}}sheet"):
        rid = sheet.get(f"{{{rel}}}id")
        if rid in targets and "worksheets/" in targets[rid]:
            sheets.append((sheet.get("name"), targets[rid]))
            if sheet.get("state") in ("hidden", "veryHidden"):
                hidden.add(sheet.get("name"))
    protection = book.find(f"{{{main}}}workbookProtection")
    locked = protection is not None and protection.get("lockStructure") in ("1", "true")
    return sheets, hidden, strict, locked


_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_FORMULA_PLAIN = re.compile(rb"<f[\s>/]")
_PREFIXED_ROOT = re.compile(rb"<\w+:worksheet[\s>]")
CELL_REF = re.compile(rb'\sr="([A-Z]+)(\d+)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>[^<]")


def cell_of(letters: bytes, digits: bytes) -> tuple[int, int]:
    """b"D", b"57" → (56, 3), 0-based: the byte scans' twin of text.split_address."""
    col = 0
    for ch in letters:
        col = col * 26 + (ch - 64)
    return int(digits) - 1, col - 1


STYLE_INDEX = re.compile(rb'\ss="(\d+)"')


LOOKED_UP = 32  # up to this many cells are found one by one; more, by one pass over the sheet


def cell_styles(sheet_xml: bytes, cells) -> dict[tuple[int, int], int]:
    """The cell format (cellXfs index) of each of ``cells`` ((row, col), 0-based) the sheet has; a
    cell without s="…" has the first, 0. A few are found where they stand, with no pass over the sheet."""
    from ..text import cell_address

    found = {}
    if len(cells) > LOOKED_UP:
        wanted = set(cells)
        for tag in CELL_TAG.finditer(sheet_xml):
            ref = CELL_REF.search(tag.group(1))
            cell = cell_of(ref.group(1), ref.group(2)) if ref else None
            if cell in wanted:
                style = STYLE_INDEX.search(tag.group(1))
                found[cell] = int(style.group(1)) if style else 0
        return found
    for row, col in cells:
        at = sheet_xml.find(b' r="' + cell_address(row, col).encode() + b'"')
        start, end = (sheet_xml.rfind(b"<", 0, at), sheet_xml.find(b">", at)) if at > 0 else (-1, -1)
        if start >= 0 and end >= 0:
            style = STYLE_INDEX.search(sheet_xml, start, end)
            found[(row, col)] = int(style.group(1)) if style else 0
    return found


_ANY_ERROR = re.compile(rb't="e"')  # the regex engine's literal search beats `in` here (22 vs 31 µs a sheet)
# A cell's start tag, its attributes (with the space before them) captured. No "<" or ">" inside:
# every scan stops at the tag's end, so the scans stay linear on any input. (Patterns that let a
# tag run on over "<" — "[^>]*?t=\"e\"[^>]*>" — took 42 s on 17 KB of unclosed "<c r=\"AB1\" t=\"e\""
# tags, before any XML parser had seen the sheet.)
CELL_TAG = re.compile(rb"<(?:\w+:)?c(\s[^<>]*)>")
_ERROR_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]{1,20})<")
TAG_WINDOW = 1024  # a cell's start tag is tens of bytes long: where a scan looks back for it


def scan_errors(data: bytes) -> dict[tuple[int, int], str]:
    """Cells whose cached value is an Excel error (t="e": #REF!, #VALUE!…) → the error text.

    Found in the sheet XML itself, so both readers (which turn them into blanks or strings
    differently) report them alike."""
    errors: dict[tuple[int, int], str] = {}
    if _ANY_ERROR.search(data) is None:
        return errors
    for match in CELL_TAG.finditer(data):
        attributes = match.group(1)
        if b't="e"' not in attributes:
            continue
        ref = CELL_REF.search(attributes)
        if not ref:
            continue
        value = _ERROR_VALUE.match(data, match.end()) or _ERROR_VALUE.search(data, match.end(), match.end() + 200)
        errors[cell_of(ref.group(1), ref.group(2))] = value.group(1).decode("utf-8", "replace") if value else "#ERROR"
    return errors


# a row's start tag marked hidden (Excel writes hidden="1", some writers "true"); a prefixed one too
_HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\s[^<>]*?\bhidden="(?:1|true)"[^<>]*>')
_ROW_NUMBER = re.compile(rb'\sr="(\d+)"')


def scan_hidden_rows(data: bytes) -> frozenset[int]:
    """The rows Excel does not show (0-based): the table's rows are read whether shown or not, so a
    criterion the officer hid is one they cannot see being counted. (A literal look first: most sheets
    hide no row.)"""
    if b'hidden="' not in data:
        return frozenset()
    rows = set()
    for tag in _HIDDEN_ROW.finditer(data):
        number = _ROW_NUMBER.search(tag.group(0))
        if number and len(number.group(1)) <= 7:
            rows.add(int(number.group(1)) - 1)
    return frozenset(rows)


_SHEET_PROTECTED = re.compile(rb'<(?:\w+:)?sheetProtection\s[^<>]*?\bsheet="(?:1|true)"')


def scan_sheet_protection(data: bytes) -> bool:
    """The sheet is protected (Review → Protect Sheet): Excel refuses to change its locked cells, their
    values, fills and notes. <sheetProtection> comes right after the cells (the schema's order): a
    short look there, not a search of the sheet."""
    end = data.rfind(b"sheetData")
    if end < 0:
        return False
    tail = data[end:end + 2048]
    return b"sheetProtection" in tail and _SHEET_PROTECTED.search(tail) is not None


_COL_TAG = re.compile(rb'<(?:\w+:)?col\s[^<>]*>')
_COL_SPAN = re.compile(rb'\smin="(\d{1,5})"[^<>]*?\smax="(\d{1,5})"|\smax="(\d{1,5})"[^<>]*?\smin="(\d{1,5})"')
_COL_HIDDEN = re.compile(rb'\shidden="(?:1|true)"')


def scan_hidden_columns(data: bytes) -> frozenset[int]:
    """The columns Excel does not show (0-based), from the sheet's <cols> (before its cells: a short look)."""
    cells = data.find(b"sheetData", 0, 65536)  # (<cols> comes before the cells, as the schema orders them)
    before = cells if cells > 0 else 65536
    start = data.find(b"<cols", 0, before)
    if start < 0:
        start = data.find(b":cols", 0, before)
    if start < 0:
        return frozenset()
    end = data.find(b"cols>", start + 5)
    section = data[start:end if end > 0 else start + 65536]
    if b'hidden="' not in section:
        return frozenset()
    hidden = set()
    for tag in _COL_TAG.finditer(section):
        text = tag.group(0)
        span = _COL_SPAN.search(text)
        if span and _COL_HIDDEN.search(text):
            low, high = (span.group(1), span.group(2)) if span.group(1) else (span.group(4), span.group(3))
            hidden.update(range(int(low) - 1, min(int(high), int(low) + 256)))
    return frozenset(hidden)


def scan_formulas(data: bytes) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """All formula cells, and those without a cached value, as 0-based (row, col)."""
    formulas: set[tuple[int, int]] = set()
    no_value: set[tuple[int, int]] = set()
    # A literal "<f" lets the regex engine skip ahead; a sheet whose elements carry a prefix
    # ("<x:f>", rare generators) gets the general pattern. "<formula1>" (data validation) is no formula.
    prefixed = _PREFIXED_ROOT.search(data, 0, 2048) is not None
    pattern = _FORMULA if prefixed else _FORMULA_PLAIN
    match = pattern.search(data)
    while match:
        # the cell's start tag, just before its <f> (looked for nearby only: a scan back to the sheet's
        # start for every "<f" of a damaged sheet was quadratic)
        window = max(0, match.start() - TAG_WINDOW)
        start = data.rfind(b"<c ", window, match.start())
        if prefixed:
            start = max(start, data.rfind(b":c ", window, match.start()))
        if start < 0:  # no cell's tag: no cell formula
            match = pattern.search(data, match.end())
            continue
        end = data.find(b"c>", match.end())
        pos = end if end > 0 else len(data)
        ref = CELL_REF.search(data, start, match.start())
        if ref:
            cell = cell_of(ref.group(1), ref.group(2))
            formulas.add(cell)
            if not _VALUE.search(data, match.end(), pos):
                no_value.add(cell)
        match = pattern.search(data, pos)
    return formulas, no_value
