"""Server side of field mode: devices, tasks, the sync of acts captured offline, the
capture metadata of recordings (issue #18)."""

import datetime as dt
import hashlib
import io
import uuid

import pytest

from sanxiang.cases.models import CaseEvent, EventKind, Stage
from sanxiang.core.errors import DomainError, PermissionDenied
from sanxiang.field import services
from sanxiang.field.models import Device, FieldSubmission, SubmissionStatus
from sanxiang.ledger import personal
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf
from sanxiang.records import uploads
from sanxiang.records.models import Recording

from .conftest import FROZEN, investigating_case, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(FROZEN, tick=False)


@pytest.fixture
def case(agency_a, handler_a, head_a, officer_a1, officer_a2):
    return investigating_case(agency_a, handler_a, head_a, officer_a2, FROZEN)


@pytest.fixture
def device(handler_a):
    return services.register_device(handler_a, str(uuid.uuid4()), "测试手机")


def act(case, device, officers, **over):
    data = {
        "client_id": str(uuid.uuid4()),
        "device_id": device.device_id,
        "case": case.pk,
        "activity": "on_site_inspection",
        "captured_at": (FROZEN - dt.timedelta(hours=1)).isoformat(),
        "place": "青禾县某超市",
        "officers": [o.pk for o in officers],
        "notes": "货架上有过期食品 3 袋",
        "act": {"checked": "食品货架、仓库", "findings": "货架上有过期食品 3 袋"},
        "files": [
            {
                "name": "scene.png",
                "sha256": hashlib.sha256(png_bytes()).hexdigest(),
                "size": len(png_bytes()),
                "captured_at": (FROZEN - dt.timedelta(hours=1)).isoformat(),
            }
        ],
    }
    data.update(over)
    return data


def test_act_becomes_a_case_activity_at_capture_time(
    case, device, handler_a, officer_a1, officer_a2
):
    data = act(case, device, [officer_a1, officer_a2])
    answer, created = services.submit_act(handler_a, data)
    assert created and answer["status"] == "accepted" and not answer["late_entry"]
    event = CaseEvent.objects.get(pk=answer["case_event"])
    assert event.kind == EventKind.ACTIVITY and event.activity == "on_site_inspection"
    assert event.at == FROZEN - dt.timedelta(hours=1)  # capture time, not sync time
    field = event.data["field"]
    assert field["device_id"] == device.device_id
    assert field["files"][0]["sha256"] == data["files"][0]["sha256"]
    assert field["synced_at"] == FROZEN.isoformat()
    assert event.ledger_index is not None
    leaf = Leaf.objects.get(index=event.ledger_index)
    assert data["client_id"] in leaf.content and device.device_id in leaf.content


def test_same_act_sent_twice_is_written_once(case, device, handler_a, officer_a1, officer_a2):
    data = act(case, device, [officer_a1, officer_a2])
    first, created = services.submit_act(handler_a, data)
    again, created_again = services.submit_act(handler_a, data)
    assert created and not created_again and first == again
    assert CaseEvent.objects.filter(case=case, kind=EventKind.ACTIVITY).count() == 1


def test_late_sync_is_marked_late_entry_with_device_reason(
    case, device, handler_a, officer_a1, officer_a2, time_machine
):
    captured = FROZEN - dt.timedelta(hours=1)
    time_machine.move_to(FROZEN + dt.timedelta(days=5), tick=False)
    answer, _c = services.submit_act(
        handler_a,
        act(
            case,
            device,
            [officer_a1, officer_a2],
            captured_at=captured.isoformat(),
            late_reason="山区无信号，回局后同步",
        ),
    )
    event = CaseEvent.objects.get(pk=answer["case_event"])
    assert answer["late_entry"] and event.late_entry
    assert event.late_reason == "山区无信号，回局后同步"
    assert event.at == captured


def test_late_sync_without_reason_gets_the_standard_device_reason(
    case, device, handler_a, officer_a1, officer_a2, time_machine
):
    captured = FROZEN - dt.timedelta(hours=1)
    time_machine.move_to(FROZEN + dt.timedelta(days=5), tick=False)
    answer, _c = services.submit_act(
        handler_a, act(case, device, [officer_a1, officer_a2], captured_at=captured.isoformat())
    )
    event = CaseEvent.objects.get(pk=answer["case_event"])
    assert event.late_entry and device.device_id[:8] in event.late_reason


def test_recent_sync_is_not_late(case, device, handler_a, officer_a1, officer_a2, time_machine):
    time_machine.move_to(FROZEN + dt.timedelta(days=1), tick=False)
    answer, _c = services.submit_act(
        handler_a, act(case, device, [officer_a1, officer_a2], late_reason="不应使用")
    )
    assert not CaseEvent.objects.get(pk=answer["case_event"]).late_entry


def test_conflict_when_case_left_investigation(
    case, device, handler_a, head_a, officer_a1, officer_a2, api_for
):
    from sanxiang.cases import services as cases

    cases.terminate_case(case, head_a, reason="当事人已注销，终止调查。")
    case.refresh_from_db()
    assert case.stage != Stage.INVESTIGATION
    before = CaseEvent.objects.filter(case=case).count()
    data = act(case, device, [officer_a1, officer_a2])
    resp = api_for(handler_a).post("/api/field/acts/", data, format="json")
    assert resp.status_code == 409
    assert resp.json()["code"] == "conflict" and "调查取证" in resp.json()["detail"]
    assert CaseEvent.objects.filter(case=case).count() == before
    sub = FieldSubmission.objects.get(client_id=data["client_id"])
    assert sub.status == SubmissionStatus.CONFLICT
    # sent again: still the conflict, never merged
    assert api_for(handler_a).post("/api/field/acts/", data, format="json").status_code == 409
    assert CaseEvent.objects.filter(case=case).count() == before


def test_revoked_device_cannot_sync(case, device, handler_a, head_a, officer_a1, officer_a2):
    services.revoke_device(head_a, device.pk, "手机遗失")
    with pytest.raises(PermissionDenied, match="停用"):
        services.submit_act(handler_a, act(case, device, [officer_a1, officer_a2]))
    revoked = Leaf.objects.get(event_type=EventType.FIELD_DEVICE_REVOKED)
    assert "手机遗失" not in revoked.content  # typed text only as a keyed digest (#11.4)
    assert personal.matches("手机遗失", revoked.payload["reason"])
    assert not CaseEvent.objects.filter(kind=EventKind.ACTIVITY).exists()


def test_unregistered_or_foreign_device_cannot_sync(
    case, device, handler_a, handler_a2, officer_a1, officer_a2
):
    with pytest.raises(PermissionDenied):
        services.submit_act(
            handler_a, act(case, device, [officer_a1, officer_a2], device_id=str(uuid.uuid4()))
        )
    with pytest.raises(PermissionDenied):
        services.submit_act(handler_a2, act(case, device, [officer_a1, officer_a2]))
    with pytest.raises(PermissionDenied):
        services.register_device(handler_a2, device.device_id)


def test_other_agency_case_is_not_found(case, handler_b, officer_a1, officer_a2):
    dev = services.register_device(handler_b, str(uuid.uuid4()))
    with pytest.raises(DomainError) as exc:
        services.submit_act(handler_b, act(case, dev, [officer_a1, officer_a2]))
    assert exc.value.code == "not_found"


def test_two_officers_still_required(case, device, handler_a, officer_a1):
    with pytest.raises(DomainError, match="两名"):
        services.submit_act(handler_a, act(case, device, [officer_a1]))
    assert not FieldSubmission.objects.exists()


def test_forged_hash_in_act_refused(case, device, handler_a, officer_a1, officer_a2):
    bad = act(case, device, [officer_a1, officer_a2])
    bad["files"][0]["sha256"] = "xyz"
    with pytest.raises(DomainError, match="SHA-256"):
        services.submit_act(handler_a, bad)


def test_only_head_or_supervisor_revokes_and_only_visible_devices(
    device, handler_a, head_b, head_a, supervisor
):
    with pytest.raises(PermissionDenied):
        services.revoke_device(handler_a, device.pk, "遗失")
    with pytest.raises(DomainError) as exc:
        services.revoke_device(head_b, device.pk, "遗失")
    assert exc.value.code == "not_found"
    with pytest.raises(DomainError, match="停用原因"):
        services.revoke_device(head_a, device.pk, "")
    services.revoke_device(supervisor, device.pk, "人员离岗")
    assert Device.objects.get(pk=device.pk).is_revoked


def test_tasks_are_the_handlers_own_investigations(
    case, handler_a, handler_b, head_a, officer_a1, officer_b1
):
    mine = services.tasks_for(handler_a)
    assert [c["id"] for c in mine["cases"]] == [case.pk]
    assert {o["id"] for o in mine["cases"][0]["officers"]} >= {officer_a1.pk}
    assert services.tasks_for(handler_b)["cases"] == []


def test_tasks_api_and_session_api(case, handler_a, api_for, reviewer_a):
    api = api_for(handler_a)
    resp = api.post("/api/field/session/", {"device_id": str(uuid.uuid4())}, format="json")
    assert resp.status_code == 200 and len(resp.json()["secret"]) >= 32
    again = api.post("/api/field/session/", {"device_id": resp.json()["device_id"]}, format="json")
    assert again.json()["secret"] == resp.json()["secret"]  # one secret per login session
    assert api.get("/api/field/tasks/").json()["cases"][0]["id"] == case.pk
    assert api_for(reviewer_a).get("/api/field/tasks/").status_code == 403


# --- recordings: capture metadata, hash at capture ---------------------------------------


def _labels(case, officer, captured, **over):
    data = {
        "case": case.pk,
        "activity": "on_site_inspection",
        "recorded_start": captured.isoformat(),
        "recorded_end": captured.isoformat(),
        "place": "青禾县某超市",
        "collector": officer.pk,
        "proves": "现场检查",
        "filename": "scene.png",
        "kind": "photo",
        "captured_at": captured.isoformat(),
        "device_id": "d3b07384-d9a0-4c9b-8f3e-000000000001",
    }
    data.update(over)
    return data


@pytest.fixture
def _registered(handler_a):
    return services.register_device(handler_a, "d3b07384-d9a0-4c9b-8f3e-000000000001")


def _upload(user, case, content, labels):
    session = uploads.create_upload(user, case, len(content), labels)
    return uploads.append_chunk(session, user, 0, io.BytesIO(content), len(content)).recording


def test_capture_time_stored_and_clock_runs_from_capture(
    case, handler_a, officer_a1, time_machine, _registered
):
    from sanxiang.workdays.calendar import add_workdays

    captured = FROZEN - dt.timedelta(hours=1)
    time_machine.move_to(FROZEN + dt.timedelta(days=6), tick=False)
    content = png_bytes()
    rec = _upload(
        handler_a,
        case,
        content,
        _labels(case, officer_a1, captured, sha256=hashlib.sha256(content).hexdigest()),
    )
    assert rec.captured_at == captured
    assert rec.uploaded_at == FROZEN + dt.timedelta(days=6)
    assert rec.device_id == "d3b07384-d9a0-4c9b-8f3e-000000000001"
    assert rec.upload_due == add_workdays(captured.date(), 2)
    assert rec.is_late


def test_capture_hash_mismatch_refused(case, handler_a, officer_a1, _registered):
    content = png_bytes()
    labels = _labels(case, officer_a1, FROZEN, sha256=hashlib.sha256(b"other").hexdigest())
    with pytest.raises(DomainError, match="SHA-256"):
        _upload(handler_a, case, content, labels)
    assert not Recording.objects.exists()


def test_capture_time_in_future_refused(case, handler_a, officer_a1, _registered):
    labels = _labels(case, officer_a1, FROZEN)
    labels["captured_at"] = (FROZEN + dt.timedelta(days=1)).isoformat()
    with pytest.raises(DomainError, match="采集时间"):
        uploads.create_upload(handler_a, case, 10, labels)


def test_revoked_device_cannot_upload_files(case, handler_a, head_a, officer_a1, _registered):
    services.revoke_device(head_a, _registered.pk, "手机遗失")
    content = png_bytes()
    with pytest.raises(PermissionDenied, match="停用"):
        uploads.create_upload(handler_a, case, len(content), _labels(case, officer_a1, FROZEN))
