"""`cchc-xl bulk`: check a reviewer's folder of commune workbooks.

One broken or hostile file never stops the batch: it gets a row with its
reason. Workbooks are checked in parallel processes with the fast reader;
only the summary (a new file) is written, with openpyxl.
"""
from __future__ import annotations

import glob
import os
import re
import stat
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import lru_cache
from decimal import Decimal
from pathlib import Path

from ..api import batch_gc, check_file, load_template, tune_gc_for_batch
from ..errors import PassedOver
from ..read.package import is_our_summary, summary_inside
from ..text import agency, level_in_full, party_place, period_key, unit_key, vn, without_council
from .archives import ARCHIVE_SUFFIXES, OTHER_ARCHIVES, Unpacker, unpack

# what a commune may send as its workbook: the ones that cannot be read (an old .xls, a LibreOffice
# .ods, a binary .xlsb) are listed as such, with how to save them again, not left aside unnamed
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".xlsb"}


@dataclass
class UnitRecord:
    """What the summary needs from one workbook (small and picklable)."""

    path: str
    readable: bool
    ok: bool
    error: str | None = None
    unit: str = ""
    period: str = ""
    max: Decimal | None = None
    self: Decimal | None = None
    pending: Decimal | None = None
    appraised: Decimal | None = None  # the appraised total, once every criterion is appraised
    appraisal_left: Decimal | None = None  # the points not yet appraised, when the appraisal has begun
    areas: dict[str, Decimal | None] = field(default_factory=dict)
    errors: int = 0
    warnings: int = 0
    findings: list[dict] = field(default_factory=list)
    json: dict | None = None
    criteria_set: str = ""
    percent: Decimal | None = None  # when the set states results in percent
    report: str | None = None
    report_error: str | None = None
    rank: int | None = None
    # another workbook of the same unit and period that stands for the unit in the ranking
    duplicate_of: str | None = None
    superior: str = ""  # the body above the unit ("UBND huyện Gia Lộc"), when the workbook states it
    ranked_by_appraisal: bool = False  # ranked by the appraised points (every unit of its period appraised)
    # a workbook that gathers several units, one sheet each: each is a record, told apart by its sheet (None
    # for a workbook of one unit); the first record of such a workbook names the other units' sheets
    sheet: str | None = None
    other_sheets: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str | None]:
        """The record among the batch's: its file, and its sheet when the file gathers several units."""
        return self.path, self.sheet

    def ranked_score(self, by_appraisal: bool) -> Decimal | None:
        return self.appraised if by_appraisal else self.self

    @property
    def status(self) -> str:
        if not self.readable:
            return f"không đọc được: {self.error}"
        return "hợp lệ" if self.ok else "có lỗi"


@dataclass
class BulkOutcome:
    records: list[UnitRecord]
    skipped: list[tuple[str, str]]
    output: str | None
    criteria_stats: list[dict]
    # units that sent more than one workbook for a period: [kept, *others], kept = the newest file
    duplicates: list[list[UnitRecord]] = field(default_factory=list)
    # record.key → the unit as shown where two units of a period share a name (see shown_units)
    unit_shown: dict[tuple, str] = field(default_factory=dict)

    def unit_of(self, record: "UnitRecord") -> str:
        return self.unit_shown.get(record.key, record.unit)

    @property
    def ranked(self) -> list[UnitRecord]:
        """Ranked records, period by period (latest first), each period by rank."""
        return sorted((r for r in self.records if r.rank), key=lambda r: (period_order(r.period), r.rank))

    def ranked_by_period(self) -> list[tuple[str, list[UnitRecord]]]:
        """[(the period as the first of its workbooks states it, its ranked records)]"""
        groups: dict[tuple, list[UnitRecord]] = {}
        for record in self.ranked:
            groups.setdefault(period_key(record.period), []).append(record)
        return [(group[0].period, group) for group in groups.values()]

    @property
    def all_valid(self) -> bool:
        return bool(self.records) and all(r.ok for r in self.records)

    def lines(self) -> list[str]:
        valid = sum(1 for r in self.records if r.ok)
        broken = sum(1 for r in self.records if not r.readable)
        files = len({r.path for r in self.records})
        # (a workbook that gathers several units, one sheet each, gives a record each)
        checked = f"{files} sổ tính ({len(self.records)} đơn vị)" if files != len(self.records) else f"{files} sổ tính"
        out = [f"Đã kiểm tra {checked}: {valid} hợp lệ, "
               f"{len(self.records) - valid - broken} có lỗi, {broken} không đọc được."]
        periods = self.ranked_by_period()
        if len(periods) > 1:  # a 6-month score is not ranked against a year's
            out.append(f"  ⚠ Các sổ thuộc {len(periods)} kỳ đánh giá khác nhau: xếp hạng và thống kê theo tiêu chí "
                       "riêng từng kỳ.")
        for period, ranked in periods:
            heading = f" — {period or '(sổ không ghi kỳ đánh giá)'}" if len(periods) > 1 else ""
            if ranked[0].ranked_by_appraisal:
                out.append(f"Xếp hạng{heading} theo điểm thẩm định (chỉ các sổ hợp lệ):")
                out.extend(f"  {r.rank:>3}. {self.unit_of(r)} — {vn(r.appraised)} điểm thẩm định (tự đánh giá "
                           f"{vn(r.self)})" for r in ranked[:10])
            else:
                out.append(f"Xếp hạng{heading} (chỉ các sổ hợp lệ):")
                out.extend(f"  {r.rank:>3}. {self.unit_of(r)} — {vn(r.self)} điểm" for r in ranked[:10])
            if len(ranked) > 10:
                out.append(f"  … và {len(ranked) - 10} đơn vị khác (xem sổ tổng hợp)")
            done = sum(1 for r in ranked if r.appraised is not None)
            begun = sum(1 for r in ranked if r.appraisal_left)
            if (done or begun) and not ranked[0].ranked_by_appraisal:
                said = f"đã thẩm định xong {done}/{len(ranked)} sổ" + (f", {begun} sổ đang thẩm định dở" if begun else "")
                out.append(f"  ({said}: xếp hạng theo điểm tự đánh giá cho đến khi thẩm định xong mọi sổ)")
        for group in self.duplicates:
            kept, others = group[0], group[1:]
            names = ", ".join(file_label(Path(r.path).name, r.sheet) for r in group)
            rest = "tệp kia" if len(others) == 1 else "các tệp kia"
            out.append(f"  ⚠ {kept.unit}{f' ({kept.period})' if kept.period else ''} có {len(group)} sổ: {names} — "
                       f"chỉ tệp sửa sau cùng, {file_label(Path(kept.path).name, kept.sheet)}, được xếp hạng và tính vào thống kê "
                       f"theo tiêu chí; {rest} không. Hãy giữ một sổ cho mỗi đơn vị.")
        for record in self.records:
            if not record.readable:
                out.append(f"  ✗ {file_label(record.path, record.sheet)}: {record.error}")
            elif not record.ok:
                out.append(f"  ! {record.unit} ({file_label(Path(record.path).name, record.sheet)}): {record.errors} lỗi")
            # a workbook of several communes, one sheet each: said, each unit being a row of its own
            out.extend(f"  ⚠ {shown(Path(record.path).name)}: {f['message']}" for f in record.findings
                       if f["code"] == "several-units")
        for record in self.records:
            if record.report_error:  # a valid workbook whose report was not written: said, not left to find out
                out.append(f"  (chưa lập báo cáo) {shown(record.path)}: {record.report_error}")
        for path, why in self.skipped:
            out.append(f"  (bỏ qua) {path}: {why}")
        out.extend(self._counted())
        out.extend(self._losses())  # (after the files' own lines: not read as one of them)
        written = [r.report for r in self.records if r.report]
        if written:  # (--reports: where they went; the command said nothing of them)
            out.append(f"Báo cáo Word: {len(written)} báo cáo, trong thư mục {shown(Path(written[0]).parent)}")
        if self.output:
            out.append(f"Sổ tổng hợp: {self.output}")
        return out

    # batch-wide counts of what a reviewer looks at first (each finding is in "Chi tiết lỗi" under its code):
    # points to take off, and deductions of the appraisal the communes are not yet told the reason of
    _COUNTED = (("explanation-says-not-done", "mục được tối đa điểm mà giải trình ghi chưa thực hiện"),
                ("appraisal-unexplained", "mục bị trừ điểm khi thẩm định mà chưa ghi ý kiến thẩm định"),
                # a survey's points typed by the commune itself: its total, and its rank, counts them
                ("survey-self-scored", "mục điều tra xã hội học/SIPAS mà xã tự ghi điểm (tính vào tổng và xếp hạng)"))

    def _counted(self) -> list[str]:
        out = []
        for code, what in self._COUNTED:
            found = [sum(1 for f in r.findings if f["code"] == code) for r in self.records
                     if r.duplicate_of is None]  # (a unit's older copy is not counted again)
            units = sum(1 for n in found if n)
            if units:
                out.append(f"  ⚠ {units} đơn vị có {sum(found)} {what} (mã {code}, xem trang “Chi tiết lỗi”).")
        return out

    def _losses(self, shown_per_group: int = 3) -> list[str]:
        """Where communes lose the most points, criterion by criterion (not whole parts or areas: a
        criterion, and none inside one already named), per criteria set and period; the summary's
        "Theo tiêu chí" has them all."""
        groups: dict[tuple, list[dict]] = {}
        for stat in self.criteria_stats:  # (largest average deduction first)
            groups.setdefault((stat["set"], period_key(stat["period"])), []).append(stat)
        out = []
        sets, periods = len({key[0] for key in groups}), len({key[1] for key in groups})
        for stats in groups.values():
            named: list[dict] = []
            nested = any("." in stat["code"] for stat in stats)  # (a flat set's criteria are numbered 1, 2, 3)
            for stat in stats:
                if len(named) == shown_per_group or not stat["deduction"] or stat["deduction"] <= 0:
                    break
                code = stat["code"]
                if code == stat["part"] or (nested and "." not in code) or any(
                        code.startswith(f"{n['code']}.") and n["part"] == stat["part"] for n in named):
                    continue
                named.append(stat)
            if not named:
                continue
            said = [stats[0]["set"] if sets > 1 else "", stats[0]["period"] if periods > 1 else ""]
            where = "".join(f" — {part}" for part in said if part)
            by = " theo điểm thẩm định" if stats[0].get("scored_by") == "appraised" else ""
            out.append(f"Mất điểm nhiều nhất{where}{by} (xem trang “Theo tiêu chí”):")
            out.extend(f"  {n['part']}.{n['code']} {_short(n['name'])}: trung bình mất {vn(n['deduction'])}/"
                       f"{vn(n['max'])} điểm, {n['below_max']} đơn vị dưới tối đa" for n in named)
        return out

    def to_json(self) -> dict:
        return {"workbooks": [r.json for r in self.records], "summary": self.summary_json()}

    def summary_json(self) -> dict:
        from ..text import json_number

        return {
                "ranking": [{"rank": r.rank, "unit": r.unit, "period": r.period, "path": shown(r.path), "sheet": r.sheet,
                             "self": json_number(r.self), "appraised": json_number(r.appraised),
                             "ranked_by": "appraised" if r.ranked_by_appraisal else "self"} for r in self.ranked],
                "criteria": [{k: (json_number(v) if isinstance(v, Decimal) else v) for k, v in s.items()}
                             for s in self.criteria_stats],
                "skipped": [{"path": p, "reason": why} for p, why in self.skipped],
                "duplicates": [{"unit": g[0].unit, "period": g[0].period, "ranked": shown(g[0].path),
                                "not_ranked": [shown(r.path) for r in g[1:]]} for g in self.duplicates],
        }


def _short(name: str, limit: int = 60) -> str:
    """A criterion's name on one line of the screen (a name typed over two lines with Alt+Enter)."""
    name = " ".join(name.split())
    return name if len(name) <= limit else name[:limit].rsplit(" ", 1)[0] + " …"


def file_label(name: str, sheet: str | None) -> str:
    """A file as outputs name a record of it: with the unit's sheet when the file gathers several units."""
    name = shown(name)
    return f"{name} (trang “{shown(sheet)}”)" if sheet else name


def shown(path) -> str:
    """A path as text that can always be printed and saved (see console.printable)."""
    from ..console import printable

    return printable(os.fspath(path))


# a folder of communes' workbooks holds hundreds of files; a whole drive (`bulk C:\`, `bulk /`) millions,
# listed for minutes without a word and each one a row of "Tệp bỏ qua" (Excel stops at 1,048,576)
MAX_LISTED = 200_000


def _listing(folder: Path) -> list[str]:
    """Every entry below ``folder``, in the order sorted(folder.rglob("*")) gives (folder by folder,
    name by name; letter case ignored on Windows), into real folders only (a link to a folder is
    listed, not entered). os.scandir and text keys: pathlib's walk and comparisons took ~10 ms
    per 400 files, before any worker could start."""
    found: list[tuple[list[str], str]] = []
    pending: list[tuple[str, list[str]]] = [(str(folder), [])]  # a folder, and its names below `folder`
    while pending:
        where, names = pending.pop()
        try:
            with os.scandir(where) as scan:
                entries = list(scan)
        except OSError:  # a folder that cannot be listed (no permission) lists nothing, as rglob
            continue
        if len(found) + len(entries) > MAX_LISTED:
            from ..errors import CchcError

            raise CchcError(f"{shown(folder)} có hơn {MAX_LISTED:,} tệp và thư mục con".replace(",", ".") +
                            ": hãy chỉ đúng thư mục chứa sổ tính của các xã (không phải cả ổ đĩa). Chưa kiểm tra gì.")
        for entry in entries:
            key = names + [os.path.normcase(entry.name)]
            found.append((key, entry.path))
            try:
                if entry.is_dir() and not entry.is_symlink():
                    pending.append((entry.path, key))
            except OSError:
                pass
    found.sort(key=lambda item: item[0])
    return [path for _, path in found]


def _walk(folder: Path, skipped):
    """Every entry below ``folder`` with its status (links followed); what is not a regular file is
    listed with its reason. One lstat per entry (a second for a link): on a network share each
    call is a round trip."""
    for name in _listing(folder):
        try:
            status = os.lstat(name)
            if stat.S_ISLNK(status.st_mode):
                status = os.stat(name)
        except OSError:
            skipped.append((shown(Path(name)), "liên kết hỏng (trỏ tới tệp không còn)"))
            continue
        entry = Path(name)
        if stat.S_ISDIR(status.st_mode):
            if entry.suffix.lower() in WORKBOOK_SUFFIXES:
                skipped.append((shown(entry), "là thư mục, không phải tệp (dù tên có đuôi Excel)"))
        elif not stat.S_ISREG(status.st_mode):
            skipped.append((shown(entry), "không phải tệp thường (FIFO, thiết bị…)"))
        else:
            yield entry, status


SUMMARY_REASON = "sổ tổng hợp do cchc-xl lập (không phải sổ của xã)"


def collect_paths(paths, exclude=()) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files, folders (recursive) and globs → workbook files, plus what was skipped and why.

    One file reached through two paths (a link, a glob and its folder) is read once; our own
    summaries and backups are never read as communes."""
    found = _collect(paths, exclude, look_inside=True)
    return found.files, found.skipped


@dataclass
class Collected:
    """What a walk found. With ``look_inside=False`` the files were not opened: whether one is a
    summary of an earlier run is asked later, by the workers, which open every file anyway
    (opening them all here, one after another, cost the batch ~0.1 s per 1,000 before any
    worker could start). ``without_summaries`` then gives exactly what collect_paths gives."""

    files: list[Path]
    skipped: list[tuple[str, str]]
    places: list[tuple[Path, int]] = field(default_factory=list)  # each file met, and len(skipped) then
    twins: list[tuple[int, Path]] = field(default_factory=list)  # ("same file as", the first) in skipped
    # a workbook unpacked from a .zip: its temporary copy → its name ("…/thu.zip/xa_a.xlsx"), shown
    # and saved in every output instead of the copy (see archives)
    shown_as: dict[str, str] = field(default_factory=dict)

    def without_summaries(self, summaries: set[str]) -> tuple[list[Path], list[tuple[str, str]]]:
        if not summaries:
            return self.files, self.skipped
        skipped = list(self.skipped)
        for index, first in self.twins:  # a second path to a summary is itself a summary
            if str(first) in summaries:
                skipped[index] = (skipped[index][0], SUMMARY_REASON)
        inserted = 0
        for path, place in self.places:  # each where the walk would have listed it
            if str(path) in summaries:
                skipped.insert(place + inserted, (shown(self.shown_as.get(str(path), path)), SUMMARY_REASON))
                inserted += 1
        return [p for p in self.files if str(p) not in summaries], skipped


def _collect(paths, exclude, look_inside: bool, unpacker=None) -> Collected:
    """``unpacker`` (archives.Unpacker): the workbooks inside .zip files are read too, from copies
    in its temporary folder; without it a .zip is listed as skipped."""
    found: list[Path] = []
    skipped: list[tuple[str, str]] = []
    places: list[tuple[Path, int]] = []
    twins: list[tuple[int, Path]] = []
    shown_as: dict[str, str] = {}

    def label(path) -> str:
        return shown(shown_as.get(str(path), path))

    excluded = {os.path.realpath(p) for p in exclude}
    # a file whose realpath is an excluded one is that same file: its (device, inode) tells
    # first, so realpath (a call per path component) is asked only of a file that matches
    excluded_files = {_file_key(p) for p in exclude} - {None}
    seen: dict[tuple[int, int], Path] = {}
    for raw in paths:
        raw = os.fspath(raw)
        if os.path.isdir(raw):
            candidates = list(_walk(Path(raw), skipped))
        elif any(ch in raw for ch in "*?["):
            candidates = [(p, None) for p in sorted(Path(p) for p in glob.glob(raw, recursive=True)
                                                    if os.path.isfile(p))]
            if not candidates:
                skipped.append((shown(raw), "không có tệp nào khớp mẫu này"))
        elif os.path.islink(raw) and not os.path.exists(raw):
            skipped.append((shown(raw), "liên kết hỏng (trỏ tới tệp không còn)"))
            continue
        elif os.path.exists(raw) and not os.path.isfile(raw):
            skipped.append((shown(raw), "không phải tệp thường (FIFO, thiết bị…)"))
            continue
        else:
            candidates = [(Path(raw), None)]
        candidates = _with_archives(candidates, unpacker, skipped, shown_as)
        for path, status in candidates:
            key = _file_key(path) if status is None else _identity(status)
            if excluded and (key is None or key in excluded_files) and os.path.realpath(path) in excluded:
                skipped.append((label(path), "sổ tổng hợp của lần chạy này"))
                continue
            refused = _name_refused(path.name)
            if refused is not None:
                skipped.append((label(path), refused))
            elif look_inside and is_our_summary(path):
                skipped.append((label(path), SUMMARY_REASON))
            else:
                if key is not None and key in seen:
                    twins.append((len(skipped), seen[key]))
                    skipped.append((label(path), f"cùng một tệp với {label(seen[key])} (đã đọc một lần)"))
                    continue
                if key is not None:
                    seen[key] = path
                places.append((path, len(skipped)))
                found.append(path)
    unique = list(dict.fromkeys(found))
    return Collected(unique, skipped, places, twins, shown_as)


def _name_refused(name: str) -> str | None:
    """Why a file is not read as a commune's workbook, by its name alone; None to read it."""
    if name.startswith("~$") or (name.startswith(".~lock.") and name.endswith("#")):
        return "tệp khóa (sổ tính đang mở trong Excel/LibreOffice)"
    if name.startswith(".~cchc-xl-"):
        return "tệp tạm của cchc-xl"
    if Path(name).suffix.lower() not in WORKBOOK_SUFFIXES:
        return "không phải sổ tính Excel"
    if ".sao-luu-" in name:
        return "bản sao lưu do cchc-xl tạo"
    return None


def _with_archives(candidates, unpacker, skipped, shown_as):
    """The candidates with each .zip replaced by copies of the workbooks inside it (see archives);
    another archive format is skipped with how to unpack it."""
    out = []
    for path, status in candidates:
        suffix = path.suffix.lower()
        if suffix in OTHER_ARCHIVES:
            skipped.append((shown(path), f"tệp nén {suffix}: hãy giải nén rồi chạy lại (cchc-xl đọc được bên trong "
                                         "tệp .zip)"))
        elif suffix in ARCHIVE_SUFFIXES and unpacker is not None:
            files, not_read = unpack(str(path), unpacker, _name_refused)
            skipped.extend(not_read)
            for copy, name in files:
                shown_as[copy] = name
                out.append((Path(copy), None))
        else:
            out.append((path, status))
    return out


def _file_key(path) -> tuple[int, int] | None:
    """(device, inode) of the file a path leads to: one file reached by two paths is read once."""
    try:
        return _identity(os.stat(path))
    except (OSError, ValueError):
        return None


def _identity(status) -> tuple[int, int] | None:
    """None where the file system gives no file number (st_ino 0: some network shares and FAT
    drives on Windows): every file there would otherwise look like one and the same file."""
    return (status.st_dev, status.st_ino) if status.st_ino else None


def _check_one(path: str, against, want_json: bool, reports_dir: str | None, stats: dict | None = None,
               pass_over=None, report_name: str | None = None, sheet: str | None = None) -> UnitRecord | None:
    """One file's record; None when ``pass_over`` (summary_inside, in a batch) left it aside.
    ``report_name``: the report's file name in ``reports_dir`` (see report_names). ``sheet``: the table of
    one unit of a workbook that gathers several (the record of the one read first names the others:
    UnitRecord.other_sheets)."""
    try:
        result = check_file(path, against, sheet=sheet, compare_recognised=True, pass_over=pass_over)
    except PassedOver:
        return None
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # a reader bug (even a Rust panic) must not stop the batch either
        return UnitRecord(path, False, False, f"lỗi khi đọc ({type(exc).__name__})", sheet=sheet)
    if not result.readable:
        record = UnitRecord(path, False, False, result.error, sheet=sheet)
        record.json = result.to_json() if want_json else None
        return record
    a = result.assessment
    if a.other_units and sheet is None:  # a workbook that gathers several units: each is checked, said so
        sheet = a.sheet
        for finding in result.findings:
            if finding.code == "several-units":
                finding.message = _gathered_message(a)
    totals = a.totals()
    errors, warnings = result.counts
    record = UnitRecord(
        path, True, result.ok, unit=a.unit or shown(Path(path).stem), period=a.period, max=totals.max,
        self=totals.self, pending=totals.pending_max, areas=dict(totals.by_area), errors=errors, warnings=warnings,
        findings=[f.to_json() for f in result.findings],
        criteria_set=a.criteria_set["id"] if a.criteria_set else UNKNOWN_SET,
        percent=totals.percent_value if totals.percent else None, superior=str(a.meta.get("superior") or ""),
        sheet=sheet, other_sheets=list(a.other_units),  # (none when a sheet was asked for: only it is read)
    )
    if stats is not None:
        add_to_statistics(stats, a)
    appraisal = a.appraisal()
    if appraisal is not None:  # (one begun and not finished has no total yet)
        if appraisal.unscored_max:
            record.appraisal_left = appraisal.unscored_max
        else:
            record.appraised = appraisal.self
    if want_json:
        record.json = result.to_json()
        if sheet is not None:
            record.json["sheet"] = sheet
    if reports_dir and result.ok:
        from ..errors import CchcError
        from ..render.report import render_assessment_report

        target = Path(reports_dir) / _unit_report_name(report_name or f"{Path(path).stem}_bao_cao.docx", sheet)
        try:
            record.report = render_assessment_report(  # bulk has no --overwrite for reports
                a, target, not_ours_hint="hãy chuyển tệp đó đi hoặc chọn thư mục --reports khác").docx
        except CchcError as exc:
            record.report_error = str(exc)
    a.unlink_tree()  # the record holds what the batch needs; the tree is freed now, not by the GC
    return record


def _gathered_message(a) -> str:
    """several-units as bulk words it: every unit of the workbook is checked and ranked, a row each."""
    named = ", ".join(f"{unit} (trang “{name}”)" for name, unit in [(a.sheet, a.unit), *a.other_units.items()])
    return (f"Sổ tính có bảng tiêu chí của {len(a.other_units) + 1} đơn vị, mỗi đơn vị một trang: mỗi đơn vị được "
            f"kiểm tra, xếp hạng riêng, một dòng trong sổ tổng hợp: {named}.")


def _unit_report_name(name: str, sheet: str | None) -> str:
    """The report of one unit of a workbook that gathers several: the file's report name with the unit's
    sheet ("tong_hop_Hà Kỳ_bao_cao.docx"); a workbook of one unit keeps the file's."""
    if not sheet:
        return name
    stem = name[:-len("_bao_cao.docx")] if name.endswith("_bao_cao.docx") else Path(name).stem
    return f"{stem}_{_NOT_IN_NAMES.sub('_', sheet).strip(' ._') or 'trang'}_bao_cao.docx"


_NOT_IN_NAMES = re.compile(r'[\\/:*?"<>|]+')  # what a Windows file name cannot hold


_SHARED: dict = {}


def _share(template, want_json, reports_dir) -> None:
    _SHARED.update(template=template, want_json=want_json, reports_dir=reports_dir, described=set())


def _init_worker(template, want_json, reports_dir) -> None:
    """Runs once per worker process: the template is sent once, not with every file. The workers
    start before the paths are collected, so what they load here overlaps with that walk."""
    from ..criteria_sets.store import pin_sets

    _share(template, want_json, reports_dir)
    pin_sets()  # a set imported while the batch runs is for the next batch
    # what the first check would import (a check imports them lazily, for the Excel button's sake)
    import python_calamine  # noqa: F401
    from ..criteria_sets import recognise  # noqa: F401
    from ..rules import template as _template  # noqa: F401

    tune_gc_for_batch(collect=False)  # a worker process only ever checks workbooks


def _load_for_forked_workers() -> bool:
    """Forked workers (Linux up to Python 3.13: where the pool forks) inherit what is loaded here:
    the modules and criteria sets each worker would load again (~7 ms apiece, with the cores shared
    at the start of a batch), loaded once. Spawned workers (Windows) load them in _init_worker."""
    import multiprocessing

    if multiprocessing.get_start_method() != "fork":
        return False
    import encodings.cp437  # noqa: F401  (zipfile's codec for names not marked UTF-8)

    import python_calamine  # noqa: F401

    from ..criteria_sets import recognise  # noqa: F401
    from ..criteria_sets.store import list_sets
    from ..read.headers import roles_pattern
    from ..rules import template as _template  # noqa: F401
    from ..write import atomic  # noqa: F401

    list_sets()  # read now, cached; each worker's pin_sets then only checks the user folder is unchanged
    roles_pattern()
    return True


def _ready() -> None:
    """A no-op task: submitting one per worker starts them all at once (with spawn as with fork)."""


def _worker(paths: list[str], report_names: list[str] | None = None) -> tuple[list[UnitRecord], dict, list[str]]:
    """A chunk of files: their records, the chunk's per-criterion sums (small to send back), and
    the files that are summaries of an earlier run (no record: bulk lists them as skipped).
    ``report_names``: with --reports, each file's report name, in the same order."""
    stats: dict = {}
    records, summaries = [], []
    for index, path in enumerate(paths):
        record = _check_one(path, _SHARED["template"], _SHARED["want_json"], _SHARED["reports_dir"], stats,
                            summary_inside,  # asked of the zip the reader opens: no second open per file
                            report_names[index] if report_names else None)
        if record is None:
            summaries.append(path)
            continue
        records.append(record)
        for sheet in record.other_sheets:  # the other units of a workbook that gathers several
            records.append(_check_one(path, _SHARED["template"], _SHARED["want_json"], _SHARED["reports_dir"], stats,
                                      report_name=report_names[index] if report_names else None, sheet=sheet))
    return records, _sendable(finish_statistics(stats)), summaries


def _sendable(stats: dict) -> dict:
    """A chunk's statistics as sent to the main process: (counts,), followed by (set, period, part,
    code, name, max) only the first time this process sends
    the criterion. The main process merges chunks in their order, and a worker takes them in
    that order, so the first chunk it merges with a criterion is the one that describes it.
    (The names and Decimals of every criterion in every chunk were half of all that was sent.)"""
    described = _SHARED["described"]
    out = {}
    for key, e in stats.items():
        counts = dict(e["counts"])
        if key in described:
            out[key] = (counts,)
        else:
            described.add(key)
            out[key] = (counts, e["set"], e["period"], e["part"], e["code"], e["name"], e["max"])
    return out


STUCK_AFTER = 120.0  # seconds without a finished file: a worker is stuck on one (a few ms each, 0.5 s the worst seen)


class _Stuck(Exception):
    """No worker finished anything for the time limit."""


def _result_or_stuck(future, futures, limit: float):
    """``future``'s result, waiting while any of ``futures`` still finishes within ``limit`` seconds
    (the others' progress means the pool still moves); _Stuck when none does."""
    from concurrent.futures import TimeoutError as Late

    while True:
        finished = sum(1 for f in futures if f.done())
        try:
            return future.result(timeout=limit)
        except Late:
            if sum(1 for f in futures if f.done()) == finished:
                raise _Stuck() from None


def _stop_workers(pool) -> None:
    """End a pool whose worker is stuck in a file: its processes are stopped (a stuck one would never
    take the shutdown), what was queued is dropped."""
    for process in list(getattr(pool, "_processes", {}).values()):
        process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)


def _isolated(path: str, shared, report_name: str | None, limit: float = STUCK_AFTER
              ) -> tuple[list[UnitRecord], dict, list[str]]:
    """One file in a process of its own, within ``limit`` seconds (the process's start not counted)."""
    from concurrent.futures import TimeoutError as Late

    single = ProcessPoolExecutor(max_workers=1, initializer=_init_worker, initargs=shared)
    try:
        single.submit(_ready).result()  # started and ready (a spawned process takes a while)
        return single.submit(_worker, [path], [report_name] if report_name else None).result(timeout=limit)
    except Late:
        _stop_workers(single)
        return [UnitRecord(path, False, False, f"đọc quá {vn(Decimal(f'{limit:g}'))} giây mà chưa xong, đã dừng (tệp có thể "
                                               "bị hỏng hoặc độc hại; mở bằng Excel và lưu lại rồi gửi lại)")], {}, []
    except BrokenProcessPool:
        return [UnitRecord(path, False, False, "tệp làm dừng đột ngột tiến trình đọc (nghi là tệp độc hại)")], {}, []
    finally:
        single.shutdown(wait=False, cancel_futures=True)


def period_order(period: str) -> tuple:
    """Latest year first; in a year, the whole year before its first half."""
    year, kind = period_key(period)
    return (-int(year) if year else 1, kind != "nam", kind)


def _modified_ns(path: str) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:  # gone since it was checked: the oldest
        return 0


# a body's place, where an agency is typed for the body above ("Phòng Nội vụ huyện Tứ Kỳ", "Sở Nội vụ TP. Hải Phòng")
_PLACE_IN = re.compile(r"(?<!\w)(?:huyện|quận|thị xã|tỉnh|thành phố|tp\.?)\s+\S.*$", re.IGNORECASE)


@lru_cache(maxsize=4096)  # (a province's communes type a few bodies above them, each many times)
def place_key(superior: str) -> str:
    """The body above a unit as its spellings share it: "UBND huyện Tứ Kỳ", "Ủy ban nhân dân huyện Tứ Kỳ",
    "huyện Tứ Kỳ" and "Phòng Nội vụ huyện Tứ Kỳ" are one place; "" for none, or an agency of no place."""
    text = without_council(" ".join(superior.split()))
    if agency(text):
        found = _PLACE_IN.search(party_place(text))
        text = found.group(0) if found else ""
    return unit_key(level_in_full(text)) if text else ""


# the levels a place above a commune is of, keyed as places are ("huyện " and "huyện Tứ Kỳ" alike)
_PLACE_KINDS = [(kind, unit_key(kind) + " ") for kind in ("huyện", "quận", "thị xã", "tỉnh", "thành phố")]


def _place_kind(key: str) -> str:
    return next((kind for kind, keyed in _PLACE_KINDS if key.startswith(keyed)), "")


def same_place(keys) -> bool:
    """The bodies above typed in several workbooks of one unit's name and period name one unit: none
    names two places of one kind ("huyện Tứ Kỳ" and "huyện Gia Lộc" are two communes). A copy with none,
    or with the body of another level ("UBND huyện Tứ Kỳ" mended to "UBND thành phố Hải Phòng" after 2025,
    "Sở Nội vụ" mended to the UBND above), is that unit's copy."""
    by_kind: dict[str, set[str]] = {}
    for key in keys:
        if key:
            by_kind.setdefault(_place_kind(key), set()).add(key)
    return all(len(named) == 1 for named in by_kind.values())


def _unit_keys(records: list[UnitRecord]) -> list[tuple[UnitRecord, tuple]]:
    """Each readable record with the key of its unit: (name, place, period), the place "" where the
    workbooks of a name and period name one place (or none); the place each typed where they name several."""
    by_name: dict[tuple, list[tuple[UnitRecord, str]]] = {}
    for record in records:
        if record.readable and record.unit:
            by_name.setdefault((unit_key(record.unit), period_key(record.period)), []).append(
                (record, place_key(record.superior)))
    keys = []
    for (name, period), group in by_name.items():
        one = same_place(place for _, place in group)
        keys.extend((record, (name, "" if one else place, period)) for record, place in group)
    return keys


def same_unit_groups(records: list[UnitRecord], file_of=None) -> list[list[UnitRecord]]:
    """Units that sent more than one readable workbook for the same period (a corrected copy sent
    again, "xa_a (1).xlsx"): each group newest file first, which alone stands for the unit in the
    ranking; the others are marked duplicate_of it. A unit ranked twice pushed the others down.
    ``file_of(path)``: where a record's file is, when elsewhere (a copy unpacked from a .zip)."""
    by_unit: dict[tuple, list[UnitRecord]] = {}
    # (the body above it too, when stated: before 2025 two districts' letterheads could both say
    # "UBND XÃ TÂN TIẾN", two communes)
    for record, key in _unit_keys(records):
        by_unit.setdefault(key, []).append(record)
    groups = []
    for group in by_unit.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda r: (_modified_ns(file_of(r.path) if file_of else r.path), r.path), reverse=True)
        for record in group[1:]:
            record.duplicate_of = group[0].path
        groups.append(group)
    return groups


def shown_units(records: list[UnitRecord]) -> dict[tuple, str]:
    """Record.key → the unit as shown where two units of one period share a name, "Xã Tân Tiến" of two
    districts (before 2025 many districts had one): with the body above it, else its file's name.
    The ranking showed two "Xã Tân Tiến"; the others keep their names (absent here)."""
    by_name: dict[tuple, list[UnitRecord]] = {}
    for record in records:
        if record.readable and record.unit and record.duplicate_of is None:
            by_name.setdefault((unit_key(record.unit), period_key(record.period)), []).append(record)
    names = {}
    for group in by_name.values():
        if len(group) > 1 and not same_place(place_key(r.superior) for r in group):
            for record in group:
                where = without_council(record.superior) if record.superior else \
                    file_label(Path(record.path).name, record.sheet)
                names[record.key] = f"{record.unit} ({where})"
    return names


def rank(records: list[UnitRecord]) -> None:
    """Only valid workbooks are ranked, one per unit, each period on its own (a 6-month score is
    never ranked against a year's); equal scores share a rank (1, 2, 2, 4)."""
    by_period: dict[tuple, list[UnitRecord]] = {}
    for record in records:
        if record.ok and record.duplicate_of is None:
            by_period.setdefault(period_key(record.period), []).append(record)
    for group in by_period.values():
        # once the reviewer has appraised every one of them, by the appraised points, as the province ranks
        by_appraisal = all(r.appraised is not None for r in group)
        previous, previous_rank = None, 0
        for position, record in enumerate(sorted(group, key=lambda r: r.ranked_score(by_appraisal), reverse=True),
                                          start=1):
            score = record.ranked_score(by_appraisal)
            record.rank = previous_rank if score == previous else position
            record.ranked_by_appraisal = by_appraisal
            previous, previous_rank = score, record.rank


UNKNOWN_SET = "(không theo bộ nào đã biết)"


def _official(set_id: str) -> dict:
    """key → official criterion of a known set (the store and the set cache their own lookups)."""
    from ..criteria_sets import find_set

    found = find_set(set_id)
    return found.by_key() if found is not None else {}


def add_to_statistics(stats: dict, assessment) -> None:
    """Gather one readable workbook's scores per criterion: where communes lose points. Only
    gathered here (a list append per criterion of every workbook); finish_statistics() counts a
    chunk's lists in one call each.

    Kept per criteria set (never merged across sets) and per period (a 6-month score is never
    averaged with a year's), with the set's official max (never a workbook's edited one); survey
    criteria are scored later by the province, so they are not points a commune lost.

    A workbook appraised in full gives its appraised scores too, under keys of their own (the key and
    "appraised"): a period ranked by the appraisal is told by them (criteria_statistics)."""
    followed = assessment.criteria_set
    set_id = followed["id"] if followed else UNKNOWN_SET
    official = _official(set_id) if followed else {}
    period = assessment.period
    when = period_key(period)
    columns = ("self",)
    if assessment.has_appraisal():
        appraisal = assessment.appraisal()
        if appraisal is not None and not appraisal.unscored_max:
            columns = ("self", "appraised")
    for which in columns:
        # a part or area over survey criteria (part II: 2 points of documents, 24 of surveys) counts its
        # own points only: its 24 pending points were its "mean deduction", the largest of the batch
        surveys = _survey_points(assessment.criteria, official, which)
        for c in assessment.criteria:
            if not c.code_ok or (c.kind == "survey" if c.kind is not None else c.survey_based):  # c.survey_based
                continue
            key = (set_id, when, c.key) if which == "self" else (set_id, when, c.key, which)
            entry = stats.get(key)
            below = surveys.get(c.key) if surveys else None
            if entry is None:
                model = official.get(c.key)
                # a penalty's best is 0 (nothing deducted): its mean below 0 is points lost
                maximum = model.max if model is not None else (Decimal(0) if c.is_penalty else c.effective_max())
                if below is not None and maximum is not None:
                    maximum -= below[0]
                # (the set's own numbering, where the first workbook seen lettered its items: "1.1.1", not "1.1.a")
                entry = stats[key] = {"set": set_id, "period": period, "part": model.part if model else c.part,
                                      "code": model.code if model else c.code, "name": c.name, "max": maximum,
                                      "scores": []}
            score = c.computed_self(which)  # None: not scored
            if below is not None and score is not None:
                score -= below[1]
            entry["scores"].append(score)


def _survey_points(criteria, official, which: str = "self") -> dict[str, list[Decimal]]:
    """Criterion key → [max, points scored] of the survey criteria below it (the topmost of each
    branch), for the criteria that have any; empty for most sets' areas."""
    found: dict[str, list[Decimal]] = {}
    for c in criteria:
        if not c.code_ok or not (c.kind == "survey" if c.kind is not None else c.survey_based):
            continue
        parent = c.parent
        if parent is None or parent.survey_based:  # counted with the survey criterion above it
            continue
        model = official.get(c.key)
        maximum = model.max if model is not None else c.effective_max()
        score = c.computed_self(which)
        while parent is not None:
            totals = found.setdefault(parent.key, [Decimal(0), Decimal(0)])
            totals[0] += maximum or 0
            totals[1] += score or 0
            parent = parent.parent
    return found


def finish_statistics(stats: dict) -> dict:
    """The gathered scores → how many workbooks gave each score (None: left unscored). Counts add
    up across chunks (merge_statistics) and are taken back for a workbook that does not count
    (forget_statistics: a unit's older copy), which a sum and a minimum could not be; a criterion
    has a handful of distinct scores, so they stay small."""
    for entry in stats.values():
        scores = entry.pop("scores", None)
        if scores is not None:
            entry["counts"] = Counter(scores)
    return stats


def merge_statistics(total: dict, part: dict) -> None:
    """Add a chunk's statistics (as _sendable gives them) to the batch's."""
    for key, values in part.items():
        mine = total.get(key)
        if mine is None:
            counts, set_id, period, area, code, name, maximum = values
            total[key] = {"set": set_id, "period": period, "part": area, "code": code, "name": name,
                          "max": maximum, "counts": Counter(counts)}
        else:
            mine["counts"].update(values[0])


def forget_statistics(total: dict, part: dict) -> None:
    """Take a workbook's statistics (finish_statistics' form) back out of the batch's. Only what
    was added is taken: a file changed since it was checked cannot make a count negative."""
    for key, entry in part.items():
        mine = total.get(key)
        if mine is None:
            continue
        counts = mine["counts"]
        for score, number in entry["counts"].items():
            if counts.get(score, 0) >= number:
                counts[score] -= number
                if not counts[score]:
                    del counts[score]
        if not counts:  # a criterion only that workbook had
            del total[key]


def statistics_of(path: str, against, sheet: str | None = None) -> dict:
    """One workbook's statistics (of the unit on ``sheet``, in one that gathers several), checked again
    (only a unit's older copies are: a few files, and the batch sends no workbook's scores back, only
    each chunk's counts)."""
    stats: dict = {}
    _check_one(path, against, False, None, stats, sheet=sheet)
    return finish_statistics(stats)


def criteria_statistics(stats: dict, by_appraisal=frozenset()) -> list[dict]:
    """Mean, minimum and counts per criterion (and period), largest average deduction first.
    ``by_appraisal``: the periods (period_key) ranked by the appraisal, told by the appraised scores
    (of the workbooks appraised in full); the others by the self-assessment."""
    out = []
    for key, entry in stats.items():
        appraised = len(key) > 3  # (add_to_statistics' key for the appraised scores)
        if (key[1] in by_appraisal) != appraised:
            continue
        counts = entry["counts"]
        scored = [(score, number) for score, number in counts.items() if score is not None]
        number_scored = sum(number for _, number in scored)
        max_points = entry["max"]
        mean = (sum((score * number for score, number in scored), Decimal(0)) / number_scored).quantize(
            Decimal("0.01")) if number_scored else None
        full = 0 if max_points is None else sum(number for score, number in scored if score >= max_points)
        out.append({
            "set": entry["set"], "period": entry["period"], "part": entry["part"], "code": entry["code"],
            "name": entry["name"], "max": max_points, "mean": mean,
            "min": min((score for score, _ in scored), default=None), "full": full,
            "below_max": number_scored - full if max_points is not None else 0,
            "unscored": counts.get(None, 0),
            "deduction": (max_points - mean) if (max_points is not None and mean is not None) else None,
            "scored_by": "appraised" if appraised else "self",
        })
    out.sort(key=lambda s: (s["set"], period_order(s["period"]), -(s["deduction"] or Decimal(0)), s["part"],
                            s["code"]))
    return out


def available_cores() -> int:
    """The cores this process may run on (a container or a job limit can allow fewer than the machine has)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # Windows, macOS
        return os.cpu_count() or 1


def pool_size(requested: int | None = None) -> int:
    """Worker processes for a batch: the cores by default. Never more than 4 a core (checking is CPU
    work: more only costs memory; "--jobs 100000" once forked until the machine stalled), nor 61,
    Windows' limit for a process pool."""
    cores = available_cores()
    return max(1, min(requested or cores, 4 * cores, 61))


def _refuse_output(output, overwrite: bool) -> None:
    """The summary never replaces a commune's workbook or any file that is not ours, and an
    unwritable destination is said before the batch, not after it."""
    from ..errors import RefusedWrite
    from ..write.atomic import nearest_existing

    target = Path(output)
    if target.is_dir():
        raise RefusedWrite(f"-o {shown(target)} là một thư mục; hãy ghi tên tệp, ví dụ {shown(target / 'tong_hop.xlsx')}")
    if target.suffix.lower() != ".xlsx":
        raise RefusedWrite("sổ tổng hợp phải có đuôi .xlsx")
    if target.exists() and not overwrite and not is_our_summary(target):
        raise RefusedWrite(f"tệp {shown(target)} đã có và không phải sổ tổng hợp của cchc-xl (có thể là sổ của một xã); "
                           "hãy chọn tên khác hoặc thêm --overwrite — chưa ghi gì.")
    folder = nearest_existing(target.parent if str(target.parent) else Path("."))
    if folder.exists() and not folder.is_dir():
        raise RefusedWrite(f"-o {shown(target)} nằm trong {shown(folder)}, mà đó là một tệp, không phải thư mục "
                           "— chưa kiểm tra, chưa ghi gì.")
    if not os.access(folder, os.W_OK):
        raise RefusedWrite(f"không có quyền ghi vào thư mục {shown(folder)} — chưa kiểm tra, chưa ghi gì.")


def _refuse_reports_dir(folder: Path) -> None:
    """--reports names a folder (made if missing): a file there, or a file on the way to it, is said
    before the batch, not as the operating system's words after it."""
    from ..errors import RefusedWrite
    from ..write.atomic import nearest_existing

    place = nearest_existing(folder)
    if place.exists() and not place.is_dir():
        what = "là một tệp" if place == folder else f"nằm trong {shown(place)}, mà đó là một tệp"
        raise RefusedWrite(f"--reports {shown(folder)} {what}, không phải thư mục; hãy chọn một thư mục để ghi báo cáo "
                           "— chưa kiểm tra, chưa ghi gì.")


def bulk_check(paths, output="tong_hop.xlsx", against=None, jobs=None, reports_dir=None, progress=False,
               want_json=False, overwrite: bool = False, json_sink=None, stuck_after: float = STUCK_AFTER
               ) -> BulkOutcome:
    """Check every workbook and write the summary. ``json_sink(dict)`` receives each workbook's JSON
    as it arrives (a stream: the batch's JSON is never held whole); without it the JSON stays on
    the records (``want_json``). ``stuck_after``: seconds in which no worker finished a file, after
    which the file a worker is stuck in gets a row of its own and the batch goes on (with 2 or more
    processes: a single one checks in this process)."""
    if output:
        _refuse_output(output, overwrite)
    if reports_dir is not None:
        _refuse_reports_dir(Path(reports_dir))
    template = load_template(against) if against is not None else None
    shared = (template, want_json or json_sink is not None, str(reports_dir) if reports_dir else None)
    jobs = pool_size(jobs)
    unpacker = Unpacker()  # the workbooks inside .zip files: copies in a folder of its own, removed at the end
    try:
        batch = _Batch(output, reports_dir, progress, json_sink, shared, unpacker)
        batch.stuck_after = stuck_after
        return _run_batch(batch, paths, jobs, shared)
    finally:
        unpacker.cleanup()


def _run_batch(batch: "_Batch", paths, jobs: int, shared) -> BulkOutcome:
    if jobs == 1:
        return batch.run(batch.collect(paths), None, 1)
    # the main process receives, records and writes while the workers check: none of what it holds
    # is garbage to look for, and a full collection in a large process (a program that loaded much
    # before calling bulk_check) took 57 ms in the middle of a 0.7 s batch
    with batch_gc(collect=False):
        if _load_for_forked_workers():
            # forked workers start ready: the paths are collected first (after the fork, the process's
            # every new object would copy a page it shares with them), and sent as soon as they start
            found = batch.collect(paths)
            with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=shared) as pool:
                return batch.run(found, pool, jobs)
        # spawned workers (Windows) take a while to start: they start first, and get ready while the
        # paths are collected
        with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=shared) as pool:
            for _ in range(jobs):
                pool.submit(_ready)
            return batch.run(batch.collect(paths), pool, jobs)


class _Batch:
    """One run of bulk: results arrive (in order) into the records, statistics, summary and JSON."""

    def __init__(self, output, reports_dir, progress, json_sink, shared, unpacker=None):
        self.output, self.reports_dir, self.progress, self.json_sink, self.shared = \
            output, reports_dir, progress, json_sink, shared
        self.unpacker = unpacker
        self.stuck_after = STUCK_AFTER
        self.shown_as: dict[str, str] = {}  # a copy unpacked from a .zip → its name (see archives)
        self.copies: dict[str, str] = {}  # … and back: where the file is, for what must open it again
        self.records: list[UnitRecord] = []
        self.summaries: set[str] = set()  # files that are summaries of an earlier run
        self.totals: dict = {}
        self.writer = None
        self.count = 0
        self.files_done = 0
        self.report_names: dict[str, str] | None = None  # path → its report's file name, with --reports

    def collect(self, paths) -> Collected:
        self.paths = paths
        found = _collect(paths, [self.output] if self.output else [], look_inside=False, unpacker=self.unpacker)
        if not found.files:
            _nothing_found(paths)
        self.shown_as = found.shown_as
        self.copies = {name: copy for copy, name in found.shown_as.items()}
        return found

    def named(self, path) -> str:
        """A task's path as outputs name it: a copy unpacked from a .zip by its place in the .zip."""
        path = os.fspath(path)
        return self.shown_as.get(path, path)

    def file_of(self, path: str) -> str:
        """The file a record's path names, to open again (its copy, for one from a .zip)."""
        return self.copies.get(path, path)

    def run(self, found: Collected, pool, jobs: int) -> BulkOutcome:
        paths = self.paths
        reports_dir = self.reports_dir
        made_reports_dir = bool(reports_dir) and not Path(reports_dir).exists()
        if reports_dir:
            Path(reports_dir).mkdir(parents=True, exist_ok=True)
        tasks = [str(p) for p in found.files]
        self.count = len(tasks)
        if reports_dir:  # named after the workbooks' own names (a copy from a .zip: its name in the .zip)
            by_name = report_names([self.named(t) for t in tasks])
            self.report_names = {t: by_name[self.named(t)] for t in tasks}
        if self.output:
            from .workbook import SummaryWriter

            self.writer = SummaryWriter(self.output, [self.named(t) for t in tasks], self.file_of)
        try:
            self._check(tasks, pool, jobs)
            files, skipped = found.without_summaries(self.summaries)
            if not files:  # every file was an earlier summary
                if made_reports_dir:
                    Path(reports_dir).rmdir()  # nothing was written into it
                _nothing_found(paths)
        except BaseException:
            if self.writer is not None:
                self.writer.discard()
            raise
        duplicates = same_unit_groups(self.records, self.file_of)
        for group in duplicates:  # a unit's older copies: counted once, like the ranking
            for record in group[1:]:
                forget_statistics(self.totals, statistics_of(self.file_of(record.path), self.shared[0], record.sheet))
        rank(self.records)
        by_appraisal = {period_key(r.period) for r in self.records if r.rank is not None and r.ranked_by_appraisal}
        outcome = BulkOutcome(self.records, skipped, None, criteria_statistics(self.totals, by_appraisal), duplicates,
                              shown_units(self.records))
        if self.writer is not None:
            self.writer.keep_only([self.named(f) for f in files], self.records)
            try:
                outcome.output = str(self.writer.finish(outcome))
            except BaseException:  # the summary could not be written (full disk…): said in one line, not
                self.writer.discard()  # with openpyxl's unfinished sheets complaining at exit
                raise
        return outcome

    def _check(self, tasks: list[str], pool, jobs: int) -> None:
        _progress(self.progress, 0, len(tasks))  # starts the clock for files/s and the time left
        names = self.report_names
        if pool is None:
            _share(*self.shared)
            with batch_gc():
                for task in tasks:
                    self._arrived(*_worker([task], [names[task]] if names else None))
        else:
            chunks = _chunks(tasks, jobs)
            done = 0
            try:
                # every chunk submitted at once; results taken in order (the outputs follow it)
                futures = [pool.submit(_worker, chunk, [names[p] for p in chunk] if names else None)
                           for chunk in chunks]
                for future in futures:
                    result = _result_or_stuck(future, futures, self.stuck_after)
                    self._arrived(*result)
                    done += 1
                    if done == 1 and self.writer is not None:
                        # openpyxl's import and the layout overlap with the checking; not before the
                        # first result: the pool's threads in this process, which send the files to
                        # the workers, would wait for this one's turn (5 ms) before the first file
                        self.writer.prepare()
                pool.shutdown(wait=False)  # the workers exit while the summary is written, not after it
            except (BrokenProcessPool, _Stuck) as stop:
                # a worker died (a file crashed the reader) or stopped moving (a file it cannot finish):
                # check the rest one by one, each in its own process and within the time limit, so the
                # file at fault gets a row and the batch still finishes
                if isinstance(stop, _Stuck):
                    _stop_workers(pool)
                for path in [p for chunk in chunks[done:] for p in chunk]:
                    self._arrived(*_isolated(path, self.shared, names[path] if names else None, self.stuck_after))
        if self.progress:
            sys.stderr.write("\n")

    def _arrived(self, records, stats, summaries) -> None:
        for record in records:
            if self.shown_as:  # copies unpacked from a .zip are named by their place in it, in every output
                record.path = self.named(record.path)
                if record.json is not None:
                    record.json["path"] = record.path
            if record.json is None and self.shared[1] and not record.readable:
                # a row made here for a file no worker could finish (a crash, the time limit): in the
                # JSON too, as check_file words an unreadable file
                record.json = {"path": record.path, "ok": False, "error": record.error}
        self.records.extend(records)
        self.summaries.update(summaries)
        merge_statistics(self.totals, stats)
        for record in records:
            if self.writer is not None:
                self.writer.add(record)
            if self.json_sink is not None and record.json is not None:
                self.json_sink(record.json)
                record.json = None
        self.files_done += len({record.path for record in records}) + len(summaries)  # (a file may give several)
        _progress(self.progress, self.files_done, self.count)


def report_names(paths: list[str]) -> dict[str, str]:
    """Each workbook's report file name: "<name>_bao_cao.docx", or, for workbooks whose names are
    the same but for letter case or folder (two districts' "xa_0001.xlsx"), with the folders that
    tell them apart ("huyen_a_xa_0001_bao_cao.docx"): one report never replaces another."""
    from collections import Counter

    from .workbook import display_names

    stems = Counter(Path(p).stem.casefold() for p in paths)
    shown = display_names(paths)
    names: dict[str, str] = {}
    taken: set[str] = set()
    for path in paths:
        stem = Path(path).stem
        if stems[stem.casefold()] > 1:  # (a path shown whole, on another drive, has a "C:" too)
            stem = re.sub(r'[\\/:*?"<>|]+', "_", os.path.splitext(shown[path])[0]).strip("_")
        name, number = f"{stem}_bao_cao.docx", 2
        while name.casefold() in taken:  # still the same (a "Xa.xlsx" beside a "xa.xlsx")
            name, number = f"{stem}_bao_cao ({number}).docx", number + 1
        taken.add(name.casefold())
        names[path] = name
    return names


def _nothing_found(paths):
    from ..errors import CchcError

    raise CchcError("không tìm thấy sổ tính .xlsx/.xlsm/.xls/.ods nào trong: " + ", ".join(shown(p) for p in paths))


def _chunks(tasks: list[str], jobs: int) -> list[list[str]]:
    """Small chunks (cheap to send back), and smaller ones at the end: the last round of a batch
    leaves a worker idle while the others finish, for a quarter of the time."""
    size = max(1, min(20, len(tasks) // (jobs * 8)))
    tail = min(len(tasks), jobs * size) if size > 1 else 0
    body = len(tasks) - tail
    small = max(1, size // 4)
    return ([tasks[i:min(i + size, body)] for i in range(0, body, size)]
            + [tasks[i:i + small] for i in range(body, len(tasks), small)])


_STARTED: dict = {}


def _progress(enabled: bool, done: int, total: int) -> None:
    """[#####.....] 420/1000 sổ tính · 240 sổ/giây · còn khoảng 3 giây"""
    if not enabled:
        return
    now = time.monotonic()
    start = _STARTED.setdefault(total, now)
    if done != total and done % 10:
        return
    width = 30
    filled = width * done // max(total, 1)
    rate = done / (now - start) if now > start else 0.0
    left = (total - done) / rate if rate else 0.0
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} sổ tính · {rate:.0f} sổ/giây · "
                     f"còn khoảng {left:.0f} giây   ")
    sys.stderr.flush()
    if done == total:
        _STARTED.pop(total, None)


__all__ = ["bulk_check", "collect_paths", "BulkOutcome", "UnitRecord"]
