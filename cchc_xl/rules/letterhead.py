"""The body named above the commune on the report's letterhead ("Cấp trên"). Nghị định 30/2020 puts
there the body that manages the issuer directly (for an UBND xã: the UBND above it), if any. Officers
often type the body the report goes to instead, the one that reviews it ("Sở Nội vụ thành phố Hải
Phòng", "Phòng Nội vụ huyện Tứ Kỳ"): a specialist agency manages no UBND, and a letterhead that puts the
commune's People's Committee under it is wrong on a document sent to that very agency."""
from __future__ import annotations

from ..model import Assessment
from ..text import agency, body_kind
from .catalogue import Finding, at_fact
from .reform import after_reform, superior_gone


def superior_agency(assessment: Assessment) -> str:
    """The "Cấp trên" typed, when it is an agency (or a party committee, the council, the Front: text.body_kind);
    "" otherwise."""
    superior = " ".join(str(assessment.meta.get("superior") or "").split())
    return superior if superior and agency(superior) else ""


def letterhead_findings(assessment: Assessment) -> list[Finding]:
    superior = superior_agency(assessment)
    if not superior or superior_gone(assessment):  # (an agency of a district gone: the reform's finding says it)
        return []
    # the committee above a commune's: the district's until the 2025 reform, the province's since
    above = "UBND tỉnh hoặc thành phố" if after_reform(assessment) else "UBND cấp huyện"
    return [at_fact(
        assessment, "superior", "superior-is-agency",
        f"Cấp trên ghi “{superior[:60]}”, {body_kind(superior)}: đầu văn bản chỉ ghi cơ quan chủ quản trực tiếp "
        f"của UBND ({above}), hoặc không ghi. Báo cáo bỏ dòng đó ở đầu trang và gửi cơ quan này "
        "ở nơi nhận mặc định. Hãy ghi nó ở “Nơi nhận”, và để “Cấp trên” là UBND cấp trên hoặc bỏ trống.")]
