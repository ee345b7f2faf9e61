"""Dates along a case are sane (issue #10 item 7): no act in the future, none before the
registration or the act it follows, and a late paper record (补录) carries a reason, is
marked, and keeps the ledger time authoritative.

Time is frozen (``time_machine``) at 2026-12-10 10:00 Beijing time, so nothing here depends
on the day the tests run.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from sanxiang.cases import services
from sanxiang.cases.models import CaseEvent, CaseSource, EventKind, Stage
from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.core.fields import CaseActType
from sanxiang.ledger.models import Leaf

from .conftest import company_party

BJ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 12, 10, 10, 0, tzinfo=BJ)
REASON = "纸质文书事后补录：现场执法时系统故障"


def on(day, hour=10, minute=0):
    """An aware Beijing time on 2026-12-``day``."""
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=BJ)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def registered(handler_a, head_a, officer_a1, officer_a2, power_a):
    """A general-procedure case registered on 2026-12-05 (entered 5 days later: 补录)."""

    def make():
        case = services.open_case(
            agency=handler_a.agency,
            actor=handler_a,
            act_type=CaseActType.PENALTY_GENERAL,
            title="销售超过保质期的食品",
            source=CaseSource.COMPLAINT,
            power=power_a,
            parties=[company_party()],
            officers=[officer_a2],
        )
        return services.approve_opening(case, head_a, at=on(5, 9), late_reason=REASON)

    return make


@pytest.fixture
def noticed(registered, handler_a, officer_a1, officer_a2):
    """The case with the investigation closed on 12-06 and the prior notice sent on 12-07."""

    def make():
        case = registered()
        services.start_investigation(case, handler_a, at=on(5, 14), late_reason=REASON)
        services.record_event(
            case,
            handler_a,
            activity="on_site_inspection",
            description="现场检查，发现过期食品12袋。",
            at=on(6, 9),
            officers=[officer_a1, officer_a2],
            late_reason=REASON,
        )
        services.finish_investigation(
            case,
            handler_a,
            report="事实清楚，证据确凿，建议罚款。",
            proposed_penalty_kinds=["fine"],
            proposed_fine="5000",
            at=on(6, 16),
            late_reason=REASON,
        )
        services.send_prior_notice(
            case,
            handler_a,
            facts="当事人销售过期食品12袋。",
            reasons="违反食品安全法第三十四条。",
            basis="《中华人民共和国食品安全法》第一百二十四条",
            penalty_kinds=["fine"],
            fine="5000",
            notice_at=on(7),
        )
        case.refresh_from_db()
        return case

    return make


def _decide(case, head, when, **kw):
    kw.setdefault("late_reason", "")
    return services.decide(
        case,
        actor=head,
        outcome="penalty",
        penalty_kinds=["fine"],
        fine="5000",
        decided_at=when,
        **kw,
    )


# --------------------------------------------------------------------------- 1. the future


def test_act_dated_after_today_refused(noticed, handler_a, head_a, officer_a1, officer_a2):
    case = noticed()
    with pytest.raises(DomainError) as exc:
        services.record_event(
            case,
            handler_a,
            activity="interview",
            description="询问当事人",
            at=on(11),
            officers=[officer_a1, officer_a2],
        )
    assert str(exc.value) == "执法活动日期不能晚于今天。"
    services.waive(case, handler_a, what="statement", note="本人放弃陈述申辩。", signed_at=on(8))
    with pytest.raises(DomainError) as exc:
        _decide(case, head_a, dt.date(2026, 12, 11))
    assert str(exc.value) == "决定日期不能晚于今天。"
    assert exc.value.code == ErrorCode.BAD_DATE
    # later today than now is the future as well
    with pytest.raises(DomainError) as exc:
        _decide(case, head_a, on(10, 15))
    assert "不能晚于当前时间" in str(exc.value)
    case.refresh_from_db()
    assert case.decision_at is None and case.stage == Stage.DECISION


def test_future_registration_and_discovery_refused(handler_a, head_a, officer_a2, power_a):
    with pytest.raises(DomainError) as exc:
        services.open_case(
            agency=handler_a.agency,
            actor=handler_a,
            act_type=CaseActType.PENALTY_GENERAL,
            title="t",
            source=CaseSource.PATROL,
            power=power_a,
            officers=[officer_a2],
            found_at=on(12),
        )
    assert str(exc.value) == "发现日期不能晚于今天。"
    case = services.open_case(
        agency=handler_a.agency,
        actor=handler_a,
        act_type=CaseActType.PENALTY_GENERAL,
        title="t",
        source=CaseSource.PATROL,
        power=power_a,
        officers=[officer_a2],
        found_at=on(8),
    )
    with pytest.raises(DomainError) as exc:
        services.approve_opening(case, head_a, at=on(20))
    assert str(exc.value) == "立案日期不能晚于今天。"
    with pytest.raises(DomainError) as exc:
        services.approve_opening(case, head_a, at=on(7))
    assert str(exc.value) == "立案日期（2026-12-07）不能早于发现日期（2026-12-08）。"


# --------------------------------------------------------------------------- 2. in order


def test_decision_before_registration_refused_through_api(api_for, noticed, head_a):
    """The issue's example: a decision dated 2026-09-30 on a case registered 2026-12-05."""
    case = noticed()
    assert case.opened_at.astimezone(BJ).date() == dt.date(2026, 12, 5)
    r = api_for(head_a).post(
        f"/api/cases/{case.pk}/decide/",
        {
            "outcome": "penalty",
            "penalty_kinds": ["fine"],
            "fine": "5000",
            "decided_at": "2026-09-30T10:00:00+08:00",
            "late_reason": REASON,
        },
        format="json",
    )
    assert r.status_code == 400, r.content.decode()
    assert r.json() == {
        "code": "bad_date",
        "detail": "决定日期（2026-09-30）不能早于立案日期（2026-12-05）。",
    }
    case.refresh_from_db()
    assert case.decision_at is None and case.stage == Stage.DECISION


def test_decision_before_notice_refused(noticed, handler_a, head_a):
    case = noticed()
    with pytest.raises(DomainError) as exc:
        _decide(case, head_a, on(6), late_reason=REASON)
    assert str(exc.value) == "决定日期（2026-12-06）不能早于告知日期（2026-12-07）。"
    services.waive(
        case, handler_a, what="statement", note="本人放弃陈述申辩。", signed_at=on(7, 10, 30)
    )
    with pytest.raises(DomainError) as exc:
        _decide(case, head_a, on(6), late_reason=REASON)
    assert str(exc.value) == "决定日期（2026-12-06）不能早于书面放弃签署日期（2026-12-07）。"
    # the same day as the notice is fine (dates are compared by day)
    _decide(case, head_a, on(7, 11))
    case.refresh_from_db()
    assert case.stage == Stage.SERVICE


def test_notice_before_investigation_end_refused(registered, handler_a, officer_a1, officer_a2):
    case = registered()
    services.start_investigation(case, handler_a, at=on(5, 14), late_reason=REASON)
    services.record_event(
        case,
        handler_a,
        activity="on_site_inspection",
        description="现场检查",
        at=on(7),
        officers=[officer_a1, officer_a2],
    )
    with pytest.raises(DomainError) as exc:
        services.finish_investigation(case, handler_a, report="r", at=on(6), late_reason=REASON)
    assert str(exc.value) == "调查终结日期（2026-12-06）不能早于执法活动日期（2026-12-07）。"
    with pytest.raises(DomainError) as exc:
        services.record_event(
            case,
            handler_a,
            activity="interview",
            description="询问",
            at=on(4),
            officers=[officer_a1, officer_a2],
            late_reason=REASON,
        )
    assert str(exc.value) == "执法活动日期（2026-12-04）不能早于立案日期（2026-12-05）。"


def test_service_payment_closing_follow_their_acts(noticed, handler_a, head_a):
    case = noticed()
    services.waive(case, handler_a, what="statement", note="本人放弃陈述申辩。", signed_at=on(8))
    _decide(case, head_a, on(8, 15))
    with pytest.raises(DomainError) as exc:
        services.serve(case, handler_a, method="direct", recipient="陈某", served_at=on(7))
    assert str(exc.value) == "送达日期（2026-12-07）不能早于决定日期（2026-12-08）。"
    services.serve(case, handler_a, method="direct", recipient="陈某", served_at=on(9))
    with pytest.raises(DomainError) as exc:
        services.record_payment(case, handler_a, amount="5000", paid_at=on(8))
    assert str(exc.value) == "缴款日期（2026-12-08）不能早于送达日期（2026-12-09）。"
    services.record_payment(case, handler_a, amount="5000", paid_at=on(10, 9))
    case.refresh_from_db()
    assert case.stage == Stage.CLOSING
    with pytest.raises(DomainError) as exc:
        services.close_case(case, head_a, report="已缴清", at=on(9))
    assert str(exc.value) == "结案日期（2026-12-09）不能早于执行日期（2026-12-10）。"
    services.close_case(case, head_a, report="已缴清")
    with pytest.raises(DomainError):
        services.archive_case(case, handler_a, at=on(9))
    services.archive_case(case, handler_a)


# --------------------------------------------------------------------------- 3. late entry


def test_late_entry_without_reason_refused(noticed, handler_a, officer_a1, officer_a2, settings):
    case = noticed()
    kw = dict(activity="interview", description="补充询问当事人", officers=[officer_a1, officer_a2])
    count = case.events.count()
    with pytest.raises(DomainError) as exc:
        services.record_event(case, handler_a, at=on(6), **kw)  # 4 days back
    assert "补录原因" in str(exc.value) and "2026-12-06" in str(exc.value)
    with pytest.raises(DomainError):
        services.record_event(case, handler_a, at=on(6), late_reason="   ", **kw)
    assert case.events.count() == count
    # 3 days back is not late yet (default SANXIANG_LATE_ENTRY_DAYS = 3) …
    event = services.record_event(case, handler_a, at=on(7), **kw)
    assert not event.late_entry and event.late_reason == ""
    # … and the number of days is a setting
    settings.SANXIANG_LATE_ENTRY_DAYS = 10
    event = services.record_event(case, handler_a, at=on(6), **kw)
    assert not event.late_entry


def test_late_entry_refused_through_api(api_for, noticed, handler_a, officer_a1, officer_a2):
    case = noticed()
    data = {
        "activity": "interview",
        "description": "补充询问当事人",
        "officers": [officer_a1.pk, officer_a2.pk],
        "at": "2026-12-01T09:00:00+08:00",
    }
    api = api_for(handler_a)
    r = api.post(f"/api/cases/{case.pk}/record_event/", data, format="json")
    # before the registration (12-05) first; then, within the order, the reason
    assert r.status_code == 400 and "立案日期（2026-12-05）" in r.json()["detail"]
    data["at"] = "2026-12-06T09:00:00+08:00"
    r = api.post(f"/api/cases/{case.pk}/record_event/", data, format="json")
    assert r.status_code == 400 and "补录原因" in r.json()["detail"]
    r = api.post(
        f"/api/cases/{case.pk}/record_event/", {**data, "late_reason": REASON}, format="json"
    )
    assert r.status_code == 200, r.content.decode()
    row = [e for e in r.json()["timeline"] if e["summary"].endswith("补充询问当事人")][0]
    assert row["late_entry"] is True and row["late_reason"] == REASON
    assert row["at"].startswith("2026-12-06") and row["recorded_at"].startswith("2026-12-10")


def test_late_entry_with_reason_is_marked(noticed, handler_a, head_a, client_for, settings):
    case = noticed()
    services.waive(case, handler_a, what="statement", note="本人放弃陈述申辩。", signed_at=on(7))
    settings.SANXIANG_LATE_ENTRY_DAYS = 1  # so that a decision dated 12-07 is entered late
    with pytest.raises(DomainError) as exc:
        _decide(case, head_a, on(7, 11))
    assert "补录原因" in str(exc.value)
    event = services.decide(
        case,
        actor=head_a,
        outcome="penalty",
        penalty_kinds=["fine"],
        fine="5000",
        decided_at=on(7, 11),
        late_reason=f"  {REASON}  ",
    ).events.get(kind=EventKind.DECISION)
    assert event.late_entry and event.late_reason == REASON
    assert event.at == on(7, 11)  # the act keeps its claimed date
    assert abs(event.recorded_at - NOW) < dt.timedelta(minutes=5)  # entered now
    case.refresh_from_db()
    assert case.decision_at == on(7, 11)
    # the case page shows 补录 with the reason on the act
    page = client_for(head_a).get(f"/cases/{case.pk}/").content.decode()
    assert "补录" in page and REASON in page
    # an act entered on time is not marked
    assert not case.events.get(kind=EventKind.PRIOR_NOTICE).late_entry


def test_ledger_leaf_carries_the_flag_and_keeps_its_own_time(noticed, head_a, handler_a):
    case = noticed()
    opened = case.events.get(kind=EventKind.OPENING_APPROVED)
    leaf = Leaf.objects.get(index=opened.ledger_index)
    payload = leaf.payload
    assert payload["late_entry"] is True
    assert payload["late_reason"] == REASON
    assert payload["act_date"] == "2026-12-05"
    assert dt.datetime.fromisoformat(payload["at"]) == on(5, 9)
    # the leaf's own timestamp is the ledger time (when it was entered), not the claimed date
    assert abs(leaf.created_at - NOW) < dt.timedelta(minutes=5)
    # an on-time act's leaf has no 补录 keys
    notice = case.events.get(kind=EventKind.PRIOR_NOTICE)
    assert "late_entry" not in Leaf.objects.get(index=notice.ledger_index).payload


def test_on_the_spot_late_entry(handler_a, officer_a1, officer_a2, power_a):
    kw = dict(
        agency=handler_a.agency,
        actor=handler_a,
        power=power_a,
        party={"party_type": "natural_person", "name": "张三", "id_number": "110101199003077774"},
        title="占道经营",
        facts="在人行道摆摊",
        basis="条例第十条",
        penalty_kinds=["fine"],
        fine="100",
        officers=[officer_a1, officer_a2],
        place="解放路",
        decided_at=on(1),
        paid_on_spot=True,
    )
    with pytest.raises(DomainError) as exc:
        services.decide_on_the_spot(**kw)
    assert "补录原因" in str(exc.value)
    case = services.decide_on_the_spot(**kw, late_reason=REASON)
    events = list(CaseEvent.objects.filter(case=case))
    assert events and all(e.late_entry and e.late_reason == REASON for e in events)
