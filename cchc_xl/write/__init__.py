"""Write: new workbooks from a criteria set, and recalculation written back into a workbook."""
