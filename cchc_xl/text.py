"""Small text and number helpers shared by every layer (pure, no I/O).

Vietnamese is matched without diacritics because officers and OCR alike drop
them ("Diem toi da"), and numbers are parsed exactly (Decimal) because the
index is published to the tenth of a point.
"""
from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

_SPACES = re.compile(r"\s+")


# zero-width characters a text pasted from a web page carries ("\u200bSTT", "1.1\u200b", "Tổng\u200b"):
# invisible in a message, they made a header, a code or a total row differ from the same one typed
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
# Vietnamese marks after NFD (U+0300–U+036F) and đ/Đ (and the zero-width characters), removed by one
# str.translate in C; a text that still holds other non-ASCII characters takes the general path
# (every combining mark)
_MARKS = {code: None for code in range(0x300, 0x370)}
_MARKS.update({ord("đ"): "d", ord("Đ"): "D"})
_MARKS.update(ZERO_WIDTH)


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case, strip diacritics (đ → d), collapse whitespace and line breaks."""
    if not text.isascii():
        text = unicodedata.normalize("NFD", text).translate(_MARKS)
        if not text.isascii():  # curly quotes, dashes, other scripts: drop every combining mark
            text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", text.lower()).strip()


def clean_text(value) -> str:
    """Cell value as display text ('' for blanks); Unicode normalised to NFC. A date as Vietnamese
    documents write it, 22/06/2023 (an explanation typed "22/6/2023", which Excel keeps as a date,
    printed "2023-06-22" in the report, and "2023-06-22 00:00:00" through openpyxl)."""
    if value is None:
        return ""
    if value.__class__ is str:
        return clean_str(value)
    if isinstance(value, float):
        return format_decimal(to_decimal_from_float(value))
    if isinstance(value, (_dt.date, _dt.time)):
        return _date_text(value)
    return str(value).strip()


def _date_text(value) -> str:
    time = value.time() if isinstance(value, _dt.datetime) else value if isinstance(value, _dt.time) else None
    clock = "" if time is None or time == _dt.time(0) else time.strftime("%H:%M:%S" if time.second else "%H:%M")
    if isinstance(value, _dt.time):
        return clock or "00:00"
    day = f"{value.day:02d}/{value.month:02d}/{value.year}"  # (strftime's %Y is not zero-padded everywhere)
    return f"{day} {clock}" if clock else day


@lru_cache(maxsize=16384)  # criterion names repeat across a reviewer's hundreds of workbooks
def clean_str(value: str) -> str:
    """clean_text for a value known to be text (the parser's hot path calls it directly)."""
    if "\u200b" in value or "\ufeff" in value:  # pasted from a web page: "Tổng\u200b" is "Tổng"
        value = value.translate(ZERO_WIDTH)
    return unicodedata.normalize("NFC", value).strip()


@lru_cache(maxsize=4096)
def to_decimal_from_float(value: float) -> Decimal:
    # 15 significant digits is Excel's own precision: 0.30000000000000004 → 0.3
    return Decimal(format(value, ".15g"))


_NUMBER_TEXT = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
# "0,5 điểm", "1đ": the unit an officer types after the number (NFC or NFD, any case)
_POINTS_UNIT = re.compile(r"(?<=\d)\s*(?:điểm|đ)\.?$", re.IGNORECASE)


class NotANumber(ValueError):
    pass


_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


def period_key(period: str) -> tuple[str, str]:
    """The period a text states, as a key that spellings of one period share: "6 tháng đầu năm
    2023", "Sáu tháng đầu năm 2023", "6 THÁNG NĂM 2023" → ("2023", "6 thang dau"); "Năm 2023",
    "cả năm 2023" → ("2023", "nam"); "Quý II/2023", "quý 2 năm 2023" → ("2023", "quy 2"); "9 tháng năm
    2023", "chín tháng 2023" → ("2023", "9 thang"); its latest year when it names several. A text without a
    year is its folded self: ("", "ky i")."""
    folded = fold(period)
    years = _YEAR.findall(folded)
    if not years:
        return ("", folded)
    spanned = _dated_period(folded) if len(years) > 1 else None  # (two days, each with its year)
    if spanned is not None:
        return spanned
    year = max(years)
    if "6 thang" in folded or "sau thang" in folded or _SIX_MONTHS_SHORT.search(folded):
        return (year, "6 thang cuoi" if "cuoi" in folded else "6 thang dau")
    quarter = _QUARTER.search(folded)
    if quarter:  # "Quý II/2023", "quý II năm 2023", "quý 2 năm 2023": one quarter
        return (year, "quy " + _QUARTER_NUMBER.get(quarter.group(1), quarter.group(1)))
    if re.search(r"\b(9 thang|chin thang)\b", folded):
        return (year, "9 thang")
    if re.search(r"\bquy\b", folded):
        return (year, _YEAR.sub("", folded).strip())
    return (year, "nam")


_KIND_WORDS = re.compile(r"\b(?:nam|thang|quy)\b")


def _dated_period(folded: str) -> tuple[str, str] | None:
    """A period stated by its first and last days only ("từ 01/7/2025 đến 31/12/2025", the reporting
    period's "15/12/2025 - 14/6/2026"), keyed as the half, quarter, nine months or year it spans (by its
    middle day), as "6 tháng cuối năm 2025" is: it was keyed as a whole year, and ranked with the year's."""
    days = []
    for found in _DAY_IN.finditer(folded):
        try:
            days.append(_dt.date(int(found["y"]), int(found["m"]), int(found["d"])))
        except ValueError:
            return None
    if len(days) != 2 or _KIND_WORDS.search(_DAY_IN.sub(" ", folded)):  # "Năm 2025 (từ 01/7/2025 …)": a year
        return None
    first, last = days
    span = (last - first).days
    middle = first + _dt.timedelta(days=span // 2)
    year = str(middle.year)
    if 0 < span < 120:
        return (year, f"quy {(middle.month - 1) // 3 + 1}")
    if 120 <= span < 240:
        return (year, "6 thang dau" if middle.month <= 6 else "6 thang cuoi")
    if 240 <= span < 320:
        return (str(last.year), "9 thang")
    if 320 <= span <= 400:
        return (year, "nam")
    return None


def period_start(period: str) -> _dt.date | None:
    """The first day of the period a text states: "Năm 2023", "6 tháng đầu năm 2023" → 01/01/2023;
    "6 tháng cuối năm 2023", "Quý III/2023" → 01/07/2023. None when it states no year."""
    year, kind = period_key(period)
    if not year:
        return None
    if kind == "6 thang cuoi":
        month = 7
    elif kind.startswith("quy ") and kind[4:].isdigit():
        month = 3 * int(kind[4:]) - 2
    else:
        month = 1
    return _dt.date(int(year), month, 1)


_SIX_MONTHS_SHORT = re.compile(r"(?<![\d/.,])0?6\s*t\b")  # "6T/2023", "06T đầu năm 2023"
_QUARTER = re.compile(r"\bquy\s*(iv|iii|ii|i|[1-4])\b")
_QUARTER_NUMBER = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}


_INVISIBLE_OR_MINUS = {**ZERO_WIDTH, ord("\u2212"): "-", ord("\u2013"): "-"}


def parse_score(value) -> Decimal | None:
    """Parse a score cell: number, '0,75' / ' 1 ' text, or blank (None).

    Raises NotANumber for text that is not a number ("abc", "1/2").
    """
    if value is None or isinstance(value, bool):
        if isinstance(value, bool):
            raise NotANumber(str(value))
        return None
    if isinstance(value, int):
        if abs(value) > 10**6:
            raise NotANumber(str(value))
        return Decimal(value)
    if isinstance(value, float):
        if value != value or abs(value) > 1e6:  # NaN, ±INF, absurd magnitudes
            raise NotANumber(str(value))
        return to_decimal_from_float(value)
    if isinstance(value, Decimal):
        if not value.is_finite() or abs(value) > 10**6:
            raise NotANumber(str(value))
        return value
    if isinstance(value, (_dt.date, _dt.datetime, _dt.time)):
        raise NotANumber(str(value))
    text = str(value).replace("\u00a0", " ").strip()
    if not text:
        return None
    digits = text.replace(" ", "")
    if not _NUMBER_TEXT.match(digits):
        # "0,5 điểm"; an invisible space pasted from a web page ("\u200b2" looked like 2 in the
        # message); a minus sign or dash for the minus of a penalty ("–1", as Word autocorrects it)
        digits = _POINTS_UNIT.sub("", unicodedata.normalize("NFC", digits.translate(_INVISIBLE_OR_MINUS)))
        if not _NUMBER_TEXT.match(digits):
            raise NotANumber(text)
    try:
        number = Decimal(digits.replace(",", "."))
    except InvalidOperation as exc:  # pragma: no cover - regex guards this
        raise NotANumber(text) from exc
    if abs(number) > 10**6:
        raise NotANumber(text)
    return number


@lru_cache(maxsize=4096)  # scores repeat (0,25 / 0,5 / 1 …), and Decimal.as_tuple is slow
def decimals_of(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -2:  # the common case: 1, 0.5, 0.25
        return max(0, -exponent)
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def round_points(value: Decimal) -> Decimal:
    """Two decimals, half up, as people round points: 0,125 → 0,13."""
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def format_decimal(value: Decimal | None, comma: bool = False) -> str:
    """73.20 → '73.2', 100 → '100'; never an exponent, never float drift."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text == "-0":
        text = "0"
    return text.replace(".", ",") if comma else text


def vn(value: Decimal | None) -> str:
    """Decimal as Vietnamese text (decimal comma), for messages."""
    return format_decimal(value, comma=True)


def json_number(value: Decimal | None):
    """Decimal → JSON number (int when whole, else the float whose repr is the same digits)."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(format_decimal(value))


# a date as documents and officers write it (folded): "26 tháng 6 năm 2023", "26/6/2023", "26.06.2023"
DAY_MONTH_YEAR = r"(?P<d>\d{1,2})(?:\s*thang\s*|\s*[/.-]\s*)(?P<m>\d{1,2})(?:\s*nam\s*|\s*[/.-]\s*)(?P<y>\d{4})"
_TYPED_DATE = re.compile(rf"^(?:[^,\d]{{1,40}},\s*)?(?:ngay\s*)?{DAY_MONTH_YEAR}\s*\.?$")
# such dates within a text: the first and last days of a period ("từ 01/7/2025 đến 31/12/2025")
_DAY_IN = re.compile(rf"(?<![\d/.])(?:ngay\s*)?{DAY_MONTH_YEAR}(?!\d)")  # (after "-": "01/01/2026-30/6/2026")


def date_place(text: str) -> str | None:
    """The place before a typed date line ("Ngọc Kỳ, ngày 26 tháng 6 năm 2023" → "Ngọc Kỳ"), if any."""
    place, comma, _ = text.partition(",")
    if not comma or any(ch.isdigit() for ch in place) or parse_date(text) is None:
        return None
    return place.strip() or None


_EXCEL_EPOCH = _dt.date(1899, 12, 30)  # Excel's day 0, past its 1900 leap-year slip
_EXCEL_DAYS = (36526, 73415)  # 01/01/2000 – 31/12/2100: a report's date, never a count or a number typed


def parse_date(value) -> _dt.date | None:
    """A real date, a date as Excel stores it (a day number), 'dd/mm/yyyy' or 'ngày dd tháng mm năm yyyy'
    text or ISO text (xlwings' remote payload) → date."""
    if value is None or value == "":
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if value.__class__ in (int, float) and _EXCEL_DAYS[0] <= value <= _EXCEL_DAYS[1] and value == int(value):
        # a date as Excel stores it, read without its date format (a cell set to General, a sheet read
        # sparsely): 45103 is 26/06/2023
        return _EXCEL_EPOCH + _dt.timedelta(days=int(value))
    text = str(value).strip()
    # "26/6/2023", and as documents write it, "ngày 26 tháng 6 năm 2023" (after the place, when the
    # whole date line was typed: "Ngọc Kỳ, ngày 26 tháng 6 năm 2023")
    match = _TYPED_DATE.match(fold(text)) if not text[:4].isdigit() else None
    try:
        if match:
            return _dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
        match = re.match(r"^(\d{4})-(\d{2})-(\d{2})", text)
        if match:
            return _dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None
    return None


ILLEGAL_XML_CHARS = "\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff"  # a regex class: what XML 1.0 cannot hold
_ILLEGAL_XML = re.compile(f"[{ILLEGAL_XML_CHARS}]")


def xml_text(text: str) -> str:
    """Text without the characters XML cannot hold (a \x01 pasted from another program)."""
    return _ILLEGAL_XML.sub("", text)


@lru_cache(maxsize=1024)
def column_letter(index: int) -> str:
    """0-based column index → 'A', 'B', …, 'AA' (cached: every cell written or cited asks it)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_address(row: int, col: int) -> str:
    """0-based row/col → 'D57'."""
    return f"{column_letter(col)}{row + 1}"


def split_address(address: str) -> tuple[int, int]:
    """'D57' → (56, 3), 0-based."""
    match = re.match(r"^\$?([A-Z]+)\$?(\d+)$", address.upper())
    if not match:
        raise ValueError(address)
    letters, digits = match.groups()
    col = 0
    for ch in letters:
        col = col * 26 + (ord(ch) - 64)
    return int(digits) - 1, col - 1


def sheet_ref(sheet: str, cell: str) -> str:
    """A cell reference another sheet's link can use: 'Tự đánh giá'!D5, apostrophes doubled
    ('Xã O''Neil'!A1) as Excel requires."""
    return "'" + sheet.replace("'", "''") + "'!" + cell


# the levels of local government a commune-level unit can be (folded), longest first
_UNIT_KINDS = ("thi tran", "dac khu", "phuong", "xa")
_COUNCIL_PREFIXES = ("ubnd ", "uy ban nhan dan ")
# the levels a commune's superior body can be (a letterhead's "UBND HUYỆN TỨ KỲ")
LEVELS_ABOVE_COMMUNE = ("huyện", "tỉnh", "thành phố", "quận", "thị xã")
# the levels officers shorten: "TP. Hải Phòng", "TX.Kinh Môn", "TT. Gia Lộc", "TT Gia Lộc", "P. Hải Tân",
# "X.Ngọc Kỳ" (one letter only with its dot: "P 5" is no phường)
_SHORT_LEVEL = re.compile(r"^(?:(tp|tx|tt)(?:\.\s*|\s+)|(p|x)\.\s*)(?=\S)", re.IGNORECASE)
_SHORT_LEVELS = {"tp": "thành phố", "tx": "thị xã", "tt": "thị trấn", "p": "phường", "x": "xã"}


# the one city every document shortens, level and name: "TP.HCM", "TPHCM", "Tp. Hồ Chí Minh" aside
_HO_CHI_MINH = re.compile(r"^(?:tp\.?\s*)?hcm\.?$", re.IGNORECASE)


def level_in_full(text: str) -> str:
    """"TP. Hải Phòng" → "thành phố Hải Phòng", "TX.KINH MÔN" → "THỊ XÃ KINH MÔN", "P.5" → "phường 5",
    "TP.HCM" → "thành phố Hồ Chí Minh": documents write the level and the name in full; anything else
    as it is."""
    if _HO_CHI_MINH.match(text):  # (its capitals are the abbreviation's, not a heading's)
        return "thành phố Hồ Chí Minh"
    found = _SHORT_LEVEL.match(text)
    if found is None:
        return text
    level = _SHORT_LEVELS[(found.group(1) or found.group(2)).lower()]
    rest = text[found.end():]
    return f"{level.upper() if rest.isupper() else level} {rest}"


# what may follow a unit's name: its district and province, a note in brackets
_UNIT_END = re.compile(r"\s*(?:,|;|\(|\s[-–—]\s)")


def title_case(text: str) -> str:
    """"ĐỨC LONG-ĐỨC HÒA" → "Đức Long-Đức Hòa": every word, and every part of a hyphenated one."""
    return " ".join("-".join(p[:1].upper() + p[1:].lower() for p in w.split("-")) for w in text.split())


_TONES = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng (NFD combining marks)


def unit_key(unit: str) -> str:
    """A unit's name as a key that its spellings share: case, spacing, "UBND" before it, and the
    old or new place of the tone mark ("Hoà"/"Hòa") aside, but never the marks themselves: "Xã
    Tân Hòa" and "Xã Tân Hóa" are two communes."""
    words = unicodedata.normalize("NFD", unit.lower()).split()
    if words[:1] == ["ubnd"]:
        words = words[1:]
    keyed = []
    for word in words:
        tones = "".join(ch for ch in word if ch in _TONES)
        keyed.append("".join(ch for ch in word if ch not in _TONES) + tones)
    return unicodedata.normalize("NFC", " ".join(keyed))


# the words a body's name opens with, marks and all ("Phong Điền" and "Bản Ban" are places), by what it is: none
# of them manages an UBND, so none is the body above a commune on its letterhead (a party committee and the
# council come first: "Ban Thường vụ Huyện ủy" is the party's, not an agency)
_BODY_KINDS = (
    ("một cơ quan của Đảng", ("đảng ủy ", "đảng bộ ", "huyện ủy ", "quận ủy ", "thị ủy ", "tỉnh ủy ", "thành ủy ",
                              "ban thường vụ ", "ban chấp hành ", "tt đảng ủy ", "thường trực đảng ủy ")),
    ("một cơ quan dân cử (Hội đồng nhân dân)", ("hội đồng nhân dân ", "hđnd ", "thường trực hđnd ",
                                                "thường trực hội đồng nhân dân ", "tt hđnd ")),
    ("một tổ chức của Mặt trận Tổ quốc", ("ủy ban mặt trận ", "ủy ban mttq ", "ubmttq ", "mặt trận tổ quốc ", "mttq ")),
    ("một cơ quan chuyên môn", ("sở ", "phòng ", "văn phòng ", "ban ", "bộ ", "cục ", "chi cục ", "trung tâm ",
                                "thanh tra ")),
)


@lru_cache(maxsize=4096)  # (asked of the body above by several rules of every workbook; a province's communes type few)
def body_kind(body: str) -> str:
    """What a body that is no People's Committee is, as a finding says it ("một cơ quan chuyên môn" for
    "Sở Nội vụ …", "Phòng Nội vụ huyện …", "SỞ NV"; "một cơ quan của Đảng" for "Huyện ủy Tứ Kỳ"); "" for a
    committee or a place."""
    text = unicodedata.normalize("NFC", " ".join(body.split())).lower().replace("uỷ", "ủy") + " "
    return next((kind for kind, openings in _BODY_KINDS if text.startswith(openings)), "")


def agency(body: str) -> bool:
    """An agency, a party committee, the council or the Front (body_kind): not a People's Committee, it
    manages no UBND."""
    return bool(body_kind(body))


# a party committee named by its level: "Huyện ủy Tứ Kỳ" is of huyện Tứ Kỳ
_PARTY_LEVELS = {"huyện": "huyện", "quận": "quận", "thị": "thị xã", "tỉnh": "tỉnh", "thành": "thành phố"}


def party_place(body: str) -> str:
    """"Huyện ủy Tứ Kỳ" → "huyện Tứ Kỳ", "Thành ủy Hải Phòng" → "thành phố Hải Phòng": the place of a party
    committee named by its level, where the place's own words are looked for; any other text as it is."""
    words = body.split()
    if len(words) > 2 and words[1].lower().replace("uỷ", "ủy") == "ủy" and words[0].lower() in _PARTY_LEVELS:
        return " ".join([_PARTY_LEVELS[words[0].lower()], *words[2:]])
    return body


def without_council(text: str) -> str:
    """"UBND xã Ngọc Kỳ" / "Ủy ban nhân dân xã Ngọc Kỳ" → "xã Ngọc Kỳ": the committee is not the unit's name."""
    text = " ".join(text.split())
    folded = fold(text)
    for prefix in _COUNCIL_PREFIXES:
        if folded.startswith(prefix):
            return " ".join(text.split()[len(prefix.split()):])
    return text


def unit_name(text: str, keep_tail: bool = False) -> str | None:
    """A commune-level unit as documents name it, or None when ``text`` names no level (xã,
    phường, thị trấn, đặc khu): "UBND XÃ NGỌC KỲ", "Ủy ban nhân dân xã Ngọc Kỳ, huyện Tứ Kỳ" →
    "Xã Ngọc Kỳ"; "TT. Gia Lộc" → "Thị trấn Gia Lộc". What follows the name (", HUYỆN TỨ KỲ",
    " - TỈNH HẢI DƯƠNG", "(KÈM THEO …)") is not part of it. A name typed all in capitals is written
    in title case; one typed otherwise keeps its letters ("Xã Ea H'Leo").

    ``keep_tail``: what follows the name is kept as typed ("Xã Tân Tiến, huyện Gia Lộc"): it tells two
    communes of one name apart (before 2025 many districts had a "Xã Tân Tiến"), where a letterhead
    needs the name alone."""
    found = _unit_parts(text)
    if found is None:
        return None
    named = f"{found[0]} {found[1]}"
    head, *tail = _UNIT_END.split(text, 1)
    return f"{named}{text[len(head):].rstrip()}" if keep_tail and tail else named


def _unit_parts(text: str) -> tuple[str, str] | None:
    """(its kind, its own name) of the unit ``text`` names, as unit_name writes them: ("Thị trấn", "Gia Lộc")."""
    text = level_in_full(without_council(_UNIT_END.split(text, 1)[0]))  # "TT. Gia Lộc": "thị trấn Gia Lộc"
    words = text.split()
    if not words:
        return None
    folded = fold(text)
    found = next((k for k in _UNIT_KINDS if folded.startswith(k + " ")), None)
    if found is None:
        return None
    size = len(found.split())
    kind = " ".join(words[:size])
    kind = kind[:1].upper() + kind[1:].lower()  # "THỊ TRẤN" → "Thị trấn"
    rest = " ".join(words[size:])
    if not rest:
        return None
    return kind, title_case(rest) if text.upper() == text else rest


def unit_place(unit: str) -> str:
    """The unit's place name, as the date line writes it (ND 30/2020): "Thị trấn Gia Lộc" → "Gia Lộc";
    a unit named by a number keeps its kind ("Phường 5, ngày …")."""
    found = _unit_parts(unit)
    if found is None:
        return without_council(unit)
    kind, name = found
    return f"{kind} {name}" if name.isdigit() else name


_WEB_ADDRESS = re.compile(r"(?:https?://|mailto:)[^\s<>\"]+$", re.IGNORECASE)


def web_address(address: str) -> bool:
    """An address anyone given it can open (a document online, an e-mail), not a file on one computer."""
    return _WEB_ADDRESS.match(address) is not None


def file_address_shown(address: str, limit: int = 60) -> str:
    """A file's address as the officer knows it: "file:///D:/TLKC/a.pdf" and LibreOffice's
    "../../../D:/TLKC/a.pdf" are "D:/TLKC/a.pdf"."""
    address = re.sub(r"^(?:file:/*|(?:\.\./)+(?=[A-Za-z]:))", "", address, flags=re.IGNORECASE)
    return address if len(address) <= limit else address[:limit - 1] + "…"
