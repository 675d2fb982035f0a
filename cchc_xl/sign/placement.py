"""Find the signature block on the rendered PDF page: the position title ("CHỦ TỊCH") and the
signer's name below it. Signatures are placed from these, never from fixed coordinates, so a
province's own template, other fonts or a longer table still put them in the right place."""
from __future__ import annotations

import io
from dataclasses import dataclass

from ..errors import CchcError
from ..text import fold

MM = 72 / 25.4  # PDF points per millimetre


@dataclass
class Box:
    x0: float
    y0: float  # PDF coordinates: origin bottom left
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def as_tuple(self) -> tuple[int, int, int, int]:
        return round(self.x0), round(self.y0), round(self.x1), round(self.y1)


@dataclass
class SignatureBlock:
    page: int  # 0-based
    title: Box  # the line with the position ("CHỦ TỊCH")
    name: Box  # the signer's name
    page_width: float

    def signer_box(self, width_mm: float = 40) -> Box:
        """Between the title and the name, centred on them (ND 30: the signer's signature)."""
        centre = (self.name.x0 + self.name.x1 + self.title.x0 + self.title.x1) / 4
        half = width_mm * MM / 2
        return Box(centre - half, self.name.y1 + 2, centre + half, self.title.y0 - 2)

    def seal_box(self, seal_mm: float = 35) -> Box:
        """The organisation's seal, at its real size, over the left third of the signer's box."""
        signer = self.signer_box()
        right = signer.x0 + signer.width / 3
        size = seal_mm * MM
        centre_y = (signer.y0 + signer.y1) / 2
        return Box(right - size, centre_y - size / 2, right, centre_y + size / 2)

    def text_top(self) -> float:
        """The organisation's text starts under the signer's name (never over it)."""
        return self.name.y0 - 3


def attachment_box(page_width: float, page_height: float, width: float, height: float) -> Box:
    """ND 30: on an attachment, the organisation's signature sits top right of its first page."""
    right_margin, top_margin = 17 * MM, 10 * MM
    return Box(page_width - right_margin - width, page_height - top_margin - height, page_width - right_margin,
               page_height - top_margin)


def page_count(reader) -> int:
    return int(reader.root["/Pages"]["/Count"])


def page_object(reader, index: int):
    """The index-th page dictionary (walking the page tree)."""
    def walk(node):
        if node.get("/Type") == "/Pages":
            for kid in node["/Kids"]:
                yield from walk(kid.get_object())
        else:
            yield node

    for i, page in enumerate(walk(reader.root["/Pages"])):
        if i == index:
            return page
    raise CchcError(f"không có trang {index + 1}")


def untrusted_pdf():
    """pyHanko's bounds on decoding, tighter than its defaults: a report's page draws tens of KB, its
    fonts a few MB. The PDF to sign may have come from elsewhere (the chairman's, for the clerk)."""
    from pyhanko.pdf_utils.decode_limits import DecodeLimits, DocumentDecodeBudget, StreamDecodeLimits

    mib = 1024 * 1024
    return DecodeLimits(per_stream=StreamDecodeLimits(max_output_size=32 * mib),
                        document_budget=DocumentDecodeBudget(base_allowance=128 * mib, max_ratio=50))


MAX_PAGE_OBJECTS = 20_000  # objects a page's resources may reach (a report page: a few dozen)


def vet_page_streams(reader, page_index: int) -> None:
    """Decode, within pyHanko's bounds, every stream pdfminer reads to find a page's text (its
    contents, forms, fonts, their /ToUnicode maps) before pdfminer, which has no bounds, reads it:
    a 600 KB PDF whose page content inflates to 400 MB took pdfminer past 8 GB of memory. Pictures
    are left out: pdfminer does not decode them to read text."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.misc import PdfDecodeLimitError, PdfStreamError

    page = page_object(reader, page_index)
    resources = page.get("/Resources")
    node, depth = page, 0
    while resources is None and "/Parent" in node and depth < 64:  # inherited from the page tree (a
        node, depth = node["/Parent"], depth + 1                    # damaged one may loop: 64 levels)
        resources = node.get("/Resources")
    pending = [page.raw_get("/Contents") if "/Contents" in page else None, resources]
    seen: set = set()
    try:
        while pending:
            item = pending.pop()
            if isinstance(item, generic.IndirectObject):
                key = (item.idnum, item.generation)
                if key in seen:
                    continue
                seen.add(key)
                if len(seen) > MAX_PAGE_OBJECTS:
                    raise CchcError("trang ký của PDF trỏ tới quá nhiều đối tượng (nghi là tệp độc hại), đã từ chối")
                item = item.get_object()
            if isinstance(item, generic.StreamObject):
                if item.get("/Subtype") == "/Image":
                    continue
                try:
                    item.data  # noqa: B018  (decoded within the limits, or PdfDecodeLimitError)
                except PdfDecodeLimitError:
                    raise
                except (PdfStreamError, NotImplementedError):
                    pass  # a filter pyHanko lacks (LZW, RunLength) or a damaged stream: pdfminer's to judge
            if isinstance(item, dict):
                pending.extend(value for name, value in item.items() if name != "/Parent")
            elif isinstance(item, list):
                pending.extend(item)
    except PdfDecodeLimitError:
        raise CchcError("PDF có phần nội dung bung ra quá lớn khi giải nén (nghi là tệp độc hại), đã từ chối ký") from None


def _lines(pdf_path: str, page_index: int):
    """(text, box) of each line segment on a page, rebuilt from single characters: PDF writers
    place a Vietnamese letter's stacked marks as separate glyphs, which pdfminer's own line
    grouping splits off ("Nguy n" + "ễ"). Characters on one baseline form a segment until a gap
    wider than a few spaces (the two columns of the signature block stay apart)."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar

    def chars(item):
        if isinstance(item, LTChar):
            yield item
        elif hasattr(item, "__iter__"):
            for child in item:
                yield from chars(child)

    pages = list(extract_pages(pdf_path, page_numbers=[page_index], laparams=LAParams()))
    if not pages:
        return [], 0.0
    rows: dict[int, list] = {}
    for ch in chars(pages[0]):
        if ch.get_text().strip() or ch.get_text() == " ":
            rows.setdefault(round(ch.y0 / 3), []).append(ch)  # marks sit a little higher: a 3 pt band
    segments = []
    for row in rows.values():
        row.sort(key=lambda c: c.x0)
        current = [row[0]]
        for ch in row[1:]:
            if ch.x0 - max(c.x1 for c in current) > 4 * ch.size:
                segments.append(current)
                current = []
            current.append(ch)
        segments.append(current)
    lines = []
    for seg in segments:
        letters = sorted(seg, key=lambda c: (c.x0, -c.y0))
        text = "".join(c.get_text() for c in letters)
        box = Box(min(c.x0 for c in seg), min(c.y0 for c in seg), max(c.x1 for c in seg), max(c.y1 for c in seg))
        lines.append((text, box))
    return lines, pages[0].width


def _key(text: str) -> str:
    """Compare without case, marks or spaces: combining marks may come out of order."""
    return "".join(ch for ch in fold(text) if ch.isalnum())


# the titles a commune's report is signed under (ND 30/2020): the chair; a vice-chair signing for the
# chair ("KT. CHỦ TỊCH" above, his own title "PHÓ CHỦ TỊCH" over the name); an acting chair
SIGNER_TITLES = ("CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Q. CHỦ TỊCH")


def find_signature_block(pdf_path: str, pages: int, title: str | None, signer: str, reader=None) -> SignatureBlock:
    """The last page holding the title line with the signer's name below it. ``title`` None: any of
    SIGNER_TITLES, the nearest above the name (a vice-chair's report signed without --title was
    "không tìm thấy khối chữ ký"). ``signer`` "": the first line under the lowest title, across the
    room left for the signature (the clerk signing for the office need not type the chairman's name).
    ``reader``: the PDF as pyHanko opened it (within untrusted_pdf()'s limits), else it is opened here."""
    if reader is None:
        from pyhanko.pdf_utils.reader import PdfFileReader

        with open(pdf_path, "rb") as handle:
            reader = PdfFileReader(io.BytesIO(handle.read()), strict=False, decode_limits=untrusted_pdf())
    want_titles, want_name = {_key(t) for t in ((title,) if title else SIGNER_TITLES)}, _key(signer)
    known = want_titles | {_key(t) for t in SIGNER_TITLES}  # (a title line is never the name)
    for page_index in range(pages - 1, -1, -1):
        vet_page_streams(reader, page_index)
        lines, width = _lines(pdf_path, page_index)
        titles = [box for text, box in lines if _key(text) in want_titles]
        if want_name:
            names = [box for text, box in lines if _key(text) == want_name]
        else:  # the line under the lowest title, in its column (the recipients' column is on the left)
            lowest = min(titles, key=lambda t: t.y0, default=None)
            under = [box for text, box in lines if lowest is not None and box.y1 < lowest.y0 and _key(text)
                     and _key(text) not in known and abs((box.x0 + box.x1) / 2 - (lowest.x0 + lowest.x1) / 2) < 60]
            nearest = max(under, key=lambda box: box.y1, default=None)
            # across the room for the signature: a line right under the title is no name
            names = [nearest] if nearest is not None and lowest.y0 - nearest.y1 > 2 * lowest.height else []
        for name in names:
            above = [t for t in titles if t.y0 > name.y1 and abs((t.x0 + t.x1) / 2 - (name.x0 + name.x1) / 2) < 60]
            if above:
                return SignatureBlock(page_index, min(above, key=lambda t: t.y0 - name.y1), name, width)
    shown_titles = f"“{title}”" if title else " hoặc ".join(f"“{t}”" for t in SIGNER_TITLES)
    shown_name = f"tên “{signer}”" if signer else "tên người ký"
    raise CchcError(f"không tìm thấy khối chữ ký (dòng {shown_titles} và {shown_name} bên dưới) trong PDF; "
                    "hãy dùng --title/--signer cho đúng với báo cáo")
