"""Shared timing helpers: best-of-N wall time, so a noisy machine does not decide the ratio."""
from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def compile_package() -> None:
    """Bytecode for the package, as an installed one has (pip writes it): with
    PYTHONDONTWRITEBYTECODE set, every process of a bench would otherwise compile cchc_xl's
    modules from source again, a start-up cost no user pays."""
    import compileall

    compileall.compile_dir(str(ROOT / "cchc_xl"), quiet=1)


def best(func, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report(title: str, ours: float, baseline: float, baseline_name: str, unit: str = "s") -> None:
    ratio = baseline / ours if ours else float("inf")
    print(f"{title}: cchc-xl {ours:.3f} {unit} | {baseline_name} {baseline:.3f} {unit} | "
          f"{'faster' if ratio >= 1 else 'slower'} ×{ratio if ratio >= 1 else 1 / ratio:.2f}")
