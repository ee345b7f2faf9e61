"""Rules and time limits of 行政复议 / 行政诉讼 records."""

import datetime as dt

import pytest

from sanxiang.appeals import limits, services
from sanxiang.appeals.models import Appeal, AppealDocument, AppealStatus
from sanxiang.core import clock
from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied
from sanxiang.ledger.models import Leaf
from sanxiang.publicity.models import Publication, PublicationStatus
from sanxiang.publicity.services import confirm_publication
from tests.appeals.conftest import PDF, pdf

pytestmark = pytest.mark.django_db


def ago(n):
    return clock.today() - dt.timedelta(days=n)


def recon(case, actor, **kw):
    data = {"kind": "reconsideration", "body": "测试县人民政府", "applied_on": ago(5)}
    data.update(kw)
    return services.record_appeal(case, actor, **data)


def decided_appeal(case, actor, head, outcome="upheld", **kw):
    appeal = recon(case, actor)
    services.accept(appeal, actor, accepted_on=ago(4))
    return services.record_outcome(
        appeal, head, outcome=outcome, decided_on=ago(1), document=pdf(), **kw
    )


# --------------------------------------------------------------------------- time limits


def test_limits_match_the_law_texts():
    assert limits.RECONSIDERATION_APPLY_DAYS == 60  # 行政复议法第二十条
    assert limits.RECONSIDERATION_DECIDE_DAYS == 60  # 第六十二条
    assert limits.RECONSIDERATION_EXTEND_MAX_DAYS == 30
    assert limits.RECONSIDERATION_ACCEPT_WORKDAYS == 5  # 第三十条 + 第八十八条
    assert limits.LITIGATION_DIRECT_MONTHS == 6  # 行政诉讼法第四十六条
    assert limits.LITIGATION_AFTER_RECONSIDERATION_DAYS == 15  # 第四十五条
    assert limits.POLICE_DECISION_DAYS == 3  # 移送规定第八条
    assert limits.RECONSIDERATION_REQUEST_DAYS == 3  # 第九条
    assert limits.TRANSFER_APPROVAL_DAYS == 3  # 第五条


def test_calendar_periods_end_on_a_working_day():
    # 2026-08-02 + 60 days = 2026-10-01 (国庆节) → first working day after the holiday
    end = limits.days_limit(dt.date(2026, 8, 2), 60)
    assert end > dt.date(2026, 10, 1) and end.weekday() < 5
    # an ordinary weekday is kept
    assert limits.days_limit(dt.date(2026, 3, 2), 60) == dt.date(2026, 5, 1) or (
        limits.days_limit(dt.date(2026, 3, 2), 60) > dt.date(2026, 5, 1)
    )
    assert limits.days_limit(dt.date(2026, 6, 1), 2) == dt.date(2026, 6, 3)
    # six months from 31 August ends on the last day of February
    assert limits.months_limit(dt.date(2025, 8, 29), 6) >= dt.date(2026, 2, 28)
    assert limits.months_limit(dt.date(2026, 6, 10), 6) == dt.date(2026, 12, 10)


def test_application_deadlines_by_kind(flow, handler_a):
    case = flow.decided()
    known = ago(8)
    a = recon(case, handler_a, known_on=known)
    assert a.application_deadline == limits.days_limit(known, 60)
    assert not a.late_application
    lit = services.record_appeal(
        case, handler_a, kind="litigation", body="测试县人民法院", applied_on=ago(5), known_on=known
    )
    assert lit.application_deadline == limits.months_limit(known, 6)


def test_late_application_is_recorded_and_flagged(flow, handler_a):
    """行政复议法第二十条: 60 days; a late application is recorded (the body decides whether a
    正当理由 excuses it) and flagged."""
    import time_machine
    from django.utils import timezone

    case = flow.decided()
    decided = clock.local_date(case.decision_at)
    with time_machine.travel(timezone.now() + dt.timedelta(days=75), tick=False):
        a = recon(case, handler_a, applied_on=clock.today())
        assert a.application_deadline == limits.days_limit(decided, 60)
        assert a.late_application
        assert any("超过法定期限" in f for f in services.flags(a))
    b = recon(case, handler_a, applied_on=ago(1))
    assert not b.late_application


def test_reconsideration_decision_deadline_and_extension(flow, handler_a):
    case = flow.decided()
    a = recon(case, handler_a)
    a = services.accept(a, handler_a, accepted_on=ago(4))
    assert a.decision_deadline == limits.days_limit(ago(4), 60)
    a = services.extend(a, handler_a, days=20, note="情况复杂，经复议机构负责人批准")
    assert a.decision_deadline == limits.days_limit(ago(4), 80)
    with pytest.raises(DomainError) as e:
        services.extend(a, handler_a, days=11, note="再次延长")
    assert e.value.code == ErrorCode.DEADLINE
    a = services.extend(a, handler_a, days=10, note="再次延长")
    assert a.extension_days == 30


def test_simple_procedure_is_30_days_and_not_extended(flow, handler_a):
    case = flow.decided()
    a = recon(case, handler_a, simple_procedure=True)
    a = services.accept(a, handler_a, accepted_on=ago(4))
    assert a.decision_deadline == limits.days_limit(ago(4), 30)
    with pytest.raises(DomainError):
        services.extend(a, handler_a, days=5, note="x")


def test_litigation_first_instance_six_months(flow, handler_a):
    case = flow.decided()
    a = services.record_appeal(
        case, handler_a, kind="litigation", body="测试县人民法院", applied_on=ago(5)
    )
    a = services.accept(a, handler_a, accepted_on=ago(3))
    assert a.decision_deadline == limits.months_limit(ago(3), 6)
    with pytest.raises(DomainError):
        services.extend(a, handler_a, days=5, note="x")


# --------------------------------------------------------------------------- transitions


def test_outcome_before_acceptance_is_refused(flow, handler_a, head_a):
    case = flow.decided()
    a = recon(case, handler_a)
    with pytest.raises(DomainError) as e:
        services.record_outcome(a, head_a, outcome="upheld", decided_on=ago(1), document=pdf())
    assert e.value.code == ErrorCode.ILLEGAL_TRANSITION
    # a withdrawal (撤回) needs no acceptance
    services.record_outcome(a, handler_a, outcome="withdrawn", decided_on=ago(1), document=pdf())


def test_no_appeal_before_a_decision(flow, handler_a):
    case = flow.noticed()
    with pytest.raises(DomainError) as e:
        recon(case, handler_a)
    assert e.value.code == ErrorCode.ILLEGAL_TRANSITION


def test_dates_in_order_and_not_in_the_future(flow, handler_a, head_a):
    case = flow.decided()
    with pytest.raises(DomainError):
        recon(case, handler_a, applied_on=ago(20))  # before the decision (days_ago(10))
    with pytest.raises(DomainError):
        recon(case, handler_a, applied_on=clock.today() + dt.timedelta(days=1))
    a = recon(case, handler_a)
    with pytest.raises(DomainError):
        services.accept(a, handler_a, accepted_on=ago(6))
    services.accept(a, handler_a, accepted_on=ago(4))
    with pytest.raises(DomainError):
        services.record_outcome(a, head_a, outcome="upheld", decided_on=ago(5), document=pdf())


def test_outcome_twice_and_accept_twice_refused(flow, handler_a, head_a):
    case = flow.decided()
    a = decided_appeal(case, handler_a, head_a)
    with pytest.raises(DomainError) as e:
        services.record_outcome(a, head_a, outcome="upheld", decided_on=ago(1), document=pdf())
    assert e.value.code == ErrorCode.CONFLICT
    with pytest.raises(DomainError):
        services.accept(a, handler_a, accepted_on=ago(1))


def test_no_litigation_while_reconsideration_pending(flow, handler_a, head_a):
    """行政复议法第二十九条."""
    case = flow.decided()
    r = recon(case, handler_a)
    services.accept(r, handler_a, accepted_on=ago(4))
    with pytest.raises(DomainError) as e:
        services.record_appeal(
            case, handler_a, kind="litigation", body="测试县人民法院", applied_on=ago(2)
        )
    assert "第二十九条" in str(e.value)
    with pytest.raises(DomainError):
        services.record_appeal(
            case, handler_a, kind="litigation", body="法院", applied_on=ago(2), prior=r
        )
    r = services.record_outcome(r, head_a, outcome="upheld", decided_on=ago(3), document=pdf())
    lit = services.record_appeal(
        case,
        handler_a,
        kind="litigation",
        body="测试县人民法院",
        applied_on=ago(1),
        prior=r,
        prior_received_on=ago(2),
    )
    assert lit.application_deadline == limits.days_limit(ago(2), 15)  # 行政诉讼法第四十五条


# --------------------------------------------------------------------------- documents


def test_outcome_document_required_and_validated(flow, handler_a, head_a):
    case = flow.decided()
    a = recon(case, handler_a)
    services.accept(a, handler_a, accepted_on=ago(4))
    for doc in (None, ("a.pdf", b""), ("a.pdf", b"MZ\x90\x00 not a pdf"), ("a.png", PDF)):
        with pytest.raises(DomainError):
            services.record_outcome(a, head_a, outcome="upheld", decided_on=ago(1), document=doc)
    a.refresh_from_db()
    assert a.status == AppealStatus.ACCEPTED


def test_outcome_document_size_limit(flow, handler_a, head_a, settings):
    settings.SANXIANG_APPEAL_DOCUMENT_MAX_BYTES = 20
    case = flow.decided()
    a = recon(case, handler_a)
    services.accept(a, handler_a, accepted_on=ago(4))
    with pytest.raises(DomainError) as e:
        services.record_outcome(a, head_a, outcome="upheld", decided_on=ago(1), document=pdf())
    assert "过大" in str(e.value)


def test_outcome_document_stored_by_hash_and_append_only(flow, handler_a, head_a):
    case = flow.decided()
    a = decided_appeal(case, handler_a, head_a)
    doc = AppealDocument.objects.get(appeal=a)
    assert doc.content_type == "application/pdf" and len(doc.sha256) == 64
    from sanxiang.appeals import storage

    with storage.open_stored(doc.storage_key) as fh:
        assert fh.read() == PDF
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic():
        AppealDocument.objects.filter(pk=doc.pk).update(name="x.pdf")


# --------------------------------------------------------------------------- publication


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


# --------------------------------------------------------------------------- who may


def test_revocation_needs_the_head(flow, handler_a):
    case = flow.decided()
    a = recon(case, handler_a)
    services.accept(a, handler_a, accepted_on=ago(4))
    with pytest.raises(PermissionDenied):
        services.record_outcome(a, handler_a, outcome="revoked", decided_on=ago(1), document=pdf())


def test_other_agency_and_supervisor_refused(flow, handler_b, head_b, supervisor):
    case = flow.decided()
    for user in (handler_b, head_b, supervisor):
        with pytest.raises(PermissionDenied):
            recon(case, user)


def test_every_step_is_ledgered(flow, handler_a, head_a):
    case = flow.decided()
    before = Leaf.objects.count()
    a = recon(case, handler_a)
    services.accept(a, handler_a, accepted_on=ago(4))
    services.extend(a, handler_a, days=5, note="情况复杂")
    services.record_outcome(a, head_a, outcome="upheld", decided_on=ago(1), document=pdf())
    types = list(Leaf.objects.order_by("index").values_list("event_type", flat=True)[before:])
    assert types == [
        "appeals.recorded",
        "appeals.accepted",
        "appeals.extended",
        "appeals.decided",
    ]


# --------------------------------------------------------------------------- figures


def test_figures(flow, handler_a, head_a, agency_a, agency_b):
    c1 = flow.decided()
    flow.party = dict(flow.party, name="李四")
    c2 = flow.decided()
    flow.decided()
    decided_appeal(c1, handler_a, head_a, outcome="upheld")
    decided_appeal(c2, handler_a, head_a, outcome="revoked")
    services.record_appeal(
        c2, handler_a, kind="litigation", body="法院", applied_on=ago(1), known_on=ago(9)
    )
    year = clock.local_date(c1.decision_at).year
    rows = {r["agency_id"]: r for r in services.appeal_figures([agency_a, agency_b], year)}
    a = rows[agency_a.pk]
    assert (a["decisions"], a["reconsidered"], a["litigated"], a["corrected"]) == (3, 2, 1, 1)
    assert a["reconsideration_rate"] == 66.7 and a["correction_rate"] == 33.3
    assert rows[agency_b.pk]["decisions"] == 0 and rows[agency_b.pk]["correction_rate"] is None
