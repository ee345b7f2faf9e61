"""An outcome that revokes, confirms illegal or changes the decision withdraws or corrects its publication."""

import pytest

from sanxiang.appeals import services
from sanxiang.appeals.models import Appeal
from sanxiang.core.errors import DomainError
from sanxiang.publicity.models import Publication, PublicationStatus
from sanxiang.publicity.services import confirm_publication
from tests.appeals.conftest import ago, decided_appeal, pdf

pytestmark = pytest.mark.django_db


def test_revocation_withdraws_the_publication(flow, handler_a, head_a):
    case = flow.decided()
    pub = Publication.objects.get(case_id=case.pk)
    confirm_publication(pub, handler_a)
    decided_appeal(case, handler_a, head_a, outcome="revoked")
    pub.refresh_from_db()
    case.refresh_from_db()
    assert pub.status == PublicationStatus.WITHDRAWN and pub.withdrawal_kind == "revoked"
    assert case.withdrawal_kind == "revoked"


def test_confirmed_illegal_and_redo(flow, handler_a, head_a):
    case = flow.decided()
    pub = Publication.objects.get(case_id=case.pk)
    confirm_publication(pub, handler_a)
    decided_appeal(case, handler_a, head_a, outcome="confirmed_illegal")
    pub.refresh_from_db()
    assert pub.withdrawal_kind == "confirmed_illegal"


def test_revoke_with_redo_sends_case_back_to_decision(flow, handler_a, head_a):
    case = flow.decided()
    decided_appeal(case, handler_a, head_a, outcome="revoked", redo_ordered=True)
    case.refresh_from_db()
    assert case.stage == "decision" and case.decision_at is None


def test_change_corrects_the_publication(flow, handler_a, head_a):
    case = flow.decided()
    pub = Publication.objects.get(case_id=case.pk)
    confirm_publication(pub, handler_a)
    with pytest.raises(DomainError):
        decided_appeal(case, handler_a, head_a, outcome="changed")
    a = Appeal.objects.get(case=case)
    services.record_outcome(
        a,
        head_a,
        outcome="changed",
        decided_on=ago(1),
        document=pdf(),
        changed_conclusion="罚款人民币3000元",
    )
    pub.refresh_from_db()
    assert pub.status == PublicationStatus.PUBLISHED and pub.version == 2
    assert pub.source["conclusion"] == "罚款人民币3000元"


def test_upheld_leaves_the_publication(flow, handler_a, head_a):
    case = flow.decided()
    pub = Publication.objects.get(case_id=case.pk)
    confirm_publication(pub, handler_a)
    decided_appeal(case, handler_a, head_a, outcome="upheld")
    pub.refresh_from_db()
    assert pub.status == PublicationStatus.PUBLISHED
