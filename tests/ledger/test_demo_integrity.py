"""The whole demo, as a deployment would hold it (issue #11 items 4 and 10):

* no leaf holds a demo person's name, ID number, phone or address in clear (parties who
  are natural persons or individual businesses, complainants) — only keyed hashes;
* the tables that left KNOWN_GAPS refuse a raw SQL rewrite of their frozen columns and a
  raw DELETE, while their workflow columns still change.

One test, because loading the demo takes minutes."""

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from sanxiang.cases.models import Party
from sanxiang.complaints.models import Complaint
from sanxiang.ledger.models import Leaf
from sanxiang.ledger.reconcile import reconcile
from sanxiang.org.models import Officer, User

pytestmark = pytest.mark.django_db

# (table, WHERE selecting a frozen row, a frozen column, a workflow column or None)
FROZEN = [
    ("publicity_snapshot", "state = 'published'", "target_name", "withdrawal_reason"),
    ("complaints_complaint", "1 = 1", "content", "reply"),
    ("inspections_plan", "status <> 'draft'", "seed", "public_snapshot"),
    ("inspections_task", "result <> ''", "result", None),
    ("inspections_task", "result <> ''", "note", None),
    ("inspections_task", "1 = 1", "target_name", None),
    ("records_uploadsession", "1 = 1", "declared_sha256", "error"),
    ("evaluation_sheet", "submitted_at IS NOT NULL", "comment", None),
]


def _demo_persons() -> set[str]:
    staff = set(Officer.objects.values_list("name", flat=True))
    staff |= {u.display_name for u in User.objects.all()}
    out = set()
    for party in Party.objects.exclude(party_type="legal_person"):
        for field in ("name", "id_number", "phone", "address"):
            value = (getattr(party, field, "") or "").strip()
            if len(value) >= 2 and value not in staff:
                out.add(value)
    for complaint in Complaint.objects.all():
        out |= {v for v in (complaint.name, complaint.phone) if v and v not in staff}
    return out


def _raw(sql):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)


def test_demo_ledger_has_no_person_in_clear_and_frozen_rows_stay_frozen(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KEYS_DIR = tmp_path / "keys"
    call_command("demo_data", stdout=open("/dev/null", "w"))

    persons = _demo_persons()
    assert len(persons) > 20  # names, ID numbers, phones, addresses, complainants
    found = []
    for index, content in Leaf.objects.values_list("index", "content").iterator():
        found += [(index, p) for p in persons if p in content]
    assert found == [], f"personal data in clear in leaves: {found[:10]}"
    assert Leaf.objects.filter(content__contains="hmac-sha256:").exists()
    assert reconcile() == []  # the digests do not disturb the reconciliation

    for table, where, frozen, workflow in FROZEN:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {table} WHERE {where} LIMIT 1")  # noqa: S608
            row = cursor.fetchone()
        assert row, table
        pk = row[0] if isinstance(row[0], int) else f"'{row[0]}'"
        value = "'{}'" if frozen == "public_snapshot" else "'tampered'"
        with pytest.raises(IntegrityError, match="append-only"):
            _raw(f"UPDATE {table} SET {frozen} = {value} WHERE id = {pk}")  # noqa: S608
        with pytest.raises(IntegrityError, match="append-only"):
            _raw(f"DELETE FROM {table} WHERE id = {pk}")  # noqa: S608
        if workflow:
            new = "'{}'" if workflow == "public_snapshot" else "'workflow'"
            _raw(f"UPDATE {table} SET {workflow} = {new} WHERE id = {pk}")  # noqa: S608
