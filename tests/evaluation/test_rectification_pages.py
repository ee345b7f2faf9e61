"""The 整改通知 page on both sides: the agency reports, the supervisor decides; overdue shown."""

from sanxiang.evaluation.models import RectificationStatus


def test_rectification_pages_both_sides(client_for, rect, handler_a, supervisor):
    client = client_for(handler_a)
    page = client.get(f"/evaluation/rectifications/{rect.pk}/").content.decode()
    assert "报送整改报告" in page
    response = client.post(f"/evaluation/rectifications/{rect.pk}/report/", {"report": ""})
    assert response.status_code == 400
    response = client.post(f"/evaluation/rectifications/{rect.pk}/report/", {"report": "已补正"})
    assert response.status_code == 302
    assert client.post(f"/evaluation/rectifications/{rect.pk}/accept/").status_code == 403
    client = client_for(supervisor)
    page = client.get(f"/evaluation/rectifications/{rect.pk}/").content.decode()
    assert "整改到位，销号" in page and "退回重报" in page
    response = client.post(f"/evaluation/rectifications/{rect.pk}/return/", {"reason": "不到位"})
    assert response.status_code == 302
    client = client_for(handler_a)
    client.post(f"/evaluation/rectifications/{rect.pk}/report/", {"report": "再次整改"})
    client = client_for(supervisor)
    page = client.get(f"/evaluation/rectifications/{rect.pk}/").content.decode()
    assert "不能再次退回" in page
    assert client.post(f"/evaluation/rectifications/{rect.pk}/accept/").status_code == 302
    rect.refresh_from_db()
    assert rect.status == RectificationStatus.CLOSED


def test_overdue_shown(client_for, rect, handler_a):
    from sanxiang.evaluation.models import Rectification

    Rectification.objects.filter(pk=rect.pk).update(deadline="2020-01-02")
    page = client_for(handler_a).get("/evaluation/rectifications/").content.decode()
    assert "已逾期" in page
