"""recalc: the example and a folder of copies, beside plain openpyxl load + save of the same files.

openpyxl's load+save is the baseline an engineer would reach for first; it is
also the path that drops form buttons, which is why recalc edits the package.
Run: python bench/bench_recalc.py [COPIES]
"""
from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from _common import best, report

import openpyxl

from bench.generate import generate
from cchc_xl.resources import example_workbook
from cchc_xl.write.recalc import recalc_file


def main(copies: int = 50) -> None:
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        example = folder / "example.xlsx"
        shutil.copyfile(example_workbook(), example)
        ours = best(lambda: recalc_file(example, folder / "out.xlsx"), 5)
        base = best(lambda: openpyxl.load_workbook(example).save(folder / "plain.xlsx"), 5)
        report("recalc one workbook (check + write values, marks, notes, findings sheet)", ours, base,
               "openpyxl load+save")
        files = generate(folder / "copies", copies)
        ours = best(lambda: [recalc_file(f, f.with_suffix(".out.xlsx")) for f in files], 2)
        base = best(lambda: [openpyxl.load_workbook(f).save(f.with_suffix(".plain.xlsx")) for f in files], 2)
        report(f"recalc {copies} workbooks", ours, base, "openpyxl load+save loop")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
