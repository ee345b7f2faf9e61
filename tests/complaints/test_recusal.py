"""Issue #11 item 6: 回避 for complaints.

A complaint naming an officer (by name or 执法证号, in its text or its 文号/证号 field) was
visible to that officer with the complainant's name and phone, and she could accept it.
It must be hidden from the named officer (list, detail, API, panel, actions) and handled
by the head.
"""

import pytest

from sanxiang.complaints import services
from sanxiang.complaints.models import Complaint, ComplaintStatus
from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied

from .conftest import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def naming_a1(agency_a, officer_a1, officer_a2, head_a):
    """A complaint naming officer_a1 (handler_a, 王执法) by name in its text."""
    complaint, _code = submit(
        agency_a,
        content="执法人员王执法检查时态度恶劣，未出示执法证件。",
        name="陈女士",
        phone="13800571234",
    )
    return complaint


@pytest.fixture
def naming_by_number(agency_a, officer_a1, officer_a2, head_a):
    """A complaint naming officer_a1 only by the 执法证号, in the reference field."""
    complaint, _code = submit(agency_a, content="检查人员乱收费。", reference="TEST-A-0001")
    return complaint


def test_named_officer_cannot_see_it_anywhere(
    naming_a1, handler_a, client_for, api_for, complaint_a
):
    # service layer
    assert not services.visible_complaints(handler_a).filter(pk=naming_a1.pk).exists()
    assert services.visible_complaints(handler_a).filter(pk=complaint_a.pk).exists()
    with pytest.raises(DomainError) as exc:
        services.require_read(handler_a, naming_a1)
    assert exc.value.code == ErrorCode.NOT_FOUND
    # workbench list and detail
    web = client_for(handler_a)
    page = web.get("/complaints/").content.decode()
    assert naming_a1.number not in page and "13800571234" not in page
    assert complaint_a.number in page
    assert web.get(f"/complaints/{naming_a1.pk}/").status_code == 404
    # API list and detail
    api = api_for(handler_a)
    body = api.get("/api/complaints/complaints/").json()
    rows = body["results"] if isinstance(body, dict) else body
    assert naming_a1.number not in {r["number"] for r in rows}
    assert api.get(f"/api/complaints/complaints/{naming_a1.pk}/").status_code == 404


def test_named_officer_cannot_accept_it(naming_a1, handler_a, client_for, api_for):
    assert (
        api_for(handler_a).post(f"/api/complaints/complaints/{naming_a1.pk}/accept/").status_code
        == 404
    )
    assert client_for(handler_a).post(f"/complaints/{naming_a1.pk}/accept/").status_code == 404
    with pytest.raises(DomainError) as exc:
        services.accept(naming_a1, handler_a)
    assert exc.value.code == ErrorCode.NOT_FOUND
    with pytest.raises(DomainError):
        services.reject(naming_a1, handler_a, "不属实")
    assert not services.can_handle(handler_a, naming_a1)
    assert not services.can_transfer(handler_a, naming_a1)
    naming_a1.refresh_from_db()
    assert naming_a1.status == ComplaintStatus.SUBMITTED


def test_named_by_certificate_number(naming_by_number, handler_a, handler_a2, api_for):
    assert (
        api_for(handler_a).get(f"/api/complaints/complaints/{naming_by_number.pk}/").status_code
        == 404
    )
    assert (
        api_for(handler_a2).get(f"/api/complaints/complaints/{naming_by_number.pk}/").status_code
        == 200
    )
    assert services.head_only(naming_by_number)


def test_routed_to_the_head(naming_a1, handler_a2, head_a, api_for, client_for):
    # a colleague sees it (read-only) but may not decide on it: the head handles it
    page = client_for(handler_a2).get(f"/complaints/{naming_a1.pk}/").content.decode()
    assert "回避" in page and "由机关负责人办理" in page
    r = api_for(handler_a2).post(f"/api/complaints/complaints/{naming_a1.pk}/accept/")
    assert r.status_code == 403 and "回避" in r.json()["detail"]
    with pytest.raises(PermissionDenied):
        services.accept(naming_a1, handler_a2)
    # the head sees it with the complainant's contact and accepts it
    assert "13800571234" in client_for(head_a).get(f"/complaints/{naming_a1.pk}/").content.decode()
    r = api_for(head_a).post(f"/api/complaints/complaints/{naming_a1.pk}/accept/")
    assert r.status_code == 200 and r.json()["status"] == ComplaintStatus.ACCEPTED
    # ... and concludes it; the named officer still cannot see it afterwards
    services.conclude(naming_a1, head_a, result="unfounded", reply="经核查不属实。")
    assert Complaint.objects.get(pk=naming_a1.pk).status == ComplaintStatus.CONCLUDED


def test_named_head_is_hidden_too_and_supervisor_transfers(
    agency_a, agency_b, head_a, officer_a1, supervisor, api_for
):
    from sanxiang.core.fields import EnforcementField
    from tests.conftest import make_officer

    make_officer(head_a, EnforcementField.MARKET, "TEST-A-0009")
    complaint, _code = submit(agency_a, content="钱局长包庇违法经营者。")
    assert api_for(head_a).get(f"/api/complaints/complaints/{complaint.pk}/").status_code == 404
    assert services.can_transfer(supervisor, complaint)
    moved = services.transfer(complaint, supervisor, agency_b, "回避")
    assert moved.agency_id == agency_b.pk


def test_unrelated_complaint_unaffected(complaint_a, handler_a):
    assert not services.head_only(complaint_a)
    assert services.can_handle(handler_a, complaint_a)
    assert services.accept(complaint_a, handler_a).status == ComplaintStatus.ACCEPTED


def test_panel_does_not_count_it_for_the_named_officer(naming_a1, handler_a, head_a, rf):
    from sanxiang.complaints.views import complaints_panel

    request = rf.get("/")
    request.user = handler_a
    assert complaints_panel(request)["context"]["pending"] == 0
    request.user = head_a
    assert complaints_panel(request)["context"]["pending"] == 1
