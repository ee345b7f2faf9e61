"""Gap-free numbers with one prefix rule: 案件编号 (青市监立〔2026〕12号) and 文号
(青市监罚决〔2026〕12号).

``next_number(series, agency, code, year)`` draws the next serial of the counter named
``series:agency:code:year`` from django-sequences and must run inside the caller's
transaction: the counter row stays locked until that transaction ends (``SELECT … FOR
UPDATE``, or ``INSERT … ON CONFLICT … RETURNING`` on PostgreSQL; on SQLite the transaction
already holds the write lock, settings use ``transaction_mode=IMMEDIATE``), so two
concurrent callers never get the same serial and a rolled-back caller gives its serial back
(no gaps). ``series`` keeps the counters of case numbers (``"case"``) and documents
(``"document"``) apart even where a document code equals a case kind.

Complaints' 受理编号 (``TS20261123`` + a 5-digit serial) are numbered per calendar day
across the platform, not per agency: ``next_daily_serial("complaint", day)`` draws from the
counter ``complaint:<YYYYMMDD>`` with the same locking and the same no-gap guarantee.

The prefix (机关代字) is the same for both: the agency's configured prefix
(``cases.CasePolicy.number_prefix``), else its short name (``org.Agency.short_name``), else
its full name — never a truncated name, which could make two agencies' numbers collide.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from sequences import get_next_value

SERIES = ("case", "document")
DAILY_SERIES = ("complaint",)


def agency_prefix(agency) -> str:
    """机关代字, e.g. "青市监": configured prefix, else short name, else full name."""
    try:
        prefix = agency.case_policy.number_prefix  # cases.CasePolicy (one-to-one)
    except (ObjectDoesNotExist, AttributeError):
        prefix = ""
    return (prefix or "").strip() or (agency.short_name or "").strip() or agency.name


def format_number(prefix: str, code: str, year: int, serial: int) -> str:
    """e.g. format_number("青市监", "罚决", 2026, 12) == "青市监罚决〔2026〕12号"."""
    return f"{prefix}{code}〔{year}〕{serial}号"


def sequence_name(series: str, agency_id: int, code: str, year: int) -> str:
    if series not in SERIES:
        raise ValueError(f"unknown numbering series {series!r}")
    return f"{series}:{agency_id}:{code}:{year}"


def next_serial(series: str, agency, code: str, year: int) -> int:
    """The next serial (1, 2, …) of ``agency``'s ``code`` in ``year``; inside a transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("numbering must run inside the transaction that uses the number")
    return get_next_value(sequence_name(series, agency.pk, code, year))


def next_number(series: str, agency, code: str, year: int) -> tuple[int, str]:
    """(serial, number) — the number formatted with the agency's prefix."""
    serial = next_serial(series, agency, code, year)
    return serial, format_number(agency_prefix(agency), code, year, serial)


def next_daily_serial(series: str, day) -> int:
    """The next serial (1, 2, …) of the platform-wide ``series`` on ``day``; inside a
    transaction (the counter ``<series>:<YYYYMMDD>`` stays locked until it ends)."""
    if series not in DAILY_SERIES:
        raise ValueError(f"unknown daily numbering series {series!r}")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("numbering must run inside the transaction that uses the number")
    return get_next_value(f"{series}:{day:%Y%m%d}")
