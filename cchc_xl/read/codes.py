"""What an STT cell says: a part, a numbered criterion, a letter sub-item, a bullet, or nothing.

Officers number rows in many ways: "I", "I.", "Phần I", "Phần 2", "Phần thứ hai", "Ⅱ", "A"; "1", "1.", "Lĩnh vực 1",
"Tiêu chí 1"; "1.1", "Chỉ tiêu 1.2"; "1.1.1", "1.1.1.a", "a)", "b."; bullets "-" and "+".
All are read here, so the table parser only sees normalised codes.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..model import CODE_ROMAN
from ..text import ZERO_WIDTH, fold, format_decimal, to_decimal_from_float
from .labels import CODE_WORDS

_ARABIC = re.compile(r"^\d+(\.\d+)*(\.[a-z])?$")
_LETTER_ITEM = re.compile(r"^([a-zđ])[).]?$")
_COMMA_CODE = re.compile(r"^\d+([.,]\d+)+(\.[a-z])?$")
_BULLETS = {"-", "+", "*", "•", "–", "—", "·", "o"}
_FOLDED_WORDS = sorted(CODE_WORDS, key=len, reverse=True)


@dataclass(frozen=True)
class Code:
    kind: str  # "part" | "number" | "letter" | "bullet"
    value: str  # "II", "A", "1.2", "1.1.1.a", "a", "-"
    word: str = ""  # folded prefix word ("tieu chi") when the officer wrote one


def read_code(value: Any) -> Code | None:
    """Classify an STT cell; None when it holds no code."""
    if value.__class__ is str:  # most STT cells: "1.1", "I", "Tiêu chí 2"
        return _read_code_text(value) if value else None
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):  # (bounded as a float is: 1000000000 typed was an STT from openpyxl, none from Excel)
        return Code("number", str(value)) if 0 <= value <= 1_000_000 else None
    if isinstance(value, float):
        if value != value or value < 0 or value > 1e6:
            return None
        return Code("number", format_decimal(to_decimal_from_float(value)))
    return _read_code_text(str(value))


@lru_cache(maxsize=4096)
def _read_code_text(raw: str) -> Code | None:
    # NFKC turns the Unicode Roman numerals (Ⅱ, U+2161) into letters (II)
    text = unicodedata.normalize("NFKC", raw)
    text = (text if text.isascii() else text.translate(ZERO_WIDTH)).strip()
    if not text or len(text) > 40:
        return None
    if text in _BULLETS:
        return Code("bullet", text)
    word = ""
    folded = fold(text)
    for candidate in _FOLDED_WORDS:
        if folded.startswith(candidate + " ") or folded == candidate:
            word = candidate
            # folding keeps the words, so the prefix is the first words of the text
            text = _strip_words(" ".join(text.split()), len(candidate.split()))
            break
    if word == "phan":  # "Phần 1", "Phần thứ hai": a part, numbered in figures or in words
        number = _PART_ORDINALS.get(fold(text).rstrip(".:)"))
        digits = text.replace(" ", "").rstrip(".):/-–")
        if number is None and digits.isdigit() and 0 < int(digits) < 40:
            number = int(digits)
        if number is not None:
            return Code("part", _roman(number), word)
    # (“1/”, “1.1/”: the slash of typed documents; “1-”, “II–”: the dash before a name)
    text = text.replace(" ", "").rstrip(".):/-–").lstrip("(")
    if not text:
        return None
    upper = text.upper()
    if CODE_ROMAN.match(upper) and (upper == text or len(text) > 1 or word == "phan"):
        return Code("part", upper, word)
    if len(text) == 1 and text.isalpha():
        if text.isupper() or word == "phan":
            return Code("part", text.upper(), word)  # lettered parts: A, B, C…
        if _LETTER_ITEM.match(text.lower()):
            return Code("letter", text.lower(), word)
    lowered = text.lower()
    if _ARABIC.match(lowered):
        return Code("number", lowered, word)
    if _COMMA_CODE.match(lowered):  # "1,1,1": the decimal comma of a Vietnamese Excel, typed as the STT's dot
        return Code("number", lowered.replace(",", "."), word)
    return None


_PART_ORDINALS = {"thu nhat": 1, "thu hai": 2, "thu ba": 3, "thu tu": 4, "thu nam": 5, "thu sau": 6, "thu bay": 7,
                  "thu tam": 8, "thu chin": 9, "thu muoi": 10}


def _roman(number: int) -> str:
    """1 → "I", 4 → "IV", 12 → "XII" (parts are few)."""
    out = ""
    for value, letters in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while number >= value:
            out, number = out + letters, number - value
    return out


# "1.1.Kế hoạch", "I.ĐÁNH GIÁ": a code glued to the name by its dot
_GLUED_PREFIX = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*[.)/\-–]|[IVX]+[.\-–])(?=[^\W\d_])")
_NAME_SEPARATORS = " .:-–—"


@lru_cache(maxsize=4096)
def split_code_prefix(text: str) -> tuple[Code, str, str] | None:
    """A code written at the start of a name, for tables that keep no STT column (or leave it
    empty): "1.1. Kế hoạch CCHC năm" → (1.1, "1.1.", "Kế hoạch CCHC năm"); "Tiêu chí 2: …",
    "I ĐÁNH GIÁ …", "a) …". None when the name does not start with a code, or is nothing else.
    A lone letter needs its "." or ")" and a Roman part without one is I, V, X only, in capitals, so a
    name's first word is never taken for a code ("Vi phạm…", "Xi măng…" are no parts VI, XI); a whole
    number or a worded code without a mark after it needs a name that starts with a capital ("2 hồ sơ
    trễ hạn", "Mục 3 của kế hoạch" are a count and a reference)."""
    head = text.strip()
    tokens = head.split(None, 5)
    for count in range(min(5, len(tokens) - 1), 0, -1):  # the longest prefix first: "Tiêu chí thành phần 1"
        last = tokens[count - 1]
        if last in ("-", "–", "—"):  # "Phần 1 - Chỉ đạo": the dash is the separator, not the code's
            continue
        code = read_code(" ".join(tokens[:count]))
        if code is None or code.kind == "bullet" or (count > 1 and not code.word):
            continue
        marked = last[-1] in ".):/-–"
        if code.kind == "letter" and not marked:
            continue
        if code.kind == "part" and not code.word and not marked and (
                not set(code.value) <= set("IVX") or not last.isupper()):
            continue
        if code.kind == "number" and any(len(piece) > 2 for piece in code.value.split(".")):
            continue  # "2023 …", "100 …": a year or a count, not an STT
        after = head.split(None, count)[count]
        rest = after.lstrip(_NAME_SEPARATORS).strip()
        if not marked and after[:1] not in "-–—:" and (code.word or "." not in code.value) and rest[:1].islower():
            continue  # a count or a reference, not a code: "2 hồ sơ trễ hạn", "Mục 3 của kế hoạch"
        if rest:
            return code, " ".join(tokens[:count]), rest
    glued = _GLUED_PREFIX.match(head)
    if glued is not None:
        code = read_code(glued.group(1))
        rest = head[glued.end():].strip()
        if code is not None and rest:
            return code, glued.group(1), rest
    return None


def _strip_words(text: str, count: int) -> str:
    parts = text.split()
    return " ".join(parts[count:])


def normalise_code(value: Any) -> str | None:
    """STT cell → '1.1.1', 'II', or None: the numbered and part codes only (used by callers
    that compare codes, e.g. the official criteria set)."""
    code = read_code(value)
    if code is None or code.kind in ("bullet", "letter"):
        return None
    return code.value


@lru_cache(maxsize=8192)
def sibling_key(code: str) -> int:
    """The last component as a number, for order checks: '1.2' → 2, '1.1.1.b' → 2."""
    last = code.rsplit(".", 1)[-1]
    return int(last) if last.isdigit() else ord(last[:1]) - 96


_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def part_rank(code: str, lettered: bool) -> int:
    """Order of a part: Roman value, or the letter's place when the table letters its parts."""
    if lettered and len(code) == 1:
        return ord(code) - 64
    if not CODE_ROMAN.match(code):
        return ord(code[:1]) - 64
    total = 0
    for i, ch in enumerate(code):
        value = _ROMAN[ch]
        total += -value if i + 1 < len(code) and _ROMAN[code[i + 1]] > value else value
    return total


def is_list_marker(text: str) -> bool:
    """A rubric/continuation line in the name column: "a) …", "1. …", "- …", "+ …"."""
    stripped = text.lstrip()
    if stripped[:1] in _BULLETS and stripped[1:2] in (" ", ""):
        return True
    return bool(re.match(r"^([a-zđ]|\d{1,2})[)./]\s", stripped))


class WordNumbering:
    """Codes numbered by words, each numbering inside the one before it: "Tiêu chí 1" then "Chỉ tiêu 1"
    is 1.1 (the words' order is the table's own, as it first uses them); a part starts them again. One
    rule for the workbook reader and the official table importer."""

    def __init__(self):
        self.levels: dict[str, int] = {}  # "tieu chi" → 1, "chi tieu" → 2
        self.codes: dict[int, str] = {}  # level → the latest code of that level

    def place(self, code: Code) -> Code:
        if code.kind != "number" or not code.word or "." in code.value:
            return code
        level = self.levels.setdefault(code.word, len(self.levels) + 1)
        if level > 1 and level - 1 in self.codes:
            code = Code("number", f"{self.codes[level - 1]}.{code.value}", code.word)
        self.codes[level] = code.value
        for deeper in [lv for lv in self.codes if lv > level]:
            del self.codes[deeper]
        return code

    def new_part(self) -> None:
        self.codes = {}


ROMAN_NUMERALS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def next_part(code: str, lettered: bool) -> str | None:
    """The part after ``code``: II after I, C after B (lettered parts); None past X or Z. The part a
    table whose numbering starts again at 1 with no part row above goes on in (the reader's and the
    importer's)."""
    if lettered and len(code) == 1:
        return chr(ord(code) + 1) if code < "Z" else None
    if code in ROMAN_NUMERALS[:-1]:
        return ROMAN_NUMERALS[ROMAN_NUMERALS.index(code) + 1]
    return None


def numbered_keys(items: list[tuple[str, bool]]) -> list[str]:
    """The keys criteria sets and most communes number by, for (key, is a part) in sheet order, parents
    before their items: parts lettered A, B are I, II, and a lettered item is its place among its
    parent's items ("I.1.4.b" → "I.1.4.2"); an item below a renamed one follows it. A key another row
    already has is left as it was (a table mixing "1.4.1" and "a)" under one criterion). One rule for a
    workbook's criteria (read.table) and a set's (criteria_sets.schema), so a set that letters its items
    and a workbook that numbers them, or the other way round, are the same criteria."""
    lettered_parts = any(is_part and key == "A" for key, is_part in items)
    taken = {key for key, _ in items}
    renamed: dict[str, str] = {}
    counts: dict[str, int] = {}
    parts = 0
    out = []
    for key, is_part in items:
        if is_part:
            new = ROMAN_NUMERALS[parts] if lettered_parts and len(key) == 1 and parts < len(ROMAN_NUMERALS) else key
            parts += 1
        else:
            head, _, last = key.rpartition(".")
            parent = renamed.get(head, head)
            count = counts[parent] = counts.get(parent, 0) + 1
            new = f"{parent}.{count}" if last.isalpha() else f"{parent}.{last}"
        if new != key:
            if new in taken:
                new = key
            else:
                taken.add(new)
        renamed[key] = new
        out.append(new)
    return out
