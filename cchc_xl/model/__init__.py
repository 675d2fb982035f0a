"""The pure model: a criteria tree with exact Decimal scores. No I/O here."""
from .assessment import Assessment, Cell, Criterion, Subtotal, TableColumns, Totals, ScoreCell, CODE_ROMAN

__all__ = ["Assessment", "Cell", "Criterion", "Subtotal", "TableColumns", "Totals", "ScoreCell", "CODE_ROMAN"]
