"""Workbench pages (zh-hans) through the Django test client."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sanxiang.review.models import CheckPoint, Review

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def test_case_page_scope_form_and_submit_form(client_for, steps, handler_a):
    c = client_for(handler_a)
    r = c.get(f"/review/cases/{steps.case.pk}/")
    assert r.status_code == 200
    assert "尚未进行法制审核范围评估" in r.content.decode()
    r = c.post(
        f"/review/cases/{steps.case.pk}/", {"public_interest": "on", "document": steps.draft.pk}
    )
    assert r.status_code == 302
    page = c.get(f"/review/cases/{steps.case.pk}/").content.decode()
    assert "涉及重大公共利益" in page and "一律进行法制审核" in page
    assert "本案决定须经法制审核" in page
    # incomplete checklist → stays on the form with the missing items
    r = c.post(
        f"/review/cases/{steps.case.pk}/submit/",
        {"document": steps.draft.pk, "proposal": "建议罚款", "justification": "无基准"},
        follow=True,
    )
    assert "送审材料不齐全" in r.content.decode()
    # a refused 送审 keeps the 案卷内位置 and the explanations typed (issue #13 item 2)
    r = c.post(
        f"/review/cases/{steps.case.pk}/submit/",
        {
            "document": steps.draft.pk,
            "proposal": "建议罚款5000元",
            "justification": "未对照基准的说明",
            "ref_proposal": "第3页",
            "title_proposal": "送审说明",
        },
    )
    page = r.content.decode()
    assert "送审材料不齐全" in page
    assert 'value="第3页"' in page and 'value="送审说明"' in page
    assert "未对照基准的说明" in page and "建议罚款5000元" in page
    r = c.post(
        f"/review/cases/{steps.case.pk}/submit/",
        {
            "document": steps.draft.pk,
            "proposal": "建议罚款5000元",
            "justification": "无基准",
            "ref_proposal": "第3页",
            "file_closure_report": SimpleUploadedFile("终结报告.txt", "报告".encode()),
            "ref_basis_evidence": "证据1-12",
        },
    )
    review = Review.objects.get()
    assert r.status_code == 302 and r["Location"].endswith(f"/review/{review.pk}/")
    assert review.materials.filter(kind="closure_report").first().sha256


def test_reviewer_flow_on_pages(client_for, steps, head_a, reviewer_a, handler_a):
    review = steps.submitted()
    c = client_for(head_a)
    assert "分配" in c.get(f"/review/{review.pk}/").content.decode()
    c.post(f"/review/{review.pk}/assign/", {"reviewer": reviewer_a.pk})
    c = client_for(reviewer_a)
    assert c.get("/review/queue/").status_code == 200
    c.post(f"/review/{review.pk}/accept/")
    review.refresh_from_db()
    assert review.status == "in_review"
    form = {f"result_{p}": "ok" for p in CheckPoint.values}
    form.update(kind="agree", reasoning="事实清楚，证据确凿，同意。")
    c.post(f"/review/{review.pk}/opinion/", form)
    review.refresh_from_db()
    assert review.outcome == "agree"
    page = c.get(f"/review/{review.pk}/").content.decode()
    assert "签名校验通过" in page
    pdf = c.get(f"/review/{review.pk}/opinion.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client_for(handler_a).get(f"/review/cases/{steps.case.pk}/").status_code == 200


def test_out_of_range_justification_is_highlighted(client_for, steps, reviewer_a):
    review = steps.submitted(justification="当事人主动消除危害后果，依法从轻。")
    steps.accepted(review)
    page = client_for(reviewer_a).get(f"/review/{review.pk}/").content.decode()
    assert "highlight-warn" in page and "当事人主动消除危害后果" in page


def test_diff_page(client_for, steps, handler_a, reviewer_a):
    from sanxiang.documents import services as documents
    from sanxiang.review import services

    steps.opinion("correct")
    documents.update_draft(steps.draft, dict(steps.draft.content, facts="新的事实描述"), handler_a)
    second = services.submit_for_review(
        steps.case,
        steps.draft,
        proposal="已修改",
        materials=__import__("tests.review.conftest", fromlist=["materials"]).materials(),
        actor=handler_a,
        justification="无基准",
    )
    page = client_for(reviewer_a).get(f"/review/{second.pk}/diff/").content.decode()
    assert "<ins>" in page and "<del>" in page and "新的事实描述" in page


def test_extension_page_and_stats(client_for, steps, head_a, supervisor):
    review = steps.accepted(today=TODAY)
    from sanxiang.review import services

    services.request_extension(
        review,
        steps.reviewer,
        new_deadline=review.deadline.replace(day=review.deadline.day + 3),
        reason="需补充鉴定意见。",
    )
    c = client_for(head_a)
    assert "需补充鉴定意见" in c.get("/review/extensions/").content.decode()
    ext = review.extensions.get()
    c.post("/review/extensions/", {"extension": ext.pk, "approve": "1"})
    ext.refresh_from_db()
    assert ext.status == "approved"
    page = client_for(supervisor).get("/review/stats/").content.decode()
    assert "测试县市场监督管理局" in page
    assert client_for(supervisor).get("/workbench/").status_code == 200
    assert client_for(head_a).get("/workbench/").status_code == 200
    assert client_for(steps.reviewer).get("/workbench/").status_code == 200


def test_other_agency_gets_404(client_for, steps, head_b):
    review = steps.submitted()
    c = client_for(head_b)
    assert c.get(f"/review/{review.pk}/").status_code == 404
    assert c.get(f"/review/cases/{steps.case.pk}/").status_code == 404
    assert c.post(f"/review/{review.pk}/assign/", {"reviewer": 1}).status_code == 404


def test_templates_have_no_inline_script_or_style():
    from pathlib import Path

    import sanxiang.review

    root = Path(sanxiang.review.__file__).parent / "templates"
    for path in root.rglob("*.html"):
        text = path.read_text()
        assert "<script" not in text and "style=" not in text, path


def test_list_shows_cases_waiting_and_handler_panel(client_for, steps, handler_a):
    c = client_for(handler_a)
    page = c.get("/review/").content.decode()
    assert f"/review/cases/{steps.case.pk}/" in page
    steps.opinion("correct")
    page = c.get("/workbench/").content.decode()
    assert "修改后重新送审" in page


def test_detail_page_branches(client_for, steps, handler_a, head_a):
    review = steps.opinion("transfer")
    page = client_for(handler_a).get(f"/review/{review.pk}/").content.decode()
    assert "记录移送" in page and "涉嫌犯罪案件移送书" in page
    r = client_for(handler_a).post(
        f"/review/{review.pk}/transfer/",
        {
            "receiving_authority": "测试县公安局",
            "transferred_on": "2026-11-23",
            "materials": ["涉嫌犯罪案件移送书", "涉嫌犯罪案件情况的调查报告"],
            "case_summary": "涉嫌犯罪。",
        },
    )
    assert r.status_code == 302
    assert "已移送司法机关" in client_for(head_a).get(f"/review/{review.pk}/").content.decode()


def test_dispute_and_discussion_forms(client_for, steps, handler_a, head_a):
    review = steps.opinion("refuse")
    c = client_for(handler_a)
    assert "提出异议" in c.get(f"/review/{review.pk}/").content.decode()
    c.post(f"/review/{review.pk}/dispute/", {"reason": "证据合法。"})
    c = client_for(head_a)
    page = c.get(f"/review/{review.pk}/").content.decode()
    assert "记录集体讨论决定" in page
    c.post(
        f"/review/{review.pk}/discussion/",
        {
            "held_on": "2026-11-23",
            "participants": "钱局长、副局长、法制科长",
            "minutes": "讨论记录",
            "conclusion": "adopt",
            "decision": "采纳审核意见。",
        },
    )
    page = c.get(f"/review/{review.pk}/").content.decode()
    assert "采纳法制审核意见" in page and "据审核意见终止本案办理" in page


def test_opinion_pdf_download_refuses_tampered_bytes(client_for, steps, reviewer_a):
    """The opinion's PDF is an issued document's file: a flipped byte on disk is refused
    (issue #11 item 7), like every other download of that document."""
    import os

    from django.core.files.storage import default_storage

    from sanxiang.documents.models import DocumentFixityAlert

    review = steps.opinion("agree")
    c = client_for(reviewer_a)
    r = c.get(f"/review/{review.pk}/opinion.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    path = default_storage.path(review.opinion.pdf.name)
    os.chmod(path, 0o640)
    with open(path, "r+b") as f:
        data = f.read()
        f.seek(len(data) // 2)
        f.write(bytes([data[len(data) // 2] ^ 0x01]))
    r = c.get(f"/review/{review.pk}/opinion.pdf")
    assert r.status_code in (400, 409)
    assert "SHA-256" in r.content.decode()
    assert DocumentFixityAlert.objects.filter(document=review.opinion.document).exists()


def test_refused_opinion_keeps_every_answer_and_the_reasoning(client_for, steps, reviewer_a):
    """Issue #13 item 2: one validation error on the checklist used to clear all 7 answers;
    the refused form now comes back with what the reviewer entered."""
    review = steps.accepted()
    answers = {f"result_{p}": "ok" for p in CheckPoint.values if p != CheckPoint.CRIME}
    notes = {f"note_{CheckPoint.FACTS}": "证据链完整，现场笔录与照片一致。"}
    r = client_for(reviewer_a).post(
        f"/review/{review.pk}/opinion/",
        {"kind": "agree", "reasoning": "经审核，拟同意。", **answers, **notes},
    )
    assert r.status_code == 400
    page = r.content.decode()
    for p in answers:
        assert f'name="{p}" value="ok" checked' in page, p
    assert "证据链完整，现场笔录与照片一致。" in page
    assert "经审核，拟同意。" in page
    assert 'value="agree" selected' in page
    review.refresh_from_db()
    assert not Review.objects.get(pk=review.pk).draft_findings  # nothing half-written


def test_refused_discussion_keeps_its_input(client_for, steps, handler_a, head_a):
    review = steps.opinion("refuse")
    client_for(handler_a).post(f"/review/{review.pk}/dispute/", {"reason": "事实认定有误"})
    r = client_for(head_a).post(
        f"/review/{review.pk}/discussion/",
        {"participants": "甲、乙", "minutes": "讨论记录原文", "decision": "维持原意见"},
    )
    assert r.status_code == 400
    page = r.content.decode()
    assert 'value="甲、乙"' in page and "讨论记录原文" in page and "维持原意见" in page
