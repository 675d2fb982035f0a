"""Where the bundled files live: the source tree, or share/cchc_xl when installed as a wheel."""
from __future__ import annotations

import json
import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent


def _find(folder: str) -> Path:
    for base in (_HERE.parent, Path(sys.prefix) / "share" / "cchc_xl"):
        candidate = base / folder
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"thiếu thư mục dữ liệu {folder} (cài đặt gói chưa đầy đủ)")


def workbook_templates_dir() -> Path:
    return _find("workbook_templates")


def docx_templates_dir() -> Path:
    return _find("docx_templates")


def examples_dir() -> Path:
    return _find("examples")


def criteria_sets() -> dict[str, dict]:
    """Criteria sets by id, from workbook_templates/*.json."""
    sets = {}
    for path in sorted(workbook_templates_dir().glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        sets[data["id"]] = data
    return sets


def example_data() -> dict:
    return json.loads((examples_dir() / "ngoc_ky_6thang_2023.json").read_text(encoding="utf-8"))


def example_workbook() -> Path:
    return examples_dir() / "ngoc_ky_6thang_2023.xlsx"


def default_report_template() -> Path:
    return docx_templates_dir() / "bao_cao_cchc_xa.docx"
