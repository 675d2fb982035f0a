"""Where the bundled files live: the source tree (a checkout, an editable install), or the
package's own _data folder, which the build copies them into (wheel, --user, --target)."""
from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

from .errors import CchcError

_HERE = Path(__file__).resolve().parent


def _find(folder: str) -> Path:
    candidates = [_HERE.parent / folder]
    try:
        packaged = files("cchc_xl") / "_data" / folder
        candidates.append(Path(str(packaged)))
    except (ModuleNotFoundError, TypeError):  # pragma: no cover - an unusual importer
        pass
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise CchcError(f"thiếu thư mục dữ liệu {folder}: bản cài đặt chưa đầy đủ, hãy cài lại gói cchc-xl")


def workbook_templates_dir() -> Path:
    return _find("workbook_templates")


def docx_templates_dir() -> Path:
    return _find("docx_templates")


def examples_dir() -> Path:
    return _find("examples")


def example_data() -> dict:
    return json.loads((examples_dir() / "ngoc_ky_6thang_2023.json").read_text(encoding="utf-8"))


def example_workbook() -> Path:
    return examples_dir() / "ngoc_ky_6thang_2023.xlsx"


def default_report_template() -> Path:
    return docx_templates_dir() / "bao_cao_cchc_xa.docx"
