"""bulk: a reviewer's folder of generated workbooks, checked and summarised by `cchc-xl bulk`, beside
plain-library read loops over the same files in the same run:
  - an openpyxl read-only read loop (what a script would do), one process;
  - a python-calamine read loop in the same number of processes (the floor: reading alone);
and the same at 1,000 and 3,000 workbooks (time should grow linearly), with the peak memory of the
main process (in-process ru_maxrss) and of the whole command (/usr/bin/time -v, workers included).

cchc-xl and the floor run in turns (best of each, and the ratio run by run); the openpyxl loop apart.
Up to 1,000 workbooks the folder is measured twice: as generated (texts inline, as the bundled
example has them) and saved as Excel saves workbooks (shared strings), which python-calamine reads faster.
Targets (issue 13): ≤ 0.15× the openpyxl loop, ≤ 2.5× the calamine floor, 1,000 in < 3 s on 2
cores, 3,000/1,000 within 3.2×, main process < 300 MB.
Run: python bench/bench_bulk.py [COUNT] [JOBS] [--scale]
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from _common import ROOT, best, compile_package, peak_rss_mb, report

import openpyxl

from bench.generate import generate
from cchc_xl.summarise.bulk import bulk_check


def openpyxl_loop(files) -> None:
    for path in files:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        for _ in wb.worksheets[0].iter_rows(values_only=True):
            pass
        wb.close()


def _calamine_read(paths) -> int:
    from python_calamine import CalamineWorkbook

    for path in paths:
        book = CalamineWorkbook.from_path(str(path))
        book.get_sheet_by_index(0).to_python(skip_empty_area=False)
        book.close()
    return len(paths)


def calamine_floor(files, jobs: int) -> None:
    chunks = [files[i::jobs] for i in range(jobs)]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(_calamine_read, chunks))


def command(folder: Path, jobs: int) -> tuple[float, float]:
    """`cchc-xl bulk` as a user runs it: (seconds, peak MB of the whole command)."""
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-v", sys.executable, "-m", "cchc_xl", "bulk", str(folder / "xa"),
                           "-o", str(folder / "tong_hop_cli.xlsx"), "--jobs", str(jobs), "--overwrite"],
                          capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - start
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    return seconds, int(found.group(1)) / 1024 if found else float("nan")


def run(count: int, jobs: int, shared_strings: bool = False) -> float:
    # cchc-xl and the calamine floor run in turns, best of 5 (3 above 1,000 workbooks): a slow spell of
    # the shared machine then slows both, not only one of them; the openpyxl loop, much longer, best
    # of 3 up to 1,000 workbooks
    repeat = 5 if count <= 1000 else 3
    base_repeat = 3 if count <= 1000 else 1
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        files = generate(folder / "xa", count, shared_strings=shared_strings)
        import resource

        outcomes = []  # the latest only: three batches held at once would inflate the peak memory

        def batch():
            outcomes[:] = [None]
            outcomes[0] = bulk_check([folder / "xa"], output=folder / "tong_hop.xlsx", jobs=jobs, overwrite=True)

        ours_times, floor_times, main_cpu = [], [], 0.0
        for _ in range(repeat):
            cpu_before = resource.getrusage(resource.RUSAGE_SELF)
            ours_times.append(best(batch, 1))
            cpu_after = resource.getrusage(resource.RUSAGE_SELF)
            main_cpu += (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
            floor_times.append(best(lambda: calamine_floor(files, jobs), 1))
        main_cpu /= repeat
        ours, floor = min(ours_times), min(floor_times)
        paired = sorted(o / f for o, f in zip(ours_times, floor_times))
        # every workbook really checked: a missing dependency in a worker would otherwise give a
        # fast run of "could not read" rows (it happened once with a venv short of platformdirs)
        outcome = outcomes[-1]
        unreadable = [r for r in outcome.records if not r.readable]
        if len(outcome.records) != count or unreadable:
            raise SystemExit(f"bench invalid: {len(unreadable)} of {len(outcome.records)} workbooks unreadable "
                             f"({unreadable[0].error if unreadable else 'count differs'})")
        base = best(lambda: openpyxl_loop(files), base_repeat)
        cli_seconds, cli_mb = command(folder, jobs)
    style = (" saved as Excel saves them (shared strings)" if shared_strings
             else " (texts inline, as the bundled example and openpyxl write them)")
    report(f"bulk {count} workbooks{style}, {jobs} processes (check + rank + summary workbook)", ours, base,
           "openpyxl read-only read loop")
    print(f"  main process CPU {main_cpu:.2f} s of {ours:.2f} s wall: it streams the summary while the workers "
          f"check ({'never the bottleneck' if main_cpu < ours * 0.6 else 'CLOSE TO THE BOTTLENECK'})")
    print(f"  = {ours / base:.3f}× the openpyxl loop (target ≤ 0.15×: {'met' if ours / base <= 0.15 else 'NOT met'}); "
          f"{ours / floor:.2f}× the python-calamine read floor in {jobs} processes ({floor:.2f} s; target ≤ 2.5×: "
          f"{'met' if ours / floor <= 2.5 else 'NOT met'}); run by run {paired[0]:.2f}–{paired[-1]:.2f}×, median "
          f"{paired[len(paired) // 2]:.2f}×")
    target = f"1,000 in < 3 s: {'met' if ours < 3 else 'NOT met'} ({ours:.2f} s); " if count == 1000 else ""
    print(f"  {target}peak RSS of the main process {peak_rss_mb():.0f} MB (target < 300 MB); `cchc-xl bulk` command {cli_seconds:.2f} s, "
          f"/usr/bin/time -v peak {cli_mb:.0f} MB")
    return ours


def main(count: int = 1000, jobs: int | None = None, scale: bool = False) -> None:
    jobs = jobs or os.cpu_count() or 1
    compile_package()
    first = run(count, jobs)
    if count <= 1000:
        # python-calamine reads Excel's own files (texts in one UTF-8 part) faster than inline texts
        # written as character references: a lower floor, and the same work of ours on top of it
        run(count, jobs, shared_strings=True)
    if scale:
        larger = run(count * 3, jobs)
        ratio = larger / first
        print(f"scaling {count} → {count * 3}: {ratio:.2f}× the time (linear is 3×, target ≤ 3.2×: "
              f"{'met' if ratio <= 3.2 else 'NOT met'})")


if __name__ == "__main__":
    numbers = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(int(numbers[0]) if numbers else 1000, int(numbers[1]) if len(numbers) > 1 else None, "--scale" in sys.argv)
