"""Core engine: reading the familiar table, totals, and the findings catalogue."""
import datetime as dt
import shutil
from decimal import Decimal

import openpyxl
import pytest

from cchc_xl.api import check_file
from cchc_xl.read import read_workbook
from cchc_xl.rules import CATALOGUE

from helpers import EXAMPLE, MERGED_EXPLANATION, edited_example, saved_by_libreoffice, find_row, labelled_example, merged_explanation, set_labels

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice")


def totals_of(path, engine="auto"):
    t = read_workbook(path, engine=engine).totals()
    return t.max, t.self, t.pending_max, t.by_part["I"]["max"], t.by_part["I"]["self"]


EXPECTED = (Decimal(100), Decimal("73.2"), Decimal(24), Decimal(74), Decimal("71.2"))


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_example_totals(engine):
    assert totals_of(EXAMPLE, engine) == EXPECTED


def test_blank_parents_give_same_totals(blank_parent_copy):
    assert totals_of(blank_parent_copy) == EXPECTED
    a = read_workbook(blank_parent_copy)
    by_code = {(c.part, c.code): c for c in a.criteria}
    assert by_code[("I", "1")].computed_self() == Decimal(14)
    assert by_code[("I", "3")].computed_self() == Decimal("17.1")
    assert by_code[("I", "5")].computed_self() == Decimal("10.6")
    assert by_code[("II", "2")].computed_self() is None  # survey: pending, not zero


def test_example_reads_every_criterion_and_meta():
    a = read_workbook(EXAMPLE)
    assert len(a.criteria) == 105
    assert [p.part for p in a.parts] == ["I", "II"]
    assert [c.code for c in a.parts[0].children] == ["1", "2", "3", "4", "5", "6", "7"]
    assert a.meta["unit"] == "Xã Ngọc Kỳ"
    assert a.meta["doc_number"] == "86/BC-UBND"
    assert str(a.meta["report_date"]) == "2023-06-26"
    assert a.meta["signer"] == "Nguyễn Xuân Thoang"


def test_example_findings_are_the_seed_slips():
    result = check_file(EXAMPLE)
    got = {(f.code, f.cell, f.criterion) for f in result.findings}
    assert got == {
        ("doc-type-mismatch", "E29", "1.4.1"),
        ("ratio-mismatch", "E69", "3.5.3"),
        ("missing-explanation", "E76", "3.6.4"),
        ("doc-type-mismatch", "E110", "7.1.2"),
        ("doc-type-mismatch", "E115", "7.1.7"),
    }
    ratio = next(f for f in result.findings if f.code == "ratio-mismatch")
    assert "1,04%" in ratio.message and "0,89%" in ratio.message
    assert result.ok  # warnings only


def clean(ws):
    """The example with the seed's slips fixed: no finding at all."""
    ws.cell(find_row(ws, "I", "1.4.1"), 5).value = "Báo cáo số 79/BC-UBND ngày 22/6/2023 về kết quả tuyên truyền."
    ws.cell(find_row(ws, "I", "3.5.3"), 5).value = "7/671 = 1,04%"
    ws.cell(find_row(ws, "I", "3.6.4"), 5).value = "Mới khai thác một phần dữ liệu số hóa."
    for code in ("7.1.2", "7.1.7"):
        ws.cell(find_row(ws, "I", code), 5).value = "Báo cáo số 80/BC-UBND ngày 22/6/2023."


def test_clean_workbook_has_no_finding(tmp_path):
    path = edited_example(tmp_path, "clean.xlsx", clean)
    result = check_file(path)
    assert result.findings == []


def test_an_explanation_merged_over_a_groups_items_is_checked_once_at_its_cell(tmp_path):
    """One explanation typed for 3.2.1–3.2.3 in a cell merged down over them: each item is explained by
    it, and what is wrong in it is said once, at the merged cell (E56 and E57 lie under the merge, where
    no officer can click; the same two findings came three times)."""
    def edit(ws):
        clean(ws)
        merged_explanation(ws)
    path = edited_example(tmp_path, "merged.xlsx", edit)
    result = check_file(path)
    a = result.assessment
    items = [c for c in a.criteria if c.code in ("3.2.1", "3.2.2", "3.2.3")]
    assert [c.explanation for c in items] == [MERGED_EXPLANATION] * 3
    assert [c.explanation_cell.address for c in items] == ["E55", "E55", "E55"]
    found = sorted((f.code, f.cell, f.criterion, f.message.split(":")[0]) for f in result.findings)
    assert found == [
        ("doc-type-mismatch", "E55", "3.2.1", "Các mục 3.2.1–3.2.3 (chung một ô giải trình)"),
        ("ratio-mismatch", "E55", "3.2.1", "Các mục 3.2.1–3.2.3 (chung một ô giải trình)"),
    ]
    # two items: named both; an item of the group with its own text below the merge is its own
    def two(ws):
        clean(ws)
        merged_explanation(ws, first="3.2.1", last="3.2.2")
    result = check_file(edited_example(tmp_path, "two.xlsx", two))
    assert {f.message.split(":")[0] for f in result.findings} == {"Các mục 3.2.1 và 3.2.2 (chung một ô giải trình)"}


def test_full_points_under_one_merged_explanation_saying_not_done_is_said_once(tmp_path):
    """"Chưa thực hiện" typed once for 3.2.1–3.2.3, merged down over them, each item at full points: the
    same explanation-says-not-done came three times, at the one cell. Now once there, naming the items at
    full points (one of them marked down is not named; alone, an item is told as before)."""
    def edit(ws, marked_down=()):
        clean(ws)
        merged_explanation(ws, text="Chưa thực hiện niêm yết công khai.")
        for code in ("3.2.1", "3.2.2", "3.2.3"):
            row = find_row(ws, "I", code)
            ws.cell(row, 4).value = 0 if code in marked_down else ws.cell(row, 3).value
        ws.cell(find_row(ws, "I", "3.2"), 4).value = None  # (its sum, as recalc writes it)

    def told(result):
        return sorted((f.code, f.cell, f.criterion, f.message) for f in result.findings
                      if f.code == "explanation-says-not-done")

    all_three = told(check_file(edited_example(tmp_path, "all.xlsx", edit)))
    assert all_three == [("explanation-says-not-done", "E55", "3.2.1",
                          "Các mục 3.2.1, 3.2.2 và 3.2.3 (chung một ô giải trình) đều được điểm tối đa nhưng giải "
                          "trình ghi “Chưa thực hiện niêm yết công khai”: điểm và giải trình không khớp; hãy sửa "
                          "điểm, hoặc ghi rõ việc đã làm (văn bản, số liệu).")]
    two = told(check_file(edited_example(tmp_path, "two.xlsx", lambda ws: edit(ws, ("3.2.2",)))))
    assert [(code, cell, message.split(" (")[0]) for code, cell, _, message in two] == [
        ("explanation-says-not-done", "E55", "Các mục 3.2.1 và 3.2.3")]
    one = told(check_file(edited_example(tmp_path, "one.xlsx", lambda ws: edit(ws, ("3.2.1", "3.2.2")))))
    assert [(cell, criterion, message.split(" nhưng")[0]) for _, cell, criterion, message in one] == [
        ("E55", "3.2.3", "Mục 3.2.3 được tối đa 1/1 điểm")]


def test_a_survey_scored_by_the_commune_itself_is_said(tmp_path):
    """II.2 (XHH survey) and II.3 (SIPAS) are scored by the province: a 0 typed for "not yet" took 14 points
    off the total with a missing-explanation asking why, and 10 typed for SIPAS counted in the total (and in
    bulk's ranking) as if it were the result; both said nothing of the survey."""
    def edit(ws):
        clean(ws)
        ws.cell(find_row(ws, "II", "2"), 4).value = 0
        ws.cell(find_row(ws, "II", "3"), 4).value = 10
    result = check_file(edited_example(tmp_path, "survey.xlsx", edit))
    found = [(f.code, f.cell, f.severity) for f in result.findings]
    assert found == [("survey-self-scored", "D121", "warning"), ("survey-self-scored", "D122", "warning")]
    xhh, sipas = [f.message for f in result.findings]
    assert "điều tra xã hội học" in xhh and "đang tính 0/14 điểm" in xhh and "hãy xóa số ở ô này" in xhh
    assert "chỉ số hài lòng (SIPAS)" in sipas and "đang tính 10/10 điểm" in sipas
    assert result.assessment.totals().self == Decimal("83.2")  # (the officer's figures, not changed: said)
    # blank, as they should be: nothing said
    assert check_file(edited_example(tmp_path, "clean.xlsx", clean)).findings == []


def _set(part, code, col, value):
    def edit(ws):
        clean(ws)
        ws.cell(find_row(ws, part, code), col).value = value
    return edit


def _formula(ws):
    clean(ws)
    ws.cell(find_row(ws, "I", "1.2"), 4).value = "=1+1"  # openpyxl saves no cached value


def _duplicate(ws):
    clean(ws)
    ws.cell(find_row(ws, "I", "1.3.2"), 1).value = "1.3.1"


def _misplaced(ws):
    clean(ws)
    ws.cell(find_row(ws, "I", "2.3.1"), 1).value = "3.1.4"


def _out_of_order(ws):
    clean(ws)
    r1, r2 = find_row(ws, "I", "2.2.3"), find_row(ws, "I", "2.2.4")
    ws.cell(r1, 1).value, ws.cell(r2, 1).value = "2.2.4", "2.2.3"


def _missing_code(ws):
    clean(ws)
    ws.cell(find_row(ws, "I", "4.2"), 1).value = None


CASES = [
    ("over-max", _set("I", "1.2", 4, 3), ("I", "1.2", 4)),
    ("negative-score", _set("I", "1.2", 4, -1), ("I", "1.2", 4)),
    ("not-a-number", _set("I", "1.2", 4, "abc"), ("I", "1.2", 4)),
    ("formula-no-value", _formula, ("I", "1.2", 4)),
    ("max-sum-mismatch", _set("I", "1.1", 3, 3), ("I", "1.1", 3)),
    ("self-sum-mismatch", _set("I", "1.1", 4, 2), ("I", "1.1", 4)),
    ("duplicate-code", _duplicate, ("I", "1.3.1", 1)),
    ("misplaced-code", _misplaced, ("I", "3.1.4", 1)),
    ("missing-explanation", _set("I", "3.4.1", 4, 0.25), ("I", "3.4.1", 5)),
    ("unscored", _set("I", "1.2", 4, None), ("I", "1.2", 4)),
    ("too-many-decimals", _set("I", "1.2", 4, 1.125), ("I", "1.2", 4)),
    ("ratio-mismatch", _set("I", "3.5.1", 5, "664/664 hồ sơ = 98%"), ("I", "3.5.1", 5)),
    ("doc-bad-date", _set("I", "1.1.1", 5, "Kế hoạch số 52/KH-UBND ngày 31/02/2022"), ("I", "1.1.1", 5)),
    ("doc-after-report", _set("I", "1.1.1", 5, "Kế hoạch số 52/KH-UBND ngày 30/12/2023"), ("I", "1.1.1", 5)),
    ("doc-type-mismatch", _set("I", "1.1.1", 5, "Quyết định số 52/KH-UBND ngày 30/12/2022"), ("I", "1.1.1", 5)),
]


@pytest.mark.parametrize("code,edit,where", CASES, ids=[c[0] for c in CASES])
def test_each_finding_at_its_cell(tmp_path, code, edit, where):
    path = edited_example(tmp_path, f"{code}.xlsx", edit)
    result = check_file(path)
    wb = openpyxl.load_workbook(path)
    part, stt, col = where
    row = find_row(wb.worksheets[0], part, stt)
    if code == "duplicate-code":  # the second 1.3.1 is the duplicate
        row += 1
    expected_cell = f"{'ABCDE'[col - 1]}{row}"
    hits = [f for f in result.findings if f.code == code]
    at_cell = [f for f in hits if f.cell == expected_cell]
    assert at_cell, result.findings
    hit = at_cell[0]
    assert hit.severity == CATALOGUE[code].severity
    assert any(ch in hit.message for ch in "ạảấầẩậắằẳặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ")


def test_cited_documents_read_once_are_judged_per_criterion_and_per_report(tmp_path):
    """A text read once in a batch (a template's note, an explanation copied between communes) is
    still judged against each workbook's own report date and named by each criterion's own code."""

    from cchc_xl.rules.documents import document_rules

    text = "Kế hoạch số 52/KH-UBND ngày 30/12/2023; Báo cáo số 7/KH-UBND; đạt 3/4 hồ sơ = 80%"

    def edit(ws):
        clean(ws)
        for code in ("1.1.1", "3.4.1"):
            ws.cell(find_row(ws, "I", code), 5).value = text

    a = read_workbook(edited_example(tmp_path, "same_text.xlsx", edit))
    for report_date, expected in ((dt.date(2023, 12, 1), 1), (dt.date(2024, 1, 5), 0), (dt.date(2023, 12, 29), 1)):
        a.meta["report_date"] = report_date
        findings = document_rules(a)
        by_code = {}
        for f in findings:
            by_code.setdefault(f.code, []).append(f.message)
        for code in ("1.1.1", "3.4.1"):
            assert sum(m.startswith(f"Mục {code}: ") for m in by_code["doc-type-mismatch"]) == 1
            assert sum(m.startswith(f"Mục {code}: ") for m in by_code["ratio-mismatch"]) == 1
            after = [m for m in by_code.get("doc-after-report", []) if m.startswith(f"Mục {code}: ")]
            assert len(after) == expected
            if expected:
                assert f"sau ngày báo cáo {report_date:%d/%m/%Y}" in after[0]
        assert "3/4 = 75%, không phải 80%" in by_code["ratio-mismatch"][0]


def test_over_max_counts_only_max_and_keeps_typed_value(tmp_path):
    path = edited_example(tmp_path, "over.xlsx", _set("I", "1.2", 4, 3))
    a = read_workbook(path)
    crit = next(c for c in a.criteria if c.code == "1.2")
    assert crit.self.value == 3 and crit.computed_self() == 2
    assert a.totals().self == Decimal("73.2")


def test_misplaced_order_message(tmp_path):
    result = check_file(edited_example(tmp_path, "order.xlsx", _out_of_order))
    hits = [f for f in result.findings if f.code == "misplaced-code"]
    assert len(hits) == 1 and "2.2.3" in hits[0].message and "2.2.4" in hits[0].message


def test_missing_code_row(tmp_path):
    result = check_file(edited_example(tmp_path, "nocode.xlsx", _missing_code))
    assert {f.code for f in result.findings} >= {"missing-code", "max-sum-mismatch"}


def test_decimal_arithmetic_has_no_float_drift(tmp_path):
    def edit(ws):
        for code, value in (("1.6.1", 0.1), ("1.6.2", 0.2)):
            ws.cell(find_row(ws, "I", code), 4).value = value
    a = read_workbook(edited_example(tmp_path, "drift.xlsx", edit))
    area = next(c for c in a.criteria if c.code == "1.6")
    assert area.computed_self() == Decimal("0.3")
    from cchc_xl.api import WorkbookResult
    import json
    text = json.dumps(WorkbookResult(str(EXAMPLE), a, []).to_json())
    assert "0000000" not in text and "9999999" not in text


def test_readme_lists_every_finding_code():
    from helpers import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for code in CATALOGUE:
        assert f"| `{code}` |" in readme, code


def test_rounding_advice_is_half_up(tmp_path):
    result = check_file(edited_example(tmp_path, "dec.xlsx", _set("I", "1.2", 4, 1.125)))
    hit = next(f for f in result.findings if f.code == "too-many-decimals")
    assert "1,125" in hit.message and "1,13" in hit.message


def test_score_turned_into_a_date_is_explained(tmp_path):

    result = check_file(edited_example(tmp_path, "date.xlsx", _set("I", "3.3", 4, dt.datetime(2023, 5, 1))))
    hit = next(f for f in result.findings if f.code == "not-a-number")
    assert "ngày" in hit.message and "1,5" in hit.message and hit.cell.startswith("D")


def _reference_scores(crit, which):
    """The definitions, computed afresh by plain recursion: (effective max, score, pending, unscored)."""
    zero = Decimal(0)

    def cap(c):
        if c.max.value is not None:
            return c.max.value
        parts = [cap(k) for k in c.children]
        return sum(parts, zero) if parts and None not in parts else None

    def survey(c):
        return c.survey_based or (c.parent is not None and survey(c.parent))

    def value(c):
        cell = c.self if which == "self" else c.appraised
        return None if cell is None else cell.value

    def score(c):
        if c.children:
            scored = [s for s in map(score, c.children) if s is not None]
            return sum(scored, zero) if scored else None
        if value(c) is None:
            return None
        if c.kind == "penalty":
            return min(zero, max(value(c), c.min_score if c.min_score is not None else value(c)))
        v = max(value(c), zero)
        return v if cap(c) is None or v <= cap(c) else cap(c)

    def pending(c):
        if c.children:
            return sum(map(pending, c.children), zero)
        return (cap(c) or zero) if value(c) is None and survey(c) else zero

    def unscored(c):
        if c.children:
            return sum(map(unscored, c.children), zero)
        return (cap(c) or zero) if value(c) is None and not survey(c) and c.kind != "penalty" else zero

    return cap(crit), score(crit), pending(crit), unscored(crit)


def test_scores_do_not_depend_on_which_criterion_is_asked_first(tmp_path):
    """Asking a leaf before its part (a rule, a report cell) fills the same values as asking the part
    first; both equal the definitions, for the self and the appraised column, with blanks, a cap, a
    survey criterion and a penalty."""
    from cchc_xl.model import ScoreCell

    def edit(ws):
        ws.cell(find_row(ws, "I", "1.1.1"), 4).value = None  # an ordinary blank: unscored
        ws.cell(find_row(ws, "I", "1.3.1"), 4).value = 9  # over its max of 1: counts 1
        ws.cell(find_row(ws, "II", "3"), 4).value = None  # a survey blank: pending

    path = edited_example(tmp_path, "thu_tu.xlsx", edit)
    seen = {}
    for order in ("parts first", "leaves first"):
        a = read_workbook(path)
        for i, crit in enumerate(a.criteria):  # an appraised column on some leaves
            if not crit.children and i % 3:
                crit.appraised = ScoreCell.at(crit.self.cell, None, None if i % 4 == 0 else Decimal(i) / 8)
        penalty = next(c for c in a.criteria if c.key == "I.1.5.2")
        penalty.set_kind("penalty", Decimal(-1))
        penalty.self.value = Decimal(-3)  # below its bound: counts -1
        asked = [c for c in a.criteria if c.code_ok]
        if order == "leaves first":
            asked.reverse()
        values = {}
        for crit in asked:
            for which in ("self", "appraised"):
                got = (crit.effective_max(), crit.computed_self(which), crit.pending_max(which),
                       crit.unscored_max(which))
                assert [str(v) for v in got] == [str(v) for v in _reference_scores(crit, which)], (crit.key, which)
                values[crit.key, which] = got
        seen[order] = values
    assert seen["parts first"] == seen["leaves first"]
    by_key = {key: v for (key, which), v in seen["parts first"].items() if which == "self"}
    assert by_key["I.1.1.1"][1:] == (None, Decimal(0), Decimal("0.5"))
    assert by_key["I.1.3.1"][1] == Decimal(1)
    assert by_key["I.1.5.2"][1] == Decimal(-1)
    assert by_key["II.3"][2] == by_key["II.3"][0] > 0


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_scores_typed_with_their_unit_count(tmp_path, engine):
    """'0,5 điểm', '1đ', '2 ĐIỂM': the number is read; the cell itself is never rewritten."""
    import unicodedata

    def edit(ws):
        for row in range(18, ws.max_row + 1):
            value, code = ws.cell(row, 4).value, ws.cell(row, 1).value
            if isinstance(value, (int, float)):
                text = f"{value:g}".replace(".", ",")
                ws.cell(row, 4).value = [f"{text} điểm", f"{text}đ", f"{text} ĐIỂM",
                                         unicodedata.normalize("NFD", f"{text} Điểm.")][row % 4]
    path = edited_example(tmp_path, "don_vi.xlsx", edit)
    assert totals_of(path, engine) == EXPECTED
    assert not [f for f in check_file(path).findings if f.code == "not-a-number"]
    assert openpyxl.load_workbook(path).worksheets[0].cell(21, 4).value.endswith(("điểm", "đ", "ĐIỂM", "Điểm."))
    result = check_file(edited_example(tmp_path, "khong_so.xlsx", _set("I", "1.2", 4, "điểm")))
    assert [f.message for f in result.findings if f.code == "not-a-number"] == [
        "Điểm tự đánh giá của mục 1.2 là “điểm”, không phải là số; hãy nhập số, ví dụ 0,5 hoặc 1."]
    # a score with words after it ("2 điểm (đạt)"): the number is there, the words belong elsewhere
    for text, number in (("0,5 điểm thưởng", "0,5"), ("2 điểm (đạt)", "2"), ("1.5 - đạt yêu cầu", "1.5")):
        result = check_file(edited_example(tmp_path, "khong_so.xlsx", _set("I", "1.2", 4, text)))
        assert [f.message for f in result.findings if f.code == "not-a-number"] == [
            f"Điểm tự đánh giá của mục 1.2 là “{text}”, không phải là số. Nếu điểm là {number}, hãy chỉ ghi "
            f"{number} trong ô này; phần chữ ghi ở cột giải trình."]


@pytest.mark.parametrize("typed,said", [
    # worked out in the cell: the advice was the first term ("Nếu điểm là 0,25")
    ("0,25 + 0,25", "một phép tính viết thành chữ, không phải là số. Nếu điểm là 0,5, hãy ghi 0,5 trong ô này; cách "
                    "tính ghi ở cột giải trình."),
    ("1 - 0,25", "một phép tính viết thành chữ, không phải là số. Nếu điểm là 0,75, hãy ghi 0,75 trong ô này; cách "
                 "tính ghi ở cột giải trình."),
    ("0 - 0,5", "một phép tính viết thành chữ, không phải là số. Nếu điểm là -0,5, hãy ghi -0,5 trong ô này; cách "
                "tính ghi ở cột giải trình."),  # (a penalty's points; it was told 0)
    # over the criterion's maximum (0,5), as the annex prints it
    ("0,5/0,5", "không phải là số. Nếu điểm là 0,5 trên điểm tối đa 0,5, hãy chỉ ghi 0,5 trong ô này."),
    ("0.25 / 0.5 điểm", "không phải là số. Nếu điểm là 0,25 trên điểm tối đa 0,5, hãy chỉ ghi 0,25 trong ô này."),
    # a result, not a score
    ("8/10", "một phân số, không phải là số điểm: ô này chỉ ghi số điểm (ví dụ 0,5); kết quả “8/10” ghi ở cột giải "
             "trình."),
])
def test_a_score_worked_out_or_over_the_maximum_is_told_the_number_to_type(tmp_path, typed, said):
    result = check_file(edited_example(tmp_path, "so.xlsx", _set("I", "1.1.1", 4, typed)))
    assert [f.message for f in result.findings if f.code == "not-a-number"] == [
        f"Điểm tự đánh giá của mục 1.1.1 là “{typed}”, {said}"]


@pytest.mark.parametrize("typed", ["Không áp dụng", "KAD", "-", "—", "x", "không phát sinh", "N/A"])
def test_a_criterion_marked_not_applicable_is_told_how_to_score_it(tmp_path, typed):
    """"Không áp dụng", "-", "KAD" typed for a criterion that does not arise at the commune: "hãy nhập
    số, ví dụ 0,5 hoặc 1" told the officer nothing about what to enter. Still an error (the sets score
    such criteria), now saying how they are scored."""
    result = check_file(edited_example(tmp_path, "kad.xlsx", _set("I", "1.2", 4, typed)))
    said = [f.message for f in result.findings if f.code == "not-a-number"]
    assert said == [f"Điểm tự đánh giá của mục 1.2 là “{typed}”, không phải là số. Tiêu chí không áp dụng hay "
                    "không phát sinh ở đơn vị vẫn được chấm bằng số, theo hướng dẫn của bộ tiêu chí (nhiều bộ "
                    "cho điểm tối đa khi không phát sinh); ghi lý do ở cột giải trình."]
    assert [f.severity for f in result.findings if f.code == "not-a-number"] == ["error"]


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_scores_pasted_with_invisible_spaces_or_a_dash_for_minus(tmp_path, engine):
    """A score pasted from a web page carries a zero-width space ("\u200b2"): it was 'not a
    number' in a message that showed “2”. A penalty typed "–1" (a dash, as Word autocorrects the
    minus) or "−1" (the minus sign) is -1. A dash between numbers is still no number."""
    from cchc_xl.text import NotANumber, parse_score

    def edit(ws):
        for row in range(18, ws.max_row + 1):
            value = ws.cell(row, 4).value
            if isinstance(value, (int, float)):
                ws.cell(row, 4).value = ["\u200b", "\ufeff", "\u2060"][row % 3] + f"{value:g}".replace(".", ",")
    path = edited_example(tmp_path, "an.xlsx", edit)
    assert totals_of(path, engine) == EXPECTED
    assert not [f for f in check_file(path).findings if f.code == "not-a-number"]
    assert [parse_score(text) for text in ("–1", "\u22121,5", " – 0,5 điểm")] == [
        Decimal(-1), Decimal("-1.5"), Decimal("-0.5")]
    for text in ("2–1", "1–", "–"):
        with pytest.raises(NotANumber):
            parse_score(text)


def test_a_finding_quotes_a_long_cell_shortly(tmp_path):
    """A score cell holding a whole pasted text (up to Excel's 32,767 characters) was quoted whole in its
    finding: the message no longer fit one cell of the summary or of the findings sheet (Excel's limit),
    and Excel would "repair" those workbooks. The quote is cut at 80 characters."""
    def paste(ws):
        ws.cell(find_row(ws, "I", "1.2"), 4).value = "Đã thực hiện " + "x" * 32000

    result = check_file(edited_example(tmp_path, "dan.xlsx", paste))
    finding = next(f for f in result.findings if f.code == "not-a-number")
    assert len(finding.message) < 300
    assert finding.message.startswith("Điểm tự đánh giá của mục 1.2 là “Đã thực hiện xxx")
    assert "x…”, không phải là số" in finding.message


@pytest.mark.parametrize("typed", ["26/13/2023", "ngày 31 tháng 2 năm 2023", "26 tháng sáu"])
def test_a_report_date_that_is_no_day_is_said_at_its_cell(tmp_path, typed):
    """"Ngày báo cáo: 26/13/2023" left the report's date line blank, and no cited document could be
    found dated after the report, without a word: the typed text counted as a date given."""
    result = check_file(labelled_example(tmp_path, "ngay_sai.xlsx", **{"Ngày báo cáo:": typed}))
    found = [f for f in result.findings if f.code == "bad-report-date"]
    assert [(f.sheet, f.cell, f.severity) for f in found] == [(result.assessment.sheet, "C10", "warning")]
    assert f"“{typed}” không phải một ngày có thật" in found[0].message


def test_a_letterhead_date_that_is_no_day_is_said_at_its_cell(tmp_path):
    """The ND 30 date line typed above the table with a day that does not exist ("ngày 31 tháng 2")
    was passed over: the report said "Còn để trống: Ngày báo cáo" of a date the officer had typed."""
    from helpers import letterhead_example

    path = letterhead_example(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb.worksheets[0]["D3"] = "Ngọc Kỳ, ngày 31 tháng 2 năm 2023"
    wb.save(path)
    result = check_file(path)
    assert [(f.code, f.cell) for f in result.findings if f.code == "bad-report-date"] == [("bad-report-date", "D3")]
    assert result.assessment.meta["place"] == "Ngọc Kỳ"


def test_a_report_date_stored_as_excel_stores_it_without_its_format(tmp_path):
    """A date cell set back to General shows 45103, the day number Excel keeps (a sheet read sparsely,
    past a stray cell, reads every date so too): it is 26/06/2023, not a text to warn about."""

    def edit(ws):
        set_labels(ws, {"Ngày báo cáo:": 45103})
        ws["C10"].number_format = "General"
        ws["AB99999"] = "x"  # far away: the sheet is read sparsely, where no cell has a format
    for name, edit_with in (("general.xlsx", lambda ws: edit(ws) or ws.delete_rows(99999)), ("sparse.xlsx", edit)):
        result = check_file(edited_example(tmp_path, name, edit_with))
        assert result.assessment.meta["report_date"] == dt.date(2023, 6, 26), name
        assert not [f for f in result.findings if f.code == "bad-report-date"]


@pytest.mark.parametrize("written,day", [
    ("ngày 28 tháng 6 năm 2023", "28/06/2023"),  # as ND 30 writes a date, and officers copy it
    ("ngày 28/6/2023", "28/06/2023"),
    ("ngày 28-6-2023", "28/06/2023"),
    ("ngày 28.06.2023", "28/06/2023"),
    ("Ngày 28 tháng 06 năm 2023", "28/06/2023"),
    ("ngày 28 tháng 6/2023", "28/06/2023"),
])
def test_a_cited_document_dated_in_words_is_checked_against_the_report(tmp_path, written, day):
    """A citation dated "ngày 28 tháng 6 năm 2023" after the report of 26/06/2023 is found as one
    dated 28/6/2023 is; a day that does not exist written so is a bad date."""
    a = read_workbook(edited_example(tmp_path, "words.xlsx", _set("I", "1.1.1", 5,
                                                                  f"Kế hoạch số 60/KH-UBND {written} của UBND xã")))
    from cchc_xl.rules.documents import document_rules

    after = [f.message for f in document_rules(a) if f.code == "doc-after-report"]
    assert len(after) == 1 and f"ghi ngày {day}, sau ngày báo cáo 26/06/2023" in after[0]
    assert f"“Kế hoạch số 60/KH-UBND {written}”" in after[0]
    bad = read_workbook(edited_example(tmp_path, "bad.xlsx", _set("I", "1.1.1", 5,
                                                                  f"Kế hoạch số 60/KH-UBND {written.replace('28', '31')}")))
    assert [f.message for f in document_rules(bad) if f.code == "doc-bad-date"] == [
        f"Mục 1.1.1: “Kế hoạch số 60/KH-UBND {written.replace('28', '31')}” ghi ngày 31/6/2023, không có ngày này; "
        "hãy kiểm tra lại ngày ban hành."]


def test_last_years_plans_cited_in_this_periods_explanations_are_said(tmp_path):
    """Last period's workbook used again, its period and date mended and its explanations not: the 2024
    report cited "Kế hoạch số 52/KH-UBND ngày 30/12/2022 … về công tác CCHC năm 2023" as this year's plan,
    and nothing was said (the plan's date is before the report, the only date checked)."""
    result = check_file(labelled_example(tmp_path, "so.xlsx", **{"Kỳ đánh giá:": "6 tháng đầu năm 2024",
                                                                 "Ngày báo cáo:": "20/6/2024"}))
    found = {f.criterion: f for f in result.findings if f.code == "doc-of-earlier-year"}
    assert sorted(found) == ["1.1.1", "1.1.2", "1.4", "2.1", "2.2", "2.2.1", "2.3"]
    assert found["1.1.1"].severity == "warning" and found["1.1.1"].cell == "E21"
    assert found["1.1.1"].message == (
        "Mục 1.1.1: “Kế hoạch số 52/KH-UBND ngày 30/12/2022” là kế hoạch năm 2023, mà kỳ đánh giá là “6 tháng đầu năm "
        "2024”: có lẽ giải trình của kỳ trước được chép lại. Hãy dẫn kế hoạch của năm đánh giá.")
    assert "(và 3 kế hoạch khác như vậy)" in found["2.2"].message
    same_year = check_file(labelled_example(tmp_path, "cu.xlsx"))  # the example itself: its year's plans
    assert not [f for f in same_year.findings if f.code == "doc-of-earlier-year"]


@pytest.mark.parametrize("explanation,said", [
    ("Kế hoạch số 60/KH-UBND ngày 30/12/2023 của UBND xã về công tác CCHC năm 2024.", False),
    ("Kế hoạch số 61/KH-UBND ngày 30/12/2022 về thực hiện CCHC năm 2023; đã triển khai", True),
    ("Kế hoạch số 53/KH-UBND ngày 30/12/2022 về thực hiện CCHC giai đoạn 2021-2025", False),
    ("Kế hoạch số 53/KH-UBND ngày 30/12/2022 về CCHC năm 2021 - 2025", False),
    ("Báo cáo số 10/BC-UBND ngày 15/12/2023 kết quả CCHC năm 2023", False),  # last year's results: a report
    ("Kế hoạch số 5/KH-UBND ngày 05/01/2024 thực hiện Kế hoạch số 80/KH-UBND ngày 30/12/2023 của UBND huyện về CCHC "
     "năm 2024", False),  # (each plan's subject ends where the next citation begins)
    ("Kế hoạch số 5/KH-UBND ngày 05/01/2024 (năm 2024) thực hiện Kế hoạch số 80/KH-UBND năm 2023", True),
    ("Kế hoạch số 5/KH-UBND về công tác tuyên truyền CCHC năm 2022", True),
])
def test_a_plan_is_of_the_one_year_its_subject_names(tmp_path, explanation, said):
    a = read_workbook(edited_example(tmp_path, "p.xlsx", lambda ws: (
        set_labels(ws, {"Kỳ đánh giá:": "Năm 2024", "Ngày báo cáo:": "15/12/2024"}),
        ws.cell(find_row(ws, "I", "1.1.1"), 5, explanation))))
    from cchc_xl.rules.documents import document_rules

    assert [f.criterion for f in document_rules(a) if f.code == "doc-of-earlier-year" and f.criterion == "1.1.1"] == (
        ["1.1.1"] if said else [])


@pytest.mark.parametrize("lead", ["Kế hoạch số: 60", "Kế hoạch số:60", "Kế hoạch số. 60", "KẾ HOẠCH SỐ: 60"])
def test_a_citation_numbered_as_the_letterhead_writes_it_is_read(lead):
    """"Kế hoạch số: 60/…" (the colon of the letterhead's "Số: 86/BC-UBND") cites a document too."""
    from cchc_xl.rules.documents import _read_text

    documents, _ = _read_text(f"Theo {lead}/BC-UBND ngày 30/12/2022 của UBND xã")
    assert len(documents) == 1
    citation, mismatch, _, date, _ = documents[0]
    assert citation == f"{lead}/BC-UBND ngày 30/12/2022"
    assert "ký hiệu BC là của Báo cáo" in mismatch and date.isoformat() == "2022-12-30"


@pytest.mark.parametrize("citation,advice", [
    ("Báo cáo số 18/BCTĐ-STP", None),  # báo cáo thẩm định: the body's own longer symbol, still a report's
    ("Kế hoạch số 3/KHLT-UBND-MTTQ", None),  # a joint plan (kế hoạch liên tịch)
    ("Thông tư số 5/TTr-UBND", "ký hiệu TTR là của Tờ trình"),  # TTr is another type's symbol, not a longer TT
    ("Chỉ thị số 2/CTr-UBND", "ký hiệu CTR là của Chương trình"),
    ("Báo cáo số 7/KH-UBND", "ký hiệu KH là của Kế hoạch"),
    ("Báo cáo số 7/UBND-VP", "Báo cáo phải có ký hiệu BC"),
])
def test_a_longer_symbol_of_the_same_type_is_no_mismatch(citation, advice):
    from cchc_xl.rules.documents import _read_text

    (found,), _ = _read_text(f"{citation} ngày 02/3/2023")
    assert (advice in found[1]) if advice else found[1] is None


@pytest.mark.parametrize("period,typed,why", [
    # last period's workbook used again: the period changed, the date kept
    ("6 tháng đầu năm 2024", dt.datetime(2023, 6, 26), "có trước kỳ đánh giá “6 tháng đầu năm 2024” (kỳ bắt đầu 01/01/2024)"),
    ("Năm 2023", "15/12/2022", "có trước kỳ đánh giá “Năm 2023” (kỳ bắt đầu 01/01/2023)"),
    ("6 tháng cuối năm 2023", "20/6/2023", "có trước kỳ đánh giá “6 tháng cuối năm 2023” (kỳ bắt đầu 01/07/2023)"),
    ("Quý III/2023", "30/6/2023", "có trước kỳ đánh giá “Quý III/2023” (kỳ bắt đầu 01/07/2023)"),
    ("6 tháng đầu năm 2023", "26/6/2025", "muộn hơn kỳ đánh giá “6 tháng đầu năm 2023” quá một năm"),
])
def test_a_report_dated_outside_its_period_is_said_once_at_the_date(tmp_path, period, typed, why):
    """A report of 2024 dated 26/06/2023 (last year's workbook, its period changed and its date not)
    was no finding, and printed last year's date; one of "Năm 2023" dated 15/12/2022 was 22
    doc-after-report warnings, none naming the date."""
    result = check_file(labelled_example(tmp_path, "ngay.xlsx", **{"Kỳ đánh giá:": period, "Ngày báo cáo:": typed}))
    found = [f for f in result.findings if f.code == "report-date-outside-period"]
    assert [(f.cell, f.severity) for f in found] == [("C10", "warning")]
    assert why in found[0].message and "báo cáo để trống dòng ngày tháng" in found[0].message
    assert not [f for f in result.findings if f.code == "doc-after-report"]


@pytest.mark.parametrize("period,typed", [("6 tháng đầu năm 2023", "26/6/2023"), ("Năm 2023", "10/01/2024"),
                                          ("6 tháng đầu năm 2023", "01/01/2023"), ("Năm 2023", "31/12/2024"),
                                          ("Kỳ I", "26/6/2023")])
def test_a_report_dated_in_or_just_after_its_period_is_no_finding(tmp_path, period, typed):
    result = check_file(labelled_example(tmp_path, "ngay.xlsx", **{"Kỳ đánh giá:": period, "Ngày báo cáo:": typed}))
    assert not [f for f in result.findings if f.code == "report-date-outside-period"]


def _districts(result):
    return [(f.cell, f.message) for f in result.findings if f.code == "district-after-reform"]


@pytest.mark.parametrize("period", ["6 tháng đầu năm 2026", "6 tháng cuối năm 2025", "Năm 2026", "Quý III/2025"])
def test_a_table_of_the_district_era_used_after_districts_ended_is_said(tmp_path, period):
    """Since 1/7/2025 there is no district level: a workbook of a later period on the 2023 set ("kế hoạch
    CCHC của huyện", "nhiệm vụ được UBND huyện giao") or sent to "UBND huyện Tứ Kỳ" was checked,
    reported ("UBND HUYỆN TỨ KỲ" over the letterhead) and ranked without a word."""
    result = check_file(labelled_example(tmp_path, "xa.xlsx", **{"Kỳ đánh giá:": period, "Cấp trên:": "huyện Tứ Kỳ",
                                                                 "Nơi nhận:": None}))
    ws = openpyxl.load_workbook(result.path).worksheets[0]
    found = _districts(result)
    assert [cell for cell, _ in found] == ["C5", f"B{find_row(ws, 'I', '1.1.2')}"]  # (in sheet order)
    assert all(f.severity == "warning" for f in result.findings if f.code == "district-after-reform")
    assert "“huyện Tứ Kỳ”" in found[0][1] and "Sở Nội vụ" in found[0][1]
    assert "mục 1.1.2" in found[1][1] and "“kế hoạch CCHC của huyện”" in found[1][1] and "1.7, 4.4" in found[1][1]
    assert f"kỳ đánh giá {period}" in found[1][1] and "cchc-xl templates import" in found[1][1]


@pytest.mark.parametrize("period,superior", [("6 tháng đầu năm 2025", "huyện Tứ Kỳ"), ("Năm 2025", "UBND huyện Tứ Kỳ"),
                                             ("6 tháng đầu năm 2023", "huyện Tứ Kỳ"), ("Kỳ I", "huyện Tứ Kỳ"),
                                             ("6 tháng đầu năm 2026", "thành phố Hải Phòng")])
def test_districts_before_the_reform_or_a_province_above_are_no_finding(tmp_path, period, superior):
    result = check_file(labelled_example(tmp_path, "xa.xlsx", **{"Kỳ đánh giá:": period, "Cấp trên:": superior,
                                                                 "Nơi nhận:": None}))
    assert [cell for cell, _ in _districts(result)] == ([f"B22"] if period == "6 tháng đầu năm 2026" else [])


@pytest.mark.parametrize("labels,cell,said", [
    ({"Tỉnh:": "Hải Dương"}, "C6", "Tỉnh ghi “Hải Dương”: từ 01/07/2025 tỉnh Hải Dương đã hợp nhất vào thành phố Hải Phòng"),
    ({"Tỉnh:": "TỈNH BÀ RỊA - VŨNG TÀU"}, "C6", "đã hợp nhất vào Thành phố Hồ Chí Minh"),
    ({"Tỉnh:": "Đăk Nông"}, "C6", "đã hợp nhất vào tỉnh Lâm Đồng"),
    ({"Tỉnh:": "Hải Phòng", "Cấp trên:": "UBND tỉnh Hải Dương"}, "C5",
     "Cấp trên ghi “UBND tỉnh Hải Dương”: từ 01/07/2025 tỉnh Hải Dương đã hợp nhất vào thành phố Hải Phòng"),
])
def test_a_province_merged_in_2025_named_in_a_later_period_is_said(tmp_path, labels, cell, said):
    """Since 1/7/2025 there are 34 provinces: a workbook of 2026 naming "Tỉnh: Hải Dương" (last year's
    template) printed a body that no longer exists over the report, without a word."""
    result = check_file(labelled_example(tmp_path, "xa.xlsx", **{"Kỳ đánh giá:": "6 tháng đầu năm 2026", **labels}))
    found = [f for f in result.findings if f.code == "province-merged"]
    assert [(f.cell, f.severity) for f in found] == [(cell, "warning")]
    assert said in found[0].message


@pytest.mark.parametrize("period,province", [("6 tháng đầu năm 2025", "Hải Dương"), ("6 tháng đầu năm 2026", "Hải Phòng"),
                                             ("6 tháng đầu năm 2026", "Thanh Hóa"), ("Kỳ I", "Hải Dương")])
def test_a_province_that_stands_or_a_period_before_the_merger_is_no_finding(tmp_path, period, province):
    result = check_file(labelled_example(tmp_path, "xa.xlsx", **{"Kỳ đánh giá:": period, "Tỉnh:": province}))
    assert not [f for f in result.findings if f.code == "province-merged"]


def test_the_merged_provinces_leave_the_34_of_2025():
    """63 provinces before 1/7/2025: 29 merged into 23 others, 11 unchanged."""
    from cchc_xl.rules.reform import _MERGED, _NOW_IN
    from cchc_xl.text import fold

    assert len(_MERGED) == 29 and len(_NOW_IN) == 23
    assert not {fold(now.split(" ", 1)[1] if now.startswith("tỉnh ") else now) for now in _NOW_IN} & {
        fold(old) for old, _ in _MERGED.values()}  # none merged into one that was itself merged


def test_a_report_issued_after_the_reform_for_a_period_begun_before_it_names_no_district(tmp_path):
    """"Năm 2025" began with districts, but its report, dated 15/12/2025, goes to a body of today: "Cấp
    trên: UBND huyện Tứ Kỳ" and "Tỉnh: Hải Dương" are said; the criteria of the year's set are not."""
    result = check_file(labelled_example(tmp_path, "xa.xlsx", **{
        "Kỳ đánh giá:": "Năm 2025", "Ngày báo cáo:": "15/12/2025", "Cấp trên:": "UBND huyện Tứ Kỳ", "Tỉnh:": "Hải Dương",
        "Nơi nhận:": None}))
    found = [(f.code, f.cell) for f in result.findings if f.code in ("district-after-reform", "province-merged")]
    assert found == [("district-after-reform", "C5"), ("province-merged", "C6")]
    message = next(f.message for f in result.findings if f.code == "district-after-reform")
    assert "báo cáo ngày 15/12/2025 là sau ngày 01/07/2025" in message
    before = check_file(labelled_example(tmp_path, "cu.xlsx", **{
        "Kỳ đánh giá:": "6 tháng đầu năm 2025", "Ngày báo cáo:": "26/6/2025", "Cấp trên:": "UBND huyện Tứ Kỳ"}))
    assert not [f for f in before.findings if f.code in ("district-after-reform", "province-merged")]


def _merged_scores(column, value):
    def edit(ws):
        r = find_row(ws, "I", "1.1.1")
        ws.cell(r, column).value = value
        for below in (r + 1, r + 2):
            ws.cell(below, column).value = None
        ws.merge_cells(start_row=r, start_column=column, end_row=r + 2, end_column=column)
    return edit


def test_a_score_cell_merged_over_several_criteria_is_one_error_and_holds_the_parent(tmp_path):
    """2,5 typed once for 1.1.1–1.1.3 in one merged cell (Merge & Center over the group): it was read as
    1.1.1's score (over-max), 1.1.2 and 1.1.3 as unscored, and recalc wrote 0,5 over the 2,5 of 1.1."""
    from cchc_xl.write.recalc import recalc_file

    path = edited_example(tmp_path, "gop.xlsx", _merged_scores(4, 2.5))
    result = check_file(path)
    rows = {code: find_row(openpyxl.load_workbook(path).worksheets[0], "I", code) for code in ("1.1", "1.1.1", "1.1.3")}
    found = [f for f in result.findings if f.code == "merged-score"]
    assert [(f.cell, f.severity) for f in found] == [(f"D{rows['1.1.1']}", "error")]
    assert (f"ô D{rows['1.1.1']}:D{rows['1.1.3']}" in found[0].message and "1.1.1, 1.1.2, 1.1.3" in found[0].message
            and "(2,5)" in found[0].message)
    codes = {(f.code, f.criterion) for f in result.findings}
    assert not codes & {("over-max", "1.1.1"), ("unscored", "1.1.2"), ("unscored", "1.1.3")}
    above = next(f.message for f in result.findings if f.code == "self-sum-mismatch" and f.criterion == "1.1")
    assert "nơi chưa đọc được điểm; hãy sửa các ô đó trước" in above and "giá trị đúng là 0,5" not in above
    out = recalc_file(path, output=tmp_path / "ra.xlsx", backup=False)
    assert openpyxl.load_workbook(out.path).worksheets[0].cell(rows["1.1"], 4).value == 2.5  # held, as typed


def test_a_max_cell_merged_over_several_criteria_is_one_error(tmp_path):
    result = check_file(edited_example(tmp_path, "gop_toi_da.xlsx", _merged_scores(3, 2.5)))
    found = [f for f in result.findings if f.code == "merged-score"]
    assert len(found) == 1 and found[0].message.startswith("Điểm tối đa ở ô C")
    assert not [f for f in result.findings if f.code == "max-missing"]


def test_a_score_merged_over_its_criterions_rubric_rows_is_its_own(tmp_path):
    """A score merged down over the scoring options typed under its criterion (one criterion in the
    range) is that criterion's score, as before."""
    def edit(ws):
        r = find_row(ws, "I", "1.1.1")
        ws.insert_rows(r + 1, 2)
        ws.cell(r + 1, 2).value = "- Ban hành trong Quý IV: 0,5"
        ws.cell(r + 2, 2).value = "- Ban hành sau Quý IV: 0"
        ws.merge_cells(start_row=r, start_column=4, end_row=r + 2, end_column=4)
    result = check_file(edited_example(tmp_path, "phuong_an.xlsx", edit))
    assert not [f for f in result.findings if f.code in ("merged-score", "over-max", "unscored")]
    assert result.assessment.totals().self == Decimal("73.2")


def test_a_score_merged_over_a_criterion_and_the_parent_below_it_is_left_as_read(tmp_path):
    """6.5's score merged down over area 7's row: a parent's blank is its sum's, which recalc writes; as a
    merged-score the two reads (before and after recalc) gave different totals."""
    from cchc_xl.write.recalc import recalc_file

    def edit(ws):
        r = find_row(ws, "I", "6.5")
        ws.cell(r + 1, 4).value = None
        ws.merge_cells(start_row=r, start_column=4, end_row=r + 1, end_column=4)
    path = edited_example(tmp_path, "gop_cha.xlsx", edit)
    before = check_file(path)
    assert not [f for f in before.findings if f.code == "merged-score"]
    after = check_file(recalc_file(path, output=tmp_path / "ra.xlsx", backup=False).path)
    assert after.assessment.totals().self == before.assessment.totals().self


@pytest.mark.parametrize("typed", ["-", "—", "x", "…", " . ", "/"])
def test_a_placeholder_for_an_explanation_is_no_explanation(tmp_path, typed):
    """A dash typed in the explanation of a deducted criterion (to quiet the warning, or as a
    placeholder never filled) counted as its explanation, and printed "-" in the report's column."""
    result = check_file(edited_example(tmp_path, "gach.xlsx", _set("I", "3.6.4", 5, typed)))
    found = [f for f in result.findings if f.code == "missing-explanation" and f.criterion == "3.6.4"]
    assert len(found) == 1 and f"chỉ ghi “{typed.strip()}”" in found[0].message


def test_a_short_real_explanation_is_one(tmp_path):
    result = check_file(edited_example(tmp_path, "ngan.xlsx", _set("I", "3.6.4", 5, "Chưa đạt")))
    assert not [f for f in result.findings if f.code == "missing-explanation" and f.criterion == "3.6.4"]


def _hidden_old_row(ws):
    """Last year's 1.1.4 kept below 1.1.3 and hidden, not deleted (its points still in the sheet)."""
    row = find_row(ws, "I", "1.1.3") + 1
    ws.insert_rows(row)
    for col, value in enumerate(("1.1.4", "Tiêu chí của bộ năm trước", 1, 1), start=1):
        ws.cell(row, col).value = value
    ws.row_dimensions[row].hidden = True


@pytest.mark.parametrize("saved_by", ["openpyxl", "LibreOffice"])
def test_a_criterion_on_a_hidden_row_is_said(tmp_path, saved_by):
    """A row the officer hid is read as any other: 1.1's sum came out 3,5 with 1.1.4 among its items, a row
    the sheet does not show. The officer is told which rows, as Excel (hidden="1") and LibreOffice
    (hidden="true") save them; the Excel button says it as the file read does."""
    path = edited_example(tmp_path, "an_hang.xlsx", _hidden_old_row)
    if saved_by == "LibreOffice":
        path = saved_by_libreoffice(path)
    result = check_file(path)
    [hidden] = [f for f in result.findings if f.code == "hidden-row"]
    assert (hidden.cell, hidden.criterion, hidden.severity) == ("A24", "1.1.4", "warning")
    assert hidden.message.startswith("Mục 1.1.4 (hàng 24) đang bị ẩn trong Excel nhưng vẫn được đọc")
    assert any(f.code == "max-sum-mismatch" and "1.1.4" in f.message for f in result.findings)
    # the Excel button (xlwings' own engine: values only; the hidden rows from the saved file)
    import os

    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    import xlwings as xw

    from cchc_xl.criteria_sets.recognise import annotate
    from cchc_xl.read.live import read_book
    from cchc_xl.read.table import parse_workbook
    from cchc_xl.rules import check_assessment

    with xw.Book(path, mode="r") as book:
        live = parse_workbook(read_book(book))
    annotate(live)
    assert [(f.cell, f.message) for f in check_assessment(live) if f.code == "hidden-row"] == \
        [(hidden.cell, hidden.message)]


@needs_soffice
@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_a_criterion_on_a_hidden_row_is_said_in_old_excel_and_libreoffice_files(tmp_path, kind):
    """The same hidden 1.1.4 in an Excel 97–2003 file and an OpenDocument one (LibreOffice's own save)."""
    result = check_file(saved_by_libreoffice(edited_example(tmp_path, "an_hang.xlsx", _hidden_old_row), kind))
    assert [(f.cell, f.criterion) for f in result.findings if f.code == "hidden-row"] == [("A24", "1.1.4")]


def test_several_hidden_criteria_are_said_once_and_a_shown_table_says_nothing(tmp_path):
    def hide(ws):
        for code in ("3.2.1", "3.2.2", "3.2.3"):
            ws.row_dimensions[find_row(ws, "I", code)].hidden = True
    result = check_file(edited_example(tmp_path, "an.xlsx", hide))
    [hidden] = [f.message for f in result.findings if f.code == "hidden-row"]
    assert hidden.startswith("3 mục 3.2.1 (hàng 55), 3.2.2 (hàng 56), 3.2.3 (hàng 57) đang bị ẩn")
    assert not [f for f in check_file(EXAMPLE).findings if f.code == "hidden-row"]


@needs_soffice
def test_a_wrong_formula_in_a_sum_says_recalc_keeps_it(tmp_path):
    """"=SUM(D18:D122)" in the total adds the parts, areas and criteria together (268,8), and "=D21+D22"
    in 1.1 leaves 1.1.3 out: the findings said "giá trị đúng là …", but recalc keeps an officer's
    formula, so the sums stayed wrong with no word of why."""
    def edit(ws):
        ws.cell(find_row(ws, "I", "II") + 4, 4).value = "=SUM(D18:D122)"
        first = find_row(ws, "I", "1.1.1")
        ws.cell(find_row(ws, "I", "1.1"), 4).value = f"=D{first}+D{first + 1}"
    # (LibreOffice computes the formulas' values)
    result = check_file(saved_by_libreoffice(edited_example(tmp_path, "cong_thuc.xlsx", edit)))
    found = {f.criterion: f.message for f in result.findings if f.code == "self-sum-mismatch"}
    assert "Dòng Tổng ghi 267,8" in found["Tổng"] and "ghi 1,5 nhưng" in found["1.1"]  # (1.1 is 1,5 now)
    for criterion in ("Tổng", "1.1"):
        assert "Ô này là công thức: recalc giữ nguyên công thức của bạn" in found[criterion]


def test_a_set_that_names_the_former_district_as_such_is_no_district_era(tmp_path):
    """A set of after the reform may name the district it replaced ("hồ sơ do cấp huyện cũ chuyển
    giao"): that criterion is of today, not of the district era."""
    def edit(ws):
        set_labels(ws, {"Kỳ đánh giá:": "6 tháng đầu năm 2026", "Nơi nhận:": None})
        for code, name in (("1.1.2", "Tiếp nhận nhiệm vụ, hồ sơ do cấp huyện cũ chuyển giao"),
                           ("1.7", "Thực hiện các nhiệm vụ được UBND tỉnh giao"),
                           ("4.4", "Thực hiện phân cấp, ủy quyền của UBND tỉnh (trước đây do UBND huyện thực hiện)")):
            ws.cell(find_row(ws, "I", code), 2).value = name
    result = check_file(edited_example(tmp_path, "bo_moi.xlsx", edit))
    assert not [f for f in result.findings if f.code == "district-after-reform"]


@pytest.mark.parametrize("title,label,said", [
    # last year's workbook: the title changed to this year, "Kỳ đánh giá" not (the report prints the label's)
    ("PHIẾU TỰ ĐÁNH GIÁ CHỈ SỐ CCHC CẤP XÃ 6 THÁNG ĐẦU NĂM 2024", "6 tháng đầu năm 2023", True),
    ("KẾT QUẢ TỰ ĐÁNH GIÁ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2023", "Năm 2024", True),
    ("PHIẾU TỰ ĐÁNH GIÁ CHỈ SỐ CCHC CẤP XÃ 6 THÁNG ĐẦU NĂM 2023", "6 tháng đầu năm 2023", False),
    # the set's own year, not the period's (the example's second row says so of 2023)
    ("Bộ tiêu chí xác định Chỉ số cải cách hành chính cấp xã năm 2022", "6 tháng đầu năm 2023", False),
    ("(Kèm theo Quyết định số 12/QĐ-UBND ngày 05/01/2022 của UBND tỉnh) năm 2022", "6 tháng đầu năm 2023", False),
])
def test_a_title_that_states_another_year_than_the_period_is_said(tmp_path, title, label, said):
    """The title above the table says 2024 and "Kỳ đánh giá" still 2023 (or the other way round):
    the report printed the label's period, and bulk ranked the commune with the other year, without a
    word; a report dated in 2024 did not tell either (within a year of the period)."""
    def edit(ws):
        ws["A1"] = title
        set_labels(ws, {"Kỳ đánh giá:": label, "Ngày báo cáo:": "20/6/2024"})
    result = check_file(edited_example(tmp_path, "tieu_de.xlsx", edit))
    found = [f for f in result.findings if f.code == "period-conflict"]
    if not said:
        assert not found
        return
    assert [(f.cell, f.severity) for f in found] == [("C7", "warning")]
    assert f"Kỳ đánh giá ghi “{label}” nhưng tiêu đề ở ô A1 ghi" in found[0].message


def test_a_date_in_words_or_a_header_of_last_years_scores_is_no_title(tmp_path):
    """The date typed in words beside "Ngày báo cáo:" ("Ngày 05 tháng 02 năm 2024.") and a column of last
    year's scores ("Điểm tự đánh giá năm 2022") state years too, and no period: no period-conflict."""
    def edit(ws):
        set_labels(ws, {"Ngày báo cáo:": "Ngày 05 tháng 02 năm 2024."})
        header = find_row(ws, "I", "I") - 1
        ws.cell(header, 6).value = "Điểm tự đánh giá năm 2022"
    result = check_file(edited_example(tmp_path, "khong_phai.xlsx", edit))
    assert result.assessment.meta["report_date"] == dt.date(2024, 2, 5)
    assert not [f for f in result.findings if f.code == "period-conflict"]


@pytest.mark.parametrize("text,said", [
    ("Tỷ lệ hồ sơ giải quyết đúng hạn đạt 98% (664/664 hồ sơ).", "“98% (664/664 hồ sơ)” không đúng: 664/664 = 100%, không phải 98%."),
    ("Giải quyết 664/664 hồ sơ đúng hạn (98%).", "“664/664 hồ sơ đúng hạn (98%)” không đúng: 664/664 = 100%, không phải 98%."),
    ("Đạt 100% (664/664 hồ sơ).", None),
    ("Đạt 98,96% (7/671 hồ sơ trễ hạn).", None),  # the share on time, of a count of the late ones: its complement
    ("Có 7/671 hồ sơ trễ hạn (1,04%).", None),
    ("Đã số hóa 50/100 hồ sơ (đạt 50%).", None),
    ("19/19 CBCC sử dụng thư điện tử (100 %)", None),
    ("Số hồ sơ trực tuyến tăng 20% (12/10 hồ sơ cùng kỳ).", None),  # a growth, not a share: the count is above 1
])
def test_a_percent_with_its_fraction_in_brackets_is_checked(text, said):
    """"đạt 98% (664/664 hồ sơ)", as reports write a rate with its count: only "7/671 = 0,89%" was checked."""
    from cchc_xl.rules.documents import _read_text

    _, ratios = _read_text(text)
    assert list(ratios) == ([said] if said else [])


def test_recipients_that_name_a_body_gone_after_the_reform_are_said(tmp_path):
    """The example's own "Nơi nhận" (- UBND huyện Tứ Kỳ (Phòng Nội vụ); …) kept in a workbook of 2026:
    the report is sent, as typed, to a district that no longer exists; so is one to "UBND tỉnh Hải Dương"."""
    result = check_file(labelled_example(tmp_path, "xa.xlsx", **{
        "Kỳ đánh giá:": "6 tháng đầu năm 2026", "Ngày báo cáo:": "20/6/2026",
        "Nơi nhận:": "- UBND huyện Tứ Kỳ (Phòng Nội vụ);\n- UBND tỉnh Hải Dương;\n- Lưu: VT."}))
    found = {f.code: f for f in result.findings if f.cell == "C14"}
    assert set(found) == {"district-after-reform", "province-merged"}
    assert "Nơi nhận còn ghi “UBND huyện Tứ Kỳ (Phòng Nội vụ)”" in found["district-after-reform"].message
    assert "Nơi nhận còn ghi “UBND tỉnh Hải Dương”" in found["province-merged"].message
    assert "thành phố Hải Phòng" in found["province-merged"].message
    before = check_file(labelled_example(tmp_path, "cu.xlsx", **{"Kỳ đánh giá:": "6 tháng đầu năm 2025"}))
    assert not [f for f in before.findings if f.cell == "C14"]



def _at_superior(result):
    return [(f.code, f.severity, f.message) for f in result.findings if f.cell == "C5"]


@pytest.mark.parametrize("period,superior", [("6 tháng đầu năm 2026", "Sở Nội vụ thành phố Hải Phòng"),
                                             ("6 tháng đầu năm 2023", "Phòng Nội vụ huyện Tứ Kỳ"),
                                             ("Năm 2024", "SỞ NỘI VỤ TỈNH HẢI DƯƠNG")])
def test_an_agency_typed_as_the_body_above_is_said(tmp_path, period, superior):
    """"Cấp trên: Sở Nội vụ thành phố Hải Phòng" (the body the report goes to) printed "SỞ NỘI VỤ …" over
    "ỦY BAN NHÂN DÂN PHƯỜNG …" on the letterhead, as if the agency managed the committee: no word was said."""
    result = check_file(labelled_example(tmp_path, "xa.xlsx", **{"Kỳ đánh giá:": period, "Cấp trên:": superior}))
    found = _at_superior(result)
    assert [(code, severity) for code, severity, _ in found] == [("superior-is-agency", "warning")]
    assert f"Cấp trên ghi “{superior}”, một cơ quan chuyên môn" in found[0][2]
    assert "Báo cáo bỏ dòng đó ở đầu trang" in found[0][2]


@pytest.mark.parametrize("period,superior,kind,above", [
    ("Năm 2024", "Huyện ủy Tứ Kỳ", "một cơ quan của Đảng", "UBND cấp huyện"),
    ("6 tháng đầu năm 2023", "ĐẢNG UỶ XÃ NGỌC KỲ", "một cơ quan của Đảng", "UBND cấp huyện"),
    ("Năm 2024", "HĐND huyện Tứ Kỳ", "một cơ quan dân cử (Hội đồng nhân dân)", "UBND cấp huyện"),
    ("6 tháng đầu năm 2026", "Ủy ban MTTQ Việt Nam xã Ngọc Kỳ", "một tổ chức của Mặt trận Tổ quốc",
     "UBND tỉnh hoặc thành phố"),
])
def test_a_party_committee_or_council_typed_as_the_body_above_is_said(tmp_path, period, superior, kind, above):
    """"Cấp trên: Huyện ủy Tứ Kỳ" or "HĐND huyện Tứ Kỳ": no more the body that manages an UBND than an agency,
    and no word was said (agencies only were known, by their first word). The committee above a commune's is
    the district's before the 2025 reform: the message named the province's for a workbook of 2024."""
    result = check_file(labelled_example(tmp_path, "xa.xlsx", **{"Kỳ đánh giá:": period, "Cấp trên:": superior}))
    found = _at_superior(result)
    assert [(code, severity) for code, severity, _ in found] == [("superior-is-agency", "warning")]
    assert f"Cấp trên ghi “{superior}”, {kind}: đầu văn bản chỉ ghi cơ quan chủ quản trực tiếp của UBND ({above})" \
        in found[0][2]


def test_a_district_party_committee_after_the_reform_is_a_body_gone(tmp_path):
    result = check_file(labelled_example(tmp_path, "xa.xlsx", **{"Kỳ đánh giá:": "Năm 2026",
                                                                 "Cấp trên:": "Huyện ủy Tứ Kỳ"}))
    assert [code for code, _, _ in _at_superior(result)] == ["district-after-reform"]
    merged = check_file(labelled_example(tmp_path, "tinh.xlsx", **{"Kỳ đánh giá:": "Năm 2026",
                                                                   "Cấp trên:": "Tỉnh ủy Hải Dương"}))
    [(code, _, message)] = _at_superior(merged)
    assert code == "province-merged" and "đã hợp nhất vào thành phố Hải Phòng" in message


@pytest.mark.parametrize("superior", ["UBND huyện Tứ Kỳ", "huyện Phong Điền", "Ủy ban nhân dân tỉnh Hải Dương",
                                      "TP. Hải Phòng", "Bản Ban", "huyện Bố Trạch"])
def test_a_committee_or_a_place_above_is_no_agency(tmp_path, superior):
    result = check_file(labelled_example(tmp_path, "xa.xlsx", **{"Kỳ đánh giá:": "Năm 2024", "Cấp trên:": superior}))
    assert _at_superior(result) == []


@pytest.mark.parametrize("superior,code,said", [
    ("Phòng Nội vụ huyện Tứ Kỳ", "district-after-reform", "Cấp trên ghi “Phòng Nội vụ huyện Tứ Kỳ”"),
    ("Sở Nội vụ tỉnh Hải Dương", "province-merged",
     "đã hợp nhất vào thành phố Hải Phòng, mà kỳ đánh giá Năm 2026 là sau ngày đó; báo cáo bỏ dòng cơ quan cấp trên"),
])
def test_an_agency_of_a_body_gone_after_the_reform_is_said_once_as_gone(tmp_path, superior, code, said):
    """The district's Phòng Nội vụ or a merged province's Sở Nội vụ in a workbook of 2026: the body no
    longer exists. One finding at the cell (not also superior-is-agency), and the report leaves it off."""
    result = check_file(labelled_example(tmp_path, "xa.xlsx", **{"Kỳ đánh giá:": "Năm 2026", "Cấp trên:": superior}))
    found = _at_superior(result)
    assert [c for c, _, _ in found] == [code] and said in found[0][2]
    if code == "province-merged":
        assert "hãy ghi UBND thành phố Hải Phòng (cơ quan thẩm định ghi ở “Nơi nhận”)" in found[0][2]


@pytest.mark.parametrize("title,label,said", [
    ("PHIẾU TỰ ĐÁNH GIÁ CHỈ SỐ CCHC CẤP XÃ 6 THÁNG ĐẦU NĂM 2024", "Năm 2024", True),
    ("PHIẾU TỰ ĐÁNH GIÁ CHỈ SỐ CCHC CẤP XÃ 6 THÁNG CUỐI NĂM 2024", "6 tháng đầu năm 2024", True),
    ("PHIẾU TỰ ĐÁNH GIÁ CHỈ SỐ CCHC CẤP XÃ NĂM 2024", "6 tháng đầu năm 2024", False),  # a title may name the year only
])
def test_a_title_that_states_another_half_than_the_period_is_said(tmp_path, title, label, said):
    """A 6-month title over "Kỳ đánh giá: Năm 2024": the report was titled for the year and bulk ranked the
    commune among the annual workbooks."""
    def edit(ws):
        ws["A1"] = title
        set_labels(ws, {"Kỳ đánh giá:": label, "Ngày báo cáo:": "20/6/2024"})
    result = check_file(edited_example(tmp_path, "ky.xlsx", edit))
    assert [f.cell for f in result.findings if f.code == "period-conflict"] == (["C7"] if said else [])


@pytest.mark.parametrize("label,key,value,expected", [
    ("Kỳ báo cáo:", "period", "6 tháng đầu năm 2023", "6 tháng đầu năm 2023"),
    ("Đơn vị tự đánh giá:", "unit", "Xã Ngọc Kỳ", "Xã Ngọc Kỳ"),
    ("Ngày lập báo cáo:", "report_date", "26/6/2023", dt.date(2023, 6, 26)),
    ("Số báo cáo:", "doc_number", "86/BC-UBND", "86/BC-UBND"),
    ("Cơ quan cấp trên:", "superior", "UBND huyện Tứ Kỳ", "UBND huyện Tứ Kỳ"),
    ("Cơ quan chủ quản:", "superior", "UBND huyện Tứ Kỳ", "UBND huyện Tứ Kỳ"),  # ND 30's words
    ("Họ tên người ký:", "signer", "Nguyễn Xuân Thoang", "Nguyễn Xuân Thoang"),
])
def test_the_labels_officers_write_in_their_own_words_are_read(tmp_path, label, key, value, expected):
    """An officer's own label block says "Kỳ báo cáo:", "Đơn vị:", "Ngày lập báo cáo:" where the template
    says "Kỳ đánh giá:", "Tên đơn vị:", "Ngày báo cáo:": the fact was not read, and the report left it blank."""
    from cchc_xl.read import read_workbook
    from cchc_xl.read.labels import META_LABELS

    def edit(ws):
        for row in range(1, 20):
            if ws.cell(row, 2).value == f"{META_LABELS[key]}:":
                ws.cell(row, 2).value, ws.cell(row, 3).value = label, value
    assert read_workbook(edited_example(tmp_path, "nhan.xlsx", edit)).meta[key] == expected


def test_a_column_headed_don_vi_is_no_unit_label(tmp_path):
    """"Đơn vị" alone heads the columns of lists (the bulk summary's own): it is no label of the unit."""
    from cchc_xl.read import read_workbook

    def edit(ws):
        ws["B3"], ws["C3"], ws["D3"] = "Đơn vị", "Phòng Văn hóa - Xã hội", "Chức vụ"
    assert read_workbook(edited_example(tmp_path, "cot.xlsx", edit)).meta["unit"] == "Xã Ngọc Kỳ"


@pytest.mark.parametrize("explanation,said", [
    ("Chưa thực hiện", "Chưa thực hiện"),
    ("- Chưa tổ chức đối thoại với người dân trong 6 tháng đầu năm.", "Chưa tổ chức đối thoại với người dân…"),
    ("KHÔNG THỰC HIỆN", "KHÔNG THỰC HIỆN"),
    ("Chưa đạt", "Chưa đạt"),
])
def test_full_points_explained_as_not_done_are_said(tmp_path, explanation, said):
    """1.6.1 (dialogue with the people) scored its full 0,25 while its explanation still says "Chưa thực hiện"
    (the scores copied from the template or last period, left as they were): no word was said; a reviewer
    takes those points off."""
    def edit(ws):
        clean(ws)
        row = find_row(ws, "I", "1.6.1")
        ws.cell(row, 4).value = 0.25
        ws.cell(row, 5).value = explanation
    result = check_file(edited_example(tmp_path, "du_diem.xlsx", edit))
    found = [f for f in result.findings if f.code == "explanation-says-not-done"]
    assert [(f.criterion, f.severity, f.cell) for f in found] == [("1.6.1", "warning", "E35")]
    assert found[0].message == (f"Mục 1.6.1 được tối đa 0,25/0,25 điểm nhưng giải trình ghi “{said}”: điểm và giải "
                                "trình không khớp; hãy sửa điểm, hoặc ghi rõ việc đã làm (văn bản, số liệu).")


@pytest.mark.parametrize("explanation,score", [
    ("Chưa thực hiện", 0),  # the example: no points, as explained
    ("Chưa phát sinh việc phải thực hiện", 0.25),  # nothing arose: full points in most sets
    ("Không có hồ sơ trễ hạn", 0.25),
    ("Không ban hành văn bản trái pháp luật", 0.25),
    ("Đã tổ chức 01 cuộc đối thoại; không có đơn vị nào chưa hoàn thành", 0.25),
])
def test_an_explanation_that_fits_its_points_is_not_said(tmp_path, explanation, score):
    def edit(ws):
        clean(ws)
        row = find_row(ws, "I", "1.6.1")
        ws.cell(row, 4).value = score
        ws.cell(row, 5).value = explanation
    result = check_file(edited_example(tmp_path, "khop.xlsx", edit))
    assert not [f for f in result.findings if f.code == "explanation-says-not-done"]


def test_points_taken_off_by_the_appraisal_ask_for_a_reason(tmp_path):
    """A province's template has "Ý kiến thẩm định" beside "Điểm thẩm định": a reviewer who takes points off
    (1.2: 2 → 1) and leaves the reason blank was told nothing, and the commune learns only that it lost
    points. An equal appraisal, or one with its reason, says nothing; without the column nothing is asked."""
    from helpers import appraise

    path = tmp_path / "tham_dinh.xlsx"
    shutil.copy(EXAMPLE, path)
    appraise(path, {"1.2": 1, "1.3.1": 0.5, "1.3": 1.5, "1.4.1": 0, "1.4.2": 0, "1.4": 0, "1": 10.5, "I": 67.7})
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    header = next(r for r in range(1, 40) if ws.cell(r, 5).value == "Điểm thẩm định")
    ws.insert_cols(6)
    ws.cell(header, 6).value = "Ý kiến thẩm định"
    ws.cell(find_row(ws, "I", "1.3.1"), 6).value = "Chưa có biên bản kiểm tra"
    ws.cell(find_row(ws, "I", "1.4"), 6).value = "Không có kế hoạch tuyên truyền"  # one reason for 1.4.1 and 1.4.2
    wb.save(path)
    found = [(f.criterion, f.cell, f.message) for f in check_file(path).findings if f.code == "appraisal-unexplained"]
    assert found == [("1.2", f"F{find_row(ws, 'I', '1.2')}",
                      "Mục 1.2 được thẩm định 1 điểm, thấp hơn điểm tự đánh giá 2, nhưng chưa ghi ý kiến thẩm định: "
                      "hãy ghi lý do trừ điểm (để xã giải trình hoặc khắc phục).")]
    without = tmp_path / "khong_cot.xlsx"
    shutil.copy(EXAMPLE, without)
    appraise(without, {"1.2": 1, "1": 13, "I": 70.2})
    assert not [f for f in check_file(without).findings if f.code == "appraisal-unexplained"]


def test_a_reason_written_once_for_a_group_whose_items_all_lost_points_explains_them(tmp_path):
    """"1.6 | Chưa tổ chức đối thoại" written once on the criterion, its three items at 0 with their own cells
    blank: each item was a missing-explanation. The text above explains them when every item below lost
    points; when some have their full points it says what was done (a plan's number), and a deducted item
    still needs its own reason."""
    def once_for_the_group(ws):
        clean(ws)
        for code in ("1.6.1", "1.6.2", "1.6.3"):
            ws.cell(find_row(ws, "I", code), 5).value = None
        ws.cell(find_row(ws, "I", "1.6"), 5).value = "Chưa tổ chức đối thoại trong 6 tháng đầu năm"
    found = check_file(edited_example(tmp_path, "nhom.xlsx", once_for_the_group)).findings
    assert not [f.criterion for f in found if f.code == "missing-explanation" and f.criterion.startswith("1.6")]

    def document_above(ws):
        clean(ws)
        row = find_row(ws, "I", "1.1.3")
        ws.cell(row, 4).value = 0.5
        ws.cell(row, 5).value = None
        ws.cell(find_row(ws, "I", "1.1"), 5).value = "Kế hoạch số 52/KH-UBND ngày 30/12/2022"
    found = check_file(edited_example(tmp_path, "mot_muc.xlsx", document_above)).findings
    assert [f.criterion for f in found if f.code == "missing-explanation" and f.criterion.startswith("1.1")] == ["1.1.3"]


def test_a_huge_number_in_the_stt_column_is_no_stt_whichever_reader_reads_it(tmp_path):
    """1000000000 typed over area 7's STT: python-calamine gives it as a float and the reader said
    "không đọc được là số thứ tự"; openpyxl (and xlwings' remote engine, whose payload is built with it)
    gives an int, read as area "1000000000", with other findings. Both readers now say the same."""
    from helpers import remote_book

    import cchc_xl.excel  # noqa: F401 (the button's reader)
    from cchc_xl.api import check_assessment
    from cchc_xl.read.live import read_book
    from cchc_xl.read.table import parse_workbook

    path = edited_example(tmp_path, "so_lon.xlsx", lambda ws: setattr(ws.cell(find_row(ws, "I", "7"), 1), "value",
                                                                         1000000000))
    said = []
    for findings in (check_file(path).findings, check_file(path, engine="openpyxl").findings,
                     check_assessment(parse_workbook(read_book(remote_book(path))))):
        said.append(sorted((f.cell, f.code) for f in findings))
    assert said[0] == said[1] == said[2]
    assert ("C107", "missing-code") in said[0] and ("C18", "max-sum-mismatch") in said[0]
