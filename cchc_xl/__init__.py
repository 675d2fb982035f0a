"""cchc_xl — Chỉ số cải cách hành chính (CCHC) cấp xã for Excel.

Kept light on purpose: clicking the Excel button starts Python and imports
this module, so nothing heavy (openpyxl, python-docx, jinja2) is imported here.
"""
__version__ = "0.1.0"


def main(book=None):
    """Entry of the xlwings ribbon add-in: recalc and check the calling workbook."""
    from .excel import recalc

    return recalc(book)


def check(paths, **kwargs):
    """Check workbook files; see cchc_xl.api.check."""
    from .api import check as _check

    return _check(paths, **kwargs)
