"""Criteria sets (Bộ chỉ số CCHC) as data: every province's set, every year.

schema → what a set is (versioned JSON, documented in README);
store → where sets live (bundled, and a per-user folder for imported ones);
importer → reading the official table as published (.xlsx, or the Word annex of the decision);
recognise → which known set a workbook follows.
"""
from .schema import KINDS, CriteriaSet, SetCriterion
from .store import find_set, list_sets, load_set

__all__ = ["CriteriaSet", "SetCriterion", "KINDS", "find_set", "list_sets", "load_set"]
