"""Workbooks whose extent is absurd, made from the bundled example (used by bench_bounded and tests):
a stray cell at XFD1048576, text at ZZ99999, 200,000 empty bordered rows, 400 large merged ranges,
100,000 overlapping small ones, 30,000 note rows under the last criterion; and a damaged sheet that stalled the byte scans run before any XML
parser (unclosed cell tags)."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

from cchc_xl.resources import example_workbook

SHEET = "xl/worksheets/sheet1.xml"


def _rewrite(out: Path, change) -> Path:
    with zipfile.ZipFile(example_workbook()) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == SHEET:
                data = change(data)
            dst.writestr(item, data)
    return out


def stray_far_cell(folder, name="stray.xlsx") -> Path:
    cell = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    return _rewrite(Path(folder) / name, lambda d: d.replace(b"</sheetData>", cell + b"</sheetData>"))


def far_corner_cell(folder, name="far_corner.xlsx") -> Path:
    """Text at ZZ99999: inside the limits, but a dense reader allocates 70 million cells."""
    cell = b'<row r="99999"><c r="ZZ99999" t="inlineStr"><is><t>x</t></is></c></row>'
    return _rewrite(Path(folder) / name, lambda d: d.replace(b"</sheetData>", cell + b"</sheetData>"))


def empty_bordered_rows(folder, name="empty_rows.xlsx", count=200_000) -> Path:
    rows = b"".join(b'<row r="%d"><c r="A%d" s="1"/><c r="B%d" s="1"/></row>' % (r, r, r)
                    for r in range(200, 200 + count))
    return _rewrite(Path(folder) / name, lambda d: d.replace(b"</sheetData>", rows + b"</sheetData>"))


def _with_merges(out: Path, merges: bytes, count: int) -> Path:
    def change(data: bytes) -> bytes:
        data = data.replace(b"</mergeCells>", merges + b"</mergeCells>")
        return re.sub(rb'<mergeCells count="(\d+)"', lambda m: b'<mergeCells count="%d"' % (int(m.group(1)) + count),
                      data)

    return _rewrite(out, change)


def many_merges(folder, name="merges.xlsx", count=400) -> Path:
    merges = b"".join(b'<mergeCell ref="G%d:ZZ%d"/>' % (r * 300 + 1, r * 300 + 290) for r in range(count))
    return _with_merges(Path(folder) / name, merges, count)


def overlapping_merges(folder, name="overlapping.xlsx", count=100_000) -> Path:
    """Merges of 100 rows × 5 columns over the table, starting at rows 1–120 in turn: a 30 KB file
    (no zip bomb) that made a cell-by-cell index enter 50 million cells (7 s)."""
    merges = b"".join(b'<mergeCell ref="A%d:E%d"/>' % (r % 120 + 1, r % 120 + 100) for r in range(count))
    return _with_merges(Path(folder) / name, merges, count)


def unclosed_cell_tags(folder, name="unclosed.xlsx", count=20_000) -> Path:
    """20,000 cell tags never closed ("<c r=\"AB1\" " …, 220 KB of sheet) before an empty cell and an
    error value: the extent scan, which let a tag run on over the next "<", took 27 s on 1,000 of
    them, and hours on 20,000."""
    tags = b'<row r="200">' + b'<c r="AB1" ' * count + b'/><c r="A200" t="e"><v>#N/A</v></c></row>'
    return _rewrite(Path(folder) / name, lambda d: d.replace(b"</sheetData>", tags + b"</sheetData>"))


def many_note_rows(folder, name="notes.xlsx", count=30_000) -> Path:
    """30,000 note rows under the last criterion, each with its own text in the name and explanation
    columns (a log pasted under the table): each was compared with every note and explanation line
    gathered before it, 67 s for the file."""
    def change(data: bytes) -> bytes:
        # the example's "Tổng" row (the sheet's last) moves below the notes, renumbered
        total = list(re.finditer(rb'<row r="(\d+)".*?</row>', data, re.S))[-1]
        first, after = int(total.group(1)), int(total.group(1)) + count
        moved = re.sub(rb'r="([A-Z]+)%d"' % first, lambda m: b'r="%s%d"' % (m.group(1), after),
                       total.group(0).replace(b'<row r="%d"' % first, b'<row r="%d"' % after, 1))
        notes = "".join(f'<row r="{first + i}"><c r="B{first + i}" t="inlineStr"><is><t>Đã nộp lần {i}</t></is></c>'
                        f'<c r="E{first + i}" t="inlineStr"><is><t>văn bản {i}</t></is></c></row>'
                        for i in range(count)).encode()
        return data[:total.start()] + notes + moved + data[total.end():]
    return _rewrite(Path(folder) / name, change)


def many_items_explained_once(folder, name="group.xlsx", count=20_000) -> Path:
    """20,000 items at 0 with their explanation cells blank, under one criterion that gives the reason once
    ("Chưa thực hiện"): whether every item below lost points was first decided by a walk per item (quadratic)."""
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Tự đánh giá")
    ws.append(["STT", "Lĩnh vực, tiêu chí", "Điểm tối đa", "Điểm tự đánh giá", "Nội dung giải trình"])
    ws.append(["I", "Phần I", count, None, None])
    ws.append(["1", "Nhóm tiêu chí", count, None, "Chưa thực hiện"])
    for i in range(1, count + 1):
        ws.append([f"1.{i}", f"Mục {i}", 1, 0, None])
    path = Path(folder) / name
    wb.save(path)
    return path


MAKERS = {"ô lạc ở XFD1048576": stray_far_cell, "ô có chữ ở ZZ99999": far_corner_cell,
          "200.000 hàng trống có viền": empty_bordered_rows,
          "400 vùng gộp lớn": many_merges, "100.000 vùng gộp nhỏ chồng nhau": overlapping_merges,
          "20.000 thẻ ô không đóng": unclosed_cell_tags, "30.000 hàng ghi chú dưới tiêu chí cuối": many_note_rows,
          "20.000 mục bị trừ, giải trình một lần ở mục trên": many_items_explained_once}
