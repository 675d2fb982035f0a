"""The user's own folder and settings (cai_dat.json there): defaults a commune sets once.

    {"signature_image": "C:/.../chu_ky_xanh.png", "seal_image": "C:/.../dau_do.png",
     "organisation": "Ủy ban nhân dân xã Ngọc Kỳ", "pkcs11": "C:/Windows/System32/eTPKCS11.dll",
     "token_label": "…", "key_label": "…", "pdf": true, "report_template": "C:/.../mau_bao_cao_tinh.docx",
     "reviewing_body": "Sở Nội vụ tỉnh …"}

A command-line option always wins over a setting. CCHC_XL_HOME moves the folder.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from .errors import CchcError

KEYS = ("signature_image", "seal_image", "organisation", "pkcs11", "token_label", "key_label", "pdf", "report_template",
        "reviewing_body")


_PLATFORM_HOME: list = []


def user_home() -> Path:
    home = os.environ.get("CCHC_XL_HOME")
    if home:
        return Path(home)
    if not _PLATFORM_HOME:  # asked once per process: a bulk looks it up for every workbook
        from platformdirs import user_data_dir

        _PLATFORM_HOME.append(Path(user_data_dir("cchc-xl", appauthor=False)))
    return _PLATFORM_HOME[0]


def settings_file() -> Path:
    return user_home() / "cai_dat.json"


def load_settings() -> dict:
    path = settings_file()
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:  # as a criteria set's JSON
        raise CchcError(f"tệp cài đặt {path} hỏng ({type(exc).__name__}); hãy sửa hoặc xóa nó") from None
    if not isinstance(data, dict):
        raise CchcError(f"tệp cài đặt {path} phải là một đối tượng JSON")
    return {k: v for k, v in data.items() if k in KEYS}


def setting(value, key: str):
    """The option given, else the setting, else None."""
    if value not in (None, ""):
        return value
    return load_settings().get(key)
