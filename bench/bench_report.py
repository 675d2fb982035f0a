"""report: the 105-criterion example's Word report, beside a plain python-docx table of the same size.

Run: python bench/bench_report.py
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from _common import best, report

from docx import Document

from cchc_xl.read import read_workbook
from cchc_xl.render.report import render_report
from cchc_xl.resources import example_workbook


def plain_table(path: Path, rows: int) -> None:
    doc = Document()
    table = doc.add_table(rows=rows + 2, cols=5)
    for row in table.rows:
        for cell in row.cells:
            cell.text = "Nội dung giải trình mẫu"
    doc.save(path)


def main() -> None:
    assessment = read_workbook(example_workbook())
    rows = len(assessment.criteria)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        ours = best(lambda: render_report(assessment, folder / "bao_cao.docx"), 5)
        base = best(lambda: plain_table(folder / "plain.docx", rows), 5)
        report(f"report, {rows} criteria (docxtpl, ND 30 template)", ours, base,
               f"python-docx {rows + 2}×5 table")


if __name__ == "__main__":
    main()
