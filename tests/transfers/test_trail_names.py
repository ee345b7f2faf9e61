"""Who approved and who recorded a 移送 (issue #13 item 8): 「姓名（角色，账号 x）」."""

import pytest
from django.urls import reverse

from tests.transfers.conftest import transfer

pytestmark = pytest.mark.django_db


def test_transfer_names_approver_and_recorder_with_accounts(flow, handler_a, head_a, client_for):
    t = transfer(flow.in_decision(), head_a)
    page = client_for(handler_a).get(reverse("transfers:detail", args=[t.pk])).content.decode()
    assert page.count("钱局长（机关负责人，账号 head_a）") == 2  # 负责人批准, 登记
    assert "<dt>登记</dt>" in page
