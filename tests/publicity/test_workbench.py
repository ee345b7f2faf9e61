"""Workbench pages /publicity/: scoped, thin over the services."""

import pytest
from django.urls import reverse

from sanxiang.publicity.models import PublicationStatus

from .conftest import publish, published

pytestmark = pytest.mark.django_db


def test_list_and_detail_scoped_to_agency(client_for, agency_a, handler_a, handler_b, supervisor):
    pub = publish(agency_a, handler_ids=[handler_a.pk])
    c = client_for(handler_a)
    assert pub.document_number in c.get(reverse("publicity:index")).content.decode()
    assert c.get(reverse("publicity:detail", args=[pub.pk])).status_code == 200
    c = client_for(handler_b)
    assert pub.document_number not in c.get(reverse("publicity:index")).content.decode()
    assert c.get(reverse("publicity:detail", args=[pub.pk])).status_code == 404
    c = client_for(supervisor)
    assert c.get(reverse("publicity:detail", args=[pub.pk])).status_code == 200


def test_handler_marks_and_confirms_from_the_page(client_for, agency_a, handler_a):
    pub = publish(agency_a, handler_ids=[handler_a.pk])
    c = client_for(handler_a)
    c.post(reverse("publicity:marks", args=[pub.pk]), {"trade_secret": "牛奶12盒\n"})
    sha = pub.snapshots.get().content_sha256
    r = c.post(reverse("publicity:confirm", args=[pub.pk]), {"sha256": sha})
    assert r.status_code == 302
    pub.refresh_from_db()
    assert pub.status == PublicationStatus.PUBLISHED and pub.marks[0]["reason"] == "trade_secret"


def test_supervisor_cannot_confirm(client_for, agency_a, handler_a, supervisor):
    pub = publish(agency_a, handler_ids=[handler_a.pk])
    client_for(supervisor).post(reverse("publicity:confirm", args=[pub.pk]))
    pub.refresh_from_db()
    assert pub.status == PublicationStatus.PENDING


def test_head_withdraws_and_pages_render(client_for, agency_a, handler_a, head_a):
    pub = published(agency_a, handler_a)
    c = client_for(head_a)
    c.post(
        reverse("publicity:withdraw", args=[pub.pk]),
        {"kind": "revoked", "reason": "复议撤销", "confirm": "1"},
    )
    pub.refresh_from_db()
    assert pub.status == PublicationStatus.WITHDRAWN
    for name in (
        "publicity:policy",
        "publicity:pages",
        "publicity:deliveries",
        "publicity:reports",
    ):
        assert c.get(reverse(name)).status_code == 200, name
    c.post(reverse("publicity:prepare"), {"note": "x"})
    assert c.get(reverse("publicity:pages")).content.decode().count("待审定") >= 1


def test_workbench_panel_flags_overdue(client_for, agency_a, handler_a):
    import datetime as dt

    publish(agency_a, decision_date=dt.date(2026, 6, 1), handler_ids=[handler_a.pk])
    html = client_for(handler_a).get(reverse("core:home")).content.decode()
    assert "公示提醒" in html and "已逾期" in html
