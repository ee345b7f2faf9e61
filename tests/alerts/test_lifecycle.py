"""Dedup, auto-resolve, the lifecycle (roles, agencies, transitions), figures, commands."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from sanxiang.alerts import services
from sanxiang.alerts.models import Alert, AlertStatus
from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied
from sanxiang.ledger.models import Leaf
from sanxiang.ledger.personal import PREFIX, matches
from sanxiang.publicity.models import Publication

from .conftest import at, live, publication, run

pytestmark = pytest.mark.django_db


def leaves(event_type):
    return list(Leaf.objects.filter(event_type=event_type).order_by("index"))


@pytest.fixture
def alert_a(agency_a):
    publication(agency_a, 1)
    run("publication_overdue")
    return live("publication_overdue")[0]


# --------------------------------------------------------------------------- run


def test_raised_alert_is_ledgered_without_free_text(alert_a):
    [leaf] = leaves("alerts.raised")
    assert leaf.subject == f"alert:{alert_a.pk}" and leaf.actor_id is None
    p = leaf.payload
    assert p["rule"] == "publication_overdue" and p["agency"] == alert_a.agency_id
    assert p["raised_on"] == "2026-11-23" and "detail" not in p and len(p["detail_sha256"]) == 64


def test_dedup_same_rule_same_record_one_alert(alert_a):
    result = run("publication_overdue")
    assert result.raised == 0 and result.still_open == 1
    assert Alert.objects.filter(rule="publication_overdue").count() == 1
    assert len(leaves("alerts.raised")) == 1


def test_one_live_alert_per_record_in_the_database(alert_a):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(
            agency=alert_a.agency,
            rule=alert_a.rule,
            severity="high",
            record_key=alert_a.record_key,
            record_label="x",
            detail="x",
            raised_at=alert_a.raised_at,
            raised_on=alert_a.raised_on,
            last_seen_at=alert_a.raised_at,
        )


def test_condition_gone_auto_resolves_and_returns(alert_a, head_a):
    services.acknowledge(alert_a, head_a, "已安排公示")
    Publication.objects.filter(agency=alert_a.agency).update(
        status="published", published_at=at(dt.date(2026, 11, 10))
    )
    result = run("publication_overdue")
    assert result.auto_resolved == 1
    alert_a.refresh_from_db()
    assert alert_a.status == AlertStatus.AUTO_RESOLVED and alert_a.closed_by is None
    [leaf] = leaves("alerts.auto_resolved")
    assert leaf.actor_id is None and leaf.payload["status"] == "auto_resolved"
    # the condition comes back: a new alert
    Publication.objects.filter(agency=alert_a.agency).update(status="pending", published_at=None)
    run("publication_overdue")
    assert len(live("publication_overdue")) == 1
    assert Alert.objects.filter(rule="publication_overdue").count() == 2


def test_manually_resolved_alert_is_not_raised_again(alert_a, head_a, supervisor):
    services.acknowledge(alert_a, head_a, "已知悉")
    services.resolve(alert_a, head_a, "已补充公示说明")
    run("publication_overdue")
    assert live("publication_overdue") == []


def test_failing_rule_neither_raises_nor_auto_resolves(alert_a, monkeypatch):
    from sanxiang.alerts.rules import get_rule

    def boom(*args, **kwargs):
        raise RuntimeError("broken")

    monkeypatch.setattr(get_rule("publication_overdue"), "find", boom)
    result = run("publication_overdue")
    assert result.errors and result.errors[0]["rule"] == "publication_overdue"
    alert_a.refresh_from_db()
    assert alert_a.status == AlertStatus.OPEN


def test_supervisor_run_covers_only_its_subtree(agency_a, supervisor, sfj):
    from sanxiang.org import services as org
    from sanxiang.org.models import AgencyLevel
    from tests.conftest import make_usci

    other = org.create_agency(
        name="他县市场监督管理局",
        level=AgencyLevel.COUNTY,
        usci=make_usci("11", "339998", "MB1TQ0009"),
        region="他县",
    )
    publication(agency_a, 1)
    publication(other, 2)
    run("publication_overdue", user=supervisor)
    assert [a.agency_id for a in live("publication_overdue")] == [agency_a.pk]
    run("publication_overdue")  # the periodic job: every agency
    assert len(live("publication_overdue")) == 2
    # a supervisor's run does not auto-resolve what it cannot see
    Publication.objects.update(status="published", published_at=at(dt.date(2026, 11, 20)))
    run("publication_overdue", user=supervisor)
    assert [a.agency_id for a in live("publication_overdue")] == [other.pk]


@pytest.mark.parametrize("role", ["handler_a", "head_a", "reviewer_a"])
def test_only_supervisors_and_admins_run(role, request):
    with pytest.raises(PermissionDenied):
        run(user=request.getfixturevalue(role))


# --------------------------------------------------------------------------- lifecycle


def test_acknowledge_then_resolve_by_head(alert_a, head_a):
    services.acknowledge(alert_a, head_a, "已知悉，立即公示")
    alert_a.refresh_from_db()
    assert alert_a.status == AlertStatus.ACKNOWLEDGED and alert_a.acknowledged_by == head_a
    services.resolve(alert_a, head_a, "已公示")
    alert_a.refresh_from_db()
    assert alert_a.status == AlertStatus.RESOLVED and alert_a.closed_by == head_a
    ack, res = leaves("alerts.acknowledged")[0], leaves("alerts.resolved")[0]
    assert ack.actor_id == head_a.pk and matches("已知悉，立即公示", ack.payload["note"])
    assert matches("已公示", res.payload["reason"]) and res.payload["status"] == "resolved"


def test_typed_text_is_in_the_row_and_only_a_digest_in_the_leaf(alert_a, head_a, supervisor):
    """Issue #11 item 4: 签收说明, 整改情况 and 排除理由 are text a person typed (it may name
    anyone); the leaf commits to it by keyed digest, the alert row keeps it."""
    note, reason = "已约谈科员赵小红，手机13800138000", "经核实，当事人钱多多已补正材料"
    services.acknowledge(alert_a, head_a, note)
    services.dismiss(alert_a, supervisor, reason)
    alert_a.refresh_from_db()
    assert alert_a.acknowledge_note == note and alert_a.close_reason == reason
    ack, dismissed = leaves("alerts.acknowledged")[0], leaves("alerts.dismissed")[0]
    assert ack.payload["note"].startswith(PREFIX) and matches(note, ack.payload["note"])
    assert matches(alert_a.close_reason, dismissed.payload["reason"])
    assert dismissed.payload["status"] == "dismissed" and dismissed.payload["rule"] == alert_a.rule
    for leaf in Leaf.objects.all():
        for text in ("赵小红", "13800138000", "钱多多", "补正材料"):
            assert text not in leaf.content, text


def test_illegal_transitions_refused(alert_a, head_a, supervisor):
    with pytest.raises(DomainError) as exc:
        services.resolve(alert_a, head_a, "跳过签收")
    assert exc.value.code == ErrorCode.ILLEGAL_TRANSITION
    services.acknowledge(alert_a, head_a, "已知悉")
    with pytest.raises(DomainError) as exc:
        services.acknowledge(alert_a, head_a, "再次签收")
    assert exc.value.code == ErrorCode.ILLEGAL_TRANSITION
    services.dismiss(alert_a, supervisor, "误报")
    for fn, user in ((services.resolve, head_a), (services.dismiss, supervisor)):
        with pytest.raises(DomainError) as exc:
            fn(alert_a, user, "已办结后再操作")
        assert exc.value.code == ErrorCode.ILLEGAL_TRANSITION


def test_note_and_reason_required(alert_a, head_a, supervisor):
    with pytest.raises(DomainError, match="签收说明"):
        services.acknowledge(alert_a, head_a, "  ")
    with pytest.raises(DomainError, match="排除理由"):
        services.dismiss(alert_a, supervisor, "")


@pytest.mark.parametrize("role", ["handler_a", "reviewer_a", "head_b"])
def test_wrong_role_or_agency_cannot_acknowledge(alert_a, role, request):
    with pytest.raises(PermissionDenied):
        services.acknowledge(alert_a, request.getfixturevalue(role), "签收")


def test_agency_cannot_dismiss_its_own_alert(alert_a, head_a, supervisor):
    with pytest.raises(PermissionDenied):
        services.dismiss(alert_a, head_a, "不是问题")
    services.dismiss(alert_a, supervisor, "公示期限计算有误，已核实")
    alert_a.refresh_from_db()
    assert alert_a.status == AlertStatus.DISMISSED
    assert leaves("alerts.dismissed")[0].actor_id == supervisor.pk


def test_supervisor_can_acknowledge_and_sees_subtree(alert_a, supervisor, head_b):
    assert list(services.visible_alerts(supervisor)) == [alert_a]
    assert list(services.visible_alerts(head_b)) == []
    assert services.allowed_actions(alert_a, supervisor) == ["acknowledge", "dismiss"]
    services.acknowledge(alert_a, supervisor, "督促整改")


def test_handlers_cannot_see_alerts(alert_a, handler_a):
    with pytest.raises(PermissionDenied):
        services.visible_alerts(handler_a)


def test_agencyless_alert_only_for_platform_admin(agency_a, supervisor, admin_user):
    from sanxiang.alerts.rules.base import Finding
    from sanxiang.alerts.rules.integrity import IntegrityFailure

    rule = IntegrityFailure()
    rule.find = lambda scope, today: iter([Finding(None, "trigger:x", "x", "触发器缺失")])
    services._apply(rule, list(rule.find([], None)), set(), True, None)
    alert = Alert.objects.get(record_key="trigger:x")
    assert list(services.visible_alerts(supervisor)) == []
    with pytest.raises(PermissionDenied):
        services.acknowledge(alert, supervisor, "x")
    admin_user.is_superuser = True
    admin_user.save()
    services.acknowledge(alert, admin_user, "已修复触发器")


# --------------------------------------------------------------------------- figures


def test_alert_figures_by_rule_and_resolution(agency_a, agency_b, head_a, supervisor):
    publication(agency_a, 1)
    publication(agency_a, 2)
    publication(agency_b, 3)
    run("publication_overdue")
    a1, a2 = live("publication_overdue", agency_a)
    services.acknowledge(a1, head_a, "已知悉")
    services.dismiss(a2, supervisor, "误报")
    figures = services.alert_figures([agency_a], 2026)
    assert figures["total"] == 2
    [row] = figures["by_rule"]
    assert row["rule"] == "publication_overdue" and row["number"] == 1
    assert row["acknowledged"] == 1 and row["dismissed"] == 1 and row["open"] == 0
    assert figures["by_status"]["dismissed"] == 1
    assert services.alert_figures([agency_a, agency_b], 2026)["total"] == 3
    assert services.alert_figures([agency_a], 2025)["total"] == 0
    # from the ledger alone: editing the rows changes nothing
    Alert.objects.update(status="open")
    assert services.alert_figures([agency_a], 2026)["by_rule"][0]["dismissed"] == 1


def test_counts_by_agency_for_supervisor(agency_a, agency_b, supervisor):
    publication(agency_a, 1)
    publication(agency_b, 2)
    run("publication_overdue")
    rows = services.counts_by_agency(supervisor)
    assert {r["agency"].pk for r in rows} == {agency_a.pk, agency_b.pk}
    assert all(r["total"] == 1 and r["counts"][0] == 1 for r in rows)


# --------------------------------------------------------------------------- commands


def test_manage_alerts_run_and_rules(agency_a):
    publication(agency_a, 1)
    out = io.StringIO()
    call_command("alerts", "run", "--rule", "publication_overdue", stdout=out)
    assert "1 raised" in out.getvalue()
    out = io.StringIO()
    call_command("alerts", "rules", stdout=out)
    assert "publication_overdue" in out.getvalue() and "integrity_failure" in out.getvalue()


def test_periodic_job_runs_every_rule(agency_a):
    from sanxiang.alerts import periodic

    publication(agency_a, 1)
    out = io.StringIO()
    periodic.run(out)
    assert "alerts: " in out.getvalue() and live("publication_overdue")
    assert json.dumps(Alert.objects.first().links, ensure_ascii=False)
    out = io.StringIO()
    periodic.run(out)  # within the interval: skipped
    assert "skipped" in out.getvalue()
