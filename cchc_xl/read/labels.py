"""Header and metadata labels, matched on folded text (no case, no diacritics)."""

# Column roles and the header words that name them, matched on folded text (no case, no marks,
# spaces folded) as a prefix ("Điểm tự đánh giá (tối đa 100)" is still "self"). README lists this
# table; add a synonym here, never a special case in the parser. Order inside a role does not
# matter; roles are tried in ROLE_ORDER so "Điểm tự đánh giá" is self before it could be max.
HEADER_ROLES = {
    "code": ("stt", "tt", "so tt", "so thu tu", "thu tu", "ma so", "ma tieu chi"),
    "name": ("linh vuc", "tieu chi", "noi dung tieu chi", "noi dung danh gia", "noi dung", "ten tieu chi",
             "chi so", "chi tieu", "linh vuc, tieu chi"),
    "max": ("diem toi da", "toi da", "diem chuan", "thang diem", "diem so toi da", "diem quy dinh", "so diem toi da"),
    "self": ("diem tu danh gia", "tu danh gia", "diem tu cham", "tu cham", "diem so tu cham", "diem tu dg", "tu dg",
             "ket qua tu danh gia", "diem tu danh", "ket qua tu cham", "so diem tu danh gia", "so diem tu cham"),
    "explanation": ("noi dung giai trinh", "giai trinh", "thuyet minh", "noi dung thuyet minh", "dien giai",
                    "noi dung dien giai", "ly do tru diem", "ly do giam diem"),
    "evidence": ("tai lieu kiem chung", "tlkc", "tai lieu chung minh", "van ban kiem chung", "minh chung",
                 "tai lieu minh chung"),
    "guidance": ("huong dan", "cach cham", "cach tinh diem", "phuong phap cham"),
    "notes": ("ghi chu",),
    "appraised": ("diem tham dinh", "ket qua tham dinh", "tham dinh"),
    "appraisal_comment": ("y kien tham dinh", "nhan xet tham dinh", "nhan xet cua co quan tham dinh"),
}
# Who scored, typed between "Điểm" and the verb: "Điểm UBND xã tự đánh giá", "Xã tự chấm điểm",
# "Điểm Sở Nội vụ thẩm định" (folded: any of these, then one of the role's verbs).
SCORERS = ("ubnd xa", "ubnd cap xa", "uy ban nhan dan xa", "xa", "cap xa", "phuong", "thi tran", "dac khu", "don vi",
           "co quan", "huyen", "ubnd huyen", "phong noi vu", "so noi vu", "tinh", "ubnd tinh", "cap tren", "hoi dong",
           "hoi dong tham dinh", "doan tham dinh", "to tham dinh")
SCORER_VERBS = {"self": ("tu danh gia", "tu cham", "tu dg"), "appraised": ("tham dinh",)}
ROLE_ORDER = ("code", "self", "appraisal_comment", "appraised", "max", "explanation", "evidence", "guidance",
              "notes", "name")
ROLE_NAMES = {  # Vietnamese names of the roles, for messages and README
    "code": "STT", "name": "Lĩnh vực, tiêu chí", "max": "Điểm tối đa", "self": "Điểm tự đánh giá",
    "explanation": "Nội dung giải trình", "evidence": "Tài liệu kiểm chứng", "guidance": "Hướng dẫn chấm điểm",
    "notes": "Ghi chú", "appraised": "Điểm thẩm định", "appraisal_comment": "Ý kiến thẩm định",
}
# Word prefixes officers put before a code: "Tiêu chí 1", "Phần I", "Lĩnh vực 2" (folded).
CODE_WORDS = ("tieu chi thanh phan", "tieu chi", "chi tieu thanh phan", "chi tieu", "linh vuc", "phan", "noi dung",
              "muc", "chi so thanh phan", "chi so")

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
# other words officers write beside the same facts, in a label block of their own (folded like the labels).
# Only phrases no table heads a column with: "Đơn vị", "Chức vụ" alone head the columns of lists (our own
# summary's "Đơn vị" column was read as a unit's name).
META_SYNONYMS = {
    "unit": ("Đơn vị tự đánh giá", "Tên đơn vị tự đánh giá"),
    # (ND 30's own words for the body above on a letterhead: "cơ quan, tổ chức chủ quản trực tiếp")
    "superior": ("Cơ quan cấp trên", "Cấp trên trực tiếp", "Cơ quan chủ quản", "Cơ quan chủ quản trực tiếp"),
    "period": ("Kỳ báo cáo", "Kỳ tự đánh giá"),
    "doc_number": ("Số báo cáo", "Số hiệu văn bản"),
    "report_date": ("Ngày lập báo cáo",),
    "signer": ("Họ tên người ký", "Người ký báo cáo"),
}
