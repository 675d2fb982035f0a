"""The signature and seal as one picture, placed as Nghị định 30/2020 describes.

The seal covers about the left third of the signature (ND 30, Phụ lục I). Word
and LibreOffice place inline pictures side by side, so the two are composed
into one transparent PNG here (Pillow) instead of floating shapes that each
office suite anchors differently.
"""
from __future__ import annotations

import io

from ..pictures import load_picture

SIGNATURE_WIDTH_MM = 40
SEAL_WIDTH_MM = 35  # a commune's round seal is 35-36 mm across


def seal_offset_mm(signature_mm: float = SIGNATURE_WIDTH_MM, seal_mm: float = SEAL_WIDTH_MM) -> float:
    """Where the signature starts, measured from the seal's left edge: the seal's right edge
    then lies one third of the way into the signature."""
    return max(0.0, seal_mm - signature_mm / 3)


def compose_stamp(signature=None, seal=None) -> tuple[bytes, float]:
    """PNG bytes and width in mm of the picture for the signature block (either image may be None)."""
    from PIL import Image

    sig = load_picture(signature, "chữ ký") if signature else None
    stamp = load_picture(seal, "con dấu") if seal else None
    px_per_mm = 12  # about 300 dpi
    sig_w = round(SIGNATURE_WIDTH_MM * px_per_mm)
    seal_w = round(SEAL_WIDTH_MM * px_per_mm)
    if sig is not None:
        sig = sig.resize((sig_w, max(1, round(sig.height * sig_w / sig.width))))
    if stamp is not None:
        stamp = stamp.resize((seal_w, max(1, round(stamp.height * seal_w / stamp.width))))
    if sig is None or stamp is None:
        only = sig if sig is not None else stamp
        width_mm = SIGNATURE_WIDTH_MM if sig is not None else SEAL_WIDTH_MM
        return _png(only), width_mm
    shift = round(seal_offset_mm() * px_per_mm)
    width = max(seal_w, shift + sig_w)
    height = max(sig.height, stamp.height)
    canvas = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    canvas.alpha_composite(sig, (shift, (height - sig.height) // 2))
    canvas.alpha_composite(stamp, (0, (height - stamp.height) // 2))  # the seal lies over the signature
    return _png(canvas), width / px_per_mm


def _png(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
