"""Per workbook, phase by phase: instructions (valgrind/callgrind counts: repeatable on a busy
machine, unlike seconds) and, beside them, CPU seconds. Each phase runs cumulatively in its own
process over N and 10 generated workbooks; (I(N) - I(10)) / (N - 10) removes start-up and imports.
Seconds: CPU time over TIMED more workbooks after 10 that warm up, best of 3 processes.

  calamine   python-calamine reading the sheet (the floor)
  read       + package vetting (and the earlier-summary test bulk asks), formula/error scan (read_grid)
  parse      + table parse, tree, metadata (parse_workbook)
  rules      + criteria set recognition and every rule (check_file)
  bulk       + statistics and the record a worker sends back (_check_one)

Two ratios to the read (issue 13: "table parse + tree + rules + statistics ≤ the python-calamine
read"): that work alone, and all of cchc-xl's work including the package vetting.
Run: python bench/bench_phases.py [N]   (needs valgrind; takes a few minutes)
"""
from __future__ import annotations

import os
import re
import shutil
import site
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import ROOT

PHASES = ["calamine", "read", "parse", "rules", "bulk"]
DRIVER = """
import sys
sys.path.insert(0, {root!r})
phase, folder, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
from pathlib import Path
files = sorted(str(p) for p in Path(folder).glob("*.xlsx"))[:count]
timed = len(sys.argv) > 4  # seconds instead of a run under callgrind
from python_calamine import CalamineWorkbook
from cchc_xl.read.files import read_grid
from cchc_xl.read.table import parse_workbook
from cchc_xl.api import check_file
from cchc_xl.summarise import bulk
bulk._init_worker(None, False, None)  # as a worker process of a batch starts
stats, chunk = {{}}, []
aside = bulk.summary_inside  # a worker asks the reader's zip whether the file is an earlier summary


def one(path):
    if phase == "calamine":
        book = CalamineWorkbook.from_path(path); book.get_sheet_by_index(0).to_python(skip_empty_area=False); book.close()
    elif phase == "read":
        read_grid(path, pass_over=aside)
    elif phase == "parse":
        parse_workbook(read_grid(path, pass_over=aside)).unlink_tree()  # freed at once, as bulk frees every tree
    elif phase == "rules":
        result = check_file(path, compare_recognised=True, pass_over=aside)
        assert result.readable, path
        result.assessment.unlink_tree()
    else:
        record = bulk._check_one(path, None, False, None, stats, aside)
        assert record.readable, (path, record.error)  # a broken install must not measure as fast
        chunk.append(path)
        if len(chunk) == 20:  # a worker sums its chunk's scores and sends them back
            bulk.finish_statistics(stats)
            stats.clear()
            chunk.clear()


if timed:  # the first 10 warm what a batch keeps warm; the others are new to every cache, as in a batch
    import time
    for path in files[:10]:
        one(path)
    start = time.process_time()
    for path in files[10:]:
        one(path)
    print((time.process_time() - start) / len(files[10:]))
else:
    for path in files:
        one(path)
"""


def instructions(python: str, driver: Path, phase: str, folder: Path, count: int) -> int:
    out = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", python, str(driver),
                          phase, str(folder), str(count)], capture_output=True, text=True)
    found = re.search(r"Collected : (\d+)", out.stderr)
    if not found or out.returncode != 0:
        raise SystemExit(f"valgrind failed: {out.stderr[-500:]}")
    return int(found.group(1))


TIMED = 200


def seconds(python: str, driver: Path, phase: str, folder: Path) -> float:
    best = float("inf")
    for _ in range(3):
        out = subprocess.run([python, str(driver), phase, str(folder), str(TIMED + 10), "timed"],
                             capture_output=True, text=True)
        if out.returncode != 0:
            raise SystemExit(f"timing failed: {out.stderr[-500:]}")
        best = min(best, float(out.stdout.split()[-1]))
    return best


def main(count: int = 40) -> None:
    if shutil.which("valgrind") is None:
        raise SystemExit("needs valgrind (apt install valgrind)")
    from bench.generate import generate

    python = str(Path(sys.executable).resolve())  # the binary, not a shim script
    # the resolved binary no longer sees a virtual environment's packages: hand them over
    os.environ["PYTHONPATH"] = os.pathsep.join([*site.getsitepackages(), os.environ.get("PYTHONPATH", "")])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "xa"
        generate(folder, max(count, TIMED + 10))  # the callgrind runs use the first N
        driver = Path(tmp) / "driver.py"
        driver.write_text(DRIVER.format(root=str(ROOT)), encoding="utf-8")
        per, cpu = {}, {}
        for phase in PHASES:
            many = instructions(python, driver, phase, folder, count)
            few = instructions(python, driver, phase, folder, 10)
            per[phase] = (many - few) / (count - 10)
            cpu[phase] = seconds(python, driver, phase, folder)
    previous, previous_cpu = 0.0, 0.0
    print(f"per workbook: instructions (callgrind, {count} generated workbooks) | CPU time ({TIMED}, best of 3)")
    for phase in PHASES:
        print(f"  {phase:9s} {per[phase] / 1e6:7.2f} M total, {(per[phase] - previous) / 1e6:6.2f} M this phase | "
              f"{cpu[phase] * 1e3:6.2f} ms total, {(cpu[phase] - previous_cpu) * 1e3:5.2f} ms this phase")
        previous, previous_cpu = per[phase], cpu[phase]
    read_i, read_s = per["calamine"], cpu["calamine"]
    model_i, model_s = per["bulk"] - per["read"], cpu["bulk"] - cpu["read"]
    ours_i, ours_s = per["bulk"] - read_i, cpu["bulk"] - read_s
    print(f"table parse + tree + rules + statistics: {model_i / 1e6:.2f} M = {model_i / read_i:.2f}× the read's "
          f"instructions, {model_s * 1e3:.2f} ms = {model_s / read_s:.2f}× its CPU time (target ≤ 1×)")
    print(f"all of cchc-xl's work, package vetting and scans included: {ours_i / 1e6:.2f} M = {ours_i / read_i:.2f}×, "
          f"{ours_s * 1e3:.2f} ms = {ours_s / read_s:.2f}×")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40)
