"""Instructions per workbook, phase by phase (valgrind/callgrind counts: repeatable on a busy
machine, unlike seconds). Each phase runs cumulatively in its own process over N and 10 generated
workbooks; (I(N) - I(10)) / (N - 10) removes start-up and imports.

  calamine   python-calamine reading the sheet (the floor)
  read       + package vetting, formula/error scan (read_grid)
  parse      + table parse, tree, metadata (parse_workbook)
  rules      + criteria set recognition and every rule (check_file)
  bulk       + statistics and the record a worker sends back (_check_one)

Run: python bench/bench_phases.py [N]   (needs valgrind; takes a few minutes)
"""
from __future__ import annotations

import re
import shutil
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
from python_calamine import CalamineWorkbook
from cchc_xl.read.files import read_grid
from cchc_xl.read.table import parse_workbook
from cchc_xl.api import check_file
from cchc_xl.summarise import bulk
bulk._init_worker(None, False, None)  # as a worker process of a batch starts
stats = {{}}
for path in files:
    if phase == "calamine":
        book = CalamineWorkbook.from_path(path); book.get_sheet_by_index(0).to_python(skip_empty_area=False); book.close()
    elif phase == "read":
        read_grid(path)
    elif phase == "parse":
        parse_workbook(read_grid(path))
    elif phase == "rules":
        assert check_file(path, compare_recognised=True).readable, path
    else:
        record = bulk._check_one(path, None, False, None, stats)
        assert record.readable, (path, record.error)  # a broken install must not measure as fast
"""


def instructions(python: str, driver: Path, phase: str, folder: Path, count: int) -> int:
    out = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", python, str(driver),
                          phase, str(folder), str(count)], capture_output=True, text=True)
    found = re.search(r"Collected : (\d+)", out.stderr)
    if not found or out.returncode != 0:
        raise SystemExit(f"valgrind failed: {out.stderr[-500:]}")
    return int(found.group(1))


def main(count: int = 40) -> None:
    if shutil.which("valgrind") is None:
        raise SystemExit("needs valgrind (apt install valgrind)")
    from bench.generate import generate

    python = str(Path(sys.executable).resolve())  # the binary, not a shim script
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "xa"
        generate(folder, count)
        driver = Path(tmp) / "driver.py"
        driver.write_text(DRIVER.format(root=str(ROOT)), encoding="utf-8")
        per = {}
        for phase in PHASES:
            many = instructions(python, driver, phase, folder, count)
            few = instructions(python, driver, phase, folder, 10)
            per[phase] = (many - few) / (count - 10)
    previous = 0.0
    print(f"instructions per workbook ({count} generated workbooks, callgrind):")
    for phase in PHASES:
        print(f"  {phase:9s} {per[phase] / 1e6:7.2f} M total, {(per[phase] - previous) / 1e6:6.2f} M this phase")
        previous = per[phase]
    ours = per["bulk"] - per["calamine"]
    print(f"our work per workbook outside the calamine read: {ours / 1e6:.2f} M = {ours / per['calamine']:.2f}× the read "
          f"(target ≤ 1×)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40)
