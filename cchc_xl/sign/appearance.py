"""What each digital signature shows on the page (ND 30/2020, Phụ lục I).

- the signer (--as nguoi-ky): the handwritten signature image, blue, transparent PNG;
- the organisation (--as co-quan): the seal image at its real size over the left third of the
  signer's signature, and a text: the organisation's name and the signing time in ISO 8601 with
  Vietnam's offset (2023-06-26T15:04:05+07:00), Times New Roman 10 pt, upright, black.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import CchcError
from ..pictures import load_picture

VIETNAM = dt.timezone(dt.timedelta(hours=7), "ICT")  # no daylight saving time in Vietnam


def vietnam_time(moment: dt.datetime) -> str:
    """ISO 8601 in Vietnam time: 2023-06-26T15:04:05+07:00."""
    return moment.astimezone(VIETNAM).replace(microsecond=0).isoformat()


def times_font() -> Path:
    """Times New Roman when installed (Windows, Office), else a metric-compatible font."""
    windows = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
    candidates = [windows / "times.ttf", Path("/usr/share/fonts/truetype/msttcorefonts/Times_New_Roman.ttf"),
                  Path("/Library/Fonts/Times New Roman.ttf"),
                  Path("/System/Library/Fonts/Supplemental/Times New Roman.ttf"),
                  # same metrics as Times New Roman, with Vietnamese letters (Debian fonts-liberation2;
                  # Liberation 1.x in fonts-liberation lacks them)
                  Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"),
                  Path("/usr/share/fonts/truetype/croscore/Tinos-Regular.ttf"),
                  Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")]
    for path in candidates:
        if path.is_file():
            return path
    raise CchcError("không tìm thấy phông Times New Roman (hoặc Liberation Serif cùng kích thước chữ) để ghi "
                    "chữ trên chữ ký số; trên Linux: apt install fonts-liberation2")


def _image(path, what: str, width_mm: float):
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.pdf_utils.layout import BoxConstraints

    from .placement import MM

    picture = load_picture(path, what)
    width = width_mm * MM
    return PdfImage(picture, box=BoxConstraints(width=width, height=width * picture.height / picture.width))


@dataclass
class Appearance:
    style: object  # a pyHanko stamp style
    text_params: dict


def signer_appearance(signature_image) -> Appearance:
    from pyhanko.pdf_utils.layout import AxisAlignment, InnerScaling, SimpleBoxLayoutRule
    from pyhanko.stamp import StaticStampStyle

    if not signature_image:
        raise CchcError("chữ ký số của người ký cần ảnh chữ ký (--signature-image, PNG nền trong suốt)")
    return Appearance(StaticStampStyle(
        background=_image(signature_image, "chữ ký", 40), background_opacity=1.0, border_width=0,
        background_layout=SimpleBoxLayoutRule(x_align=AxisAlignment.ALIGN_MID, y_align=AxisAlignment.ALIGN_MID,
                                              inner_content_scaling=InnerScaling.SHRINK_TO_FIT)), {})


def organisation_appearance(seal_image, lines: list[str], box, seal_box, text_top: float) -> Appearance:
    """The seal (if any) at the top left of ``box``, the text lines from ``text_top`` down.

    Drawn as one transparent picture with Pillow: pyHanko's own OpenType text engine places
    Vietnamese glyphs wrongly with current HarfBuzz builds (doubled advances, lost "Ủ"), and the
    prescribed look matters more here than selectable text (the same facts are in the signature).
    """
    from PIL import Image, ImageDraw, ImageFont
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.pdf_utils.layout import BoxConstraints
    from pyhanko.stamp import StaticStampStyle

    scale = 600 / 72  # 600 dpi
    width, height = round(box.width * scale), round(box.height * scale)
    canvas = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    if seal_image:
        seal = load_picture(seal_image, "con dấu")
        size = round(seal_box.width * scale)
        seal = seal.resize((size, max(1, round(seal.height * size / seal.width))))
        canvas.alpha_composite(seal, (round((seal_box.x0 - box.x0) * scale), round((box.y1 - seal_box.y1) * scale)))
    font = ImageFont.truetype(str(times_font()), round(10 * scale))  # 10 pt, upright
    draw = ImageDraw.Draw(canvas)
    y = (box.y1 - text_top) * scale
    for line in lines:
        draw.text((0, y), line, font=font, fill=(0, 0, 0, 255))
        y += 12 * scale
    image = PdfImage(canvas, box=BoxConstraints(width=box.width, height=box.height))
    return Appearance(StaticStampStyle(background=image, background_opacity=1.0, border_width=0), {})


def text_width(lines: list[str]) -> float:
    """Width in points of the widest line at 10 pt."""
    from PIL import ImageFont

    font = ImageFont.truetype(str(times_font()), 100)
    return max(font.getlength(line) for line in lines) / 10 if lines else 0.0
