"""The rule interface of the alert engine.

A rule is a small class with a ``code`` (stable, stored on every alert), a Chinese
``title``, its legal ``basis``, a ``severity`` and ``find(agency_scope, today)`` that yields
one ``Finding`` per record the condition holds for. ``agency_scope`` is a list of
enforcement agencies; a finding belongs to one of them (or to no agency for platform-wide
integrity findings, seen by platform administrators only).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib

from django.conf import settings
from django.urls import NoReverseMatch, reverse


@dataclasses.dataclass
class Finding:
    agency_id: int | None
    key: str  # stable record key, no personal data (it is ledgered)
    label: str  # what the alert points at, shown in the list
    detail: str  # the condition in one Chinese sentence
    url: str = ""
    links: list = dataclasses.field(default_factory=list)  # [{"label", "url"}]


class Rule:
    number: int = 0
    code: str = ""
    title: str = ""
    basis: str = ""
    severity: str = "medium"
    description: str = ""

    def find(self, agency_scope, today: dt.date):  # pragma: no cover - interface
        raise NotImplementedError

    @property
    def severity_label(self):
        from ..models import Severity

        return Severity(self.severity).label

    def __repr__(self):
        return f"<Rule {self.number} {self.code}>"


def ids_of(agency_scope) -> list[int]:
    return [a.pk for a in agency_scope]


def url(name, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def link(label, name, *args) -> dict:
    return {"label": str(label), "url": url(name, *args)}


def case_link(case) -> dict:
    return link(case.number or case.title, "cases:detail", case.pk)


def digest(value: str) -> str:
    """Short digest for record keys built from personal data (names, ID numbers)."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:16]


def setting(name, default):
    return getattr(settings, name, default)


def local_date(value):
    from django.utils import timezone

    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def year_window(today: dt.date) -> dt.date:
    """Start of the 12-month window ending ``today`` (the rules' "a year")."""
    try:
        return today.replace(year=today.year - 1) + dt.timedelta(days=1)
    except ValueError:  # 29 February
        return today.replace(year=today.year - 1, day=28) + dt.timedelta(days=1)
