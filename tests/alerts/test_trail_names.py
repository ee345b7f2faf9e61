"""Who acted on a 监督预警 (issue #13 item 8): 签收 and 办结 read 「姓名（角色，账号 x）」;
an alert the rules closed themselves reads 「系统」."""

import pytest

from sanxiang.alerts import services
from sanxiang.alerts.models import Alert, AlertStatus

from .conftest import live, publication, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def alert_a(agency_a):
    publication(agency_a, 1)
    run("publication_overdue")
    return live("publication_overdue")[0]


def test_acknowledger_and_closer_with_account_and_role(alert_a, client_for, head_a):
    services.acknowledge(alert_a, head_a, "已知悉，督促公示")
    alert = services.resolve(Alert.objects.get(pk=alert_a.pk), head_a, "已补充公示")
    page = client_for(head_a).get(f"/alerts/{alert.pk}/").content.decode()
    assert page.count("（钱局长（机关负责人，账号 head_a））") == 2


def test_closed_by_the_rules_reads_system(alert_a, client_for, head_a):
    from sanxiang.core import clock

    Alert.objects.filter(pk=alert_a.pk).update(
        status=AlertStatus.AUTO_RESOLVED, closed_at=clock.now()
    )
    page = client_for(head_a).get(f"/alerts/{alert_a.pk}/").content.decode()
    assert "（系统）" in page
