"""The pictures an officer gives (the handwritten signature, the seal), read once for the Word
report and the PDF signature alike: with Pillow, and bounded, since a PNG of a few hundred bytes
can claim 30,000 × 30,000 pixels (3.6 GB once decoded)."""
from __future__ import annotations

import warnings
from pathlib import Path

from .errors import CchcError, os_reason

# a signature or seal scanned at 600 dpi is ~1,000 × 1,000 pixels; far more is no such picture
MAX_PIXELS = 25_000_000


def load_picture(path, what: str):
    """RGBA image of ``path``; ``what`` ("chữ ký", "con dấu") names it in the one-line error."""
    from PIL import Image, UnidentifiedImageError

    path = Path(path)
    if not path.is_file():
        raise CchcError(f"không tìm thấy ảnh {what} {path}")
    smaller = "hãy dùng ảnh nhỏ hơn, khoảng 1.000 × 500 điểm ảnh"
    try:
        with warnings.catch_warnings():  # Pillow's warning past its own limit: the size is checked here
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(path)  # reads the header only: the size is known before decoding
        with image:
            if image.width * image.height > MAX_PIXELS:
                raise CchcError(f"ảnh {what} {path.name} quá lớn ({image.width} × {image.height} điểm ảnh); {smaller}")
            image.load()
            return image.convert("RGBA")
    except CchcError:
        raise
    except Image.DecompressionBombError:  # Pillow's own refusal, past twice its limit
        raise CchcError(f"ảnh {what} {path.name} quá lớn (nghi là ảnh độc hại); {smaller}") from None
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        why = ("không phải tệp ảnh" if isinstance(exc, UnidentifiedImageError)
               else os_reason(exc) if isinstance(exc, OSError) and exc.errno  # (Pillow's own OSErrors: no errno)
               else "ảnh bị hỏng hoặc chưa tải về hết")
        raise CchcError(f"không đọc được ảnh {what} {path.name}: {why}; "
                        "hãy dùng tệp PNG (nền trong suốt) hoặc JPG") from None
