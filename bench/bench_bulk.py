"""bulk: a reviewer's folder of generated workbooks, checked and summarised,
beside a plain openpyxl read loop over the same files, in the same run.

Target: 1,000 workbooks of ~110 criteria in under 5 s on 2 cores, and at
least 5× faster than the openpyxl loop. Prints both, the ratio and peak memory.
Run: python bench/bench_bulk.py [COUNT] [JOBS]
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from _common import peak_rss_mb, report

import openpyxl

from bench.generate import generate
from cchc_xl.summarise.bulk import bulk_check


def openpyxl_loop(files) -> None:
    for path in files:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        for _ in wb.worksheets[0].iter_rows(values_only=True):
            pass
        wb.close()


def main(count: int = 1000, jobs: int | None = None) -> None:
    jobs = jobs or os.cpu_count()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        files = generate(folder / "xa", count)
        start = time.perf_counter()
        outcome = bulk_check([folder / "xa"], output=folder / "tong_hop.xlsx", jobs=jobs)
        ours = time.perf_counter() - start
        assert len(outcome.records) == count
        start = time.perf_counter()
        openpyxl_loop(files)
        base = time.perf_counter() - start
    report(f"bulk {count} workbooks, {jobs} processes (check + rank + summary workbook)", ours, base,
           "openpyxl read-only read loop")
    print(f"target < 5 s: {'met' if ours < 5 else 'NOT met'} ({ours:.2f} s); peak RSS of the main process "
          f"{peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000, int(sys.argv[2]) if len(sys.argv) > 2 else None)
