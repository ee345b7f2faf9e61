"""Each automatic check with a passing and a failing item."""

import datetime as dt

from sanxiang.core.fields import ActType, CaseActType
from sanxiang.patrol import checks
from sanxiang.publicity import services as publicity
from sanxiang.publicity.models import Snapshot, SnapshotState, WithdrawalKind

from .conftest import penalty, publish, publish_leaky_version


def _snap(pub):
    return publicity.public_snapshot_for(pub.pk)


def by_code(pub):
    return {c["code"]: c for c in checks.run_checks(pub)}


def test_fields_pass(agency_a, handler_a):
    result = by_code(publish(agency_a, handler_a))["fields"]
    assert result["ok"] and result["deduction"] == 0


def test_fields_missing_basis_and_full_text(agency_a, handler_a):
    pub = publish(agency_a, handler_a, full_text=[], penalty=penalty(basis=""))
    result = by_code(pub)["fields"]
    assert not result["ok"]
    assert result["deduction"] == 10
    assert any("处罚依据" in f for f in result["findings"])
    assert any("全文" in f for f in result["findings"])


def test_fields_simple_procedure_needs_no_full_text(agency_a, handler_a):
    pub = publish(agency_a, handler_a, full_text=[], case_act_type=CaseActType.PENALTY_SIMPLE)
    assert by_code(pub)["fields"]["ok"]


def test_fields_licence_number_required(agency_a, handler_a):
    pub = publish(
        agency_a,
        handler_a,
        category=ActType.LICENSING,
        case_act_type=CaseActType.LICENSING,
        penalty=None,
        full_text=[],
        conclusion="准予行政许可",
        licensing={"name": "食品经营许可证", "licence_number": "", "valid_from": "2026-05-18"},
    )
    result = by_code(pub)["fields"]
    assert not result["ok"] and any("许可编号" in f for f in result["findings"])


def test_timeliness_pass(agency_a, handler_a):
    result = by_code(publish(agency_a, handler_a, decision_date=dt.date(2026, 5, 18)))
    assert result["timeliness"]["ok"]


def test_timeliness_late_penalty(agency_a, handler_a):
    # 2026-04-01 + 7 working days (清明 4-4..4-6) is long before 2026-05-20
    result = by_code(publish(agency_a, handler_a, decision_date=dt.date(2026, 4, 1)))
    t = result["timeliness"]
    assert not t["ok"] and t["deduction"] == 20 and "逾期" in t["findings"][0]


def test_timeliness_uses_20_days_for_other_categories(agency_a, handler_a):
    pub = publish(
        agency_a,
        handler_a,
        category=ActType.COERCION,
        case_act_type=CaseActType.COERCION,
        penalty=None,
        full_text=[],
        conclusion="查封场所",
        decision_date=dt.date(2026, 4, 24),  # 20 working days reach past 2026-05-20
    )
    assert by_code(pub)["timeliness"]["ok"]
    pub7 = publish(agency_a, handler_a, decision_date=dt.date(2026, 4, 24))
    assert not by_code(pub7)["timeliness"]["ok"]


def test_redaction_pass(agency_a, handler_a):
    result = by_code(publish(agency_a, handler_a))["redaction"]
    assert result["ok"]


def test_redaction_finds_a_leaked_phone_and_id(agency_a, handler_a):
    pub = publish(agency_a, handler_a)
    publish_leaky_version(pub, "罚款5000元，当事人联系电话13912345678，身份证110101199003077774")
    result = by_code(pub)["redaction"]
    assert not result["ok"] and result["deduction"] == 20
    assert len(result["findings"]) == 2
    # the patrol record does not copy the leaked number
    assert not any("13912345678" in f for f in result["findings"])


def test_redaction_keeps_agency_phone(agency_a, handler_a):
    agency_a.phone = "0571-86660000"
    agency_a.save(update_fields=["phone"])
    pub = publish(agency_a, handler_a)
    publish_leaky_version(pub, "咨询电话0571-86660000")
    assert by_code(pub)["redaction"]["ok"]


def test_portal_live_item_reachable(agency_a, handler_a):
    result = by_code(publish(agency_a, handler_a))["portal"]
    assert result["ok"] and result["applicable"]


def test_portal_published_but_page_missing(agency_a, handler_a):
    pub = publish(agency_a, handler_a)
    Snapshot.objects.filter(publication=pub).update(state=SnapshotState.PREVIEW)
    result = by_code(pub)["portal"]
    assert not result["ok"] and result["deduction"] == 10


def test_portal_withdrawn_item_taken_down(agency_a, handler_a, head_a):
    pub = publish(agency_a, handler_a)
    pub = publicity.withdraw_publication(
        pub, kind=WithdrawalKind.REVOKED, reason="复议撤销", actor=head_a
    )
    result = by_code(pub)["portal"]
    assert result["ok"], result


def test_portal_withdrawn_item_still_reachable(agency_a, handler_a, head_a):
    pub = publish(agency_a, handler_a)
    pub = publicity.withdraw_publication(
        pub, kind=WithdrawalKind.REVOKED, reason="复议撤销", actor=head_a
    )
    # the snapshot was never taken down (a failed withdrawal): the page still shows the content
    Snapshot.objects.filter(publication=pub).update(state=SnapshotState.PUBLISHED)
    result = by_code(pub)["portal"]
    assert not result["ok"] and result["deduction"] == 10
    assert any("撤下" in f for f in result["findings"])


def test_portal_withdrawn_but_stale_cached_page(agency_a, handler_a, head_a, client, monkeypatch):
    from django.core.cache import cache

    pub = publish(agency_a, handler_a)
    assert client.get(f"/gs/jd/{pub.pk}/").status_code == 200  # the page is cached now
    with monkeypatch.context() as m:
        m.setattr(cache, "delete", lambda *a, **k: None)  # a cache that was not invalidated
        pub = publicity.withdraw_publication(
            pub, kind=WithdrawalKind.REVOKED, reason="复议撤销", actor=head_a
        )
    result = by_code(pub)["portal"]
    assert not result["ok"] and "仍" in result["findings"][0]


def test_checks_are_read_only(agency_a, handler_a):
    pub = publish(agency_a, handler_a)
    before = _snap(pub).content_sha256, pub.status
    checks.run_checks(pub)
    pub.refresh_from_db()
    assert (_snap(pub).content_sha256, pub.status) == before


def test_fields_general_penalty_needs_number_simple_does_not(agency_a, handler_a):
    general = publish(agency_a, handler_a, document_number="")
    result = by_code(general)["fields"]
    assert not result["ok"] and any("文书号" in f for f in result["findings"])
    simple = publish(
        agency_a,
        handler_a,
        document_number="",
        full_text=[],
        case_act_type=CaseActType.PENALTY_SIMPLE,
    )
    assert by_code(simple)["fields"]["ok"]


def test_fields_missing_target(agency_a, handler_a):
    pub = publish(agency_a, handler_a, parties=[])
    result = by_code(pub)["fields"]
    assert not result["ok"] and any("行政相对人" in f for f in result["findings"])
