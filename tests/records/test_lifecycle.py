import datetime as dt
import hashlib
import io

import pytest
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from sanxiang.core.errors import DomainError, PermissionDenied
from sanxiang.core.fields import RecordedActivity
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf
from sanxiang.records import access, fixity, requirements, retention
from sanxiang.records.models import (
    AccessAction,
    AccessLog,
    FixityAlert,
    LongTermReason,
    Purge,
    RequestStatus,
)

from .conftest import png_bytes

pytestmark = pytest.mark.django_db

LATER = timezone.now() + dt.timedelta(days=200)


def leaves(event_type):
    return Leaf.objects.filter(event_type=event_type).count()


# ------------------------------------------------------------------ retention


def test_retention_six_months_then_purge_with_ledger(
    case_a, ingest, django_capture_on_commit_callbacks
):
    rec = ingest(case_a, png_bytes())
    until = retention.retention_until(rec)
    assert until == retention.add_months(rec.activity_date, 6)
    assert retention.purge_expired() == []  # not yet expired
    with django_capture_on_commit_callbacks(execute=True):
        purged = retention.purge_expired(now=LATER)
    assert [p.recording_id for p in purged] == [rec.pk]
    assert purged[0].sha256 == rec.sha256
    assert not default_storage.exists(rec.storage_key)
    assert leaves(EventType.RECORDING_PURGED) == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Purge.objects.filter(pk=purged[0].pk).delete()


@pytest.mark.parametrize("via", ["evidence", "mark_recording", "mark_case", "major"])
def test_long_term_never_purged(case_a, ingest, head_a, via, django_capture_on_commit_callbacks):
    rec = ingest(case_a, png_bytes(), is_evidence=(via == "evidence"))
    if via == "mark_recording":
        retention.mark_long_term(rec, LongTermReason.COMPLAINT, head_a, "当事人投诉")
    elif via == "mark_case":
        retention.mark_long_term(case_a, LongTermReason.OBSTRUCTION, head_a)
    elif via == "major":
        type(case_a).objects.filter(pk=case_a.pk).update(is_major=True)
        rec.case.refresh_from_db()
    assert retention.retention_until(rec) is None
    with django_capture_on_commit_callbacks(execute=True):
        assert retention.purge_expired(now=LATER) == []
    assert default_storage.exists(rec.storage_key)


def test_mark_long_term_scoped(case_a, ingest, head_b):
    rec = ingest(case_a, png_bytes())
    with pytest.raises(PermissionDenied):
        retention.mark_long_term(rec, LongTermReason.LITIGATION, head_b)
    with pytest.raises(DomainError):
        retention.mark_long_term(rec, "whim", None)


def test_dedup_purge_keeps_shared_file(case_a, ingest, head_a, django_capture_on_commit_callbacks):
    content = png_bytes()
    r1 = ingest(case_a, content)
    r2 = ingest(case_a, content, activity="interview")
    retention.mark_long_term(r2, LongTermReason.LITIGATION, head_a)
    with django_capture_on_commit_callbacks(execute=True):
        purged = retention.purge_expired(now=LATER)
    assert [p.recording_id for p in purged] == [r1.pk]
    assert purged[0].file_deleted is False
    assert default_storage.exists(r2.storage_key)


# ------------------------------------------------------------------ access


def test_handler_of_case_views_and_every_view_is_logged(case_a, ingest, handler_a):
    rec = ingest(case_a, png_bytes())
    fh, entry = access.open_for_viewing(rec, handler_a, "核对现场照片")
    assert fh.read() == png_bytes()
    fh.close()
    assert entry.basis == "handler"
    assert AccessLog.objects.filter(recording=rec, user=handler_a).count() == 1
    assert leaves(EventType.RECORDING_ACCESSED) == 1
    with pytest.raises(DomainError, match="事由"):
        access.open_for_viewing(rec, handler_a, "  ")


def test_other_staff_need_head_approval(case_a, ingest, reviewer_a, head_a, supervisor):
    rec = ingest(case_a, png_bytes())
    with pytest.raises(PermissionDenied, match="负责人批准"):
        access.open_for_viewing(rec, reviewer_a, "法制审核")
    req = access.request_access(reviewer_a, case_a, "法制审核需要核对证据", recording=rec)
    with pytest.raises(PermissionDenied):
        access.open_for_viewing(rec, reviewer_a, "法制审核")
    with pytest.raises(PermissionDenied):
        access.decide_access(req, reviewer_a, True)  # not a head
    access.decide_access(req, head_a, True, valid_days=3)
    fh, entry = access.open_for_viewing(rec, reviewer_a, "法制审核")
    fh.close()
    assert entry.access_request_id == req.pk
    with pytest.raises(PermissionDenied, match="下载"):
        access.open_for_viewing(rec, reviewer_a, "复制", action=AccessAction.DOWNLOAD)
    with pytest.raises(DomainError):
        access.decide_access(req, head_a, False, "再次审批")
    # a supervisor above the agency may request; the agency head decides
    sreq = access.request_access(supervisor, case_a, "执法监督抽查", allow_download=True)
    access.decide_access(sreq, head_a, True)
    fh, _ = access.open_for_viewing(rec, supervisor, "抽查", action=AccessAction.DOWNLOAD)
    fh.close()


def test_approval_expires(case_a, ingest, reviewer_a, head_a):
    rec = ingest(case_a, png_bytes())
    req = access.request_access(reviewer_a, case_a, "核对")
    access.decide_access(req, head_a, True, valid_days=1)
    assert access.approved_request(rec, reviewer_a) is not None
    later = timezone.now() + dt.timedelta(days=2)
    assert access.approved_request(rec, reviewer_a, now=later) is None


def test_other_agency_cannot_request_or_approve(case_a, ingest, handler_b, head_b, reviewer_a):
    rec = ingest(case_a, png_bytes())
    with pytest.raises(PermissionDenied):
        access.request_access(handler_b, case_a, "想看看")
    with pytest.raises(PermissionDenied):
        access.open_for_viewing(rec, head_b, "想看看")
    req = access.request_access(reviewer_a, case_a, "核对")
    with pytest.raises(PermissionDenied):
        access.decide_access(req, head_b, True)


def test_rejection_needs_reason_and_decision_columns_only(case_a, reviewer_a, head_a):
    req = access.request_access(reviewer_a, case_a, "核对")
    with pytest.raises(DomainError, match="理由"):
        access.decide_access(req, head_a, False)
    access.decide_access(req, head_a, False, "与本职工作无关")
    req.refresh_from_db()
    assert req.status == RequestStatus.REJECTED
    from sanxiang.records.models import AccessRequest

    with pytest.raises(IntegrityError), transaction.atomic():
        AccessRequest.objects.filter(pk=req.pk).update(reason="改过的事由")


def test_access_log_is_append_only(case_a, ingest, handler_a):
    rec = ingest(case_a, png_bytes())
    fh, entry = access.open_for_viewing(rec, handler_a, "核对")
    fh.close()
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).delete()


# ------------------------------------------------------------------ fixity


def test_fixity_alerts_on_tampered_and_missing_files(case_a, ingest):
    import os

    good = ingest(case_a, png_bytes(1, 1))
    tampered = ingest(case_a, png_bytes(2, 2))
    missing = ingest(case_a, png_bytes(3, 3))
    path = default_storage.path(tampered.storage_key)
    os.chmod(path, 0o600)
    with open(path, "r+b") as fh:
        fh.seek(20)
        fh.write(b"\x00\x01")
    os.unlink(default_storage.path(missing.storage_key))
    run = fixity.fixity_check()
    assert run.checked == 3 and run.failures == 2
    alerts = {a.recording_id: a.problem for a in FixityAlert.objects.all()}
    assert alerts == {tampered.pk: "mismatch", missing.pk: "missing"}
    assert good.pk not in alerts
    assert leaves(EventType.FIXITY_ALERT) == 2


def test_fixity_incremental_round_robin(case_a, ingest):
    for i in range(3):
        ingest(case_a, png_bytes(i + 1, 1))
    r1 = fixity.fixity_check(limit=2)
    r2 = fixity.fixity_check(limit=2)
    assert r1.checked == 2 and r2.checked == 2
    assert r2.last_recording_id != r1.last_recording_id


# ------------------------------------------------------------------ requirements


@pytest.fixture
def requires_inspection(monkeypatch):
    def fake(agency, case_act_type, activity, on_date=None):
        return object() if activity == RecordedActivity.ON_SITE_INSPECTION else None

    monkeypatch.setattr("sanxiang.catalog.services.recording_required", fake)


def _investigate(case, handler):
    from sanxiang.cases import services as cases

    return cases.start_investigation(case, handler)


def test_required_activity_refused_without_recording(
    case_a, handler_a, officer_a1, officer_a2, ingest, requires_inspection
):
    from sanxiang.cases import services as cases

    case = _investigate(case_a, handler_a)
    with pytest.raises(DomainError, match="音像记录"):
        cases.record_event(
            case,
            handler_a,
            description="现场检查",
            activity=RecordedActivity.ON_SITE_INSPECTION,
            officers=[officer_a1, officer_a2],
        )
    # an activity not on the list is fine
    cases.record_event(
        case,
        handler_a,
        description="询问",
        activity=RecordedActivity.INTERVIEW,
        officers=[officer_a1, officer_a2],
    )
    ingest(case, png_bytes())
    cases.record_event(
        case,
        handler_a,
        description="现场检查",
        activity=RecordedActivity.ON_SITE_INSPECTION,
        officers=[officer_a1, officer_a2],
    )


def test_waiver_approved_by_head_stands_in(
    case_a, handler_a, head_a, officer_a1, officer_a2, requires_inspection
):
    from sanxiang.cases import services as cases

    case = _investigate(case_a, handler_a)
    today = timezone.localdate()
    w = requirements.request_waiver(
        case,
        handler_a,
        RecordedActivity.ON_SITE_INSPECTION,
        today,
        "执法记录仪故障，已拍照并制作现场笔录",
    )
    with pytest.raises(DomainError):
        cases.record_event(
            case,
            handler_a,
            description="现场检查",
            activity=RecordedActivity.ON_SITE_INSPECTION,
            officers=[officer_a1, officer_a2],
        )
    with pytest.raises(PermissionDenied):
        requirements.approve_waiver(w, handler_a)
    requirements.approve_waiver(w, head_a)
    cases.record_event(
        case,
        handler_a,
        description="现场检查",
        activity=RecordedActivity.ON_SITE_INSPECTION,
        officers=[officer_a1, officer_a2],
    )


def test_missing_and_overdue_listed(case_a, handler_a, head_a, officer_a1, officer_a2, monkeypatch):
    from sanxiang.cases import services as cases

    case = _investigate(case_a, handler_a)
    cases.record_event(
        case,
        handler_a,
        description="现场检查",
        activity=RecordedActivity.ON_SITE_INSPECTION,
        officers=[officer_a1, officer_a2],
    )
    monkeypatch.setattr(
        "sanxiang.catalog.services.recording_required",
        lambda agency, t, activity, on_date=None: object()
        if activity == RecordedActivity.ON_SITE_INSPECTION
        else None,
    )
    today = timezone.localdate()
    missing = requirements.missing_recordings(case, today)
    assert len(missing) == 1 and not missing[0]["overdue"]
    later = today + dt.timedelta(days=30)
    missing = requirements.missing_recordings(case, later)
    assert missing[0]["overdue"] and missing[0]["level"] == "error"
    assert "超过上传期限" in missing[0]["message"]


def test_archive_contributor_adds_files_and_labels(case_a, ingest, handler_a):
    import json

    from sanxiang.records.archive import contribute

    rec = ingest(case_a, png_bytes())
    items = contribute(case_a, actor=handler_a)
    by_path = {i.path: i for i in items}
    paths = list(by_path)
    assert any(p.endswith(".png") for p in paths) and "recordings/labels.json" in paths
    labels = json.loads(by_path["recordings/labels.json"].content)
    assert labels[0]["sha256"] == rec.sha256 and labels[0]["case_number"] == case_a.number
    manifest = json.loads(by_path["recordings/manifest.json"].content)
    assert manifest["recordings"][0]["included"] is True
    sources = [i.source for i in items if i.source is not None]
    assert len(sources) == 1
    with open(sources[0], "rb") as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == rec.sha256
    # without an exporter: listed by hash, no file
    items = contribute(case_a)
    assert [i.source for i in items if i.source is not None] == []


def test_periodic_runs(case_a, ingest):
    out = io.StringIO()
    from sanxiang.records import periodic

    ingest(case_a, png_bytes())
    periodic.run(out)
    assert "fixity checked 1" in out.getvalue()


def test_late_upload_flagged(case_a, ingest):
    start = timezone.now() - dt.timedelta(days=20)
    rec = ingest(
        case_a,
        png_bytes(),
        recorded_start=start.isoformat(),
        recorded_end=(start + dt.timedelta(minutes=10)).isoformat(),
    )
    assert rec.upload_due is not None and rec.is_late
    items = requirements.missing_items(case_a)
    assert any("逾期上传" in i["message"] for i in items)
    fresh = ingest(case_a, png_bytes(5, 5))
    assert not fresh.is_late


def test_head_views_without_request_but_logged(case_a, ingest, head_a):
    rec = ingest(case_a, png_bytes())
    fh, entry = access.open_for_viewing(rec, head_a, "审批前核对")
    fh.close()
    assert entry.basis == "head"


def test_purged_recording_cannot_be_opened(
    case_a, ingest, handler_a, django_capture_on_commit_callbacks
):
    rec = ingest(case_a, png_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        retention.purge_expired(now=LATER)
    with pytest.raises(DomainError, match="清除"):
        access.open_for_viewing(rec, handler_a, "核对")
