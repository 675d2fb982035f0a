"""`cchc-xl templates import`: read the official table as the province published it.

Inputs: an .xlsx, or the Word annex of the decision (.docx table). No self-score column is needed;
parts may come in any order (Hải Phòng puts the survey part first); merged cells are read as
blanks below their first row; rows without a code (scoring options such as "Kế hoạch ban hành
trong tháng 1 hàng năm: 0,2") are guidance of the criterion above, never criteria; "7,5" is 7.5.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from ..errors import CchcError, UnreadableWorkbook, missing_file
from ..read.codes import Code, WordNumbering, next_part, read_code, split_code_prefix
from ..read.grid import SheetGrid
from ..read.headers import MergeIndex, find_header, missing_message
from ..read.table import (header_lines, is_column_numbers, is_repeated_header,
                          is_signature_block, name_goes_on, next_criterion, numbered_in_names, opening_part,
                          tenth_sibling, total_ahead, total_kind)
from ..read.package import MEMBER_DAMAGE, vet_word_file
from ..text import NotANumber, clean_text, fold, parse_score
from .schema import CriteriaSet, InvalidSet, SetCriterion, guess_kind
from .store import OFFICIAL_TABLE_SUFFIXES, set_id_from

NEEDED = ("code", "max")


def _docx_grids(path: Path) -> list[tuple[SheetGrid, int]]:
    """Every table of a .docx as a grid: a horizontally merged cell fills its first column, a
    vertically merged continuation is blank (as a spreadsheet shows it). Each with how many of its
    first rows are the paragraphs above the table (its title), one cell each."""
    from docx import Document
    from docx.oxml.ns import qn
    from lxml.etree import XMLSyntaxError

    try:
        vet_word_file(path)  # python-docx reads every part whole: no zip bomb gets that far
        doc = Document(str(path))
    except UnreadableWorkbook as exc:
        raise CchcError(f"{path.name}: {exc}") from None
    except MEMBER_DAMAGE:
        raise CchcError(f"{path.name}: tệp Word bị hỏng hoặc chưa tải về hết (không giải nén được)") from None
    except (KeyError, ValueError, XMLSyntaxError) as exc:  # a zip, but not a Word document
        raise CchcError(f"không đọc được {path.name} như tệp Word (.docx) ({type(exc).__name__})") from None
    grids = []
    paragraphs: list[list] = []  # the text above a table (its title, the decision) rides along as rows
    tables = iter(doc.tables)
    number = 0
    for element in doc.element.body.iterchildren():
        if element.tag == qn("w:p"):
            text = _Para(element).text.strip()
            if text:
                paragraphs.append([text])
            continue
        if element.tag != qn("w:tbl"):
            continue
        table = next(tables)
        number += 1
        rows = paragraphs[-5:]
        lead = len(rows)
        paragraphs = []
        for tr in table._tbl.tr_lst:
            line = []
            for tc in tr.tc_lst:
                tc_pr = tc.tcPr
                span = 1
                continued = False
                if tc_pr is not None:
                    grid_span = tc_pr.find(qn("w:gridSpan"))
                    if grid_span is not None:
                        span = int(grid_span.get(qn("w:val"), "1"))
                    v_merge = tc_pr.find(qn("w:vMerge"))
                    continued = v_merge is not None and v_merge.get(qn("w:val"), "continue") == "continue"
                text = "" if continued else "\n".join(p.text for p in tc.iter(qn("w:p")) for p in [_Para(p)])
                line.append(text.strip() or None)
                line.extend([None] * (span - 1))
            rows.append(line)
        grids.append((SheetGrid(f"Bảng {number}", rows), lead))
    # an annex typed in TCVN3/VNI (its runs in .VnTime…): its headers and names in Unicode
    from ..read.grid import WorkbookGrid
    from ..read.legacy import font_encoding, to_unicode

    fonts = (font_encoding(f.get(qn("w:ascii")) or f.get(qn("w:hAnsi")) or "") for f in doc.element.iter(qn("w:rFonts")))
    to_unicode(WorkbookGrid(str(path), [grid for grid, _ in grids], next((f for f in fonts if f), None)))
    return grids


class _Para:
    """The text of one w:p element (python-docx's Paragraph needs a parent we do not have), with its
    line breaks and tabs: "Điểm" Shift+Enter "tối đa" in a header cell read "Điểmtối đa", no column."""

    def __init__(self, p):
        from docx.oxml.ns import qn

        t, br, cr, tab, hyphen = qn("w:t"), qn("w:br"), qn("w:cr"), qn("w:tab"), qn("w:noBreakHyphen")
        pieces = []
        for run in p.iter(qn("w:r")):  # (the runs' own children: a w:tab in the paragraph's properties is a tab stop)
            for node in run:
                tag = node.tag
                if tag == t:
                    pieces.append(node.text or "")
                elif tag == tab:
                    pieces.append("\t")
                elif tag == hyphen:
                    pieces.append("-")
                elif tag in (br, cr):
                    pieces.append("\n")
        self.text = "".join(pieces)


def _grids(path: Path) -> list[tuple[SheetGrid, int | None]]:
    """The grids to look for the table in, each with its paragraph rows (Word) or None (a sheet)."""
    if path.suffix.lower() == ".docx":
        return _docx_grids(path)
    from ..read.files import read_grid
    from ..read.legacy import to_unicode

    grid = read_grid(str(path))
    to_unicode(grid)  # an annex typed in TCVN3/VNI: its headers and names in Unicode, as the set keeps them
    return [(sheet, None) for sheet in grid.sheets]


def _with_continuations(grids, index: int, header) -> SheetGrid:
    """A Word annex's table split in several (at a page break, one table per part, "(tiếp theo)"
    between them): the tables that follow with as many columns are the rest of it, their repeated
    header row (the same columns) skipped. It stops at the first table that is not, or that does
    not start with criteria. (Read alone, the first table lost the rest without a word when it ended
    with a part; or the sums said only that parents missed children.)"""
    first, _ = grids[index]
    rows = list(first.rows)
    width = max(map(len, first.rows[header.row:]), default=0)
    col_code = header.columns["code"]
    for grid, lead in grids[index + 1:]:
        body = grid.rows[lead:]
        if not body or max(map(len, body)) != width:
            break
        again, _ = find_header(SheetGrid(grid.name, body[:3]), NEEDED)
        if again is not None:
            if again.columns != header.columns:
                break
            body = body[again.row + 1:]
        elif not any(read_code(line[col_code]) is not None for line in body[:5] if col_code < len(line)):
            break
        rows.extend(body)
    return SheetGrid(first.name, rows, list(first.merged))


def _parts_on_later_sheets(later, first_name: str, criteria: list[SetCriterion], notes: list[str]
                           ) -> list[SetCriterion]:
    """The parts of an .xlsx annex typed on sheets of their own ("Phần I", "Phần II"): each later
    visible sheet whose table starts with a part the set does not have yet goes on after it, in
    sheet order. (Only the first sheet was read: the set lost the other parts without a word.) A
    sheet repeating a part already read (a copy, last year's table) or not starting with a part (a
    guidance sheet) is not the annex's."""
    joined: list[SetCriterion] = []
    parts = {c.part for c in criteria}
    for grid, _ in later:
        if grid.hidden:
            continue
        header, _ = find_header(grid, NEEDED)
        if header is None or _first_part(grid, header) in (None, *parts):
            continue
        more = _rows(grid, header, notes, grid.name)
        theirs = {c.part for c in more}
        if theirs & parts:  # its parts go on to one already read: not a part of its own
            continue
        if not joined:  # the rows of the first sheet are named by their sheet too: "hàng 5" is no longer clear
            for crit in criteria:
                crit.sheet_name = first_name
        joined.extend(more)
        parts |= theirs
    return joined


def _first_part(grid: SheetGrid, header) -> str | None:
    """The part the table below the header starts with, or None when its first code is not a part."""
    col_code, col_name = header.columns["code"], header.columns.get("name")
    in_names = numbered_in_names(grid.rows, header.row, col_code, col_name)
    for line in grid.rows[header.row + 1:]:
        if in_names:  # the code starts the name
            name = clean_text(line[col_name]) if col_name < len(line) else ""
            split = split_code_prefix(name) if name else None
            code = split[0] if split is not None else None
        else:
            code = read_code(line[col_code]) if col_code < len(line) else None
        if code is not None and code.kind != "bullet":
            return code.value if code.kind == "part" else None
    return None


def _number(value, where: str) -> object:
    try:
        return parse_score(value)
    except NotANumber:
        raise InvalidSet(f"{where}: điểm tối đa “{clean_text(value)}” không phải là số") from None


def import_table(path, set_id: str | None = None, title: str | None = None, level: str | None = None,
                 year: int | None = None, province: str = "", force: bool = False) -> CriteriaSet:
    """The official table → a CriteriaSet (validated; InvalidSet lists every problem unless force)."""
    path = Path(path)
    if not path.is_file():
        raise CchcError(missing_file(path, "bảng chính thức (.xlsx, .xls, .ods, .docx)"))
    if path.suffix.lower() not in OFFICIAL_TABLE_SUFFIXES:
        raise CchcError(f"{path.name}: bảng chính thức phải là tệp .xlsx, .xls, .ods hoặc .docx")
    grids = _grids(path)
    best: dict = {}
    for index, (sheet, lead) in enumerate(grids):
        header, partial = find_header(sheet, NEEDED)
        if header is not None:
            break
        if len(partial.get("roles", {})) > len(best.get("roles", {})):
            best = {**partial, "sheet": sheet.name}
    else:
        raise CchcError(missing_message(best, NEEDED))
    if lead is not None:  # a Word table continued in the tables after it
        sheet = _with_continuations(grids, index, header)
    notes: list[str] = []  # what the table left to be inferred: said, and not saved without --force
    criteria = _rows(sheet, header, notes)
    if lead is None:  # a workbook annex with its parts on sheets of their own
        criteria.extend(_parts_on_later_sheets(grids[index + 1:], sheet.name, criteria, notes))
    heading = [clean_text(v) for line in sheet.rows[: header.row] for v in line if isinstance(v, str)]
    criteria_set = CriteriaSet(
        id=set_id or set_id_from(path.stem), title=title or (heading[0] if heading else path.stem), criteria=criteria,
        province=province, level=level or _level(" ".join(heading)), year=year or _year(" ".join(heading)),
        source=path.name, origin=str(path), decision=_decision(" ".join(heading)), notes=notes)
    _parent_maxes(criteria_set)
    problems = notes + criteria_set.problems()
    if problems and not force:
        raise InvalidSet(f"bảng {path.name} chưa hợp lệ nên chưa lưu ({len(problems)} vấn đề): " + "; ".join(problems)
                         + ". Sửa bảng rồi nhập lại, hoặc dùng --force để vẫn lưu.")
    return criteria_set


def _parent_maxes(criteria_set: CriteriaSet) -> None:
    """A part or parent row with no max of its own (a heading merged across the row, "II | ĐÁNH GIÁ TÁC
    ĐỘNG CỦA CCHC") takes the sum of its children's, as a workbook's parent does: the annex was
    refused as "mục II … chưa có điểm tối đa". Children first (they come after their parent)."""
    for crit in reversed(criteria_set.criteria):
        if crit.max is None and crit.kind != "penalty":
            kids = [k for k in criteria_set.children(crit) if k.kind != "penalty"]
            if kids and all(k.max is not None for k in kids):
                total = sum((k.max for k in kids), Decimal(0))  # 74, as typed maxes read, not 74.0
                crit.max = total.quantize(Decimal(1)) if total == total.to_integral_value() else total.normalize()


def _rows(sheet: SheetGrid, header, notes: list[str], sheet_name: str = "") -> list[SetCriterion]:
    """``notes``: gets what had to be inferred; ``sheet_name``: said in messages, for a set read from
    several sheets."""
    columns = header.columns
    merged = MergeIndex(sheet.merged, sheet.height, max(columns.values()) + 1)
    col_code, col_name, col_max = columns["code"], columns.get("name"), columns["max"]
    col_guidance, col_evidence = columns.get("guidance"), columns.get("evidence")
    criteria: list[SetCriterion] = []
    part = ""
    last: SetCriterion | None = None
    last_number: SetCriterion | None = None  # the latest numbered criterion: the parent of lettered items
    words = WordNumbering()  # "Tiêu chí 1" then "Chỉ tiêu 1": 1.1, as the reader numbers them
    criterion_ahead = -1  # the next criterion row below the latest "Tổng" row (sheet.height: none)
    width = max(columns.values()) + 1
    core_columns = list(dict.fromkeys(col for col in (col_code, col_name, col_max) if col is not None))
    repeated = header_lines(sheet.rows, header.row)
    codes_in_names = numbered_in_names(sheet.rows, header.row, col_code, col_name)
    last_line = -1  # the row the latest criterion's name ends on
    for r in range(header.row + 1, sheet.height):
        line = sheet.rows[r]
        if len(line) < width:
            line = list(line) + [None] * (width - len(line))
        # not criteria, as the reader skips them: the column numbers under the header ("(1) | (2) | (3)"
        # made "hàng 3: điểm tối đa “(3)” không phải là số"; "1 | 2 | 3" a criterion "1" worth 3
        # points), and the header repeated where the table goes on
        if is_column_numbers(line, col_name if col_name != col_code else None) or is_repeated_header(line, core_columns, repeated):
            continue

        def cell(col):
            if col is None:
                return None
            value = sheet.value(r, col)
            return None if (r, col) in merged else value  # below a merge's first row: blank

        name = clean_text(cell(col_name)) if col_name is not None else ""
        if codes_in_names and (col_code == col_name or cell(col_code) in (None, "")):
            split = split_code_prefix(name) if name else None
            code, name = (split[0], split[2]) if split is not None else (None, name)
        else:
            raw = cell(col_code)
            code = read_code(raw)
            if raw.__class__ is float and code is not None and last is not None and not last.is_part:
                tenth = tenth_sibling(code.value, last.code)  # "1.10" that Excel stored as 1.1
                if tenth is not None:
                    code = Code("number", tenth)
        if code is not None and code.word:
            code = words.place(code)
        guidance = clean_text(cell(col_guidance)) if col_guidance is not None else ""
        evidence = clean_text(cell(col_evidence)) if col_evidence is not None else ""
        if code is None or code.kind == "bullet":
            kind = total_kind(name)
            if kind == "subtotal":  # "Tổng phần I"
                continue
            # the total row, or with none, the signature block ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"…, as the
            # reader ends a table there): nothing below it is a criterion, nor guidance of the last one; a
            # row like them with no points and the total below ("Tổng kết năm 2022", "Chủ tịch UBND xã") is
            # guidance
            if last is not None and (kind == "total" or (code is None and is_signature_block(line))) and not (
                    cell(col_max) in (None, "") and total_ahead(sheet.rows, r, (col_code, col_name))):
                if r >= criterion_ahead:  # one scan for a run of such rows
                    ahead = next_criterion(sheet.rows, r, col_code, col_name, col_max, codes_in_names)
                    criterion_ahead = sheet.height if ahead is None else ahead
                if criterion_ahead >= sheet.height:
                    break
            if last is not None and r == last_line + 1 and cell(col_max) in (None, "") and name_goes_on(last.name, name):
                last.name = f"{last.name} {name}"  # the name wrapped onto this row (see name_goes_on)
                last.guidance = "\n".join(t for t in (last.guidance, guidance) if t)
                last_line = r
                continue
            text = " ".join(t for t in (name, guidance) if t)
            if last is not None and text:  # a scoring option or a note: guidance of the criterion above
                last.guidance = "\n".join(t for t in (last.guidance, text) if t)
            continue
        if code.kind == "letter" and last is None:
            code = opening_part(code)  # "i" opening the table: part I, as the reader reads it
            if code is None:
                continue
        value = code.value
        if code.kind == "part":
            part = value
        elif code.kind == "letter":
            # b) after a) is a sibling under the numbered criterion above, not a) 's child ("1.1.a.b":
            # a table lettering its items was refused, the parent's max "not the sum of its items")
            if last.is_part or last_number is None:
                continue
            value = f"{last_number.code}.{value}"
        if not part:
            part = "I"
        where = f"trang “{sheet_name}”, hàng {r + 1}" if sheet_name else f"hàng {r + 1}"
        maximum = _number(cell(col_max), where)
        crit = SetCriterion(part=part, code=value if code.kind != "part" else part, name=name, max=maximum,
                            guidance=guidance, evidence=evidence, row=r + 1, sheet_name=sheet_name)
        criteria.append(crit)
        last = crit
        last_line = r
        if code.kind == "number" and not crit.code[-1:].isalpha():
            last_number = crit
        elif code.kind == "part":
            last_number = None
            words.new_part()
    criteria = _inferred_parts(criteria, notes)
    for crit in criteria:  # (by the whole name: one wrapped onto the next row, "(qua điều tra XHH)" below, was scored)
        crit.kind = guess_kind(crit.name, crit.is_part)
    _inherit_kinds(criteria)
    return criteria


def _inferred_parts(criteria: list[SetCriterion], notes: list[str]) -> list[SetCriterion]:
    """The numbering starting again at 1 with no part row above it is the next part, as the reader reads
    a workbook (read.table.build_tree): II.1, II.2, where the annex said "mục I.1 xuất hiện hai lần" and
    "mục I: điểm tối đa 74 khác tổng các mục con 100". The part gets the sum of its items' points and a
    name for what it is; the note asks for its row (the name a report prints), so it is saved only with
    --force."""
    typed = {c.part for c in criteria if c.is_part}
    lettered = next((c.code == "A" for c in criteria if c.is_part and c.code.isalpha()), False)
    out: list[SetCriterion] = []
    now: str | None = None  # the part inferred, while no part row follows
    areas: set[str] = set()  # the part's items at its first level
    for crit in criteria:
        if crit.is_part:
            now, areas = None, set()
        else:
            if now is not None:
                crit.part = now
            if crit.depth == 1:
                following = next_part(crit.part, lettered) if crit.code == "1" and "1" in areas and len(areas) > 1 else None
                if following is not None and following not in typed:
                    now, areas = following, set()
                    typed.add(following)
                    crit.part = following
                    out.append(SetCriterion(part=following, code=following, name=f"Phần {following}", max=None,
                                            row=crit.row, sheet_name=crit.sheet_name))
                    where = (f"trang “{crit.sheet_name}”, " if crit.sheet_name else "") + f"hàng {crit.row}"
                    notes.append(f"{where}: STT bắt đầu lại từ 1 mà phía trên không có dòng phần, nên đã đọc từ hàng "
                                 f"này là phần {following}; hãy thêm dòng “{following}” (tên phần, điểm tối đa) phía trên")
                areas.add(crit.code)
        out.append(crit)
    return out


def _inherit_kinds(criteria: list[SetCriterion]) -> None:
    """A survey, bonus or penalty part or criterion makes everything below it of its kind."""
    by_key = {c.key: c for c in criteria}
    for crit in criteria:
        if not crit.is_part:
            parent_key = crit.part if "." not in crit.code else f"{crit.part}.{crit.code.rsplit('.', 1)[0]}"
            parent = by_key.get(parent_key)
            if parent is not None and parent.kind != "scored" and crit.kind == "scored":
                crit.kind = parent.kind
        if crit.kind == "penalty" and crit.min is None and crit.max is not None:
            # "Điểm trừ … 2" (or "-2"): scores go from -2 to 0
            crit.min, crit.max = -abs(crit.max), type(crit.max)(0)


def _level(text: str) -> str:
    import re

    folded = fold(text)
    for word, level in (("xa", "xã"), ("phuong", "phường"), ("thi tran", "thị trấn"), ("dac khu", "đặc khu"),
                        ("huyen", "huyện"), ("so", "sở")):
        if re.search(rf"\b{word}\b", folded):
            return level
    return "xã"


def _decision(text: str) -> dict:
    import re

    match = re.search(r"[Qq]uyết định số\s+(\d+/[^\s,);]+)", text)
    return {"number": match.group(1)} if match else {}


def _year(text: str) -> int | None:
    import re

    years = [int(y) for y in re.findall(r"(?<!\d)(20\d\d)(?!\d)", text)]
    return max(years) if years else None
