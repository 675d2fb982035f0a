"""`cchc-xl report`: the Word report the Chairman signs, from the workbook.

docxtpl fills a .docx designed in Word (docx_templates/), so a province can
restyle it without touching code. A workbook with errors is refused: a report
that cannot be signed must not be produced silently (``force`` overrides).
"""
from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CchcError, ReportRefused, UnreadableWorkbook, os_reason
from ..model import Assessment
from ..read import read_workbook
from ..read.files import named
from ..read.package import INFLATE_DAMAGE, vet_word_file
from ..rules import ERROR, check_assessment
from ..rules.catalogue import fact_address
from ..rules.documents import report_date_outside_period
from ..console import printable
from ..text import column_letter, web_address, xml_text
from .context import NO_BREAK_SPACE, printed_signer_title, report_context


@dataclass
class SignRequest:
    """Sign the PDF as the person with authority right after rendering (``report --sign``)."""

    keys: object  # cchc_xl.sign.keys.KeySource
    tsa: str | None = None
    long_term: bool = False


@dataclass
class ReportOutcome:
    docx: str
    pdf: str | None = None
    lines: list[str] = field(default_factory=list)
    signed_pdf: str | None = None
    blanks: list[str] = field(default_factory=list)  # facts the workbook does not state, left blank
    left_off: list[str] = field(default_factory=list)  # why a fact typed is left off (no such day, a body gone)
    # what the report's table prints that is to be looked at before it is signed: full points explained as
    # not done, deductions with their explanation column blank, links to a file on the officer's computer
    table_notes: list[str] = field(default_factory=list)


# what a report cannot do without, and leaves blank ("Xã ……", "Số:      /BC-UBND") when the
# workbook does not say it: the officer is told, not left to find the gaps on paper
NEEDED_FACTS = ("unit", "period", "doc_number", "report_date", "signer")


REPORT_MARK = "cchc-xl:bao-cao"  # core property "identifier": this .docx was made by cchc-xl


def render_report(assessment: Assessment, output, template=None, signature_image=None, seal_image=None,
                  decimal: str = "comma", open_findings: list[str] | None = None, said: list[str] | None = None
                  ) -> Path:
    """Fill the template for one assessment and write the .docx (atomically).

    ``open_findings``: a draft (--force): "DỰ THẢO" on every page and this list at the end.
    ``said``: what the officer should know about the template is appended to it (a picture it has no
    place for).
    """
    import io

    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    from ..resources import default_report_template
    from .stamp import compose_stamp

    from jinja2.exceptions import SecurityError, TemplateSyntaxError, UndefinedError

    custom = bool(template)
    template = Path(template) if template else default_report_template()
    if not template.is_file():
        raise CchcError(f"không tìm thấy mẫu báo cáo {template}")
    stamp = compose_stamp(signature_image, seal_image) if (signature_image or seal_image) else None
    try:
        vet_word_file(template)  # a custom template is read whole by python-docx: no zip bomb
        doc = DocxTemplate(str(template))
        context = report_context(assessment, decimal, reviewing_body=_reviewing_body())
        # (the names a province's own template uses: what it has no place for is put where it shows)
        used = doc.get_undeclared_template_variables(_sandbox()) if custom else None
        if used is not None and "tail_rows" not in used:
            # a province's own template with no place for the rows kept with the signature block: every
            # criterion goes in "rows" (the last one was left out of its report without a word)
            context["rows"], context["tail_rows"] = context["rows"] + context["tail_rows"], []
        if stamp is not None:
            context["stamp_image"] = InlineImage(doc, io.BytesIO(stamp[0]), width=Mm(stamp[1]))
            if used is not None and "stamp_image" not in used and said is not None:
                # (the picture was dropped without a word: the report went out unsigned)
                said.append(f"Chú ý: mẫu {template.name} không có chỗ cho ảnh chữ ký/con dấu (thẻ {{{{ stamp_image }}}} "
                            "trong khối chữ ký): ảnh chưa được đặt vào báo cáo.")
        if open_findings is not None:
            context["draft"] = True
            context["open_findings"] = open_findings
        context = _xml_safe(context)  # once, for the text and the document properties
        # a template is a file provinces send round: rendered in Jinja's sandbox, its tags read the
        # report's values and never reach Python ({{ ''.__class__.__mro__[1].__subclasses__() }} and
        # on to subprocess.Popen ran in the officer's name)
        # (StrictUndefined: a tag naming what the report has not, "{{ unti }}", is said, not left blank
        # in the document the chairman signs)
        doc.render(context, jinja_env=_sandbox(), autoescape=True)
        if open_findings is not None and used is not None and "draft" not in used:
            _mark_draft(doc.docx, context["open_findings"])
        _merge_shared_explanations(doc.docx, assessment, context["rows"])
        _link_explanations(doc.docx, assessment)
        _set_properties(doc.docx, assessment, context)
    except CchcError as exc:
        if isinstance(exc, UnreadableWorkbook):  # from vet_word_file: the template's name, then why
            raise CchcError(f"mẫu báo cáo {template.name} không dùng được: {exc}") from None
        raise
    except INFLATE_DAMAGE:
        raise CchcError(f"mẫu báo cáo {template.name} bị hỏng hoặc chưa tải về hết (không giải nén được)") from None
    except SecurityError:
        raise CchcError(f"mẫu báo cáo {template.name} có thẻ đòi truy cập vào bên trong chương trình, không phải số liệu "
                        "của báo cáo (nghi là mẫu độc hại): đã từ chối, chưa ghi gì") from None
    except UndefinedError as exc:  # a tag's name the report data does not have (a typo, another program's tag)
        raise CchcError(f"mẫu báo cáo {template.name} có thẻ dùng tên không có trong số liệu báo cáo ({exc.message}); "
                        f"các tên dùng được: {_names_of(context)}") from None
    except TemplateSyntaxError as exc:
        raise CchcError(f"mẫu báo cáo {template.name} có thẻ viết sai cú pháp docxtpl/jinja2 ({exc.message}); hãy sửa "
                        "thẻ trong Word rồi chạy lại") from None
    except Exception as exc:  # a broken/foreign template: say which and why
        raise CchcError(f"mẫu báo cáo {template.name} không dùng được ({type(exc).__name__}: {exc})") from None
    from ..write.atomic import write_atomically

    return write_atomically(output, doc.save, ".docx")


def _template_in_settings() -> Path | None:
    """The province's own report template named in cai_dat.json ("report_template"): the Excel button,
    `report` and `bulk --reports` use it when no --template is given (the button had no way to)."""
    from ..settings import setting, settings_file

    configured = setting(None, "report_template")
    if not configured:
        return None
    path = Path(str(configured))
    if not path.is_file():
        raise CchcError(f"không tìm thấy mẫu báo cáo {path} (ghi ở “report_template” trong {settings_file()}); hãy sửa "
                        "đường dẫn hoặc xóa dòng đó — chưa ghi gì")
    return path


def _reviewing_body() -> str | None:
    """The body that reviews the communes ("reviewing_body" in cai_dat.json: the province's Sở Nội vụ
    since 2025, a district's Phòng Nội vụ before), for the default recipients."""
    from ..settings import setting

    configured = " ".join(str(setting(None, "reviewing_body") or "").split())
    return configured or None


def _mark_draft(document, open_findings: list[str]) -> None:
    """A --force report from a province's own template that says nothing of drafts: "DỰ THẢO" at the top
    of every page and the errors still open at the end, as the default template prints them (it went
    out looking final, nobody told it was a draft)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    mark = (f'<w:p {nsdecls("w")}><w:pPr><w:jc w:val="right"/></w:pPr><w:r><w:rPr><w:b/></w:rPr>'
            '<w:t>DỰ THẢO</w:t></w:r></w:p>')
    headers = [rel.target_part for rel in document.part.rels.values() if rel.reltype == RT.HEADER]
    if not headers:  # a template with no header at all: one, on every page
        section = document.sections[0]
        section.header.is_linked_to_previous = False
        headers = [rel.target_part for rel in document.part.rels.values() if rel.reltype == RT.HEADER]
    # (docxtpl puts the rendered headers in parts of its own: they are reached through the relationships)
    for part in headers:
        part.element.insert(0, parse_xml(mark))
    document.add_paragraph().add_run("CÁC LỖI CHƯA SỬA (BẢN DỰ THẢO, KHÔNG TRÌNH KÝ)").bold = True
    for item in open_findings:
        document.add_paragraph(f"- {item}")


def _merge_shared_explanations(document, assessment: Assessment, rows: list[dict]) -> None:
    """One explanation merged down over a group's items in the sheet is one cell of the report too: its
    text once, in the cells of those rows merged (it was printed in full in each row). The table is
    found by its rows' STT, the column by the text; a province's own table laid out otherwise keeps
    the text in each row. (Worked on the table's XML: python-docx's cell lookups walk the whole table
    at each call.)"""
    shared = assessment.shared_explanations()
    if not shared or not rows:
        return
    index = {id(c): i for i, c in enumerate(c for c in assessment.criteria if c.code_ok)}
    spans = []
    for group in shared.values():
        places = sorted(index[id(c)] for c in group if id(c) in index)
        places = [i for i in places if i < len(rows)]  # (not the row kept with the signature block)
        if len(places) > 1 and places[-1] - places[0] == len(places) - 1:
            spans.append((places[0], places[-1]))
    if not spans:
        return
    found = _criteria_rows(document, [row["code"] for row in rows])
    if found is None:
        return
    trs, first = found
    for top, bottom in spans:
        text = " ".join(rows[top]["explanation"].split())
        cells = trs[first + top].tc_lst
        column = next((c for c, tc in enumerate(cells) if text and " ".join(_cell_text(tc).split()) == text), None)
        if column is None or any(len(trs[r].tc_lst) != len(cells) for r in range(first + top, first + bottom + 1)):
            continue
        for r in range(first + top + 1, first + bottom + 1):
            tc = trs[r].tc_lst[column]
            for block in list(tc.iter_block_items()):  # (emptied: the merge would join its copy of the text)
                tc.remove(block)
            tc.append(tc._new_p())
        cells[column].merge(trs[first + bottom].tc_lst[column])


LINK_LIMIT = 2000  # Word opens no longer address


def _link_explanations(document, assessment: Assessment) -> None:
    """An explanation cell linked to a document online (Insert → Link on "Kế hoạch số 17/KH-UBND") is
    linked in the report too, its text underlined: the signed PDF opens the evidence the text cites (the
    link was dropped without a word). A link to a file on the officer's computer (D:\\TLKC\\…) opens
    nothing for whoever receives the report: its text is printed alone (evidence-link-local says it, see
    table_notes). Each criterion's row is the one its place in the STT sequence gives, in the document's
    tables in order; the cell, the one its text starts."""
    typed = [i for i, crit in enumerate(c for c in assessment.criteria if c.code_ok) if "://" in (crit.explanation or "")]
    if not assessment.explanation_links and not typed:
        return
    from collections import Counter

    from docx.oxml.ns import qn

    printed = [(" ".join(str(_xml_safe(c.code_written or c.code)).split()), c) for c in assessment.criteria if c.code_ok]
    links = {}
    for i, (_, crit) in enumerate(printed):
        link = assessment.explanation_link(crit)
        if link is not None and web_address(link[0]) and len(link[0]) <= LINK_LIMIT:
            links[i] = (link[0], _lines(str(_xml_safe(link[1]))))
    if not links and not typed:
        return
    rows = [(" ".join(_cell_text(cells[0]).split()), cells) for tr in document.element.body.iter(qn("w:tr"))
            if len(cells := tr.findall(qn("w:tc"))) >= 2]
    # (by its STT alone, a lettered item's row was any "a)": 5.3.a took 3.4.a's link when their texts were alike)
    placed: dict[int, list] = {}
    for first, cells in rows:
        if len(placed) < len(printed) and first == printed[len(placed)][0]:
            placed[len(placed)] = [cells]
    if len(placed) < len(printed):  # a province's own template prints the rows otherwise: by an STT that is one item's
        counts = Counter(code for code, _ in printed)
        alone = {code: i for i, (code, _) in enumerate(printed) if counts[code] == 1}
        placed = {}
        for first, cells in rows:
            if first in alone:
                placed.setdefault(alone[first], []).append(cells)
    relate = {}
    style = _link_style(document)

    def relationship(address: str) -> str:
        if address not in relate:
            from docx.opc.constants import RELATIONSHIP_TYPE

            relate[address] = document.part.relate_to(address, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        return relate[address]

    for i, (address, lines) in links.items():
        for cells in placed.get(i, []):
            for tc in cells[1:]:
                if _link_cell(tc, lines, lambda a=address: relationship(a), style):
                    break
    for i in typed:  # "… tại https://drive.google.com/…" typed in the text: the address is linked where it stands
        for cells in placed.get(i, []):
            for tc in cells[1:]:
                _link_typed_addresses(tc, relationship, style)


# a web address typed in an explanation's text; the punctuation that ends a sentence after it is not its own
_TYPED_ADDRESS = re.compile(r"https?://[^\s<>\"“”]+", re.IGNORECASE)


def _typed_address(found: str) -> str:
    address = found.rstrip(".,;:!?'’")
    while address.endswith(")") and address.count(")") > address.count("("):  # "(xem https://…/view)."
        address = address[:-1].rstrip(".,;:!?'’")
    return address


def _link_typed_addresses(tc, relationship, style: str, most: int = 50) -> None:
    """Each web address typed in the cell's text (at most ``most``), not in a link already, made a link to
    itself: its run split around it, the text, its order and its look otherwise unchanged."""
    for _ in range(most):
        if not _link_first_typed_address(tc, relationship, style):
            return


def _link_first_typed_address(tc, relationship, style: str) -> bool:
    import copy

    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    t_tag, link_tag, rpr_tag = qn("w:t"), qn("w:hyperlink"), qn("w:rPr")
    for run in tc.iter(qn("w:r")):
        if run.getparent().tag == link_tag:
            continue
        nodes = [node for node in run if node.tag != rpr_tag]
        for at, node in enumerate(nodes):
            typed = ((m.start(), _typed_address(m.group())) for m in _TYPED_ADDRESS.finditer(node.text or "")) \
                if node.tag == t_tag else ()
            # (the first address a link can hold: one longer than Word opens is left as text)
            start, address = next(((at_, a) for at_, a in typed if web_address(a) and len(a) <= LINK_LIMIT), (0, ""))
            if not address:
                continue
            text = node.text
            end = start + len(address)
            parent, where = run.getparent(), run.getparent().index(run)
            parent.remove(run)
            # the run's nodes and text before the address | the address | the text and nodes after it
            for part, linked in ((nodes[:at] + [text[:start]], False), ([address], True),
                                 ([text[end:]] + nodes[at + 1:], False)):
                piece = OxmlElement("w:r")
                if run.rPr is not None:
                    piece.append(copy.deepcopy(run.rPr))
                for item in part:
                    if isinstance(item, str):
                        if item:
                            t = OxmlElement("w:t")
                            t.text = item
                            t.set(qn("xml:space"), "preserve")
                            piece.append(t)
                    else:
                        piece.append(item)
                if not any(child.tag != rpr_tag for child in piece):
                    continue
                if linked:
                    _linked_look(piece, style)
                    link = OxmlElement("w:hyperlink")
                    link.set(qn("r:id"), relationship(address))
                    link.append(piece)
                    piece = link
                parent.insert(where, piece)
                where += 1
            return True
    return False


def _linked_look(run, style: str) -> None:
    """A linked run's look: the link's character style (LibreOffice's PDF needs one), underlined, black."""
    from docx.shared import RGBColor
    from docx.text.run import Run

    run.get_or_add_rPr().style = style
    font = Run(run, None).font
    font.underline = True
    font.color.rgb = RGBColor(0, 0, 0)  # black, as ND 30 writes it (Word's Hyperlink style is blue)


def _link_style(document) -> str:
    """The id of the character style the linked runs take: the template's "Hyperlink", or one added.
    LibreOffice (7.4) puts a link into the PDF only when its runs carry a character style
    (tdf#146575): without one the signed PDF showed the underline and opened nothing."""
    from docx.enum.style import WD_STYLE_TYPE

    for style in document.styles:
        if style.type == WD_STYLE_TYPE.CHARACTER and style.name == "Hyperlink":
            return style.style_id
    style = document.styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    style.font.underline = True
    return style.style_id


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _link_cell(tc, lines: list[str], relationship, style: str) -> bool:
    """Make the cell's first lines, when they are ``lines``, a hyperlink (w:hyperlink around the runs
    that hold them, a run split at the line break where the explanation goes on with notes)."""
    import copy

    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    t, br, cr, tab, r_tag = qn("w:t"), qn("w:br"), qn("w:cr"), qn("w:tab"), qn("w:r")
    for p in tc.iter(qn("w:p")):
        nodes = [(run, node) for run in p if run.tag == r_tag for node in run if node.tag in (t, br, cr, tab)]
        if not "".join(node.text or "" for _, node in nodes if node.tag == t).strip():
            continue  # an empty paragraph above the text
        text, end = "", None
        for i, (_, node) in enumerate(nodes):
            text += (node.text or "") if node.tag == t else "\t" if node.tag == tab else "\n"
            at_break = i + 1 == len(nodes) or nodes[i + 1][1].tag in (br, cr)
            if node.tag == t and at_break and _lines(text) == lines:
                end = i + 1
                break
            if len(_lines(text)) > len(lines):
                break
        if end is None:
            return False
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), relationship())
        first = nodes[0][0]
        p.insert(p.index(first), link)
        taken = nodes[:end]
        for run in dict.fromkeys(run for run, _ in taken):
            mine = [node for r, node in taken if r is run]
            if len(mine) < sum(1 for node in run if node.tag in (t, br, cr, tab)):
                part = OxmlElement("w:r")  # the run goes on past the link: its first nodes, copied out
                if run.rPr is not None:
                    part.append(copy.deepcopy(run.rPr))
                for node in mine:
                    part.append(node)
                run = part
            link.append(run)
            _linked_look(run, style)
        return True
    return False


def _cell_text(tc) -> str:
    """A table cell's text as Word shows it: its paragraphs on lines of their own, with their breaks."""
    from docx.oxml.ns import qn

    t, br, cr, tab = qn("w:t"), qn("w:br"), qn("w:cr"), qn("w:tab")
    lines = []
    for p in tc.iter(qn("w:p")):
        lines.append("".join(node.text or "" if node.tag == t else "\t" if node.tag == tab else "\n"
                             for node in p.iter(t, br, cr, tab)))
    return "\n".join(lines)


def _criteria_rows(document, codes: list[str]):
    """(the table's rows, the row of the first criterion) where the rows go on with the criteria's STT in
    order, or None."""
    wanted = [code.strip() for code in codes]
    for table in document.tables:
        trs = table._tbl.tr_lst
        firsts = [_cell_text(tr.tc_lst[0]).strip() if tr.tc_lst else "" for tr in trs]
        for start in range(len(firsts) - len(wanted) + 1):
            if firsts[start:start + len(wanted)] == wanted:
                return trs, start
    return None


def _sandbox():
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


def _names_of(context: dict) -> str:
    """What a template's tags may name: "unit, …, date (day, month, year), rows[] (code, name, …)"."""
    names = []
    for key in sorted(context):
        value = context[key]
        if isinstance(value, list) and value and isinstance(value[0], dict):
            names.append(f"{key}[] ({', '.join(value[0])})")
        elif isinstance(value, dict):
            names.append(f"{key} ({', '.join(value)})")
        else:
            names.append(key)
    return ", ".join(names)


def is_our_report(path: Path) -> bool:
    """A .docx that cchc-xl rendered earlier (its core property identifier says so)."""
    from ..read.package import carries_mark

    return carries_mark(path, REPORT_MARK.encode())


def _xml_safe(value):
    """The context as python-docx can write it: what XML cannot hold (an ESC from a cell, typed
    as _x001B_ in the sheet XML) is dropped, instead of failing the report as if the template
    were broken."""
    if isinstance(value, str):
        return xml_text(value)
    if isinstance(value, dict):
        return {key: _xml_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_xml_safe(item) for item in value]
    return value


def _set_properties(document, assessment: Assessment, context: dict) -> None:
    """Title, author (the unit) and today's date instead of the template's own (``context``: as
    _xml_safe left it)."""

    core = document.core_properties
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0, tzinfo=None)
    title = f"Báo cáo chỉ số CCHC {context['period'].replace(NO_BREAK_SPACE, ' ')} - {context['unit']}"
    # python-docx refuses a property past 255 characters (a paragraph pasted into "Kỳ đánh giá", a
    # long file name): the report itself still says it all, the properties only name it
    core.title = _property(" ".join(title.split()).strip(" -"))
    core.author = core.last_modified_by = _property(context["unit"])
    core.created = core.modified = now
    core.identifier = REPORT_MARK
    # (a file name with bytes that are not UTF-8, from a Windows zip unpacked on Linux, as the
    # console shows it: XML cannot hold its lone surrogates)
    core.comments = _property("Lập bằng cchc-xl từ " + xml_text(printable(Path(assessment.source).name))) \
        if assessment.source else ""


def _property(text: str, limit: int = 255) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def find_soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in (r"C:\Program Files\LibreOffice\program\soffice.exe",
                      r"C:\Program Files (x86)\LibreOffice\program\soffice.exe"):
        if os.path.exists(candidate):
            return candidate
    return None


def convert_to_pdf(docx: Path, soffice: str | None = None, timeout: int = 240) -> Path:
    soffice = soffice or find_soffice()
    if soffice is None:
        raise CchcError("không tìm thấy LibreOffice (soffice) để chuyển sang PDF; hãy cài LibreOffice "
                        "hoặc mở tệp .docx bằng Word và chọn Lưu thành PDF")
    with tempfile.TemporaryDirectory(prefix="cchc-xl-lo-") as profile:
        # a private profile: works beside an open LibreOffice and leaves the user's settings alone
        # (whole paths: a file named "-bc.docx" in the current folder was taken for an option)
        docx = docx.absolute()
        cmd = [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--convert-to", "pdf",
               "--outdir", str(docx.parent), str(docx)]
        run_office(cmd, timeout)
    pdf = docx.with_suffix(".pdf")
    if not pdf.exists():
        raise CchcError("LibreOffice không tạo ra tệp PDF")
    return pdf


def run_office(cmd: list[str], timeout: int) -> None:
    """Run LibreOffice in its own process group: soffice starts soffice.bin, and on a timeout the
    whole group is killed, so no office process is left running."""
    import signal

    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=(os.name != "nt"))
    except OSError as exc:
        raise CchcError(f"không chạy được LibreOffice ({os_reason(exc)})") from None
    try:
        code = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        if os.name != "nt":
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        else:  # pragma: no cover - Windows: the tree goes with taskkill
            subprocess.run(["taskkill", "/F", "/T", "/PID", str(proc.pid)], capture_output=True)
        proc.wait()
        raise CchcError(f"LibreOffice không chuyển xong sang PDF trong {timeout} giây; đã dừng LibreOffice") from None
    if code != 0:
        raise CchcError(f"LibreOffice không chuyển được sang PDF (mã thoát {code})")


def _refuse_undated(assessment: Assessment) -> None:
    """A report signed digitally has its date typed: none can be written in by hand after. No date,
    or one the report leaves blank (no such day, before the period), refuses the signing, before
    anything is written."""
    typed = assessment.meta.get("report_date")  # (a date, or as typed when it is no day: read_meta parsed it)
    date = typed if isinstance(typed, dt.date) else None
    if date is not None and not report_date_outside_period(assessment.meta):
        return
    cell = fact_address(assessment, "report_date")
    if cell is None:  # nothing typed
        where = " (cạnh nhãn “Ngày báo cáo:” phía trên bảng)"
    elif date is not None:
        where = f" (ô {cell}: {date:%d/%m/%Y} {report_date_outside_period(assessment.meta)})"
    else:
        where = f" (ô {cell}: “{typed}” không phải ngày có thật)"
    raise CchcError(f"không ký số báo cáo để trống dòng ngày tháng: ngày trên văn bản ký số không ghi tay thêm được. "
                    f"Hãy ghi “Ngày báo cáo” đúng trong sổ tính{where} rồi ký — chưa ghi gì.")


def blank_facts(assessment: Assessment) -> list[str]:
    from ..read.labels import META_LABELS

    return [META_LABELS[key] for key in NEEDED_FACTS if not str(assessment.meta.get(key) or "").strip()]


def default_output(workbook: Path) -> Path:
    """Next to the workbook; never over a report the officer may have edited by hand."""
    candidate = workbook.with_name(f"{workbook.stem}_bao_cao.docx")
    number = 2
    while candidate.exists():
        candidate = workbook.with_name(f"{workbook.stem}_bao_cao ({number}).docx")
        number += 1
    return candidate


def table_notes(findings, self_column: str | None = None) -> list[str]:
    """The lines of the report's table the Chairman would sign as they are: full points whose explanation
    says the task was not done, survey points the commune typed itself, explanations linked to a file only
    the officer's computer opens, explanations that are Excel errors (printed blank), rows hidden in Excel
    (printed all the same) (each); deductions whose "Nội dung giải trình" is blank, items not scored
    (printed blank, left out of the total) and parents whose typed score the report does not print (it
    prints their children's sum: the workbook sent with it says otherwise) (counted). ``self_column``: the
    letter of the self-score column, whose sums the report prints (not the appraisal's)."""
    notes = [f"Chú ý, ô {f.cell}: {f.message}" for f in findings
             if f.code in ("explanation-says-not-done", "survey-self-scored", "evidence-link-local", "explanation-error",
                           "hidden-row")]

    def counted(code: str, text: str, advice: str, only=lambda f: True) -> None:
        cells = [f.cell for f in findings if f.code == code and f.cell and only(f)]
        if cells:
            shown = list(dict.fromkeys(cells))  # (a blank explanation merged over several items: its cell once)
            listed = ", ".join(shown[:5]) + (f" và {len(shown) - 5} ô khác" if len(shown) > 5 else "")
            notes.append(f"Chú ý: {len(cells)} {text} (ô {listed}): {advice}")

    counted("missing-explanation", "mục bị trừ điểm chưa có nội dung giải trình", "cột “Nội dung giải trình” của "
            "báo cáo để trống ở các mục đó; hãy ghi lý do vào sổ tính rồi lập lại.")
    counted("unscored", "mục chưa chấm điểm tự đánh giá", "báo cáo để trống điểm các mục đó và không tính chúng vào "
            "tổng; hãy chấm điểm trong sổ tính rồi lập lại.")
    if self_column:
        counted("self-sum-mismatch", "ô điểm mục cha hay dòng Tổng ghi khác tổng các mục con",
                "báo cáo in tổng các mục con, khác số ghi trong sổ tính; hãy chấm các mục con còn trống (nếu có) "
                "rồi bấm “Tính lại” (hay chạy cchc-xl recalc) để sổ tính khớp với báo cáo, rồi lập lại.",
                lambda f: f.cell.rstrip("0123456789") == self_column)
    return notes


def render_report_file(path, output=None, template=None, pdf=False, signature_image=None, seal_image=None,
                       decimal: str = "comma", force: bool = False, sign: SignRequest | None = None,
                       overwrite: bool = False, columns: dict[str, int] | None = None,
                       sheet: str | None = None, against=None) -> ReportOutcome:
    """Read, check, and render one workbook. ``pdf``: True, False or "auto" (when LibreOffice is there)."""
    path = Path(path)
    with named(path):
        assessment = read_workbook(path, columns=columns, sheet=sheet)
    from ..criteria_sets.recognise import annotate

    annotate(assessment, against)
    return render_assessment_report(assessment, Path(output) if output else default_output(path), template, pdf,
                                    signature_image, seal_image, decimal, force, sign, overwrite)


def render_assessment_report(assessment, output: Path, template=None, pdf=False, signature_image=None,
                             seal_image=None, decimal="comma", force=False, sign: SignRequest | None = None,
                             overwrite: bool = False, sign_ready: bool = False,
                             not_ours_hint: str = "hãy chọn tên khác hoặc thêm --overwrite") -> ReportOutcome:
    """``sign_ready``: the caller signs the PDF afterwards (the Excel button with a token): refused
    with errors like ``sign``, and the handwriting stays off the page for the digital signature.
    ``not_ours_hint``: what to do when ``output`` is a file cchc-xl did not write (bulk has no
    --overwrite for reports)."""
    findings = check_assessment(assessment)
    errors = [f for f in findings if f.severity == ERROR]
    lines = []
    if sign is not None or sign_ready:
        if errors:  # a signed draft must not exist, --force or not
            raise ReportRefused(f"sổ tính còn {len(errors)} lỗi: không ký số báo cáo chưa hoàn chỉnh "
                                "(kể cả với --force). Hãy sửa lỗi rồi ký.")
        if not assessment.meta.get("signer"):
            raise CchcError("sổ tính chưa ghi “Người ký”: cần họ tên người ký để đặt chữ ký số")
        _refuse_undated(assessment)
        # the handwriting goes into the digital signature's appearance, not onto the page
        sign_image, signature_image, seal_image = signature_image, None, None
    if errors and not force:
        # (a finding about the whole workbook has no cell; each message ends its own sentence)
        listing = "; ".join(f"{f'ô {f.cell} ' if f.cell else ''}({f.code}): {f.message.rstrip('.')}" for f in errors[:10])
        more = f" … và {len(errors) - 10} lỗi khác" if len(errors) > 10 else ""
        raise ReportRefused(f"sổ tính còn {len(errors)} lỗi nên chưa lập báo cáo để ký: {listing}{more}. "
                            "Hãy sửa lỗi (hoặc dùng --force nếu vẫn cần bản nháp).")
    open_findings = None
    if errors:
        lines.append(f"Chú ý: sổ tính còn {len(errors)} lỗi; báo cáo được lập theo yêu cầu --force, ghi "
                     "“DỰ THẢO” trên mọi trang, cần sửa trước khi trình ký.")
        open_findings = [f"Ô {f.cell} ({f.code}): {f.message}" for f in findings if f.severity == ERROR]
    if output.suffix.lower() != ".docx":
        raise CchcError("tệp báo cáo phải có đuôi .docx")
    if output.is_dir():
        raise CchcError(f"-o {output} là một thư mục; hãy ghi tên tệp, ví dụ {output / 'bao_cao.docx'}")
    if output.exists() and not overwrite and not is_our_report(output):
        raise CchcError(f"tệp {output} đã có và không phải báo cáo do cchc-xl lập; {not_ours_hint} — chưa ghi gì.")
    template = template or _template_in_settings()
    docx = render_report(assessment, output, template, signature_image, seal_image, decimal, open_findings, lines)
    lines.insert(0, f"Đã lập báo cáo {docx}")
    outcome = ReportOutcome(str(docx), lines=lines, blanks=blank_facts(assessment))
    if outcome.blanks:
        lines.insert(1, f"Còn để trống: {', '.join(outcome.blanks)} (sổ tính chưa ghi). Ghi vào sổ tính, "
                        f"cạnh nhãn “{outcome.blanks[0]}:” phía trên bảng, rồi lập lại; hoặc điền trong Word.")
    # a date typed that the report cannot print, a body above that no longer exists: left off, and why is said
    superior_cell = fact_address(assessment, "superior")
    outcome.left_off = [f"Chú ý, ô {f.cell}: {f.message}" for f in findings
                        if f.code in ("bad-report-date", "report-date-outside-period")
                        or (f.code in ("district-after-reform", "province-merged", "superior-is-agency")
                            and f.cell == superior_cell)]
    lines.extend(outcome.left_off)
    self_column = assessment.columns.get("self")
    outcome.table_notes = table_notes(findings, column_letter(self_column) if self_column is not None else None)
    lines.extend(outcome.table_notes)
    if pdf:
        soffice = find_soffice()
        if soffice is None and pdf == "auto":
            lines.append("Không có LibreOffice nên chưa chuyển sang PDF (mở .docx bằng Word để lưu PDF).")
        else:
            outcome.pdf = str(convert_to_pdf(docx, soffice))
            lines.append(f"Đã chuyển sang PDF: {outcome.pdf}")
    if sign is not None:
        if outcome.pdf is None:
            raise CchcError("cần bản PDF để ký số (cài LibreOffice)")
        from ..sign.sign import sign_pdf

        signed = sign_pdf(outcome.pdf, None, "nguoi-ky", sign.keys, signature_image=sign_image,
                          title=printed_signer_title(assessment.meta),
                          signer_name=str(assessment.meta["signer"]), tsa=sign.tsa, long_term=sign.long_term)
        outcome.signed_pdf = signed.output
        lines.extend(signed.lines)
    return outcome
