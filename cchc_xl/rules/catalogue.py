"""The catalogue of findings: stable codes, severities, what each means.

Codes never change meaning once shipped (reviewers filter on them, like
frictionless' error catalogue); new checks get new codes.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..text import cell_address

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITY_VI = {ERROR: "lỗi", WARNING: "cảnh báo", INFO: "thông tin"}


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    title: str  # Vietnamese, one line


CATALOGUE: dict[str, Rule] = {
    r.code: r
    for r in [
        Rule("over-max", ERROR, "Điểm tự đánh giá vượt điểm tối đa của tiêu chí"),
        Rule("negative-score", ERROR, "Điểm âm"),
        Rule("not-a-number", ERROR, "Ô điểm không phải là số"),
        Rule("formula-no-value", ERROR, "Ô công thức chưa có giá trị tính sẵn"),
        Rule("cell-error", ERROR, "Ô điểm là giá trị lỗi của Excel (#REF!, #VALUE!, #DIV/0!…)"),
        Rule("explanation-error", WARNING, "Ô giải trình là giá trị lỗi của Excel (hoặc hình ảnh đặt trong ô): báo cáo "
             "để trống"),
        Rule("merged-score", ERROR, "Một ô điểm gộp qua nhiều tiêu chí: không tiêu chí nào có điểm riêng"),
        Rule("max-missing", ERROR, "Tiêu chí thiếu điểm tối đa"),
        Rule("max-sum-mismatch", ERROR, "Điểm tối đa của mục cha khác tổng điểm tối đa các mục con"),
        Rule("self-sum-mismatch", WARNING, "Điểm tự đánh giá của mục cha khác tổng các mục con"),
        Rule("duplicate-code", ERROR, "STT bị trùng trong cùng một phần"),
        Rule("misplaced-code", ERROR, "STT đặt sai chỗ hoặc sai thứ tự"),
        Rule("missing-code", ERROR, "Hàng có điểm nhưng không có STT"),
        Rule("missing-explanation", WARNING, "Bị trừ điểm nhưng không có nội dung giải trình"),
        Rule("explanation-says-not-done", WARNING, "Được điểm tối đa nhưng giải trình ghi chưa thực hiện"),
        Rule("hidden-row", WARNING, "Tiêu chí ở hàng bị ẩn trong Excel vẫn được tính và in trong báo cáo"),
        Rule("survey-self-scored", WARNING, "Mục chấm theo điều tra xã hội học/SIPAS của tỉnh mà xã tự ghi điểm"),
        Rule("appraisal-unexplained", WARNING, "Điểm thẩm định thấp hơn điểm tự đánh giá nhưng chưa ghi ý kiến thẩm định"),
        Rule("unscored", WARNING, "Tiêu chí chưa được chấm điểm"),
        Rule("too-many-decimals", WARNING, "Điểm có quá 2 chữ số thập phân"),
        Rule("ratio-mismatch", WARNING, "Phân số và tỷ lệ phần trăm trong giải trình không khớp"),
        Rule("doc-bad-date", WARNING, "Văn bản viện dẫn có ngày không có thật"),
        Rule("doc-after-report", WARNING, "Văn bản viện dẫn có ngày sau ngày báo cáo"),
        Rule("doc-of-earlier-year", WARNING, "Văn bản viện dẫn là kế hoạch của một năm trước kỳ đánh giá (giải trình "
             "của kỳ trước chép lại)"),
        Rule("doc-type-mismatch", WARNING, "Loại văn bản không khớp với ký hiệu"),
        Rule("evidence-link-local", WARNING, "Giải trình liên kết tới một tệp trên máy của công chức: người nhận không "
             "mở được"),
        Rule("bad-report-date", WARNING, "Ngày báo cáo ghi trong sổ không phải một ngày có thật"),
        Rule("period-conflict", WARNING, "Kỳ đánh giá và tiêu đề phía trên bảng ghi hai kỳ khác nhau"),
        Rule("report-date-outside-period", WARNING, "Ngày báo cáo có trước kỳ đánh giá, hoặc muộn hơn kỳ đó quá một năm"),
        Rule("district-after-reform", WARNING, "Sổ tính của kỳ sau 01/07/2025 còn nhắc cấp huyện (bộ tiêu chí hay cấp "
             "trên của thời còn cấp huyện)"),
        Rule("province-merged", WARNING, "Sổ tính của kỳ sau 01/07/2025 ghi tỉnh đã hợp nhất vào tỉnh khác"),
        Rule("superior-is-agency", WARNING, "“Cấp trên” ghi một cơ quan chuyên môn (Sở, Phòng…), không phải cơ quan chủ "
             "quản của UBND: báo cáo không in dòng đó ở đầu trang"),
        Rule("max-changed", ERROR, "Điểm tối đa khác với bộ tiêu chí chính thức"),
        Rule("criterion-missing", ERROR, "Thiếu tiêu chí so với bộ tiêu chí chính thức"),
        Rule("criterion-extra", ERROR, "Tiêu chí không có trong bộ tiêu chí chính thức"),
        Rule("name-changed", WARNING, "Tên tiêu chí khác với bộ tiêu chí chính thức"),
        Rule("wrong-criteria-set", ERROR, "Sổ tính theo một bộ tiêu chí khác với bộ dùng để so sánh"),
        Rule("newer-criteria-set", WARNING, "Sổ tính theo bộ tiêu chí của năm trước trong khi tỉnh đã có bộ mới hơn "
             "cho kỳ đánh giá"),
        Rule("parts-on-other-sheet", ERROR, "Một phần của bảng tiêu chí nằm ở trang khác nên chưa được tính"),
        Rule("part-inferred", INFO, "STT bắt đầu lại từ 1 mà không có dòng phần: đã đọc là phần tiếp theo"),
        Rule("code-number-tenth", INFO, "STT “1.10” bị Excel lưu thành số 1,1: đã đọc là 1.10"),
        Rule("hidden-table", ERROR, "Bảng tiêu chí được đọc ở một trang ẩn (các trang đang hiện không có bảng "
             "đọc được)"),
        Rule("several-units", WARNING, "Sổ tính có bảng tiêu chí của nhiều đơn vị (mỗi đơn vị một trang): chỉ một bảng "
             "được kiểm tra"),
        Rule("other-tables", INFO, "Sổ tính có nhiều bảng tiêu chí; cho biết bảng nào đã được dùng"),
        Rule("legacy-encoding", INFO, "Chữ mã cũ (TCVN3/VNI) đã được đọc thành Unicode"),
        Rule("stray-cells", INFO, "Ô lạc ở xa bảng bị bỏ qua khi đọc"),
        Rule("several-score-columns", WARNING, "Bảng có nhiều cột điểm tự đánh giá (hoặc thẩm định); cho biết cột nào "
             "đã được dùng"),
    ]
}


@dataclass
class Finding:
    code: str
    severity: str
    sheet: str
    cell: str  # "D57" ('' when the finding is about the whole workbook)
    part: str
    criterion: str  # STT as written, '' when none
    message: str  # Vietnamese, says what is wrong and what is right
    row: int = -1  # 0-based, for sorting and marking

    def to_json(self) -> dict:
        return {"code": self.code, "severity": self.severity, "sheet": self.sheet, "cell": self.cell,
                "part": self.part, "criterion": self.criterion, "message": self.message}


def make(code: str, sheet: str, cell: str, part: str, criterion: str, message: str, row: int = -1) -> Finding:
    return Finding(code, CATALOGUE[code].severity, sheet, cell, part, criterion, message, row)


def fact_address(assessment, key: str) -> str | None:
    """The cell that states one of the workbook's facts ("C10" beside "Ngày báo cáo:"), if one does."""
    found = assessment.meta_cells.get(key)
    return cell_address(found[1], found[2]) if found and found[1] >= 0 else None


def at_fact(assessment, key: str, code: str, message: str) -> Finding:
    """A finding at the cell that states one of the workbook's facts; about the whole workbook when none does."""
    sheet, row, _ = assessment.meta_cells.get(key, (assessment.sheet, -1, -1))
    return make(code, sheet, fact_address(assessment, key) or "", "", "", message, row)
