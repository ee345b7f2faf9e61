"""Irreversible acts ask first: without ``confirm=1`` the view shows a confirmation page that
says what will happen and that it cannot be undone, re-posting the input; nothing changes
until it is confirmed. (作出决定 and 签发 are tested with their fixtures in test_inbox /
seal/test_unsealed.)"""

import pytest
from django.urls import reverse

from sanxiang.evaluation import services as evaluation
from sanxiang.publicity.models import PublicationStatus
from tests.evaluation.conftest import closed_cases, make_round, sheet_post
from tests.publicity.conftest import published

pytestmark = pytest.mark.django_db

IRREVERSIBLE = "此操作不可撤销"


def test_withdraw_publication_asks_first(client_for, agency_a, handler_a, head_a):
    pub = published(agency_a, handler_a)
    c = client_for(head_a)
    url = reverse("publicity:withdraw", args=[pub.pk])
    page = c.post(url, {"kind": "revoked", "reason": "复议撤销"})
    html = page.content.decode()
    assert page.status_code == 200 and IRREVERSIBLE in html and "撤回公示" in html
    assert 'name="reason" value="复议撤销"' in html and 'name="confirm" value="1"' in html
    pub.refresh_from_db()
    assert pub.status == PublicationStatus.PUBLISHED
    assert c.post(url, {"kind": "revoked", "reason": "复议撤销", "confirm": "1"}).status_code == 302
    pub.refresh_from_db()
    assert pub.status == PublicationStatus.WITHDRAWN


def test_submit_score_asks_first(client_for, supervisor, agency_a, agency_b):
    rnd = make_round(supervisor, [agency_a, agency_b])
    closed_cases(agency_a, 12)
    closed_cases(agency_b, 3)
    evaluation.sample(rnd, supervisor, seed_hex="ab" * 32)
    sheet = rnd.sheets.first()
    c = client_for(supervisor)
    data = sheet_post(d_facts="5", n_facts="证据不足")
    data.pop("confirm")
    page = c.post(f"/evaluation/sheets/{sheet.pk}/", data)
    html = page.content.decode()
    assert page.status_code == 200 and IRREVERSIBLE in html and "提交评分" in html
    assert 'value="证据不足"' in html
    sheet.refresh_from_db()
    assert sheet.submitted_at is None
    data["confirm"] = "1"
    assert c.post(f"/evaluation/sheets/{sheet.pk}/", data).status_code == 302
    sheet.refresh_from_db()
    assert sheet.submitted_at is not None


def test_decide_asks_first(steps, client_for, head_a):
    review = steps.opinion()
    case = review.case
    c = client_for(head_a)
    url = reverse("cases:action", args=[case.pk, "decide"])
    data = {
        "outcome": "penalty",
        "penalty_kinds": "fine",
        "fine": "5000",
        "summary": "罚款5000元",
        "document": str(steps.draft.pk),
    }
    page = c.post(url, data)
    html = page.content.decode()
    assert page.status_code == 200 and IRREVERSIBLE in html and "作出决定" in html, html[-3000:]
    case.refresh_from_db()
    assert case.decision_at is None
    assert c.post(url, {**data, "confirm": "1"}).status_code == 302
    case.refresh_from_db()
    assert case.decision_at is not None
