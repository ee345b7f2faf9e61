"""Workbench pages and API of appeals: scoped, forms re-render, figures."""

import datetime as dt

import pytest
from django.urls import reverse

from sanxiang.appeals import services
from sanxiang.appeals.models import Appeal
from sanxiang.core import clock
from tests.appeals.conftest import PDF

pytestmark = pytest.mark.django_db


def ago(n):
    return clock.today() - dt.timedelta(days=n)


def test_case_page_links_and_record_form(flow, handler_a, client_for):
    case = flow.decided()
    c = client_for(handler_a)
    html = c.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "复议诉讼与移送" in html and reverse("appeals:create", args=[case.pk]) in html
    url = reverse("appeals:create", args=[case.pk])
    # an error re-renders the form with the input
    r = c.post(url, {"kind": "reconsideration", "body": "测试县人民政府", "applied_on": ago(30)})
    assert r.status_code == 200 and "测试县人民政府" in r.content.decode()
    assert "不能早于" in r.content.decode()
    r = c.post(url, {"kind": "reconsideration", "body": "测试县人民政府", "applied_on": ago(5)})
    appeal = Appeal.objects.get(case=case)
    assert r.status_code == 302 and r.url == reverse("appeals:detail", args=[appeal.pk])


def test_detail_steps_and_upload(flow, handler_a, head_a, client_for):
    case = flow.decided()
    appeal = services.record_appeal(
        case, handler_a, kind="reconsideration", body="测试县人民政府", applied_on=ago(5)
    )
    c = client_for(head_a)
    url = reverse("appeals:detail", args=[appeal.pk])
    r = c.post(url, {"action": "accept", "accept-accepted_on": ago(4)})
    assert r.status_code == 302
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = c.post(
        url,
        {
            "action": "outcome",
            "outcome-outcome": "upheld",
            "outcome-decided_on": ago(1),
            "outcome-document": SimpleUploadedFile("决定书.pdf", PDF, "application/pdf"),
        },
    )
    assert r.status_code == 302
    appeal.refresh_from_db()
    assert appeal.outcome == "upheld"
    doc = appeal.documents.get()
    r = c.get(reverse("appeals:document", args=[appeal.pk, doc.pk]))
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    html = c.get(reverse("appeals:index")).content.decode()
    assert "被纠错率" in html and "测试县人民政府" in html


def test_other_agency_gets_404_and_supervisor_sees(
    flow, handler_a, handler_b, supervisor, client_for
):
    case = flow.decided()
    appeal = services.record_appeal(
        case, handler_a, kind="reconsideration", body="测试县人民政府", applied_on=ago(5)
    )
    c = client_for(handler_b)
    assert c.get(reverse("appeals:detail", args=[appeal.pk])).status_code == 404
    assert c.get(reverse("appeals:create", args=[case.pk])).status_code == 404
    assert "测试县人民政府" not in c.get(reverse("appeals:index")).content.decode()
    c = client_for(supervisor)
    assert c.get(reverse("appeals:detail", args=[appeal.pk])).status_code == 200
    r = c.post(
        reverse("appeals:detail", args=[appeal.pk]),
        {"action": "accept", "accept-accepted_on": ago(4)},
    )
    assert r.status_code == 403


def test_api_scoped_create_and_figures(flow, handler_a, handler_b, supervisor, api_for, agency_a):
    case = flow.decided()
    api = api_for(handler_a)
    r = api.post(
        "/api/appeals/appeals/",
        {"case": case.pk, "kind": "litigation", "body": "测试县人民法院", "applied_on": ago(3)},
        format="json",
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    r = api.post(f"/api/appeals/appeals/{pk}/accept/", {"accepted_on": ago(2)}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    assert api_for(handler_b).get(f"/api/appeals/appeals/{pk}/").status_code == 404
    r = api_for(handler_b).post(
        "/api/appeals/appeals/",
        {"case": case.pk, "kind": "litigation", "body": "x", "applied_on": ago(3)},
        format="json",
    )
    assert r.status_code == 404
    year = clock.local_date(case.decision_at).year
    rows = api_for(supervisor).get(f"/api/appeals/appeals/figures/?year={year}").json()
    row = next(x for x in rows if x["agency_id"] == agency_a.pk)
    assert row["decisions"] == 1 and row["litigation_rate"] == 100.0


def test_case_timeline_shows_the_ledgered_steps(flow, handler_a, head_a, client_for):
    case = flow.decided()
    appeal = services.record_appeal(
        case, handler_a, kind="reconsideration", body="测试县人民政府", applied_on=ago(5)
    )
    html = client_for(handler_a).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "登记行政复议/行政诉讼：行政复议 测试县人民政府" in html
    assert reverse("appeals:detail", args=[appeal.pk]) in html


def test_figures_year_outside_the_range_is_refused_in_chinese(api_for, head_a):
    from sanxiang.appeals import services as appeal_services

    assert appeal_services.figures_year("") == 2026  # the frozen today's year
    assert appeal_services.figures_year("abc") == 2026
    assert appeal_services.figures_year("2025") == 2025
    r = api_for(head_a).get("/api/appeals/appeals/figures/?year=15048")
    assert r.status_code == 400 and "2000 至 2100" in r.json()["detail"]
