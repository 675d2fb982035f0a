"""Cells linked to an address outside the workbook (Insert → Link, or =HYPERLINK("…"; "…")): the
explanations' links, for the report to keep them and the rules to say those nobody else can open.

.xlsx: the sheet's <hyperlinks> and its relationships, looked for only after the cells; the address a
HYPERLINK formula names, read from the formula's text for the few cells asked. .xls and .ods: their
readers take them from xlrd and content.xml.
"""
from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

from .package import cell_of

# <hyperlinks> comes after the cells (the schema's order: after the merges, formats and validations)
_HYPERLINK_TAG = re.compile(rb'<(?:\w+:)?hyperlink\s[^<>]*>')
_LINK_REF = re.compile(rb'\sref="([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?"')
_LINK_PLACE = re.compile(rb'\slocation="')
_LINK_ID = re.compile(rb'\s(?:\w+:)?id="([^"<>]{1,64})"')
LINKS_KEPT = 2000  # a table has a link a criterion at most; a hostile sheet's 100,000 are not read


def has_hyperlinks(data: bytes) -> bool:
    """The sheet holds hyperlinks (Insert → Link): a look at what follows the cells only."""
    end = data.rfind(b"sheetData")
    return end >= 0 and data.find(b"hyperlink", end) >= 0


def scan_hyperlinks(data: bytes, relationships: bytes | None) -> dict[tuple[int, int], str]:
    """The cells linked to an address outside the workbook (a document online, a file on the officer's
    computer) → that address, as the sheet's relationships give it; a link over a range gives each of
    its cells (up to a few). Links to a place inside the workbook (location="…") have no address."""
    end = data.rfind(b"sheetData")
    if end < 0 or relationships is None:
        return {}
    targets = {}
    for rel in ET.fromstring(relationships):
        # ("#Sheet2!A1": a place in the workbook, as some writers give it)
        if rel.get("TargetMode") == "External" and rel.get("Target") and not rel.get("Target").startswith("#"):
            targets[rel.get("Id")] = rel.get("Target")
    links: dict[tuple[int, int], str] = {}
    for tag in _HYPERLINK_TAG.finditer(data, end):
        ref, rid = _LINK_REF.search(tag.group(0)), _LINK_ID.search(tag.group(0))
        target = targets.get(rid.group(1).decode("utf-8", "replace")) if rid else None
        if ref is None or target is None or (_LINK_PLACE.search(tag.group(0)) and ":/" not in target):
            continue  # (LibreOffice gives a place in the workbook the workbook's own file name too)
        top, left = cell_of(ref.group(1), ref.group(2))
        bottom, right = cell_of(ref.group(3), ref.group(4)) if ref.group(3) else (top, left)
        for row in range(top, min(bottom, top + 50) + 1):
            for col in range(left, min(right, left + 10) + 1):
                links.setdefault((row, col), target)
        if len(links) >= LINKS_KEPT:
            break
    return links


def relationships_of(part: str) -> str:
    """"xl/worksheets/sheet1.xml" → "xl/worksheets/_rels/sheet1.xml.rels"."""
    folder, _, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"


# =HYPERLINK("https://…", "Xem") as a cell's formula: the address when it is typed in the formula (not
# taken from another cell); the cell's text is the formula's value, read as any
_LINK_FORMULA = re.compile(r'^\s*(?:of:)?=?\s*(?:_xlfn\.)?HYPERLINK\(\s*"([^"]{1,2000})"\s*[,;)]', re.IGNORECASE)


def formula_target(formula: str) -> str | None:
    """The address ``formula`` links to, when it is a HYPERLINK formula that types it."""
    found = _LINK_FORMULA.match(formula)
    target = found.group(1).strip() if found else ""
    return target if target and not target.startswith("#") else None  # ("#Trang2!A1": a place in the workbook)


_FIRST_FORMULA = re.compile(rb"\s*<(?:\w+:)?f(?:\s[^<>]*)?>([^<]{1,8192})</")


def formula_texts(sheet_xml: bytes, cells) -> dict[tuple[int, int], str]:
    """The formula text of each of ``cells`` ((row, col), 0-based) that holds one, found where the cell
    stands (a few cells: the explanations that are formulas), with no pass over the sheet."""
    from ..text import cell_address

    found = {}
    for row, col in cells:
        at = sheet_xml.find(b' r="' + cell_address(row, col).encode() + b'"')
        end = sheet_xml.find(b">", at) if at >= 0 else -1
        formula = _FIRST_FORMULA.match(sheet_xml, end + 1) if end > 0 and sheet_xml[end - 1:end] != b"/" else None
        if formula is not None:
            found[(row, col)] = html.unescape(formula.group(1).decode("utf-8", "replace"))
    return found
