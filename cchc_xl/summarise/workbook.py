"""The reviewer's summary workbook: Tổng hợp, Chi tiết lỗi, Theo tiêu chí (and Tệp bỏ qua).

openpyxl (write-only) lays out the workbook: styles, chart, conditional formats, filters, panes,
print setup. The rows are streamed as sheet XML (_XmlRows) and spliced in when it is saved.

Every text taken from a commune's workbook is stored as text, never as a
formula: a unit named "=2+3" stays inert in the summary.
"""
from __future__ import annotations

import os
import re
import time
from decimal import Decimal
from html import escape  # (xml.sax.saxutils' is the same three replacements, but imports urllib, ssl…: ~20 ms)
from pathlib import Path

from ..errors import RefusedWrite
from ..rules.catalogue import SEVERITY_VI
from ..model.assessment import appraisal_unfinished
from ..text import ILLEGAL_XML_CHARS, column_letter, period_key, xml_text


class _Writer:
    """A write-only sheet's styles and header; its rows are streamed as XML (_XmlRows), where a
    number keeps Excel's General format (73.2 and 100 shown as they are) and text always stays text."""

    def __init__(self, ws):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font, PatternFill

        self.ws = ws
        self.cell_type = WriteOnlyCell
        self.bold = Font(name="Times New Roman", bold=True)
        self.fill = PatternFill("solid", fgColor="FFD9E1F2")
        self.centre = Alignment(wrap_text=True, horizontal="center", vertical="center")
        self.wrap = Alignment(wrap_text=True, vertical="top")

    def style_id(self, font=None, fill=None, alignment=None) -> int:
        """The stylesheet index of a cell style, for rows streamed as XML (_XmlRows)."""
        probe = self.cell_type(self.ws)
        for name, part in (("font", font), ("fill", fill), ("alignment", alignment)):
            if part is not None:
                setattr(probe, name, part)
        return probe.style_id

    def header_xml(self, titles) -> "_XmlRows":
        """The header row streamed as XML (its style found once, not per cell), for the sheets
        written when the batch ends; the returned rows go on from row 2."""
        style = self.style_id(self.bold, self.fill, self.centre)
        rows = _XmlRows(first_row=1)
        rows.row(titles, self.ws.row_dimensions[1].height, dict.fromkeys(range(len(titles)), style))
        return rows

    def header(self, titles):
        cells = []
        for title in titles:
            cell = self.cell_type(self.ws, value=title)
            cell.font, cell.fill, cell.alignment = self.bold, self.fill, self.centre
            cells.append(cell)
        self.ws.append(cells)


EXCEL_ROWS = 1_048_576  # a worksheet's last row


class _XmlRows:
    """Rows of plain values written straight as sheet XML into a temporary file, for the sheets
    that grow with the batch (the findings detail, the ranked units). openpyxl spends ~10 µs on
    each cell; here it is ~1, and the main process, which shares the cores with the workers,
    stays out of their way. Text becomes an inline string (never a formula, illegal XML
    characters dropped); the rows are spliced into openpyxl's sheet when the workbook is saved
    (``_splice_rows``)."""

    def __init__(self, first_row: int = 2):
        import tempfile

        self.file = tempfile.TemporaryFile()  # constant memory, however large the batch
        self.first_row = self.next_row = first_row
        self.dropped = 0  # rows past Excel's last one, said in the sheet's last row (see end_note)
        self.links: list[tuple] = []  # (cell, the file it opens[, the place in it]), after the rows (_splice_rows)

    def _room(self) -> int:
        """Rows still to write before the last one, which end_note keeps for saying what was left out."""
        return max(0, EXCEL_ROWS - self.next_row)

    def end_note(self, text: str) -> None:
        """The sheet's last row says how many rows did not fit (a national roll-up's findings can pass
        Excel's 1,048,576 rows, and Excel refuses such a sheet: "repairs" it, dropping the rows)."""
        if self.dropped:
            self.row([text], room_kept=False)

    def row(self, values, height: float | None = None, styles: dict[int, int] | None = None,
            room_kept: bool = True) -> None:
        """``height``: the row's height in points; ``styles``: column → a cell style id the
        workbook's stylesheet holds (see _Writer.style_id); ``room_kept=False``: the last row itself."""
        if room_kept and not self._room():
            self.dropped += 1
            return
        r = self.next_row
        self.next_row = r + 1
        parts = [f'<row r="{r}">' if height is None else f'<row r="{r}" ht="{height:.16g}" customHeight="1">']
        parts += cells_xml(values, r, styles)
        parts.append("</row>")
        self.file.write("".join(parts).encode("utf-8", "replace"))  # a lone surrogate becomes "?"

    def written(self, row_xml: str) -> None:
        """A row made by cells_xml for this row number (the next one)."""
        if not self._room():
            self.dropped += 1
            return
        self.next_row += 1
        self.file.write(row_xml.encode("utf-8", "replace"))

    def text_rows(self, rows, linked_style: int | None = None) -> int:
        """Rows of texts (each: the texts of columns A, B, … already made fit by _xml; an empty one
        is left out), as row() writes them: the findings detail's thousands of rows, in the main
        process, without row()'s test of every value's type, one write for them all. ``linked_style``:
        column D's style (a link's look). The rows written (those past Excel's last row are not)."""
        room = self._room()
        if len(rows) > room:
            self.dropped += len(rows) - room
            rows = rows[:room]
        r = self.next_row
        parts = []
        eight = _EIGHT_TEXTS if linked_style is None else _EIGHT_TEXTS.replace('<c r="D{0}"', f'<c r="D{{0}}" s="{linked_style}"')
        for cells in rows:
            if len(cells) == 8 and all(cells):  # most findings: all eight columns, one format in C
                parts.append(eight.format(r, *cells))
            else:
                parts.append(f'<row r="{r}">')
                for letter, text in zip(_LETTERS, cells):
                    if text:
                        style = f' s="{linked_style}"' if letter == "D" and linked_style is not None else ""
                        parts.append(f'<c r="{letter}{r}"{style} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>')
                parts.append("</row>")
            r += 1
        self.next_row = r
        self.file.write("".join(parts).encode("utf-8", "replace"))
        return len(rows)

    @property
    def last_row(self) -> int:
        return self.next_row - 1

    @property
    def count(self) -> int:
        return self.next_row - self.first_row


def _modified(path: str) -> str:
    try:
        return time.strftime("%d/%m/%Y %H:%M", time.localtime(os.stat(path).st_mtime))
    except OSError:
        return ""


def cells_xml(values, r: int, styles: dict[int, int] | None = None, first: int = 0) -> list[str]:
    """Row ``r``'s cells from column ``first`` on, as sheet XML (see _XmlRows.row)."""
    parts = []
    for index, value in enumerate(values, first):
        style = "" if styles is None or index not in styles else f' s="{styles[index]}"'
        # (`value.__class__ is str`, not `value == ""`: a Decimal compared with text asks the ABCs)
        if value is None or (value.__class__ is str and not value):
            if style:  # a styled cell is written even when empty, as openpyxl does
                parts.append(f'<c r="{column_letter(index)}{r}"{style}/>')
            continue
        parts.append(f'<c r="{column_letter(index)}{r}"{style}{_cell_rest(value)}')
    return parts


def _cell_rest(value) -> str:
    """A cell's XML after its reference and style: a number stays a number; anything else is an
    inline string."""
    kind = value.__class__
    if kind is Decimal:
        try:  # a summary repeats the same scores thousands of times: each is written out once
            return _DECIMALS[value]
        except (KeyError, TypeError):  # (TypeError: a signalling NaN has no hash)
            pass
        number = int(value) if value == value.to_integral_value() else float(value)
        text = f"><v>{number!r}</v></c>"
        if len(_DECIMALS) < 50_000:
            _DECIMALS[value] = text  # (equal Decimals, 13.25 and 13.250, are written alike)
        return text
    if kind is int or kind is float:  # (not bool: True would become 1)
        return f"><v>{value!r}</v></c>"
    return f' t="inlineStr"><is><t xml:space="preserve">{_xml(str(value))}</t></is></c>'


_DECIMALS: dict[Decimal, str] = {}


_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_EIGHT_TEXTS = ('<row r="{0}">' + "".join(f'<c r="{letter}{{0}}" t="inlineStr"><is><t xml:space="preserve">{{{i}}}</t></is></c>'
                                           for i, letter in enumerate("ABCDEFGH", 1)) + "</row>")
_NEEDS_CARE = re.compile(f"[&<>{ILLEGAL_XML_CHARS}]")


def _xml(text: str) -> str:
    """Text for sheet XML: escaped, without the characters XML cannot hold (a \x01 pasted from
    another program). Most texts need neither: one search tells."""
    if _NEEDS_CARE.search(text) is None:
        return text
    return escape(xml_text(text), quote=False)


_SEVERITY_XML = {key: _xml(text) for key, text in SEVERITY_VI.items()}


def _splice_rows(source: str, target: str, rows: dict[str, _XmlRows]) -> None:
    """Copy openpyxl's workbook ``source`` to ``target``, each named sheet receiving its streamed
    rows after the header openpyxl wrote."""
    import shutil
    import zipfile

    from ..read.links import relationships_of
    from ..read.package import sheet_parts

    with zipfile.ZipFile(source) as archive, \
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        parts = {part: rows[name] for name, part in sheet_parts(archive)[0] if name in rows}
        linked = {relationships_of(part): streamed.links for part, streamed in parts.items() if streamed.links}
        members = set(archive.namelist())
        for info in archive.infolist():
            data = archive.read(info.filename)
            if info.filename in linked:  # the sheet's relationships (its chart's): the links' added
                data = data.replace(b"</Relationships>", _link_relationships(linked[info.filename]) + b"</Relationships>")
            streamed = parts.get(info.filename)
            if streamed is None or not streamed.count:
                out.writestr(info, data)
                continue
            if streamed.links:
                data = _with_hyperlinks(data, streamed.links)
            if b"</sheetData>" in data:  # write-only sheets carry no <dimension> to correct
                head, tail = data.split(b"</sheetData>", 1)
            else:  # no header row written: an empty <sheetData/>
                head, tail = data.split(b"<sheetData/>", 1)
                head += b"<sheetData>"
            large = streamed.file.seek(0, 2) > (1 << 30)  # zip64 must be asked for before a part passes 2 GB
            # the archive's fast level (compresslevel=1): half the time at the end of a batch,
            # for a summary ~15 % larger
            with out.open(info.filename, "w", force_zip64=large) as member:
                member.write(head)
                streamed.file.seek(0)
                shutil.copyfileobj(streamed.file, member, 1 << 20)
                member.write(b"</sheetData>" + tail)
        for rels, links in linked.items():
            if rels not in members:  # a sheet with no relationships yet
                out.writestr(rels, b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="'
                             b'http://schemas.openxmlformats.org/package/2006/relationships">'
                             + _link_relationships(links) + b"</Relationships>")


LINKS_A_SHEET = 65_530  # Excel's most hyperlinks on a worksheet
_AFTER_HYPERLINKS = re.compile(rb"<(?:printOptions|pageMargins|pageSetup|headerFooter|rowBreaks|colBreaks|customProperties"
                               rb"|cellWatches|ignoredErrors|smartTags|drawing|legacyDrawing|legacyDrawingHF|picture"
                               rb"|oleObjects|controls|webPublishItems|tableParts|extLst)\b|</worksheet>")


def _link_font():
    from openpyxl.styles import Font

    return Font(name="Times New Roman", color="FF0563C1", underline="single")  # (a link as Excel shows one)


def _with_hyperlinks(sheet: bytes, links: list[tuple]) -> bytes:
    """The sheet's <hyperlinks>, where the schema puts them: after the conditional formats, before
    the print setup and the chart. A link (cell, file[, place in it])."""
    at = _AFTER_HYPERLINKS.search(sheet, sheet.rfind(b"</sheetData>"))
    items = "".join(f'<hyperlink ref="{link[0]}" r:id="rIdLink{n}"'
                    + (f' location="{escape(link[2], quote=True)}"/>' if len(link) > 2 and link[2] else "/>")
                    for n, link in enumerate(links, 1))
    element = ('<hyperlinks xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
               f"{items}</hyperlinks>").encode()
    return sheet[:at.start()] + element + sheet[at.start():]


def _link_relationships(links: list[tuple]) -> bytes:
    return "".join(f'<Relationship Id="rIdLink{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   f'relationships/hyperlink" Target="{escape(link[1], quote=True)}" TargetMode="External"/>'
                   for n, link in enumerate(links, 1)).encode("utf-8", "replace")


def _place(sheet: str, cell: str) -> str:
    """A cell of another workbook as a link's location: 'Tự đánh giá'!D57."""
    return "'" + xml_text(sheet).replace("'", "''") + "'!" + cell


def link_to_file(path: str, folder: Path, folders: dict | None = None) -> str:
    """The address a hyperlink in a workbook in ``folder`` opens ``path`` by: relative, so the summary
    and the communes' folder can be moved or sent together; whole (file:///D:/…) on another drive.
    Escaped as Excel escapes a file's address (a space is %20, a # %23); other letters as they are.
    ``folders``: each folder's address, worked out once for the batch's files in it."""
    where, name = os.path.split(path)
    folders = {} if folders is None else folders
    if where not in folders:
        absolute = os.path.abspath(where)
        try:
            address = os.path.relpath(absolute, os.path.abspath(folder)).replace(os.sep, "/")
            address = "" if address == "." else address + "/"
        except ValueError:  # Windows: another drive, or a shared folder (\\may-chu\tlkc)
            url = absolute.replace(os.sep, "/").rstrip("/")
            address = ("file:" + url if url.startswith("//") else "file:///" + url.lstrip("/")) + "/"
        folders[where] = _escaped_address(address)
    return folders[where] + _escaped_address(name)


_UNLINKABLE = re.compile(f"[{ILLEGAL_XML_CHARS}\ud800-\udfff]")  # (\udc80…: a name's bytes that are not UTF-8)
_ESCAPED_IN_ADDRESSES = re.compile(r'[%" <>\[\]^`{}#]')


def _escaped_address(address: str) -> str:
    if _ESCAPED_IN_ADDRESSES.search(address) is None:
        return address
    for char, code in (("%", "%25"), ('"', "%22"), (" ", "%20"), ("<", "%3c"), (">", "%3e"), ("[", "%5b"),
                       ("]", "%5d"), ("^", "%5e"), ("`", "%60"), ("{", "%7b"), ("}", "%7d"), ("#", "%23")):
        address = address.replace(char, code)
    return address


def _widths(ws, widths):
    """Column widths, and a landscape A4 print that fits the width (reviewers print these)."""
    from openpyxl.utils import get_column_letter

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.row_dimensions[1].height = 45  # header titles wrap on narrow columns: room for three lines

    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width


def display_names(paths: list[str]) -> dict[str, str]:
    """Paths relative to the folder they share: two communes' "xa_0001.xlsx" in different
    district folders must stay distinguishable."""
    if not paths:
        return {}
    absolute = [os.path.abspath(p) for p in paths]
    try:
        root = os.path.commonpath([os.path.dirname(p) for p in absolute])
    except ValueError:  # Windows: folders on two drives (C:\, D:\) share none; shown whole
        return dict(zip(paths, absolute))
    prefix = root + os.sep  # a path that starts with it, letter for letter, is relative by a cut
    cut = len(prefix)
    return {p: a[cut:] if a.startswith(prefix) else os.path.relpath(a, root) for p, a in zip(paths, absolute)}


class SummaryWriter:
    """Writes the summary as results arrive: the findings detail is streamed while the
    workers are still checking, so only the ranked sheets are left for the end."""

    def __init__(self, output, paths: list[str], file_of=None):
        """``paths``: the workbooks as outputs name them; ``file_of(name)``: the file itself, when it
        is elsewhere (a copy unpacked from a .zip)."""
        from ..write.atomic import refuse_if_open

        self.output = Path(output)
        if self.output.suffix.lower() != ".xlsx":
            raise RefusedWrite("sổ tổng hợp phải có đuôi .xlsx")
        refuse_if_open(self.output)  # before the batch, not after it
        self.paths = paths
        self.file_of = file_of or (lambda path: path)
        self._shown: dict[str, str] | None = None
        self.detail_xml = _XmlRows()  # streamed while the workers check: see _XmlRows
        # the summary sheet's rows, made as the results arrive (all but the rank, known at the end):
        # (record, layout they were made for, the row's XML without its rank cell)
        self.summary_rows: list[tuple] = []
        self.layout = _Layout()
        self.streamed = {"Chi tiết lỗi": self.detail_xml}
        self.wb = None  # laid out by prepare(): openpyxl is not needed to stream rows
        self._link_targets: dict[str, str] = {}  # each file's link (see _opened_by_link)
        self._link_folders: dict[str, str] = {}

    @property
    def shown(self) -> dict[str, str]:
        """Each path → its name in the summary; made when the first result arrives, not before the
        batch's files are sent to the workers."""
        if self._shown is None:
            self._shown = display_names([os.fspath(p) for p in self.paths])
        return self._shown

    def prepare(self) -> None:
        """Lay out the workbook with openpyxl (importing it takes ~70 ms): bulk calls this once
        the workers are busy, so it overlaps with their checking instead of delaying it."""
        if self.wb is not None:
            return
        from ..openpyxl_without_numpy import load_openpyxl

        load_openpyxl()
        from openpyxl import Workbook
        # what finish() uses, imported now too (~30 ms, here overlapping with the checking)
        import openpyxl.chart  # noqa: F401
        import openpyxl.formatting.rule  # noqa: F401

        self.wb = Workbook(write_only=True)
        self.wb.properties.identifier = "cchc-xl:tong-hop"  # so later runs know it is no commune's workbook
        self.wb.properties.creator = "cchc-xl"
        self.summary = self.wb.create_sheet("Tổng hợp")  # filled in finish(): it needs the ranking
        self.detail = self.wb.create_sheet("Chi tiết lỗi")
        detail_out = _Writer(self.detail)
        _widths(self.detail, [28, 24, 14, 7, 10, 20, 10, 100])
        self.detail.freeze_panes = "A2"
        detail_out.header(["Tệp", "Đơn vị", "Trang", "Ô", "STT", "Mã", "Mức độ", "Nội dung"])
        self.link_style = detail_out.style_id(font=_link_font())  # (the stylesheet is the workbook's: one id)

    def keep_only(self, paths, records) -> None:
        """The batch's files once earlier summaries among them are known (the workers find them):
        names are relative to the communes' own folders, as if the summaries had never been
        listed; the streamed rows are written again in the rare case that changes a name."""
        if len(paths) == len(self.shown):  # no summary among them: the names stand
            return
        kept = display_names([os.fspath(p) for p in paths])
        changed = any(self.shown.get(path) != name for path, name in kept.items())
        self._shown = kept
        if changed:
            self.detail_xml.file.close()
            self.detail_xml = self.streamed["Chi tiết lỗi"] = _XmlRows()
            self.summary_rows, self.layout = [], _Layout()
            for record in records:
                self.add(record)

    def discard(self) -> None:
        """The batch stopped (or found no commune): nothing is written, temporary files are closed."""
        for rows in self.streamed.values():
            rows.file.close()
        if self.wb is not None:
            for ws in self.wb.worksheets:
                if not ws.closed:  # (one the failed save had written is closed)
                    ws.close()  # an unfinished write-only sheet would complain when collected

    def name(self, path: str) -> str:
        from ..console import printable

        return printable(self.shown.get(path) or Path(path).name)

    def label(self, r) -> str:
        """A record's file as the summary names it: with the unit's sheet when the file gathers several."""
        name = self.name(r.path)
        if not r.sheet:
            return name
        from .bulk import file_label

        return file_label(name, r.sheet)

    def add(self, r) -> None:
        name = self.label(r)
        self._summary_row(r, name)
        self._detail_rows(r, name, r.unit)

    def _detail_rows(self, r, name: str, unit: str) -> None:
        """A record's findings in "Chi tiết lỗi", streamed; ``unit`` as the unit is shown."""
        if not r.readable:
            self.detail_xml.row([name, "", "", "", "", "unreadable", "lỗi", r.error])
            return
        if not r.findings:
            return
        name, unit = _xml(name), _xml(unit or "")  # once for the workbook's every finding
        sheets: dict[str, str] = {}  # its findings are on one or two sheets
        out = self.detail_xml
        target = self._opened_by_link(r) if len(out.links) + len(r.findings) <= LINKS_A_SHEET else None
        if target:
            self.prepare()  # (the link's look is a style of the workbook's stylesheet)
        first = out.next_row
        # no wrapped cells here: thousands of styled cells cost a reviewer's batch real seconds
        written = out.text_rows([
            (name, unit, sheets.get(f["sheet"]) or sheets.setdefault(f["sheet"], _xml(f["sheet"])), f["cell"],
             _xml(f"{f['part']} / {f['criterion']}".strip(" /")), f["code"], _SEVERITY_XML[f["severity"]],
             _xml(f["message"]))
            for f in r.findings], self.link_style if target else None)
        if target:  # the reviewer clicks the cell's address: the commune's workbook opens at that cell
            out.links.extend((f"D{row}", target, _place(f["sheet"], f["cell"]))
                             for row, f in zip(range(first, first + written), r.findings) if f["cell"])

    def _summary_row(self, r, name: str | None = None) -> None:
        """The summary sheet's row of a record as it arrives: made now, while the workers check, so
        that the end of the batch, when one core waits, only adds the ranks."""
        layout = self.layout
        layout.add(r)
        index = len(self.summary_rows) + 1
        made = self._summary_row_xml(r, index, name if name is not None else self.label(r), layout)
        self.summary_rows.append((r, layout.version, made))

    @staticmethod
    def _summary_row_xml(r, index: int, name: str, layout: "_Layout", unit: str | None = None) -> str:
        """The summary sheet's row of a record, all but its rank (the last column) and the row's end;
        ``unit``: its unit as shown, when not its own name."""
        values = [index, (unit or r.unit) if r.readable else "", r.period, r.criteria_set, name, r.max, r.self]
        values += [r.percent] if layout.has_percent else []
        values += [r.pending]
        values += [r.areas.get(key) for key in layout.areas]
        if layout.has_appraisal:
            diff = (r.appraised - r.self) if (r.appraised is not None and r.self is not None) else None
            unfinished = appraisal_unfinished(r.appraisal_left) if r.appraisal_left else None
            values += [r.appraised if r.appraised is not None else unfinished, diff]
        values += [edited_max(r)] if layout.has_edited_max else []
        values += [r.errors if r.readable else None, r.warnings if r.readable else None, r.status]
        return f'<row r="{index + 1}">' + "".join(cells_xml(values, index + 1))

    def finish(self, outcome) -> Path:
        from ..write.atomic import write_atomically

        self.prepare()
        if outcome.unit_shown:
            # two units of one name and period ("Xã Tân Tiến" of two districts): the detail, streamed before
            # the batch knew it, is written again with each as the summary shows it (its body above)
            self.detail_xml.file.close()
            self.detail_xml = self.streamed["Chi tiết lỗi"] = _XmlRows()
            for r in outcome.records:
                self._detail_rows(r, self.label(r), outcome.unit_shown.get(r.key, r.unit))
        self.detail_xml.end_note(f"… và {self.detail_xml.dropped:,} phát hiện nữa không vừa trang này (Excel chỉ chứa "
                                 f"{EXCEL_ROWS:,} hàng): toàn bộ có trong đầu ra JSON (`cchc-xl bulk … --json`)."
                                 .replace(",", "."))
        self.detail.auto_filter.ref = f"A1:H{max(self.detail_xml.last_row, 2)}"
        self._write_summary_sheet(outcome.records, outcome.unit_shown)
        self._write_criteria_sheet(outcome.criteria_stats)
        if outcome.duplicates:  # a unit that sent several workbooks: which one was ranked
            twice_ws = self.wb.create_sheet("Đơn vị nhiều sổ")
            _widths(twice_ws, [28, 24, 40, 18, 14, 14, 18])
            writer = _Writer(twice_ws)
            linked = {2: self.link_style}
            rows = self.streamed["Đơn vị nhiều sổ"] = writer.header_xml(
                ["Đơn vị", "Kỳ đánh giá", "Tệp", "Sửa lúc", "Điểm tự đánh giá", "Trạng thái", "Xếp hạng"])
            for group in outcome.duplicates:
                for r in group:  # (each copy opened from its row, to compare them)
                    target = self._opened_by_link(r) if len(rows.links) < LINKS_A_SHEET else None
                    at = rows.next_row
                    rows.row([r.unit, r.period, self.label(r), _modified(self.file_of(r.path)), r.self, r.status,
                              r.rank if r.duplicate_of is None else "không"], styles=linked if target else None)
                    if target and rows.next_row > at:
                        rows.links.append((f"C{at}", target))
        if outcome.skipped:
            skipped_ws = self.wb.create_sheet("Tệp bỏ qua")
            _widths(skipped_ws, [60, 50])
            rows = self.streamed["Tệp bỏ qua"] = _Writer(skipped_ws).header_xml(["Tệp", "Lý do"])
            for path, why in outcome.skipped:
                rows.row([path, why])
        return write_atomically(self.output, self._save, ".xlsx")

    def _save(self, temp: str) -> None:
        """openpyxl writes the workbook (styles, chart, formats, headers); the streamed rows are
        spliced into it on the way to ``temp``."""
        first = temp + ".openpyxl"
        try:
            self.wb.save(first)
            _splice_rows(first, temp, self.streamed)
        finally:
            for rows in self.streamed.values():
                rows.file.close()
            if os.path.exists(first):
                os.unlink(first)

    def _write_summary_sheet(self, records, unit_shown: dict[str, str] | None = None) -> None:
        from openpyxl.chart import BarChart, Reference
        from openpyxl.formatting.rule import CellIsRule, ColorScaleRule, FormulaRule
        from openpyxl.styles import Font, PatternFill
        from openpyxl.utils import get_column_letter

        ws = self.summary
        out = _Writer(ws)
        unit_shown = unit_shown or {}
        if len(self.summary_rows) != len(records) or any(made[0] is not r for made, r in zip(self.summary_rows, records)):
            self.summary_rows, self.layout = [], _Layout()  # not the records added: made again
            for r in records:
                self._summary_row(r)
        layout = self.layout
        areas, has_appraisal, has_percent = list(layout.areas), layout.has_appraisal, layout.has_percent
        headers = ["STT", "Đơn vị", "Kỳ đánh giá", "Bộ tiêu chí", "Tệp", "Điểm tối đa", "Điểm tự đánh giá"]
        headers += ["Tỷ lệ (%)"] if has_percent else []
        headers += ["Điểm chờ"]
        headers += [f"Lĩnh vực {key}" for key in areas]
        if has_appraisal:
            headers += ["Điểm thẩm định", "Chênh lệch (thẩm định - tự đánh giá)"]
        headers += [EDITED_MAX] if layout.has_edited_max else []
        headers += ["Số lỗi", "Số cảnh báo", "Trạng thái", "Xếp hạng"]
        # narrow columns (headers wrap): the whole table fits A4 landscape at a readable size
        widths = [5, 22, 14, 11, 14, 8, 8] + ([7] if has_percent else []) + [7] + [7] * len(areas) + \
            ([9, 11] if has_appraisal else []) + ([12] if layout.has_edited_max else []) + [6, 8, 22, 7]
        _widths(ws, widths)
        ws.freeze_panes = "C2"
        last = len(records) + 1
        column = {title: get_column_letter(i + 1) for i, title in enumerate(headers)}
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(last, 2)}"
        if records:
            status, self_col, errors_col = column["Trạng thái"], column["Điểm tự đánh giá"], column["Số lỗi"]
            ws.conditional_formatting.add(f"{status}2:{status}{last}", FormulaRule(
                formula=[f'LEFT({status}2,6)="hợp lệ"'], fill=PatternFill("solid", fgColor="FFC6EFCE")))
            ws.conditional_formatting.add(f"{status}2:{status}{last}", FormulaRule(
                formula=[f'LEFT({status}2,6)<>"hợp lệ"'], fill=PatternFill("solid", fgColor="FFFFC7CE")))
            ws.conditional_formatting.add(f"{self_col}2:{self_col}{last}", ColorScaleRule(
                start_type="min", start_color="FFF8696B", mid_type="percentile", mid_value=50, mid_color="FFFFEB84",
                end_type="max", end_color="FF63BE7B"))
            ws.conditional_formatting.add(f"{errors_col}2:{errors_col}{last}", CellIsRule(
                operator="greaterThan", formula=["0"], font=Font(color="FFC00000", bold=True)))
            chart = BarChart()
            chart.type = "bar"
            # the points the units are ranked by: the appraised ones once every ranked unit is ranked so
            ranked = [r for r in records if r.rank is not None]
            plotted = "Điểm thẩm định" if has_appraisal and ranked and all(r.ranked_by_appraisal for r in ranked) \
                else "Điểm tự đánh giá"
            chart.title = f"{plotted} theo đơn vị"
            chart.y_axis.title = "Điểm"
            chart.height = min(max(7.5, 0.45 * len(records)), 200)
            chart.width = 18
            chart.add_data(Reference(ws, min_col=headers.index(plotted) + 1, min_row=1, max_row=last),
                           titles_from_data=True)
            chart.set_categories(Reference(ws, min_col=2, min_row=2, max_row=last))
            chart.legend = None
            chart.y_axis.scaling.min = 0  # bars measured from 0, not from the lowest score
            chart.y_axis.delete = False
            chart.x_axis.delete = False
            # below the table, not beside it: beside 21 columns the printed page shrank to a strip
            ws.add_chart(chart, f"B{last + 3}")
        link_style = self.link_style
        out = self.streamed["Tổng hợp"] = out.header_xml(headers)
        rank_column = len(headers) - 1
        file_column = column["Tệp"]
        for index, (r, version, made) in enumerate(self.summary_rows, start=1):
            if version != layout.version or r.key in unit_shown:
                # made before a later workbook added a column, or a unit whose name another shares
                made = self._summary_row_xml(r, index, self.label(r), layout, unit_shown.get(r.key))
            target = self._opened_by_link(r) if len(out.links) < LINKS_A_SHEET else None
            if target:  # the reviewer opens the commune's workbook from its row
                cell = f"{file_column}{index + 1}"
                made = made.replace(f'<c r="{cell}"', f'<c r="{cell}" s="{link_style}"', 1)
                out.links.append((cell, target))
            # short, so the printed page keeps its size; which file stands for the unit: "Đơn vị nhiều sổ"
            ranked = r.rank if r.duplicate_of is None else "trùng"
            out.written(made + "".join(cells_xml([ranked], index + 1, first=rank_column)) + "</row>")

    def _opened_by_link(self, r) -> str | None:
        """The link from a record's row to its workbook: none for a copy unpacked from a .zip (gone once
        the batch ends)."""
        if self.file_of(r.path) != r.path or _UNLINKABLE.search(r.path):
            return None  # (a name XML cannot hold, or not UTF-8: its link would break the summary, or miss)
        known = self._link_targets
        if r.path not in known:  # (asked by the summary's row and by the findings' rows)
            known[r.path] = link_to_file(r.path, self.output.parent, self._link_folders)
        return known[r.path]

    def _write_criteria_sheet(self, criteria_stats) -> None:
        stats_ws = self.wb.create_sheet("Theo tiêu chí")
        out = _Writer(stats_ws)
        # one block per criteria set (criteria of different sets are never mixed), and per period when
        # the batch holds several: then a column says which
        periods = len({period_key(s["period"]) for s in criteria_stats}) > 1
        # a period ranked by the appraisal is told by the appraised scores: a column says so
        appraised = any(s.get("scored_by") == "appraised" for s in criteria_stats)
        titles = ["Bộ tiêu chí", *(["Kỳ đánh giá"] if periods else []), "Phần", "STT", "Tiêu chí",
                  "Điểm tối đa chính thức (không gồm điểm điều tra)", "Điểm trung bình", "Điểm thấp nhất", "Mức trừ trung bình",
                  "Số đơn vị đạt tối đa", "Số đơn vị dưới tối đa", "Số đơn vị chưa chấm",
                  *(["Theo điểm"] if appraised else [])]
        _widths(stats_ws, [14, *([22] if periods else []), 6, 8, 70, 10, 11, 11, 11, 11, 11, 11, *([13] if appraised else [])])
        stats_ws.freeze_panes = "F2" if periods else "E2"
        stats_ws.auto_filter.ref = f"A1:{column_letter(len(titles) - 1)}{max(len(criteria_stats) + 1, 2)}"
        rows = self.streamed["Theo tiêu chí"] = out.header_xml(titles)
        from ..write.workbook_builder import row_height

        name = titles.index("Tiêu chí")
        wrapped = {name: out.style_id(alignment=out.wrap)}  # the criterion's name wraps
        for s in criteria_stats:
            # a height of its own: a wrapped name then prints inside its row, not over the next one
            rows.row([s["set"], *([s["period"]] if periods else []), s["part"], s["code"], s["name"], s["max"],
                      s["mean"], s["min"], s["deduction"], s["full"], s["below_max"], s["unscored"],
                      *([SCORED_BY[s["scored_by"]]] if appraised else [])],
                     row_height([(s["name"], 70)], 15), wrapped)


SCORED_BY = {"self": "tự đánh giá", "appraised": "thẩm định"}  # which scores a criterion's row counts

EDITED_MAX = "Mục bị sửa điểm tối đa"


def edited_max(r) -> str | None:
    """Which criteria a unit's workbook gives another max than the official set, part by part (codes
    restart in every part): "I: I, 3, 3.5; II: 2". Who edited the official max points, read along
    the unit's row (each is also in "Chi tiết lỗi")."""
    by_part: dict[str, list[str]] = {}
    for f in r.findings:
        if f["code"] == "max-changed":
            by_part.setdefault(f["part"], []).append(f["criterion"])
    return "; ".join(f"{part}: {', '.join(codes)}" if part else ", ".join(codes)
                     for part, codes in by_part.items()) or None


class _Layout:
    """The summary sheet's columns that depend on the batch: a percent column, one per area (in the
    order workbooks bring them), the appraisal's two, the edited max points'. ``version`` changes
    with them."""

    def __init__(self):
        self.has_percent = self.has_appraisal = self.has_edited_max = False
        self.areas: dict[str, None] = {}
        self.version = 0

    def add(self, r) -> None:
        edited = not self.has_edited_max and any(f["code"] == "max-changed" for f in r.findings)
        appraised = r.appraised is not None or bool(r.appraisal_left)
        if (r.percent is not None and not self.has_percent) or (appraised and not self.has_appraisal) \
                or any(key not in self.areas for key in r.areas) or edited:
            self.has_percent = self.has_percent or r.percent is not None
            self.has_appraisal = self.has_appraisal or appraised
            self.has_edited_max = self.has_edited_max or edited
            self.areas.update(dict.fromkeys(r.areas))
            self.version += 1


def write_summary(outcome, output) -> Path:
    """The whole summary at once, from a finished BulkOutcome."""
    writer = SummaryWriter(output, [r.path for r in outcome.records])
    for record in outcome.records:
        writer.add(record)
    return writer.finish(outcome)
