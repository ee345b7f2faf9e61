"""Who handled a complaint (issue #13 item 8): an entry of the 办理记录 that names its actor's
account (``actor_id``) reads 「姓名（角色，账号 x）」; an older entry with only the name
recorded then keeps that name; the time reads 「2026-11-21 10:35」."""

import pytest

from sanxiang.complaints.models import Complaint
from sanxiang.org.models import Role
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_history_names_the_actor_account_and_role(client_for, complaint_a, handler_a, agency_a):
    twin = make_user("handler_twin", Role.HANDLER, agency_a, "王执法")  # same name
    entry = {"at": "2026-11-21 10:35", "agency": agency_a.name, "note": ""}
    Complaint.objects.filter(pk=complaint_a.pk).update(
        history=[
            {**entry, "action": "受理", "actor": "王执法", "actor_id": handler_a.pk},
            {**entry, "action": "办结", "actor": "王执法", "actor_id": twin.pk},
            {**entry, "action": "转办", "actor": "赵某"},
        ]
    )
    page = client_for(handler_a).get(f"/complaints/{complaint_a.pk}/").content.decode()
    assert "王执法（承办人，账号 handler_a）：受理" in page
    assert "王执法（承办人，账号 handler_twin）：办结" in page
    assert "2026-11-21 10:35 " in page and " 赵某：转办" in page
