"""Who recorded a 复议/诉讼 and who uploaded its outcome document (issue #13 item 8):
「姓名（角色，账号 x）」."""

import pytest
from django.urls import reverse

from tests.appeals.conftest import decided_appeal

pytestmark = pytest.mark.django_db


def test_appeal_names_recorder_and_uploader_with_accounts(flow, handler_a, head_a, client_for):
    appeal = decided_appeal(flow.decided(), handler_a, head_a)
    page = client_for(head_a).get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    assert "王执法（承办人，账号 handler_a），" in page  # 登记
    assert "钱局长（机关负责人，账号 head_a）上传" in page  # the outcome document
