"""文号: gap-free serial numbers per agency, number code (罚决、罚告 …) and year.

``next_number`` must run inside the issuing transaction. It locks the sequence row
(``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite the whole transaction already holds the
write lock because settings use ``transaction_mode=IMMEDIATE``), so two concurrent issues
never get the same serial, and a rolled-back issue gives its serial back (no gaps).
The unique constraints on ``Document`` (agency+number, agency+code+year+serial) are the
second line of defence.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction

from .models import DocumentNumberSequence


def agency_prefix(agency) -> str:
    """机关代字 used in 文号, e.g. "青市监". Taken from the agency's case policy
    (``cases.CasePolicy.number_prefix``) when set, else its short name, else its name."""
    try:
        prefix = agency.case_policy.number_prefix
    except (ObjectDoesNotExist, AttributeError):
        prefix = ""
    return prefix or agency.short_name or agency.name


def format_number(prefix: str, number_code: str, year: int, serial: int) -> str:
    """e.g. format_number("青市监", "罚决", 2026, 12) == "青市监罚决〔2026〕12号"."""
    return f"{prefix}{number_code}〔{year}〕{serial}号"


def next_serial(agency, number_code: str, year: int) -> int:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_serial must run inside the issuing transaction")
    # INSERT … ON CONFLICT DO NOTHING: concurrent first issues of a year do not collide.
    DocumentNumberSequence.objects.bulk_create(
        [DocumentNumberSequence(agency=agency, number_code=number_code, year=year)],
        ignore_conflicts=True,
    )
    seq = DocumentNumberSequence.objects.select_for_update().get(
        agency=agency, number_code=number_code, year=year
    )
    seq.last_serial += 1
    seq.save(update_fields=["last_serial"])
    return seq.last_serial


def next_number(agency, number_code: str, year: int) -> tuple[int, str]:
    """(serial, 文号) for the next document; call inside the issuing transaction."""
    serial = next_serial(agency, number_code, year)
    return serial, format_number(agency_prefix(agency), number_code, year, serial)
