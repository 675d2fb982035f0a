"""Render: the Word report (docxtpl) and its PDF (LibreOffice)."""
