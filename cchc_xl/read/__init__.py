"""Read: adapters that turn a workbook (file or live Excel book) into the model."""
from .files import FINDINGS_SHEET, read_grid, read_workbook
from .grid import SheetGrid, WorkbookGrid
from .table import parse_workbook

__all__ = ["FINDINGS_SHEET", "read_grid", "read_workbook", "SheetGrid", "WorkbookGrid", "parse_workbook"]
