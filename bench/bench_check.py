"""check: the example workbook and a folder of copies, beside plain openpyxl loading the same files.

Run: python bench/bench_check.py [COPIES]
"""
from __future__ import annotations

import sys
import tempfile

from _common import best, report

import openpyxl

from bench.generate import generate
from cchc_xl.api import check, check_file
from cchc_xl.resources import example_workbook


def main(copies: int = 100) -> None:
    example = example_workbook()
    ours = best(lambda: check_file(example), 10)
    base = best(lambda: openpyxl.load_workbook(example, data_only=True), 10)
    report("check one workbook (read + model + all rules)", ours, base, "openpyxl.load_workbook only")
    with tempfile.TemporaryDirectory() as folder:
        files = generate(folder, copies)
        ours = best(lambda: check(files))
        base = best(lambda: [openpyxl.load_workbook(f, data_only=True) for f in files])
        report(f"check {copies} workbooks, one process", ours, base, "openpyxl.load_workbook loop")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
