"""Recording a 复议/诉讼 and its steps through the workbench pages; the case page shows them."""

import pytest
from django.urls import reverse

from sanxiang.appeals import services
from sanxiang.appeals.models import Appeal
from tests.appeals.conftest import PDF, ago

pytestmark = pytest.mark.django_db


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


def test_case_timeline_shows_the_ledgered_steps(flow, handler_a, head_a, client_for):
    case = flow.decided()
    appeal = services.record_appeal(
        case, handler_a, kind="reconsideration", body="测试县人民政府", applied_on=ago(5)
    )
    html = client_for(handler_a).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "登记行政复议/行政诉讼：行政复议 测试县人民政府" in html
    assert reverse("appeals:detail", args=[appeal.pk]) in html
