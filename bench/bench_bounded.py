"""Bounded reading: files whose extent is absurd, checked by `cchc-xl check` in its own process
(wall time and peak memory via /usr/bin/time -v), beside a plain python-calamine read of the same
file in the same run (capped at 4 GB of address space and 60 s so the machine survives it).
Targets: each file in < 2 s and < 300 MB.

Run: python bench/bench_bounded.py
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time

from _common import ROOT

from bench.absurd_files import MAKERS

CALAMINE = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
from python_calamine import CalamineWorkbook
book = CalamineWorkbook.from_path(sys.argv[1])
for name in book.sheet_names:
    book.get_sheet_by_name(name).to_python(skip_empty_area=False)
"""


def measure(cmd: list[str]) -> tuple[float, float, str]:
    """(seconds, peak MB, outcome) of one command."""
    start = time.perf_counter()
    try:
        proc = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True, timeout=60,
                              cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    except subprocess.TimeoutExpired:
        return 60.0, float("nan"), "quá 60 s"
    seconds = time.perf_counter() - start
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    mb = int(peak.group(1)) / 1024 if peak else float("nan")
    outcome = "ok" if proc.returncode in (0, 1) else f"thoát {proc.returncode}"
    if proc.returncode < 0 or "memory" in proc.stderr.lower() or "panick" in proc.stderr.lower():
        outcome = "hỏng (hết bộ nhớ/abort)"
    return seconds, mb, outcome


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for title, make in MAKERS.items():
            path = make(folder)
            ours = measure([sys.executable, "-m", "cchc_xl", "check", str(path)])
            plain = measure([sys.executable, "-c", CALAMINE, str(path)])
            met = "met" if ours[0] < 2 and ours[1] < 300 and ours[2] == "ok" else "NOT met"
            print(f"{title} ({os.path.getsize(path) // 1024} KB): cchc-xl check {ours[0]:.2f} s, {ours[1]:.0f} MB, "
                  f"{ours[2]} | python-calamine đọc thẳng {plain[0]:.2f} s, {plain[1]:.0f} MB, {plain[2]} "
                  f"| mục tiêu < 2 s, < 300 MB: {met}")


if __name__ == "__main__":
    main()
