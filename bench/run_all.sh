#!/usr/bin/env bash
# All benchmarks, each against its plain-library baseline in the same run.
set -euo pipefail
cd "$(dirname "$0")"
python3 bench_check.py "${1:-100}"
python3 bench_recalc.py 50
python3 bench_report.py
python3 bench_bulk.py 1000 --scale
python3 bench_bounded.py
