"""The patrolled agency sees its own results and answers a 整改通知 with a 整改报告."""

from sanxiang.patrol import services

from .conftest import first


def test_agency_sees_own_results_and_answers(sampled, supervisor, agency_a, handler_a, client_for):
    item = services.submit_item(
        first(sampled, agency_a), supervisor, deductions={"standard": (2, "x")}
    )
    notice = services.issue_notice(sampled, agency_a, supervisor, requirements="请更正")
    c = client_for(handler_a)
    assert c.get("/patrol/").status_code == 302  # → notices
    body = c.get("/patrol/notices/").content.decode()
    assert "请" not in "" and sampled.title in body and item.document_number in body
    assert c.get(f"/patrol/items/{item.pk}/").status_code == 200
    page = c.get(f"/patrol/notices/{notice.pk}/").content.decode()
    assert "报送整改报告" in page
    bad = c.post(f"/patrol/notices/{notice.pk}/report/", {"report": ""})
    assert bad.status_code == 400
    c.post(f"/patrol/notices/{notice.pk}/report/", {"report": "已更正"})
    notice.refresh_from_db()
    assert notice.status == "reported"
