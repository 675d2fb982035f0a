"""Public library functions; the CLI and the Excel button are thin doors onto these."""
from __future__ import annotations

import datetime as dt
import gc
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .errors import CchcError, UnreadableWorkbook
from .model import Assessment
from .read import read_workbook
from .read.labels import META_LABELS
from .rules import ERROR, Finding, check_assessment, count
from .text import json_number


@dataclass
class WorkbookResult:
    path: str
    assessment: Assessment | None = None
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None  # set when the workbook could not be read

    @property
    def readable(self) -> bool:
        return self.error is None

    @property
    def ok(self) -> bool:
        return self.readable and not any(f.severity == ERROR for f in self.findings)

    @property
    def counts(self) -> tuple[int, int]:
        return count(self.findings)

    def to_json(self) -> dict:
        data: dict = {"path": self.path, "ok": self.ok}
        if self.error is not None:
            data["error"] = self.error
            return data
        a = self.assessment
        data["meta"] = {META_LABELS[k]: _json_meta(v) for k, v in a.meta.items()}
        data["criteria_set"] = a.criteria_set
        data["totals"] = totals_json(a)
        data["appraisal"] = totals_json(a, "appraised") if a.appraisal() else None  # (none begun: null, not 0)
        data["criteria"] = [
            {
                "part": c.part,
                "code": c.code_written or c.code,
                "name": c.name,
                "max": json_number(c.max.value),
                "self": json_number(c.self.value),
                "computed_self": json_number(c.computed_self()) if c.code_ok else None,
                "explanation": c.explanation,
                "sheet": a.sheet,
                "cell": c.self.cell.address if c.self.cell else "",
            }
            for c in a.criteria
        ]
        if a.has_appraisal():  # the reviewer's column, criterion by criterion (a table without it: no keys)
            for entry, c in zip(data["criteria"], a.criteria):
                entry["appraised"] = json_number(c.appraised.value) if c.appraised is not None else None
                entry["appraisal_comment"] = c.appraisal_comment
        data["findings"] = [f.to_json() for f in self.findings]
        return data


def totals_json(a: Assessment, which: str = "self") -> dict:
    t = a.totals(which)
    return {
        "max": json_number(t.max),
        "self": json_number(t.self),
        "pending_max": json_number(t.pending_max),
        "unscored_max": json_number(t.unscored_max),
        "base": json_number(t.base),
        "bonus": json_number(t.bonus),
        "penalty": json_number(t.penalty),
        "percent": json_number(t.percent_value) if t.percent else None,
        "by_part": {
            part: {"max": json_number(v["max"]), "self": json_number(v["self"])} for part, v in t.by_part.items()
        },
    }


def _json_meta(value):
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return value


def check_file(path, against=None, engine: str = "auto", columns: dict[str, int] | None = None,
               sheet: str | None = None, compare_recognised: bool = False, pass_over=None) -> WorkbookResult:
    """Read and check one workbook; an unreadable file gives a result with ``error``, never an exception.

    ``against``: a CriteriaSet, a set id, a set's JSON or an official table. Without it the set the
    workbook follows is recognised (and, with ``compare_recognised``, compared with, as bulk does).
    ``pass_over(zip, heads) → bool``: raises errors.PassedOver for a file the caller leaves aside
    (see read.package.open_package).
    """
    from .criteria_sets.recognise import annotate

    path = os.fspath(path)
    try:
        assessment = read_workbook(path, engine=engine, columns=columns, sheet=sheet, pass_over=pass_over)
    except UnreadableWorkbook as exc:
        return WorkbookResult(path, error=str(exc))
    official, sets = annotate(assessment, against)
    if official is None and compare_recognised and assessment.criteria_set:
        official = next((s for s in sets if s.id == assessment.criteria_set["id"]), None)
    return WorkbookResult(path, assessment, check_assessment(assessment, official, sets))


def load_template(ref):
    """The official criteria set to compare against: a set id, a set's JSON file, or an official
    table as published (.xlsx/.docx, no self-score column needed)."""
    from .criteria_sets import load_set

    return load_set(ref)  # (an unreadable table is named there, as a criteria set)


def check(paths, against=None, engine: str = "auto", columns: dict[str, int] | None = None,
          sheet: str | None = None) -> list[WorkbookResult]:
    """Check several workbook files."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    template = load_template(against) if against is not None else None
    paths = list(paths)
    if len(paths) < 20:
        return [check_file(p, template, engine, columns, sheet) for p in paths]
    with batch_gc():
        return [check_file(p, template, engine, columns, sheet) for p in paths]


def tune_gc_for_batch(collect: bool = True) -> tuple[int, int, int]:
    """Checking a workbook allocates a few thousand short-lived objects; with the default
    thresholds the cyclic GC rescans them (and every imported module) hundreds of times
    per folder, about a third of the run. Freeze what is loaded and collect less often;
    returns the previous thresholds. ``collect=False`` in a forked worker: a collection there
    would walk (and copy, page by page) the whole heap it shares with its parent."""
    previous = gc.get_threshold()
    if collect:
        gc.collect()
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    return previous


@contextmanager
def batch_gc(collect: bool = True):
    """tune_gc_for_batch() for the length of a with-block, then the previous settings."""
    previous = tune_gc_for_batch(collect)
    try:
        yield
    finally:
        gc.set_threshold(*previous)
        gc.unfreeze()


def new_workbook(output, template: str = "cap_xa_2023", unit: str = "", period: str = "",
                 guidance: bool = False) -> Path:
    """A blank self-assessment workbook for any criteria set: an id, a set's JSON, or an official table."""
    from .criteria_sets import load_set
    from .write.workbook_builder import build_workbook

    criteria_set = load_set(template)
    output = Path(output)
    if output.suffix.lower() not in (".xlsx", ".xlsm"):
        raise CchcError("tên tệp ra phải có đuôi .xlsx")
    if output.is_dir():
        raise CchcError(f"-o {output} là một thư mục; hãy ghi tên tệp, ví dụ {output / 'tu_danh_gia.xlsx'}")
    if output.exists():
        raise CchcError(f"tệp {output} đã có; hãy chọn tên khác (không ghi đè lên tệp của bạn)")
    meta = {"unit": unit, "period": period or criteria_set.period}
    return build_workbook(criteria_set, output, meta, guidance=guidance)
