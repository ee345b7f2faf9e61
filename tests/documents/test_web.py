"""Workbench pages and REST API: scoped, through the services."""

import io

import pytest
from docx import Document as Docx

from sanxiang.documents import services
from sanxiang.documents.models import Document, DocumentStatus
from sanxiang.documents.rendering import pdf_text

from .conftest import PARTY_NAME, complete_content

# ------------------------------------------------------------------------- pages


def test_case_page_create_edit_preview_issue(client_for, case_a, handler_a):
    client = client_for(handler_a)
    page = client.get(f"/documents/case/{case_a.pk}/")
    assert page.status_code == 200 and "制作文书" in page.content.decode()
    resp = client.post(f"/documents/case/{case_a.pk}/", {"kind": "prior_notice"})
    assert resp.status_code == 302
    doc = Document.objects.get(case=case_a, kind="prior_notice")
    page = client.get(f"/documents/{doc.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "尚缺必备要素" in html and "证据" in html
    assert 'style="' not in html and "<script>" not in html
    data = {**doc.content, **complete_content("prior_notice", doc.content)}
    resp = client.post(f"/documents/{doc.pk}/", data)
    assert resp.status_code == 302
    preview = client.get(f"/documents/{doc.pk}/preview.pdf")
    assert preview["Content-Type"] == "application/pdf"
    assert "草稿" in pdf_text(preview.content)
    resp = client.post(f"/documents/{doc.pk}/issue/", {"confirm": "1"}, follow=True)
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.ISSUED
    assert doc.number in resp.content.decode()
    pdf = client.get(f"/documents/{doc.pk}/download.pdf")
    assert pdf.status_code == 200 and "attachment" in pdf["Content-Disposition"]
    import hashlib

    assert hashlib.sha256(pdf.content).hexdigest() == doc.sha256
    docx = client.get(f"/documents/{doc.pk}/download.docx")
    text = "\n".join(p.text for p in Docx(io.BytesIO(docx.content)).paragraphs)
    assert doc.number in text and PARTY_NAME in text
    # editing an issued document through the page is refused
    resp = client.post(f"/documents/{doc.pk}/", {"facts": "改"})
    assert resp.status_code == 400
    doc.refresh_from_db()
    assert doc.content["facts"] != "改"


def test_issue_with_missing_elements_shows_names(client_for, case_a, handler_a):
    client = client_for(handler_a)
    doc = services.create_draft(case_a, "prior_notice", {}, handler_a)
    resp = client.post(f"/documents/{doc.pk}/issue/", {"confirm": "1"}, follow=True)
    html = resp.content.decode()
    assert "缺少必备要素" in html and "证据" in html
    doc.refresh_from_db()
    assert doc.is_draft


def test_correct_through_page(client_for, make_issued, handler_a):
    doc = make_issued("prior_notice")
    client = client_for(handler_a)
    data = {**doc.content, "proposed_penalty": "警告。", "reason": "拟处罚内容有误"}
    resp = client.post(f"/documents/{doc.pk}/correct/", data)
    assert resp.status_code == 302
    new = Document.objects.get(previous=doc)
    assert new.content["proposed_penalty"] == "警告。"
    page = client.get(f"/documents/{doc.pk}/").content.decode()
    assert "已被更正" in page and new.number in page


def test_pages_scoped_to_agency(client_for, make_issued, handler_b, supervisor, case_a):
    doc = make_issued("penalty_decision")
    other = client_for(handler_b)
    for url in (
        f"/documents/{doc.pk}/",
        f"/documents/{doc.pk}/download.pdf",
        f"/documents/{doc.pk}/download.docx",
        f"/documents/{doc.pk}/preview.pdf",
        f"/documents/case/{case_a.pk}/",
    ):
        assert other.get(url).status_code == 404, url
    assert other.post(f"/documents/{doc.pk}/issue/").status_code == 404
    assert doc.number not in other.get("/documents/").content.decode()
    # the supervisor sees its subtree (read only)
    sup = client_for(supervisor)
    assert sup.get(f"/documents/{doc.pk}/download.pdf").status_code == 200
    assert doc.number in sup.get("/documents/").content.decode()


def test_supervisor_cannot_issue_through_page(client_for, case_a, handler_a, supervisor):
    doc = services.create_draft(case_a, "other", {"title": "通知", "body": "x"}, handler_a)
    resp = client_for(supervisor).post(f"/documents/{doc.pk}/issue/", {"confirm": "1"}, follow=True)
    assert resp.status_code == 200
    doc.refresh_from_db()
    assert doc.is_draft


def test_login_required(client, make_issued):
    doc = make_issued("prior_notice")
    resp = client.get(f"/documents/{doc.pk}/download.pdf")
    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]


def test_workbench_panel_and_nav(client_for, case_a, handler_a):
    services.create_draft(case_a, "prior_notice", {}, handler_a)
    html = client_for(handler_a).get("/workbench/").content.decode()
    assert "待签发的文书草稿" in html and "执法文书" in html


# ------------------------------------------------------------------------- API


def test_api_flow(api_for, case_a, handler_a):
    api = api_for(handler_a)
    resp = api.post(
        "/api/documents/documents/",
        {"case": case_a.pk, "kind": "prior_notice", "content": {"facts": "事实"}},
        format="json",
    )
    assert resp.status_code == 201, resp.content
    body = resp.json()
    doc_id = body["id"]
    assert body["content"]["party_name"] == PARTY_NAME
    assert "证据" in body["missing_elements"]
    resp = api.post(f"/api/documents/documents/{doc_id}/issue/")
    assert resp.status_code == 400 and "证据" in resp.json()["detail"]
    doc = Document.objects.get(pk=doc_id)
    resp = api.patch(
        f"/api/documents/documents/{doc_id}/",
        {"content": complete_content("prior_notice", doc.content)},
        format="json",
    )
    assert resp.status_code == 200 and resp.json()["missing_elements"] == []
    resp = api.post(f"/api/documents/documents/{doc_id}/issue/")
    assert resp.status_code == 200
    issued = resp.json()
    assert issued["status"] == "issued" and issued["number"] and issued["sha256"]
    resp = api.patch(
        f"/api/documents/documents/{doc_id}/", {"content": {"facts": "x"}}, format="json"
    )
    assert resp.status_code == 400 and resp.json()["code"] == "immutable"
    assert api.delete(f"/api/documents/documents/{doc_id}/").status_code == 400
    pdf = api.get(f"/api/documents/documents/{doc_id}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    docx = api.get(f"/api/documents/documents/{doc_id}/docx/")
    assert docx.status_code == 200
    resp = api.post(
        f"/api/documents/documents/{doc_id}/correct/",
        {"content": {"evidence": "更正后的证据"}, "reason": "笔误"},
        format="json",
    )
    assert resp.status_code == 201
    assert resp.json()["previous"] == doc_id and resp.json()["version"] == 2
    old = api.get(f"/api/documents/documents/{doc_id}/").json()
    assert old["superseded_by"] == resp.json()["id"]
    listing = api.get("/api/documents/documents/", {"case": case_a.pk, "status": "issued"})
    assert listing.json()["count"] == 2
    kinds = api.get("/api/documents/kinds/").json()
    assert {k["code"] for k in kinds} >= {"penalty_decision", "service_receipt"}


def test_api_scoped_and_refused(api_for, make_issued, handler_b, case_a):
    doc = make_issued("penalty_decision")
    api = api_for(handler_b)
    assert api.get(f"/api/documents/documents/{doc.pk}/").status_code == 404
    assert api.get(f"/api/documents/documents/{doc.pk}/pdf/").status_code == 404
    assert api.get("/api/documents/documents/").json()["count"] == 0
    resp = api.post(
        "/api/documents/documents/", {"case": case_a.pk, "kind": "other"}, format="json"
    )
    assert resp.status_code == 404  # another agency's case is not even visible
    resp = api.post("/api/documents/documents/", {"kind": "bogus"}, format="json")
    assert resp.status_code == 400


def test_api_requires_authentication(client):
    assert client.get("/api/documents/documents/").status_code in (401, 403)


@pytest.mark.parametrize("user_fixture", ["reviewer_a", "supervisor"])
def test_api_role_refused(api_for, case_a, request, user_fixture):
    user = request.getfixturevalue(user_fixture)
    resp = api_for(user).post(
        "/api/documents/documents/",
        {"case": case_a.pk, "kind": "penalty_decision"},
        format="json",
    )
    assert resp.status_code == 403


# ------------------------------------------------------------------------- archive


def test_archive_files_for_case(make_issued, case_a, handler_a, head_a):
    import json

    from sanxiang.documents.archive import archive_contributor, files_for_case

    doc = make_issued("penalty_decision")
    new = services.correct_document(doc, {"evidence": "补充证据"}, "笔误", head_a)
    services.create_draft(case_a, "other", {}, handler_a)  # drafts are not archived
    files = dict(files_for_case(case_a))
    pdfs = [n for n in files if n.endswith(".pdf")]
    assert len(pdfs) == 2
    index = json.loads(files["documents/index.json"])
    by_id = {row["id"]: row for row in index}
    assert by_id[doc.pk]["superseded_by_id"] == new.pk
    import hashlib

    for name in pdfs:
        assert hashlib.sha256(files[name]).hexdigest() in {doc.sha256, new.sha256}
    items = archive_contributor(case_a)
    assert any(item.ledger_indices == [doc.ledger_index] for item in items)


def test_registered_with_cases_hooks():
    from sanxiang.cases import hooks
    from sanxiang.documents.archive import archive_contributor
    from sanxiang.documents.case_hooks import missing_items, timeline_contributor

    assert archive_contributor in hooks.archive_contributors()
    assert timeline_contributor in hooks.timeline_contributors()
    assert missing_items in hooks.missing_item_providers()


def test_main_decision_is_not_issued_from_the_documents_pages(
    client_for, api_for, case_a, handler_a, head_a
):
    doc = services.create_draft(case_a, "penalty_decision", {}, handler_a)
    doc = services.update_draft(doc, complete_content("penalty_decision", doc.content), handler_a)
    page = client_for(head_a).get(f"/documents/{doc.pk}/").content.decode()
    assert "前往案件办理页面" in page and "/issue/" not in page
    resp = client_for(head_a).post(f"/documents/{doc.pk}/issue/", follow=True)
    assert "作出决定" in resp.content.decode()
    resp = api_for(head_a).post(f"/api/documents/documents/{doc.pk}/issue/")
    assert resp.status_code == 400 and resp.json()["code"] == "illegal_transition"
    doc.refresh_from_db()
    assert doc.is_draft


def test_case_page_contributions(make_issued, case_a, handler_a, head_a):
    import datetime as dt

    from sanxiang.documents.case_hooks import missing_items, timeline_contributor

    doc = make_issued("prior_notice")
    services.correct_document(doc, {"proposed_penalty": "警告。"}, "笔误", handler_a)
    services.create_draft(case_a, "hearing_notice", {}, handler_a)
    entries = timeline_contributor(case_a)
    assert any(doc.number in e["summary"] and e["proof"] == doc.sha256 for e in entries)
    assert any(e["kind"] == "文书更正" for e in entries)
    items = missing_items(case_a, dt.date.today())
    assert any("听证通知书" in i["message"] for i in items)


def test_version_chain_page_query_count_does_not_grow(client_for, make_issued, head_a, settings):
    """The 版本链 of a document page costs the same whatever the number of versions (issue
    #17 item 5: ``_chain`` used to load one document per hop)."""
    # the calendar re-reads its revision token once a second of real time: keep it out
    settings.WORKDAYS_REVISION_CHECK_SECONDS = 3600
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(head_a)

    def corrected(times):
        versions = [make_issued("prior_notice")]
        for n in range(times):
            versions.append(
                services.correct_document(
                    versions[-1],
                    {"proposed_penalty": f"警告（第{n + 1}次更正）。"},
                    "表述有误",
                    head_a,
                )
            )
        return versions

    def cost(d):
        client.get(f"/documents/{d.pk}/")  # warm the session and caches
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(f"/documents/{d.pk}/").content.decode()
        return len(ctx), page[page.index("版本链") :]

    two = corrected(1)
    five = corrected(4)
    short, _ = cost(two[-1])
    longer, chain = cost(five[-1])
    assert [chain.index(v.number) for v in five] == sorted(chain.index(v.number) for v in five)
    assert longer == short


def test_decide_form_offers_only_decision_documents(make_issued, case_a, handler_a):
    """The 作出决定 form's 决定书 choice lists decision-type documents only: the newest
    document after a review is the 法制审核意见书, which used to be preselected and then
    refused (found by the role walk, issue #13)."""
    from sanxiang.cases.actions import CaseDecideIn

    draft = services.create_draft(case_a, "penalty_decision", {}, handler_a)
    other = make_issued("prior_notice")
    field = CaseDecideIn(context={"case": case_a}).fields["document"]
    offered = set(field.queryset.values_list("pk", flat=True))
    assert draft.pk in offered and other.pk not in offered
    # and the form starts with that 决定书 selected, not with the empty choice
    from sanxiang.cases.views import _initial, form_fields

    rows = {
        r["name"]: r
        for r in form_fields(
            CaseDecideIn(context={"case": case_a}), initial=_initial(case_a, "decide")
        )
    }
    assert rows["document"]["value"] == str(draft.pk)
    assert any(v == str(draft.pk) for v, _label in rows["document"]["choices"])
