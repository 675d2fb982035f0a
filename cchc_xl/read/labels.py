"""Header and metadata labels, matched on folded text (no case, no diacritics)."""

# role → folded header texts that name it (prefix match after folding)
HEADER_ROLES = {
    "code": ("stt", "so tt", "so thu tu", "tt"),
    "name": ("linh vuc", "tieu chi", "noi dung tieu chi", "linh vuc, tieu chi"),
    "max": ("diem toi da", "toi da", "diem chuan"),
    "self": ("diem tu danh gia", "tu danh gia", "diem tu cham", "diem tu dg"),
    "explanation": ("noi dung giai trinh", "giai trinh"),
    "appraised": ("diem tham dinh", "ket qua tham dinh"),
    "appraisal_comment": ("y kien tham dinh", "nhan xet tham dinh"),
}

# JSON/meta key → Vietnamese label (as printed in templates and JSON)
META_LABELS = {
    "unit": "Tên đơn vị",
    "superior": "Cấp trên",
    "province": "Tỉnh",
    "period": "Kỳ đánh giá",
    "doc_number": "Số văn bản",
    "place": "Địa danh",
    "report_date": "Ngày báo cáo",
    "authority": "Thẩm quyền ký",
    "signer_title": "Chức vụ người ký",
    "signer": "Người ký",
    "recipients": "Nơi nhận",
}

TOTAL_WORDS = ("tong", "tong cong", "tong diem", "tong so")
