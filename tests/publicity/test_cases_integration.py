"""The cases app issues / withdraws a decision → publicity follows (cases.services.effects)."""

import pytest
from django.urls import reverse

from sanxiang.cases import services as cases
from sanxiang.publicity.models import Publication, PublicationStatus, SnapshotState
from sanxiang.publicity.services import confirm_publication
from tests.cases.conftest import (  # noqa: F401  (fixtures)
    Flow,
    _isolated_gates,
    officer_a3,
    person_party,
    power_a,
    powers_a,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def flow(handler_a, head_a, officer_a1, officer_a2, power_a):  # noqa: F811
    return Flow(handler_a, head_a, [officer_a1, officer_a2], power_a, party=person_party())


def test_issued_decision_is_queued_redacted_and_published_on_confirmation(flow, handler_a, client):
    case = flow.decided()
    pub = Publication.objects.get(case_id=case.pk)
    assert pub.status == PublicationStatus.PENDING
    assert pub.category == "penalty" and pub.due_date is not None
    assert handler_a.pk in pub.handler_ids
    snap = pub.snapshots.get()
    assert snap.target_name == "张某某" and "张三" not in str(snap.__dict__)
    assert client.get(reverse("gs:decision", args=[pub.pk])).status_code == 404
    confirm_publication(pub, handler_a)
    html = client.get(reverse("gs:decision", args=[pub.pk])).content.decode()
    assert "张某某" in html and "罚款" in html


def test_withdrawn_decision_is_taken_down(flow, handler_a, head_a, client):
    case = flow.decided()
    pub = Publication.objects.get(case_id=case.pk)
    confirm_publication(pub, handler_a)
    cases.withdraw_decision(case, "revoked", "行政复议决定撤销（云复决字〔2026〕5号）", head_a)
    pub.refresh_from_db()
    assert pub.status == PublicationStatus.WITHDRAWN and pub.withdrawal_kind == "revoked"
    assert pub.snapshots.get().state == SnapshotState.WITHDRAWN
    html = client.get(reverse("gs:decision", args=[pub.pk])).content.decode()
    assert "撤下公告" in html and "云复决字〔2026〕5号" in html


def test_full_text_from_the_decision_document_and_its_correction(
    flow, handler_a, head_a, client, settings, tmp_path
):
    from sanxiang.documents import services as documents

    settings.MEDIA_ROOT = str(tmp_path)
    case = flow.noticed()
    content = documents.prefill(case, "penalty_decision")
    content["violated_provisions"] = "《中华人民共和国食品安全法》第三十四条第十项"
    content["facts"] = "当事人张三于2026年5月销售过期食品12袋，其手机13912345678。"
    content["evidence"] = "现场检查笔录、现场照片6张、询问笔录"
    doc = documents.create_draft(case, "penalty_decision", content, head_a)
    from sanxiang.org.models import Agency

    Agency.objects.filter(pk=case.agency_id).update(review_all_general_penalties=False)
    case.agency.refresh_from_db()
    from sanxiang.review import services as review

    # the legal-review gate: assessed as not required
    assert not review.assess_scope(case, {}, handler_a, document=doc).required
    cases.decide(
        case, actor=head_a, outcome="penalty", penalty_kinds=["fine"], fine="5000", document=doc
    )
    doc.refresh_from_db()
    pub = Publication.objects.get(case_id=case.pk)
    assert pub.document_number == doc.number and pub.document_id == doc.pk
    confirm_publication(pub, handler_a)
    snap = pub.snapshots.get()
    text = str(snap.full_text)
    assert "张某某" in text and "张三" not in text and "13912345678" not in text
    assert "110101199003077774" not in text
    # correcting the issued decision document corrects the publication (history kept)
    new_content = dict(doc.content, facts="当事人张三于2026年5月销售过期食品10袋。")
    new = documents.correct_document(doc, new_content, "数量笔误", head_a)
    pub.refresh_from_db()
    assert pub.version == 2 and pub.document_number == new.number
    current = pub.snapshots.get(state=SnapshotState.PUBLISHED)
    assert "10袋" in str(current.full_text) and current.correction_note == "数量笔误"
    html = client.get(reverse("gs:decision", args=[pub.pk])).content.decode()
    assert "更正记录" in html and new.number in html
