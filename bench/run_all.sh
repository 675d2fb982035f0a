#!/usr/bin/env bash
# All benchmarks, each against its plain-library baseline in the same run.
# Uses the project's .venv (README's first command) unless PYTHON names another interpreter.
set -euo pipefail
cd "$(dirname "$0")"
PY="${PYTHON:-../.venv/bin/python}"
[ -x "$PY" ] || PY=python3
"$PY" bench_check.py "${1:-100}"
"$PY" bench_recalc.py 50
"$PY" bench_report.py
"$PY" bench_bulk.py 404  # the folder size issue 13 states its targets for
"$PY" bench_bulk.py 1000 --scale
"$PY" bench_bounded.py
if command -v valgrind >/dev/null; then
  "$PY" bench_phases.py 60  # instructions per workbook, phase by phase (a few minutes)
else
  echo "bench_phases.py skipped: needs valgrind (apt install valgrind)"
fi
