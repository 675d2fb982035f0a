"""`cchc-xl sign`: one PAdES signature added to a PDF as an incremental update.

The signer (Chairman, --as nguoi-ky) signs first, then the organisation (the clerk with the
office's certificate, --as co-quan): each signature is appended, so the earlier one stays valid.
Level: PAdES baseline B-B; B-T with a time-stamp authority (--tsa); B-LT when revocation
information can be fetched and embedded (--lt).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CchcError, missing_file
from .keys import KeySource, SigningRefused, TokenSession, p12_signer

ROLES = {"nguoi-ky": "Người ký", "co-quan": "Cơ quan"}
FIELD_NAMES = {"nguoi-ky": "ChuKyNguoiKy", "co-quan": "ChuKyCoQuan"}


@dataclass
class SignOutcome:
    output: str
    role: str
    signed_at: str  # ISO 8601, Vietnam time
    level: str
    lines: list[str] = field(default_factory=list)


def _field_name(reader, role: str) -> str:
    """A fresh field name: a document may carry several signatures of one role (attachments)."""
    from pyhanko.sign.fields import enumerate_sig_fields

    taken = {name for name, *_ in enumerate_sig_fields(reader)}
    base, number = FIELD_NAMES[role], 1
    name = base
    while name in taken:
        number += 1
        name = f"{base}{number}"
    return name


REASONS = {"nguoi-ky": "Người có thẩm quyền ký", "co-quan": "Cơ quan ban hành ký số",
           "phu-luc": "Cơ quan ban hành ký số (phụ lục)"}


def _refuse_out_of_order(reader, role: str, attachment: bool, name: str) -> None:
    """ND 30/2020: the person with authority signs first, once; the organisation then issues the
    document with its own signature, once (an attachment's signatures are not counted). Signatures
    of other programs count as signed by someone, of no known role."""
    from pyhanko.sign.fields import enumerate_sig_fields

    if attachment:
        return
    reasons = [value.get_object().get("/Reason") for _, value, _ in enumerate_sig_fields(reader, filled_status=True)]
    issued = REASONS["co-quan"] in reasons
    if role == "nguoi-ky" and issued:
        raise CchcError(f"{name} đã có chữ ký số của cơ quan (văn bản đã ban hành): người có thẩm quyền ký trước, cơ "
                        "quan ký sau; hãy ký lại từ bản PDF chưa ký")
    if role == "nguoi-ky" and REASONS["nguoi-ky"] in reasons:
        raise CchcError(f"{name} đã có chữ ký số của người có thẩm quyền: ký lần nữa sẽ chồng hai chữ ký; cần ký lại "
                        "thì ký từ bản PDF chưa ký")
    if role == "co-quan" and issued:
        raise CchcError(f"{name} đã có chữ ký số của cơ quan: ký lần nữa sẽ chồng hai con dấu; cần ký lại thì ký từ "
                        "bản PDF chưa ký")
    if role == "co-quan" and not reasons:
        raise CchcError(f"{name} chưa có chữ ký số của người có thẩm quyền: người ký ký trước (--as nguoi-ky), cơ "
                        "quan ký sau")


def sign_pdf(pdf, output=None, role: str = "nguoi-ky", keys: KeySource | None = None, signature_image=None,
             seal_image=None, organisation: str = "", title: str | None = None, signer_name: str = "",
             tsa: str | None = None, long_term: bool = False, overwrite: bool = False,
             attachment_page: int | None = None, doc_number: str = "") -> SignOutcome:
    """Sign ``pdf`` and write ``output`` (default: a free name with ``_da_ky``, see signed_name).

    ``attachment_page`` (1-based, with --as co-quan): the organisation's signature on an attachment
    in the same file: top right of that page, no image, the document's number and the signing time.
    ``title``: the position line over the signer's name; None: CHỦ TỊCH, PHÓ CHỦ TỊCH or Q. CHỦ TỊCH.
    Images and the organisation's name default to the user's settings (cai_dat.json)."""
    from ..settings import setting

    signature_image = setting(signature_image, "signature_image")
    seal_image = setting(seal_image, "seal_image")
    organisation = setting(organisation, "organisation") or ""
    if keys is not None and not (keys.p12 or keys.pkcs11_lib):
        keys.pkcs11_lib = setting(None, "pkcs11")
        keys.token_label = keys.token_label or setting(None, "token_label")
        keys.key_label = keys.key_label or setting(None, "key_label")
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigFieldSpec, SigSeedSubFilter

    from ..write.atomic import write_atomically
    import datetime as dt

    from .appearance import VIETNAM, organisation_appearance, signer_appearance, text_width, vietnam_time
    from .placement import Box, find_signature_block, page_count, page_object, untrusted_pdf

    if role not in ROLES:
        raise CchcError(f"--as phải là một trong: {', '.join(ROLES)}")
    pdf = Path(pdf)
    if not pdf.is_file():
        raise CchcError(missing_file(pdf, "PDF"))
    output = Path(output) if output else signed_name(pdf)
    if output.exists() and not overwrite and not _same_file(output, pdf):
        raise CchcError(f"tệp {output} đã có; hãy chọn tên khác hoặc thêm --overwrite")
    if keys is None or not (keys.p12 or keys.pkcs11_lib):
        raise SigningRefused("cần khóa ký: --p12 TỆP hoặc --pkcs11 THƯ_VIỆN (USB token)")
    if attachment_page is not None:
        if role != "co-quan":
            raise CchcError("chữ ký trên phụ lục (--attachment-page) là chữ ký số của cơ quan: dùng --as co-quan")
        if not doc_number:
            raise CchcError("chữ ký trên phụ lục ghi số, ký hiệu văn bản: cần --doc-number (ví dụ 86/BC-UBND)")

    data = pdf.read_bytes()
    import io

    # everything read from the PDF before signing (its signatures, pages, the signature block, the
    # fields) in one guard: a damaged file raised pdfminer's and pyHanko's own errors from any step
    # (PSSyntaxError, KeyError '/Pages', "Unsupported filter"…), "Lỗi không mong đợi" each
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False, decode_limits=untrusted_pdf())
        if writer.prev.encrypted:  # (pyhanko would fail deep inside, on the first object it must decrypt)
            raise CchcError(f"{pdf.name} được đặt mật khẩu (mã hóa): hãy lưu lại bản không mật khẩu rồi ký")
        _refuse_out_of_order(writer.prev, role, attachment_page is not None, pdf.name)
        # one moment for the signature's signing time and the time shown on the page
        signing_time = dt.datetime.now(VIETNAM).replace(microsecond=0)
        pages = page_count(writer.prev)
        if attachment_page is not None:
            if not 1 <= attachment_page <= pages:
                raise CchcError(f"--attachment-page {attachment_page}: tệp chỉ có {pages} trang")
            from .placement import attachment_box

            media = [float(v) for v in page_object(writer.prev, attachment_page - 1)["/MediaBox"]]
            lines = [doc_number, vietnam_time(signing_time)]
            box = attachment_box(media[2] - media[0], media[3] - media[1], text_width(lines) + 4, 12 * len(lines) + 4)
            drawn = (None, lines, box, None, box.y1)
            block_page = attachment_page - 1
            reason = REASONS["phu-luc"]
        elif role == "nguoi-ky":
            block = find_signature_block(str(pdf), pages, title, signer_name, writer.prev)
            block_page = block.page
            drawn = None  # the signature picture alone
            box = block.signer_box()
            reason = REASONS["nguoi-ky"]
        else:
            block = find_signature_block(str(pdf), pages, title, signer_name, writer.prev)
            block_page = block.page
            if not organisation:
                raise CchcError("cần tên cơ quan (--organisation) cho chữ ký số của cơ quan")
            lines = [organisation, vietnam_time(signing_time)]
            seal = block.seal_box()
            top = block.text_top()
            box = Box(seal.x0, top - 12 * len(lines) - 2, max(seal.x1, seal.x0 + text_width(lines) + 2), seal.y1)
            drawn = (seal_image, lines, box, seal, top)
            reason = REASONS["co-quan"]
        name = _field_name(writer.prev, role)
    except CchcError:
        raise
    except Exception:
        raise CchcError(f"không đọc được {pdf.name} như một tệp PDF (không phải PDF, hoặc tệp bị hỏng)") from None
    # (the pictures outside that guard: a picture's own problem is said as the picture's)
    appearance = signer_appearance(signature_image) if drawn is None else organisation_appearance(*drawn)
    timestamper = None
    if tsa:
        from pyhanko.sign.timestamps import HTTPTimeStamper

        timestamper = HTTPTimeStamper(tsa)
    meta_options = dict(field_name=name, subfilter=SigSeedSubFilter.PADES, md_algorithm="sha256", reason=reason,
                        use_pades_lta=False)
    if long_term:
        from pyhanko_certvalidator import ValidationContext

        meta_options.update(embed_validation_info=True, validation_context=ValidationContext(allow_fetching=True))

    def sign_with(signer):
        pdf_signer = _signer_at(signing_time,
            signers.PdfSignatureMetadata(**meta_options), signer=signer, stamp_style=appearance.style,
            timestamper=timestamper,
            new_field_spec=SigFieldSpec(sig_field_name=name, on_page=block_page, box=box.as_tuple()))
        out = io.BytesIO()
        try:
            pdf_signer.sign_pdf(writer, output=out, appearance_text_params=appearance.text_params)
        except CchcError:
            raise
        except Exception as exc:  # network (TSA/OCSP), token errors, a PDF pyHanko cannot update
            raise CchcError(f"không ký được ({type(exc).__name__}: {exc})") from None
        return out.getvalue()

    if keys.p12:
        signed = sign_with(p12_signer(keys.p12, keys.password_env))
    else:
        with TokenSession(keys) as token_signer:
            signed = sign_with(token_signer)
    write_atomically(output, lambda temp: Path(temp).write_bytes(signed), ".pdf")
    from .verify import read_signatures

    newest = read_signatures(output)[-1]
    level = newest.level
    outcome = SignOutcome(str(output), role, vietnam_time(newest.signing_time) if newest.signing_time else "", level)
    outcome.lines.append(f"Đã ký số ({ROLES[role].lower()}, {level}) → {output}")
    return outcome


def _at_time_signer_class():
    from pyhanko.sign import signers

    class AtTimeSigner(signers.PdfSigner):
        """pyHanko's signer with the signing time fixed beforehand, so the time drawn in the
        appearance is exactly the signature's signing time."""

        def __init__(self, signing_time, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._signing_time = signing_time

        def init_signing_session(self, *args, **kwargs):
            session = super().init_signing_session(*args, **kwargs)
            session.system_time = self._signing_time
            return session

    return AtTimeSigner


def _signer_at(signing_time, *args, **kwargs):
    """A pyHanko PdfSigner whose signing time is ``signing_time``."""
    return _at_time_signer_class()(signing_time, *args, **kwargs)


def signed_name(pdf: Path) -> Path:
    """Beside the PDF, a name that is free: "bc_da_ky.pdf", else "bc_da_ky (2).pdf"… (never over a file)."""
    candidate, number = pdf.with_name(f"{pdf.stem}_da_ky.pdf"), 2
    while candidate.exists():
        candidate = pdf.with_name(f"{pdf.stem}_da_ky ({number}).pdf")
        number += 1
    return candidate


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
