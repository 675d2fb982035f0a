"""A sparse reader for sheets whose extent is absurd.

A stray cell at XFD1048576, or one at ZZ99999, makes a dense reader allocate the whole rectangle
(python-calamine asked for 512 GB and aborted the process; 2.8 GB for ZZ99999). Such sheets are read
here instead, cell by cell from the XML (lxml, in C), keeping only cells that hold a value inside
a sane window; what lies beyond is listed, not read. Time and memory follow the cells with
content, never the extent a stray cell or a false dimension claims.
"""
from __future__ import annotations

import io
import re

from .package import CELL_REF, CELL_TAG, cell_of

MAX_ROWS = 100_000  # a criteria table has hundreds of rows
MAX_COLS = 702  # A…ZZ
# A dense reader allocates the rectangle from A1 to the farthest cell with content: columns A–Z down
# to row 99,999 hold at most this many; a larger one (text at A1 and ZZ99999: 70 million cells,
# 2.8 GB and 13 s for a 14 KB file) is read here too
MAX_DENSE_CELLS = 26 * MAX_ROWS
# fast: anchored on a literal (without the space before it: a "ref=" it then meets only sends the
# sheet to the exact test below); two letters or more, or one and six digits, spelt as a tree so
# "B12" fails without backtracking. Sheets of columns A–Z, the usual ones, stop here.
_WIDE_OR_FAR_REF = re.compile(rb'r="[A-Z](?:[A-Z]|\d{6})')


def needs_sparse(data: bytes) -> bool:
    """A cell with content beyond column ZZ or row 99,999, or cells with content spanning more
    than MAX_DENSE_CELLS from A1."""
    if _WIDE_OR_FAR_REF.search(data) is None:
        return False
    height = width = 0
    for tag in CELL_TAG.finditer(data):  # (linear on any input: see CELL_TAG)
        attributes = tag.group(1)
        # a cell that holds something: not self-closing; empty styled cells (borders drawn down
        # 200,000 rows) cost a dense reader nothing and do not count
        if attributes.endswith(b"/"):
            continue
        match = CELL_REF.search(attributes)
        if match is None:
            continue
        letters, digits = match.groups()
        if len(letters) > 2 or len(digits) > 5:  # beyond ZZ or 99,999
            return True
        row, col = cell_of(letters, digits)
        if row >= height:
            height = row + 1
        if col >= width:
            width = col + 1
    return height * width > MAX_DENSE_CELLS


def shared_strings(data: bytes | None) -> list[str]:
    if not data:
        return []
    from lxml import etree  # imported by the rare sheet that needs it, not by every reader process

    strings = []
    for _, si in etree.iterparse(io.BytesIO(data), events=("end",), tag="{*}si", resolve_entities=False,
                                 no_network=True, huge_tree=False):
        strings.append("".join(t.text or "" for t in si.iter("{*}t")))
        si.clear()
    return strings


_REF = re.compile(r"^([A-Z]+)(\d+)$")


def _cell(match) -> tuple[int, int]:
    return cell_of(match.group(1).encode(), match.group(2).encode())


def read_sparse(data: bytes, strings: list[str]):
    """(rows, merged, stray refs): rows as lists from A1, merges as (r0, c0, r1, c1)."""
    from lxml import etree

    cells: dict[int, dict[int, object]] = {}
    stray: list[str] = []
    merged = []
    next_row = 0
    for _, el in etree.iterparse(io.BytesIO(data), events=("end",), tag=("{*}c", "{*}row", "{*}mergeCell"),
                                 resolve_entities=False, no_network=True, huge_tree=True):
        tag = etree.QName(el).localname
        if tag == "row":
            el.clear()
            continue
        if tag == "mergeCell":
            ref = el.get("ref", "")
            if ":" in ref:
                a, b = ref.split(":", 1)
                ma, mb = _REF.match(a), _REF.match(b)
                if ma and mb:
                    (r0, c0), (r1, c1) = _cell(ma), _cell(mb)
                    if r0 < MAX_ROWS and c0 < MAX_COLS:
                        merged.append((r0, c0, min(r1, MAX_ROWS - 1), min(c1, MAX_COLS - 1)))
            continue
        value_el = el.find("{*}v")
        inline = el.find("{*}is")
        if value_el is None and inline is None:
            el.clear()
            continue
        ref = el.get("r")
        match = _REF.match(ref or "")
        if match:
            row, col = _cell(match)
        else:  # cells without r: the next position in the row (rare)
            row, col = next_row, 0
        kind = el.get("t")
        if inline is not None:
            value = "".join(t.text or "" for t in inline.iter("{*}t"))
        else:
            text = value_el.text or ""
            if kind == "s":
                value = strings[int(text)] if text.isdigit() and int(text) < len(strings) else ""
            elif kind in ("str", "e"):
                value = text
            elif kind == "b":
                value = text == "1"
            else:
                try:
                    value = float(text)
                except ValueError:
                    value = text
        if row >= MAX_ROWS or col >= MAX_COLS:
            if len(stray) < 5:
                stray.append(ref or f"R{row + 1}C{col + 1}")
            el.clear()
            continue
        cells.setdefault(row, {})[col] = value
        next_row = row
        el.clear()
    height = max(cells) + 1 if cells else 0
    rows = []
    for r in range(height):
        line = cells.get(r)
        if not line:
            rows.append([])
            continue
        row = [None] * (max(line) + 1)
        for c, v in line.items():
            row[c] = v
        rows.append(row)
    return rows, merged, stray
