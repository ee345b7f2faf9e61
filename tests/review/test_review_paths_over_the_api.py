"""Every path of the gate through the REST API (review endpoints, the cases decide
endpoint and the documents issue endpoint)."""

import base64
import datetime as dt

import pytest

from sanxiang.review.models import CheckPoint

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def ok_findings(**over):
    out = {p: {"result": "ok", "note": ""} for p in CheckPoint.values}
    out.update(over)
    return out


def materials_body(skip=()):
    items = [
        {"kind": "proposal", "title": "处罚建议", "reference": "案卷第3页"},
        {
            "kind": "closure_report",
            "title": "调查终结报告",
            "filename": "报告.txt",
            "content_base64": base64.b64encode("调查终结报告正文".encode()).decode(),
        },
        {"kind": "basis_evidence", "title": "证据清单", "reference": "证据1-12"},
    ]
    return [m for m in items if m["kind"] not in skip]


class Api:
    def __init__(self, api_for, case, draft, handler, reviewer, head):
        self.api_for, self.case, self.draft = api_for, case, draft
        self.handler, self.reviewer, self.head = handler, reviewer, head

    def post(self, user, url, body=None):
        return self.api_for(user).post(url, body or {}, format="json")

    def scope(self, answers=None):
        r = self.post(
            self.handler,
            f"/api/review/cases/{self.case.pk}/scope/",
            {"answers": answers or {}, "document": self.draft.pk},
        )
        assert r.status_code == 201, r.content
        return r.json()

    def submit(self, draft=None, **over):
        body = {
            "document": (draft or self.draft).pk,
            "proposal": "建议对当事人罚款5000元。",
            "materials": materials_body(),
            "justification": "本机关尚未发布该事项的裁量基准。",
        }
        body.update(over)
        return self.post(self.handler, f"/api/review/cases/{self.case.pk}/submit/", body)

    def to_review(self, draft=None):
        r = self.submit(draft)
        assert r.status_code == 201, r.content
        rid = r.json()["id"]
        r = self.post(
            self.head, f"/api/review/reviews/{rid}/assign/", {"reviewer": self.reviewer.pk}
        )
        assert r.status_code == 200, r.content
        r = self.post(self.reviewer, f"/api/review/reviews/{rid}/accept/", {"today": str(TODAY)})
        assert r.status_code == 200, r.content
        return rid

    def opinion(self, rid, kind, findings=None):
        if findings is None:
            findings = (
                ok_findings()
                if kind == "agree"
                else ok_findings(facts={"result": "problem", "note": "证据不足"})
            )
            if kind == "transfer":
                findings = ok_findings(crime={"result": "problem", "note": "涉嫌犯罪"})
        return self.post(
            self.reviewer,
            f"/api/review/reviews/{rid}/opinion/",
            {"kind": kind, "reasoning": "理由。", "findings": findings},
        )

    def decide(self, draft=None):
        return self.post(
            self.head,
            f"/api/cases/{self.case.pk}/decide/",
            {
                "outcome": "penalty",
                "penalty_kinds": ["fine"],
                "fine": "5000",
                "summary": "罚款",
                "decided_at": (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat(),
                "document": (draft or self.draft).pk,
            },
        )

    def issue_directly(self):
        return self.post(self.handler, f"/api/documents/documents/{self.draft.pk}/issue/")


@pytest.fixture
def api(api_for, case_a, draft_a, handler_a, reviewer_a, head_a):
    return Api(api_for, case_a, draft_a, handler_a, reviewer_a, head_a)


def assert_issue_refused(api):
    """Issuing the decision through the documents API is refused (by the documents app's
    own rule or by the review gate) and the draft stays a draft."""
    r = api.issue_directly()
    assert r.status_code in (400, 403), r.content
    assert r.json()["code"] in ("review_required", "illegal_transition")
    api.draft.refresh_from_db()
    assert api.draft.is_draft


def assert_refused(response, code="review_required"):
    assert response.status_code in (400, 403, 409), response.content
    assert response.json()["code"] == code, response.json()


def test_no_scope_refuses_decide_and_issue(api):
    assert_refused(api.decide())
    assert_issue_refused(api)
    r = api.api_for(api.handler).get(f"/api/review/cases/{api.case.pk}/gate/")
    assert r.status_code == 200 and r.json()["ok"] is False


def test_agree_path(api):
    scope = api.scope()
    assert scope["required"] and scope["policy_applies"]
    rid = api.to_review()
    assert_refused(api.decide())
    r = api.opinion(rid, "agree")
    assert r.status_code == 200, r.content
    data = r.json()
    assert data["outcome"] == "agree" and data["opinion"]["signature"]
    assert len(data["opinion"]["findings"]) == 7
    gate = (
        api.api_for(api.head)
        .get(f"/api/review/cases/{api.case.pk}/gate/?document={api.draft.pk}")
        .json()
    )
    assert gate["ok"] is True
    r = api.decide()
    assert r.status_code in (200, 201), r.content


def test_correct_resubmit_and_diff(api):
    from sanxiang.documents import services as documents

    api.scope()
    rid = api.to_review()
    assert api.opinion(rid, "correct").status_code == 200
    assert_refused(api.decide())
    content = dict(api.draft.content, facts="补充后的违法事实：销售过期食品15袋。")
    documents.update_draft(api.draft, content, api.handler)
    rid2 = api.to_review()
    diff = api.api_for(api.reviewer).get(f"/api/review/reviews/{rid2}/diff/").json()
    assert any(f["key"] == "facts" and f["changed"] for f in diff)
    assert api.opinion(rid2, "agree").status_code == 200
    assert api.decide().status_code in (200, 201)


def test_refuse_path(api):
    api.scope()
    rid = api.to_review()
    api.opinion(rid, "refuse")
    assert_refused(api.decide())
    assert_refused(api.submit(), code="illegal_transition")
    r = api.post(api.head, f"/api/review/reviews/{rid}/end-case/", {"reason": "依审核意见。"})
    assert r.status_code == 200, r.content
    api.case.refresh_from_db()
    assert api.case.stage == "terminated"


def test_transfer_path(api):
    api.scope()
    rid = api.to_review()
    api.opinion(rid, "transfer")
    r = api.post(
        api.head,
        f"/api/review/reviews/{rid}/transfer/",
        {
            "receiving_authority": "测试县公安局",
            "transferred_on": str(TODAY),
            "materials": ["涉嫌犯罪案件移送书", "涉嫌犯罪案件情况的调查报告"],
            "case_summary": "涉嫌销售伪劣产品罪。",
        },
    )
    assert r.status_code == 201, r.content
    assert_refused(api.decide())
    detail = api.api_for(api.head).get(f"/api/review/reviews/{rid}/").json()
    assert detail["transfer"]["receiving_authority"] == "测试县公安局"


def test_dispute_and_collective_discussion(api):
    api.scope()
    rid = api.to_review()
    api.opinion(rid, "correct")
    r = api.post(api.handler, f"/api/review/reviews/{rid}/dispute/", {"reason": "事实已查清。"})
    assert r.status_code == 201, r.content
    did = r.json()["id"]
    assert_refused(api.decide())
    body = {
        "held_on": str(TODAY),
        "participants": ["钱局长", "副局长", "法规科长"],
        "minutes": "经讨论……",
        "conclusion": "overrule",
        "decision": "按代拟稿作出。",
    }
    assert_refused(
        api.post(api.handler, f"/api/review/disputes/{did}/collective-discussion/", body),
        code="permission_denied",
    )
    r = api.post(api.head, f"/api/review/disputes/{did}/collective-discussion/", body)
    assert r.status_code == 201, r.content
    assert api.decide().status_code in (200, 201)


def test_draft_changed_after_approval(api):
    from sanxiang.documents import services as documents

    api.scope()
    rid = api.to_review()
    api.opinion(rid, "agree")
    documents.update_draft(api.draft, dict(api.draft.content, facts="改过的事实"), api.handler)
    assert_refused(api.decide())
    assert_issue_refused(api)


def test_reviewer_who_handled_the_case(api, handler_a):
    api.scope()
    r = api.submit()
    rid = r.json()["id"]
    # a handler of the case is not a reviewer; and the submitter cannot review
    assert_refused(
        api.post(api.head, f"/api/review/reviews/{rid}/assign/", {"reviewer": handler_a.pk}),
        code="permission_denied",
    )
    options = api.api_for(api.head).get(f"/api/review/reviews/{rid}/eligible-reviewers/").json()
    assert [o["id"] for o in options] == [api.reviewer.pk]


def test_missing_materials(api):
    api.scope()
    r = api.submit(materials=materials_body(skip=("basis_evidence",)))
    assert_refused(r, code="missing_material")
    assert "法律依据和证据资料" in r.json()["detail"]


def test_deadline_extension(api):
    api.scope()
    rid = api.to_review()
    detail = api.api_for(api.reviewer).get(f"/api/review/reviews/{rid}/").json()
    deadline = dt.date.fromisoformat(detail["deadline"])
    assert deadline == dt.date(2026, 12, 7)  # 10 working days after Monday 2026-11-23
    new = deadline + dt.timedelta(days=10)
    r = api.post(
        api.reviewer,
        f"/api/review/reviews/{rid}/extension/",
        {"new_deadline": str(new), "reason": "需补充鉴定。"},
    )
    assert r.status_code == 201, r.content
    eid = r.json()["id"]
    assert_refused(
        api.post(api.reviewer, f"/api/review/extensions/{eid}/decide/", {"approve": True}),
        code="permission_denied",
    )
    r = api.post(api.head, f"/api/review/extensions/{eid}/decide/", {"approve": True})
    assert r.status_code == 200 and r.json()["status"] == "approved"
    detail = api.api_for(api.reviewer).get(f"/api/review/reviews/{rid}/").json()
    assert detail["effective_deadline"] == str(new)


def test_other_agency_cannot_see_or_act(api, api_for, head_b, reviewer_b):
    api.scope()
    rid = api.submit().json()["id"]
    assert api_for(head_b).get(f"/api/review/reviews/{rid}/").status_code == 404
    assert api_for(head_b).get("/api/review/reviews/").json()["count"] == 0
    r = api_for(head_b).post(f"/api/review/reviews/{rid}/assign/", {"reviewer": reviewer_b.pk})
    assert r.status_code == 404
    r = api_for(head_b).post(f"/api/review/cases/{api.case.pk}/scope/", {}, format="json")
    assert r.status_code == 404


def test_stats_and_flags(api, api_for, supervisor):
    api.scope()
    rid = api.to_review()
    api.opinion(rid, "agree")
    rows = api_for(supervisor).get("/api/review/stats/").json()
    row = next(r for r in rows if r["agency"] == api.case.agency_id)
    assert row["agreed"] == 1 and row["reviewed"] == 1
    assert api_for(api.reviewer).get("/api/review/flags/").status_code == 200
