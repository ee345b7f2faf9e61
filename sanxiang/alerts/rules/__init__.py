"""The alert rules (监督预警模型). ``RULES`` in number order; ``get_rule(code)``.

Rule 5 (a decision issued with a discretion flag and no written reason) reads
``discretion.services.decided_without_reason``.
"""

from __future__ import annotations

from .base import Finding, Rule
from .cases import (
    CaseStalled,
    CertificateProblem,
    FineOutsideTier,
    RepeatedMinimumFines,
    SameHandlerParty,
    TooFewOfficers,
)
from .complaints import ComplaintOverdue
from .discretion import FlaggedFineWithoutReason
from .integrity import IntegrityFailure
from .publicity import DecisionCorrected, PublicationOverdue
from .records import ListedActWithoutAV, UploadOverdue
from .review import FewReviewers, ReviewerOnCaseTeam, ReviewOverdue

RULES: list[Rule] = [
    PublicationOverdue(),
    ReviewOverdue(),
    UploadOverdue(),
    ListedActWithoutAV(),
    FlaggedFineWithoutReason(),
    FineOutsideTier(),
    SameHandlerParty(),
    RepeatedMinimumFines(),
    CaseStalled(),
    CertificateProblem(),
    TooFewOfficers(),
    ReviewerOnCaseTeam(),
    FewReviewers(),
    ComplaintOverdue(),
    DecisionCorrected(),
    IntegrityFailure(),
]


def register(rule: Rule) -> Rule:
    """Add a rule (another app's). Codes are unique; the list stays in number order."""
    if any(r.code == rule.code for r in RULES):
        raise ValueError(f"duplicate alert rule code {rule.code}")
    RULES.append(rule)
    RULES.sort(key=lambda r: r.number)
    return rule


def get_rule(code: str) -> Rule | None:
    for rule in RULES:
        if rule.code == code:
            return rule
    return None


def choices():
    return [(r.code, f"{r.number}. {r.title}") for r in RULES]


__all__ = ["RULES", "Finding", "Rule", "choices", "get_rule", "register"]
