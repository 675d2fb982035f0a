import shutil
from pathlib import Path

import openpyxl
import pytest

from cchc_xl.resources import example_workbook

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = example_workbook()


def find_row(ws, part, code):
    """1-based row of criterion `code` in `part` (the example layout: STT in column A)."""
    current = None
    for row in range(1, ws.max_row + 1):
        value = ws.cell(row, 1).value
        if value is None:
            continue
        text = str(value).strip()
        if text in ("I", "II", "III"):
            current = text
            if code == text:
                return row
            continue
        if current == part and text == code:
            return row
    raise KeyError((part, code))


def edited_example(tmp_path, name, edit, source=EXAMPLE):
    """A copy of the example workbook changed by edit(ws), saved as a real .xlsx."""
    wb = openpyxl.load_workbook(source)
    ws = wb.worksheets[0]
    edit(ws)
    path = Path(tmp_path) / name
    wb.save(path)
    return path


PARENTS = [("I", "I"), ("II", "II")] + [
    ("I", c) for c in ["1", "1.1", "1.3", "1.4", "1.5", "1.6", "2", "2.2", "2.3", "3", "3.1", "3.2", "3.3", "3.4",
                       "3.5", "3.6", "3.7", "4", "4.1", "5", "5.3", "5.4", "6", "6.1", "7", "7.1", "7.2"]
]


def blank_parents(ws):
    for part, code in PARENTS:
        ws.cell(find_row(ws, part, code), 4).value = None


@pytest.fixture()
def example_copy(tmp_path):
    target = tmp_path / "ngoc_ky.xlsx"
    shutil.copyfile(EXAMPLE, target)
    return target


@pytest.fixture()
def blank_parent_copy(tmp_path):
    return edited_example(tmp_path, "blank_parents.xlsx", blank_parents)
