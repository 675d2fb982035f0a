"""Summarise: many workbooks in, one reviewer's summary out."""
