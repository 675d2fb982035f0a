"""`cchc-xl verify`: every signature of a PDF, checked with pyHanko.

For each: who signed (and for which organisation), when, whether the document changed after
it, whether the certificate chain reaches a trusted root (--trust), and its PAdES level.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from ..errors import CchcError, os_reason


@dataclass
class SignatureReport:
    field: str
    signer: str
    organisation: str
    signing_time: dt.datetime | None
    intact: bool  # the signed bytes are unchanged and the signature value is correct
    covers_document: bool  # nothing but later signatures was added after it
    trusted: bool
    level: str
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.intact and self.covers_document and self.trusted

    def to_json(self) -> dict:
        from .appearance import vietnam_time

        return {"field": self.field, "signer": self.signer, "organisation": self.organisation,
                "signing_time": vietnam_time(self.signing_time) if self.signing_time else None,
                "intact": self.intact, "unchanged_after": self.covers_document, "trusted": self.trusted,
                "level": self.level, "ok": self.ok, "problem": self.problem}


def _name_part(name, oid: str) -> str:
    for rdn in name.chosen:
        for attr in rdn:
            if attr["type"].dotted == oid:
                return attr["value"].native
    return ""


def _level(embedded, status) -> str:
    """PAdES baseline level from what the signature carries."""
    subfilter = str(embedded.sig_object.get("/SubFilter", ""))
    if subfilter != "/ETSI.CAdES.detached":
        return "không phải PAdES (" + subfilter.lstrip("/") + ")"
    level = "B-B"
    if getattr(status, "timestamp_validity", None) is not None:
        level = "B-T"
        dss = embedded.reader.root.get("/DSS")
        if dss is not None and ("/OCSPs" in dss or "/CRLs" in dss):
            level = "B-LT"
    return level


def read_signatures(pdf, trust: list[str] | None = None) -> list[SignatureReport]:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    path = Path(pdf)
    try:
        reader = PdfFileReader(io.BytesIO(path.read_bytes()), strict=False)
        encrypted = reader.encrypted
        signatures = [] if encrypted else reader.embedded_signatures
    except OSError as exc:
        raise CchcError(f"không mở được {path}: {os_reason(exc)}") from None
    except Exception:
        raise CchcError(f"không đọc được {path.name} như một tệp PDF (không phải PDF, hoặc tệp bị hỏng)") from None
    if encrypted:  # its signatures cannot be read without the password
        raise CchcError(f"{path.name} được đặt mật khẩu (mã hóa): không kiểm tra được chữ ký; hãy mở bằng trình "
                        "đọc PDF với mật khẩu")
    roots = [_load_cert(p) for p in (trust or [])]
    reports = []
    for embedded in signatures:
        context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
        # each part of a damaged signature dictionary is said as unknown, never a traceback: pyHanko reads
        # them when asked (a /M date "D:202J9…" raised PdfReadError out of verify)
        cert = _or_unknown(lambda: embedded.signer_cert, None)  # (None: each name below is then unknown)
        report = SignatureReport(
            field=_or_unknown(lambda: embedded.field_name),
            signer=_or_unknown(lambda: _name_part(cert.subject, "2.5.4.3")),
            organisation=_or_unknown(lambda: _name_part(cert.subject, "2.5.4.10"), ""),
            signing_time=_or_unknown(lambda: embedded.self_reported_timestamp, None),
            intact=False, covers_document=False, trusted=False, level="")
        try:
            status = validate_pdf_signature(embedded, context)
            report.level = _level(embedded, status)
        except Exception as exc:
            report.problem = f"không kiểm tra được ({type(exc).__name__})"
            reports.append(report)
            continue
        report.intact = bool(status.intact and status.valid)
        coverage = getattr(status, "coverage", None)
        report.covers_document = coverage is not None and coverage.name in ("ENTIRE_FILE", "ENTIRE_REVISION") and (
            status.modification_level is None or status.modification_level.name in ("NONE", "LTA_UPDATES",
                                                                                     "FORM_FILLING"))
        report.trusted = bool(status.trusted)
        if not report.intact:
            report.problem = "nội dung đã ký bị thay đổi hoặc chữ ký không đúng"
        elif not report.covers_document:
            report.problem = "tài liệu bị sửa sau khi ký"
        elif not report.trusted:
            report.problem = "chứng thư số không dẫn tới gốc tin cậy (--trust)"
        reports.append(report)
    return reports


UNKNOWN = "(không đọc được)"


def _or_unknown(read, unknown=UNKNOWN):
    """A part of a signature as pyHanko reads it, or ``unknown`` when that part is damaged."""
    try:
        return read()
    except Exception:
        return unknown


def _load_cert(path):
    from pyhanko.keys import load_cert_from_pemder

    try:
        return load_cert_from_pemder(path)
    except Exception:
        raise CchcError(f"không đọc được chứng thư gốc {path} (cần tệp .pem hoặc .cer)") from None
