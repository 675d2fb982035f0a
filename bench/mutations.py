"""Random edits of real workbooks (the bundled examples, ../shared/samples, the blank template): each
edited workbook (three in ten with a reviewer's appraisal column) is checked, recalculated to a new
file, checked again and reported; one in three is also recalculated by the Excel button (xlwings'
remote engine), which must write and mark what the file recalc does. Nothing may raise but a one-line
CchcError, and the recalculated workbook must give the same totals (self and appraised) as the one it
came from, with no sum left wrong (but those recalc keeps on purpose: a parent over cells it cannot
read, or scored while its children are not).

  python bench/mutations.py FIRST_SEED COUNT [--keep]

A seed names one edited workbook (the same edits every run). Prints one block per seed that fails,
then "done N, failed M"; exit 1 when any failed. --keep leaves each failing seed's files in
bench/_mutations/SEED/.
"""
from __future__ import annotations

import datetime as dt
import random
import shutil
import sys
import tempfile
import traceback
from pathlib import Path

from _common import ROOT

import openpyxl

from presentations import button_problems

from cchc_xl.api import check_file
from cchc_xl.errors import CchcError
from cchc_xl.render.report import render_report
from cchc_xl.write.recalc import recalc_file

SOURCES = [ROOT / "examples" / "ngoc_ky_6thang_2023.xlsx", *sorted((ROOT / "examples" / "cac_xa").glob("*.xlsx")),
           *sorted((ROOT.parent / "shared" / "samples").glob("*.xlsx")), ROOT / "workbook_templates" / "cap_xa_2023.xlsx"]
# what officers type, and what goes wrong: numbers as text, words in score cells, codes of every style,
# totals, signature lines, cited documents, periods and bodies of before and after the 2025 reform
VALUES = [None, "", 0, 0.5, 1, 2.25, -1, 1e9, 0.125, "0,5", "1.5", "abc", "2 điểm", "Không phát sinh", "-", "x",
          dt.datetime(2023, 6, 1), True, "=1+1", "=A1", "=#REF!", "I", "II", "III", "1", "1.1", "1.1.1", "a)", "b.",
          "+", "Tổng", "Tổng cộng", "TỔNG", "Tổng phần I", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn A",
          "Kế hoạch số 5/BC-UBND ngày 31/02/2023", "Báo cáo số 7/BC-UBND ngày 30 tháng 12 năm 2023", "3/4 = 80%",
          "x" * 5000, "a\x01b", "KÕ ho¹ch", "STT", "Điểm tối đa", "Điểm tự đánh giá", "Nội dung giải trình",
          "Tiêu chí 1", "Lĩnh vực 2", "Phần II", "1,1,1", 1.1, "100%", 0.985, "ngày 26 tháng 6 năm 2023",
          "Số: 86/BC-UBND", "UBND HUYỆN TỨ KỲ", "6 tháng đầu năm 2024", "Năm 2025", "#N/A", 3.75,
          "6 tháng cuối năm 2025", "Năm 2026", "Hải Dương", "UBND tỉnh Bà Rịa - Vũng Tàu", "huyện Tứ Kỳ",
          "Quý III/2025", "ngày 31 tháng 12 năm 2022", "Kế hoạch số: 5/KHLT-UBND ngày 1.2.2026",
          "PHIẾU TỰ ĐÁNH GIÁ CHỈ SỐ CCHC NĂM 2024"]


def mutate(ws, rng: random.Random) -> None:
    """One to six edits: a value typed anywhere, rows or columns inserted or deleted, cells merged."""
    height, width = max(ws.max_row, 5), max(ws.max_column, 5)
    for _ in range(rng.randint(1, 6)):
        op = rng.random()
        if op < 0.6:
            try:
                ws.cell(rng.randint(1, height + 2), rng.randint(1, width + 1)).value = rng.choice(VALUES)
            except Exception:  # a merged cell's read-only part, a character openpyxl refuses: no edit
                pass
        elif op < 0.7:
            ws.delete_rows(rng.randint(1, height), rng.randint(1, 3))
        elif op < 0.8:
            ws.insert_rows(rng.randint(1, height), rng.randint(1, 2))
        elif op < 0.87:
            row, col = rng.randint(1, height), rng.randint(1, width)
            try:
                ws.merge_cells(start_row=row, start_column=col, end_row=row + rng.randint(0, 3),
                               end_column=col + rng.randint(0, 1))
            except ValueError:
                pass
        elif op < 0.93:
            ws.delete_cols(rng.randint(1, width), 1)
        else:
            ws.insert_cols(rng.randint(1, width), 1)


def appraise(ws, rng: random.Random) -> None:
    """A reviewer's "Điểm thẩm định" column beside the self-scores: their numbers copied, some changed or
    left blank (a parent's copied figure is then a wrong sum for recalc to write)."""
    for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 40)):
        for cell in row:
            if isinstance(cell.value, str) and "tự đánh giá" in cell.value.lower() and "điểm" in cell.value.lower():
                col, header = cell.column, cell.row
                break
        else:
            continue
        break
    else:
        return
    ws.insert_cols(col + 1)
    ws.cell(header, col + 1).value = "Điểm thẩm định"
    for r in range(header + 1, ws.max_row + 1):
        value = ws.cell(r, col).value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            pick = rng.random()
            ws.cell(r, col + 1).value = value if pick < 0.8 else None if pick < 0.85 else rng.choice([0, 0.25, 0.5, 1])


def _values_under_merges(path: Path) -> bool:
    """A value in a merged range's cell other than its first: what the button reads there is unknown (the
    payload is built with openpyxl, which drops it; Excel never shows it), while the file reader reads it.
    openpyxl's delete_rows and insert_rows, which the edits use, leave merges where they were, so edited
    workbooks often have such cells; an officer's hardly ever."""
    from cchc_xl.read.files import read_grid

    for sheet in read_grid(str(path)).sheets:
        for r0, c0, r1, c1 in sheet.merged:
            if any(sheet.value(r, c) not in (None, "") for r in range(r0, min(r1, r0 + 200) + 1)
                   for c in range(c0, min(c1, c0 + 50) + 1) if (r, c) != (r0, c0)):
                return True
    return False


def run(seed: int, folder: Path) -> str | None:
    """What went wrong with this seed's workbook, or None."""
    rng = random.Random(seed)
    source = rng.choice(SOURCES)
    book = openpyxl.load_workbook(source)
    if rng.random() < 0.3:
        appraise(book.worksheets[0], rng)
    mutate(book.worksheets[0], rng)
    path = folder / "in.xlsx"
    book.save(path)
    stage = "check"
    try:
        first = check_file(path)
        if not first.readable:
            return None
        stage = "recalc"
        try:
            out = recalc_file(path, output=folder / "out.xlsx", backup=False)
        except CchcError:
            out = None
        if out is not None:
            stage = "check after recalc"
            again = check_file(out.path)
            if not again.readable:
                return f"{source.name}: recalc's output is unreadable: {again.error}"
            before, after = first.assessment.totals(), again.assessment.totals()
            if (before.self, before.max) != (after.self, after.max):
                return f"{source.name}: totals {before.self}/{before.max} before recalc, {after.self}/{after.max} after"
            appraised = [a.self if a is not None else None for a in (first.assessment.appraisal(),
                                                                      again.assessment.appraisal())]
            if appraised[0] != appraised[1]:
                return f"{source.name}: appraised total {appraised[0]} before recalc, {appraised[1]} after"
            # (a parent scored while none of its children is: kept, said; in an appraisal column not begun —
            # no item appraised yet — recalc writes nothing, so such a parent is in no plan to be held)
            kept = [f for f in again.findings if f.code == "self-sum-mismatch" and f.cell not in out.plan.held
                    and f.cell not in out.plan.skipped_formulas and "đều chưa được chấm" not in f.message]
            if kept:
                return f"{source.name}: a sum still wrong after recalc: {kept[0].cell} {kept[0].message[:160]}"
            # (a formula the edits typed has no value saved: the remote payload, built from the file, sends a
            # blank where Excel would show its value, so the button cannot be compared; the file says it)
            uncalculated = any(f.code == "formula-no-value" for f in first.findings)
            if seed % 3 == 0 and not uncalculated and not _values_under_merges(path):
                # the Excel button (xlwings' remote engine) writes and marks what the file recalc does
                stage = "button"
                problems = button_problems(path, out)
                if problems:
                    return f"{source.name}, the button: " + "; ".join(problems)
        stage = "report"
        try:
            render_report(first.assessment, folder / "bao_cao.docx")
        except CchcError:
            pass
    except CchcError:
        return None
    except Exception:
        return f"{source.name}, {stage}:\n" + traceback.format_exc()[-1500:]
    return None


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    first, count, keep = int(argv[0]), int(argv[1]), "--keep" in argv
    failed = 0
    for seed in range(first, first + count):
        with tempfile.TemporaryDirectory() as scratch:
            problem = run(seed, Path(scratch))
            if problem:
                failed += 1
                print(f"--- seed {seed}: {problem}", flush=True)
                if keep:
                    shutil.copytree(scratch, Path(__file__).parent / "_mutations" / str(seed), dirs_exist_ok=True)
    print(f"done {count}, failed {failed}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
