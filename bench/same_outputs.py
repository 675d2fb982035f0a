"""Same outputs before and after a speed change: every workbook's bulk record (findings, totals,
JSON) and the batch's statistics, written to a snapshot and compared with a later one.

  python bench/same_outputs.py record before.json [FOLDER ...]
  (change the code)
  python bench/same_outputs.py compare before.json [FOLDER ...]

Without FOLDER: the bundled examples, ../shared/samples when present, and 100 generated communes.
A wide corpus is worth it: `pytest --basetemp DIR` leaves the test suite's ~650 odd workbooks in DIR.
Exit 1 when a record differs (the first differences are printed).
"""
from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from _common import ROOT

from cchc_xl.summarise import bulk


def corpus(folders: list[str], scratch: Path) -> list[Path]:
    if not folders:
        from bench.generate import generate

        generate(scratch / "sinh", 100, seed=13)
        folders = [str(ROOT / "examples"), str(ROOT.parent / "shared" / "samples"), str(scratch / "sinh")]
    files = []
    for folder in folders:
        files += sorted(p for p in Path(folder).rglob("*") if p.suffix.lower() in (".xlsx", ".xlsm"))
    return files


def snapshot(files: list[Path], scratch: Path) -> dict:
    """Records as JSON; the generated corpus's temporary folder is written as <tạm> (it differs per run)."""
    bulk._share(None, True, None)
    out, stats = {}, {}
    for path in files:
        record = bulk._check_one(str(path), None, True, None, stats)
        text = json.dumps(vars(record), default=str, ensure_ascii=False).replace(str(scratch), "<tạm>")
        out[path.name if path.name not in out else str(path).replace(str(scratch), "<tạm>")] = json.loads(text)
    stats = bulk.finish_statistics(stats)
    out["(thống kê)"] = {" / ".join(map(str, key)): repr(value) for key, value in stats.items()}
    return out


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in ("record", "compare"):
        print(__doc__)
        return 2
    with tempfile.TemporaryDirectory() as scratch:
        now = snapshot(corpus(argv[2:], Path(scratch)), Path(scratch))
    target = Path(argv[1])
    if argv[0] == "record":
        # (ASCII escapes: a file name of bytes that are not UTF-8, as the test suite makes, holds surrogates)
        target.write_text(json.dumps(now, indent=1, sort_keys=True), encoding="utf-8")
        print(f"{len(now) - 1} workbooks recorded in {target}")
        return 0
    before = json.loads(target.read_text(encoding="utf-8"))
    differ = [name for name in before.keys() | now.keys() if before.get(name) != now.get(name)]
    print(f"{len(before) - 1} workbooks: {len(differ)} differ")
    for name in sorted(differ)[:3]:
        old, new = before.get(name) or {}, now.get(name) or {}
        for field in sorted(old.keys() | new.keys()):
            if old.get(field) != new.get(field):
                print(f"  {name} · {field}: {str(old.get(field))[:200]}\n    → {str(new.get(field))[:200]}")
    if len(differ) > 3:
        print("  all that differ: " + ", ".join(sorted(differ)[:200]) + (" …" if len(differ) > 200 else ""))
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
