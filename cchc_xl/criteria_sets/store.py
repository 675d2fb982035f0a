"""Where criteria sets live: bundled with cchc-xl (workbook_templates/*.json) and imported by a
user into a per-user folder (platformdirs; CCHC_XL_HOME overrides it), so later commands find a
set by its id."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

from ..errors import CchcError, UnreadableWorkbook
from .schema import CriteriaSet, InvalidSet

OFFICIAL_TABLE_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".docx")


def user_folder() -> Path:
    from ..settings import user_home

    return user_home() / "bo_tieu_chi"


MAX_SET_BYTES = 16 * 1024 * 1024  # a set is ~50 KB; a larger file is not one


def _read(path: Path, origin: str) -> CriteriaSet:
    try:
        if path.stat().st_size > MAX_SET_BYTES:
            raise InvalidSet(f"{path.name} quá lớn để là một bộ tiêu chí (trên 16 MB)")
        data = json.loads(path.read_text(encoding="utf-8"))
    # ValueError: not JSON (JSONDecodeError), or a number of thousands of digits; RecursionError:
    # arrays nested thousands deep
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise InvalidSet(f"không đọc được bộ tiêu chí {path.name} ({type(exc).__name__})") from None
    return CriteriaSet.from_json(data, origin)


_CACHE: dict = {}


def _stamp() -> tuple:
    """What the list depends on: the user folder's files and times (a bulk reads it once)."""
    folder = user_folder()
    if not folder.is_dir():
        return (str(folder),)
    return (str(folder), tuple((p.name, p.stat().st_mtime_ns) for p in sorted(folder.glob("*.json"))))


def list_sets() -> list[CriteriaSet]:
    """Bundled sets first, then imported ones; a broken file in the user folder is left out."""
    if _CACHE.get("pinned"):  # inside a batch: the folder was looked at once, when it started
        return _CACHE["sets"]
    stamp = _stamp()
    if _CACHE.get("stamp") != stamp:
        _CACHE["sets"] = _list_sets()
        _CACHE["stamp"] = stamp
    return _CACHE["sets"]


def pin_sets() -> None:
    """A worker process of a batch: read the sets once and keep them for the process's life
    (a stat and a glob of the user folder per workbook cost more than the recognition itself)."""
    list_sets()
    _CACHE["pinned"] = True


def _list_sets() -> list[CriteriaSet]:
    from ..resources import workbook_templates_dir

    sets = [_read(p, "có sẵn") for p in sorted(workbook_templates_dir().glob("*.json"))]
    folder = user_folder()
    if folder.is_dir():
        for path in sorted(folder.glob("*.json")):
            try:
                sets.append(_read(path, "đã nhập"))
            except InvalidSet:
                continue
    return sets


def find_set(set_id: str) -> CriteriaSet | None:
    return next((s for s in list_sets() if s.id == set_id), None)


def load_set(ref) -> CriteriaSet:
    """A set by id, a set's JSON file, or an official table (.xlsx/.docx, read without saving)."""
    ref = os.fspath(ref)
    path = Path(ref)
    if path.is_file():
        if path.suffix.lower() == ".json":
            return _read(path, str(path))
        if path.suffix.lower() in OFFICIAL_TABLE_SUFFIXES:
            from .importer import import_table

            try:
                return import_table(path, set_id=path.stem, force=True)
            except UnreadableWorkbook as exc:  # (beside the workbook's own: which file is which)
                raise UnreadableWorkbook(f"bộ tiêu chí {ref}: {exc}") from None
        raise CchcError(f"{path.name}: cần mã bộ tiêu chí, tệp .json của bộ, hoặc bảng chính thức .xlsx/.xls/.ods/.docx")
    found = find_set(ref)
    if found is None:
        ids = ", ".join(s.id for s in list_sets())
        raise CchcError(f"không có bộ tiêu chí “{ref}”; các bộ đã có: {ids} (thêm bộ mới: cchc-xl templates import)")
    return found


# a set's id names its file in the user folder: letters (Vietnamese too), digits, "_", "-", "." and
# spaces inside; never a path ("../x"), nor a name Windows keeps for a device (CON, NUL, COM1…)
_SET_ID = re.compile(r"^\w(?:[\w .-]{0,78}[\w-])?$")
_WINDOWS_DEVICES = re.compile(r"^(?:con|prn|aux|nul|com\d|lpt\d)(?:\..*)?$", re.IGNORECASE)


def _set_file(set_id: str) -> Path:
    """The user folder's file of a set, for an id that can name one; else one Vietnamese line."""
    if not _SET_ID.match(set_id) or _WINDOWS_DEVICES.match(set_id) or ".." in set_id:
        raise CchcError(f"mã bộ tiêu chí “{set_id}” không dùng được làm tên tệp: chỉ dùng chữ, số, “_”, “-” "
                        "(ví dụ --id hai_phong_2024)")
    return user_folder() / f"{set_id}.json"


def set_id_from(name: str) -> str:
    """The id of a set imported without --id: its file's name, made fit to name a file
    ("Phụ lục (QĐ 3793)" → "Phụ lục _QĐ 3793")."""
    text = re.sub(r"\.{2,}", ".", re.sub(r"[^\w .-]+", "_", name)).strip(" ._-")[:80].rstrip(" .") or "bo_tieu_chi"
    return text + "_" if _WINDOWS_DEVICES.match(text) else text


def save_set(criteria_set: CriteriaSet, overwrite: bool = False) -> Path:
    target = _set_file(criteria_set.id)
    bundled = {s.id for s in list_sets() if s.origin == "có sẵn"}
    if criteria_set.id in bundled:
        raise CchcError(f"mã “{criteria_set.id}” là của một bộ có sẵn; hãy đặt mã khác bằng --id")
    if target.exists() and not overwrite:
        raise CchcError(f"đã có bộ “{criteria_set.id}” ({target}); thêm --overwrite để thay, hoặc đặt mã khác bằng --id")
    return criteria_set.save(target)


def remove_set(set_id: str) -> Path:
    target = _set_file(set_id)
    if not target.is_file():
        if find_set(set_id) is not None:
            raise CchcError(f"“{set_id}” là bộ có sẵn, không xóa được")
        raise CchcError(f"không có bộ tiêu chí đã nhập “{set_id}”")
    target.unlink()
    return target
