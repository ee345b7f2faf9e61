import pytest
from django.core.management import call_command

from sanxiang.complaints import services
from sanxiang.complaints.models import Complaint, ComplaintStatus

pytestmark = pytest.mark.django_db


def test_demo_has_every_state_and_one_overdue(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KEYS_DIR = tmp_path / "keys"
    call_command("demo_data", stdout=open("/dev/null", "w"))
    rows = list(Complaint.objects.select_related("agency"))
    assert {c.status for c in rows} == set(ComplaintStatus.values)
    assert {c.agency.short_name or c.agency.name for c in rows} and len(
        {c.agency_id for c in rows}
    ) == 1
    import datetime as dt

    overdue = [
        c for c in rows if (d := services.deadline(c, today=dt.date(2026, 11, 23))) and d.overdue
    ]
    assert len(overdue) == 1
