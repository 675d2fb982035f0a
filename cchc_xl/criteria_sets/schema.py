"""One criteria set, as a versioned JSON document.

    {
      "schema": "cchc-xl/criteria-set/1",
      "id": "cap_xa_2023", "title": "…", "province": "Hải Dương", "level": "xã",
      "year": 2023, "period": "", "decision": {"number": "…/QĐ-UBND", "date": "2023-01-10"},
      "source": "…", "result": "points",            # or "percent": stated as percent of the max
      "criteria": [
        {"part": "I", "code": "I", "name": "…", "max": 74, "kind": "scored"},
        {"part": "II", "code": "2", "name": "… điều tra XHH", "max": 14, "kind": "survey",
         "guidance": "…", "evidence": "…"},
        {"part": "III", "code": "1", "name": "Điểm trừ …", "max": 0, "min": -2, "kind": "penalty"}
      ]
    }

Kinds: scored (self-assessed), survey (scored later by the province: XHH, SIPAS, satisfaction),
bonus (điểm thưởng, may take the total above the base) and penalty (điểm trừ: a negative score
down to "min"). The order of "criteria" is the order of the table, parts included.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path

from ..errors import CchcError
from ..text import fold, format_decimal

SCHEMA = "cchc-xl/criteria-set/1"
KINDS = ("scored", "survey", "bonus", "penalty")
LEVELS = ("xã", "phường", "đặc khu", "thị trấn", "huyện", "tỉnh", "sở")
SURVEY_WORDS = ("xhh", "xa hoi hoc", "sipas", "hai long", "dieu tra", "khao sat")
BONUS_WORDS = ("diem thuong", "thuong")
PENALTY_WORDS = ("diem tru", "tru diem")


class InvalidSet(CchcError):
    """A criteria set that is not sound; the message lists each problem."""


@dataclass
class SetCriterion:
    part: str
    code: str
    name: str
    max: Decimal | None
    kind: str = "scored"
    min: Decimal | None = None  # penalty: the lowest score allowed (negative)
    guidance: str = ""
    evidence: str = ""
    row: int | None = None  # where the importer read it (1-based), for messages
    sheet_name: str = ""  # … and on which sheet, when the annex's table goes on over several

    @property
    def key(self) -> str:
        return self.part if self.code == self.part else f"{self.part}.{self.code}"

    @property
    def sheet_max(self) -> Decimal | None:
        """What the workbook's max column shows: the bound (negative) for a penalty."""
        return self.min if self.kind == "penalty" else self.max

    @property
    def is_part(self) -> bool:
        return self.code == self.part

    @property
    def depth(self) -> int:
        return 0 if self.is_part else self.code.count(".") + 1


@dataclass
class CriteriaSet:
    id: str
    title: str
    criteria: list[SetCriterion]
    province: str = ""
    level: str = "xã"
    year: int | None = None
    period: str = ""
    decision: dict = field(default_factory=dict)  # {"number": …, "date": "YYYY-MM-DD"}
    source: str = ""
    result: str = "points"  # or "percent"
    sheet: str = "Tự đánh giá"
    origin: str = ""  # "bundled" / "imported" / a file path (not saved)
    notes: list[str] = field(default_factory=list)  # what the importer had to infer (said, not saved)

    # -- numbers ----------------------------------------------------------
    def by_key(self) -> dict[str, SetCriterion]:
        """The key a workbook's row of it has → criterion; built once (a bulk compares every workbook
        with the same set). Keys as a workbook's are (read.table): parts lettered A, B are I, II, and a
        lettered item is its place among its parent's items ("1.1.b" → I.1.1.2), so a set that letters
        its items and a workbook that numbers them, or the other way round, are the same criteria."""
        cached = self.__dict__.get("_by_key")
        if cached is None or len(cached) != len(self.criteria):
            cached = self.__dict__["_by_key"] = dict(self._numbered_keys())
        return cached

    def sheet_max_by_key(self) -> dict:
        cached = self.__dict__.get("_sheet_max")
        if cached is None or len(cached) != len(self.criteria):
            cached = self.__dict__["_sheet_max"] = {key: c.sheet_max for key, c in self.by_key().items()}
        return cached

    def _numbered_keys(self) -> list[tuple[str, SetCriterion]]:
        from ..read.codes import numbered_keys

        criteria = self.criteria
        if not any(c.code[-1:].isalpha() and (c.is_part and c.code == "A" or "." in c.code) for c in criteria):
            return [(c.key, c) for c in criteria]
        return list(zip(numbered_keys([(c.key, c.is_part) for c in criteria]), criteria))

    def children(self, crit: SetCriterion) -> list[SetCriterion]:
        items = self.criteria
        start = items.index(crit)
        out = []
        for other in items[start + 1:]:
            if crit.is_part:
                if other.part != crit.part:
                    break
                if other.depth == 1:
                    out.append(other)
            elif other.part == crit.part and other.code.startswith(crit.code + ".") and \
                    other.depth == crit.depth + 1:
                out.append(other)
        return out

    def base_max(self) -> Decimal:
        """The base total (parts that are neither bonus nor penalty)."""
        return sum((c.max or Decimal(0) for c in self.criteria if c.is_part and c.kind in ("scored", "survey")),
                   Decimal(0))

    def bonus_max(self) -> Decimal:
        return sum((c.max or Decimal(0) for c in self.criteria if c.kind == "bonus" and self._top_of_kind(c)),
                   Decimal(0))

    def _top_of_kind(self, crit: SetCriterion) -> bool:
        """The highest row of its kind (a bonus part, or a bonus criterion in a scored part)."""
        if crit.is_part:
            return True
        part = next((c for c in self.criteria if c.is_part and c.part == crit.part), None)
        return part is None or part.kind != crit.kind

    def leaves(self) -> list[SetCriterion]:
        return [c for c in self.criteria if not self.children(c)]

    def problems(self) -> list[str]:
        """Every reason the set is not sound, one line each, with the row where known."""
        out = []
        seen = set()
        for crit in self.criteria:
            where = (f"trang “{crit.sheet_name}”, " if crit.sheet_name else "") + (f"hàng {crit.row}: " if crit.row else "")
            if crit.key in seen:
                out.append(f"{where}mục {crit.key} xuất hiện hai lần")
            seen.add(crit.key)
            if crit.kind not in KINDS:
                out.append(f"{where}mục {crit.key}: loại “{crit.kind}” không có (dùng {', '.join(KINDS)})")
            if crit.max is None and crit.kind != "penalty":
                out.append(f"{where}mục {crit.key} “{crit.name[:50]}” chưa có điểm tối đa")
            if crit.kind == "penalty" and (crit.min is None or crit.min > 0):
                out.append(f"{where}mục {crit.key} là điểm trừ nhưng chưa có mức trừ tối đa (min âm)")
            kids = self.children(crit)
            if kids and crit.max is not None and crit.kind != "penalty":
                total = sum((k.max or Decimal(0) for k in kids if k.kind != "penalty"), Decimal(0))
                if total != crit.max:
                    out.append(f"{where}mục {crit.key}: điểm tối đa {format_decimal(crit.max, True)} khác tổng các "
                               f"mục con {format_decimal(total, True)}")
        if not self.criteria:
            out.append("bộ tiêu chí không có tiêu chí nào")
        return out

    # -- JSON -------------------------------------------------------------
    def to_json(self) -> dict:
        def number(value):
            if value is None:
                return None
            return int(value) if value == value.to_integral_value() else float(format_decimal(value))

        criteria = []
        for c in self.criteria:
            item = {"part": c.part, "code": c.code, "name": c.name, "max": number(c.max), "kind": c.kind}
            if c.min is not None:
                item["min"] = number(c.min)
            if c.guidance:
                item["guidance"] = c.guidance
            if c.evidence:
                item["evidence"] = c.evidence
            criteria.append(item)
        return {"schema": SCHEMA, "id": self.id, "title": self.title, "province": self.province,
                "level": self.level, "year": self.year, "period": self.period, "decision": self.decision,
                "source": self.source, "result": self.result, "sheet": self.sheet, "criteria": criteria}

    @classmethod
    def from_json(cls, data: dict, origin: str = "") -> "CriteriaSet":
        if not isinstance(data, dict) or "criteria" not in data or "id" not in data:
            raise InvalidSet("không phải tệp bộ tiêu chí (cần các khóa “id” và “criteria”)")
        schema = data.get("schema", SCHEMA)
        if schema != SCHEMA:
            raise InvalidSet(f"phiên bản lược đồ “{schema}” không được hỗ trợ (cần “{SCHEMA}”)")
        criteria = []
        for index, item in enumerate(data["criteria"], start=1):
            if isinstance(item, list):  # the first bundled format: [part, code, name, max]
                part, code, name, max_points = item
                item = {"part": part, "code": code, "name": name, "max": max_points,
                        "kind": guess_kind(name, code == part)}
            try:
                criteria.append(SetCriterion(
                    part=str(item["part"]), code=str(item["code"]), name=str(item.get("name", "")),
                    max=_decimal(item.get("max")), kind=item.get("kind", "scored"), min=_decimal(item.get("min")),
                    guidance=item.get("guidance", ""), evidence=item.get("evidence", "")))
            except (KeyError, TypeError, ValueError) as exc:
                raise InvalidSet(f"tiêu chí thứ {index} không đúng lược đồ ({exc})") from None
        fields = {k: data[k] for k in ("province", "level", "year", "period", "decision", "source", "result", "sheet")
                  if k in data and data[k] is not None}
        if fields.get("result", "points") not in ("points", "percent"):
            raise InvalidSet("“result” phải là “points” hoặc “percent”")
        return cls(id=str(data["id"]), title=str(data.get("title", data["id"])), criteria=criteria, origin=origin,
                   **fields)

    def dumps(self) -> str:
        """JSON a person can edit: the set's facts one per line, then one line per criterion."""
        data = self.to_json()
        criteria = data.pop("criteria")
        head = json.dumps(data, ensure_ascii=False, indent=1)[:-2]
        rows = ",\n  ".join(json.dumps(c, ensure_ascii=False) for c in criteria)
        return f"{head},\n \"criteria\": [\n  {rows}\n ]\n}}"

    def save(self, path) -> Path:
        from ..write.atomic import write_atomically

        text = self.dumps()
        return write_atomically(Path(path), lambda temp: Path(temp).write_text(text + "\n", encoding="utf-8"),
                                ".json")

    def summary(self) -> dict:
        return {"id": self.id, "title": self.title, "level": self.level, "year": self.year,
                "criteria": len([c for c in self.criteria if not c.is_part]), "max": self.base_max(),
                "source": self.origin or self.source}

    def builder_rows(self) -> list[list]:
        """[part, code, name, max] rows, as the workbook builder takes them."""
        return [[c.part, c.code, c.name, float(c.max) if c.max is not None else None] for c in self.criteria]


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        return Decimal(format(value, ".15g"))
    return Decimal(str(value).replace(",", "."))


def guess_kind(name: str, is_part: bool = False) -> str:
    """The kind a criterion's own words say: survey (XHH, SIPAS, hài lòng), bonus, penalty."""
    folded = fold(name)
    if any(word in folded for word in PENALTY_WORDS):
        return "penalty"
    if any(folded.startswith(word) or f" {word} " in f" {folded} " for word in BONUS_WORDS) and "diem" in folded:
        return "bonus"
    if any(word in folded for word in SURVEY_WORDS):
        return "survey"
    return "scored"


def today_iso() -> str:
    return dt.date.today().isoformat()


__all__ = ["CriteriaSet", "SetCriterion", "SCHEMA", "KINDS", "InvalidSet", "guess_kind", "asdict"]
