"""Rules: turn a read Assessment into a list of findings with stable codes."""
from __future__ import annotations

from ..model import Assessment
from .catalogue import CATALOGUE, ERROR, INFO, WARNING, Finding, Rule, make
from .documents import document_rules
from .letterhead import letterhead_findings
from .reform import reform_findings
from .scores import score_rules

__all__ = ["CATALOGUE", "ERROR", "WARNING", "INFO", "Finding", "Rule", "check_assessment", "count", "finding_order"]


def check_assessment(assessment: Assessment, against=None, known_sets=()) -> list[Finding]:
    """``against``: the official CriteriaSet to compare with (``known_sets``: the others, to name
    the right one when the workbook clearly follows another). Every finding, in sheet order."""
    findings = []
    for code, crit, message, *at in assessment.read_problems:
        if crit is None:  # about the workbook as a whole (which table was read, encodings…)
            findings.append(make(code, assessment.sheet, "", "", "", message))
            continue
        cell = at[0] if at else crit.code_cell  # (a cell of the criterion's row other than its STT)
        findings.append(make(code, cell.sheet, cell.address, crit.part, crit.code_written or crit.code, message, cell.row))
    findings.extend(score_rules(assessment, "self"))
    if assessment.has_appraisal():
        findings.extend(score_rules(assessment, "appraised"))
    findings.extend(document_rules(assessment))
    findings.extend(reform_findings(assessment))
    findings.extend(letterhead_findings(assessment))
    if against is not None:
        from .template import compare_with_template

        findings.extend(compare_with_template(assessment, against, known_sets))
    if assessment.criteria_set and len(known_sets) > 1:  # (one set known: nothing newer to name)
        from .template import newer_set_findings

        findings.extend(newer_set_findings(assessment, known_sets))
    findings.sort(key=finding_order)
    return findings


def finding_order(f: Finding) -> tuple:
    """Sheet order; findings about the whole workbook after the cells', but the one that says the table
    was read on a hidden sheet first: every finding below it is about that sheet."""
    return (f.row if f.row >= 0 else -1 if f.code == "hidden-table" else 10**9, f.cell, f.code)


def count(findings: list[Finding]) -> tuple[int, int]:
    """(errors, warnings)."""
    errors = sum(1 for f in findings if f.severity == ERROR)
    warnings = sum(1 for f in findings if f.severity == WARNING)
    return errors, warnings
