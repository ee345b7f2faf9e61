"""A decision whose publication record cannot be created stands, but never silently:
it is flagged at once, listed as a 待办, and the periodic sweep retries it
(cases.services.effects.publish, publicity.sweep; docs/architecture.md,
"The path of one decision")."""

import io

import pytest

from sanxiang.cases import services as cases
from sanxiang.cases.models import Case
from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.notifications.models import Notification
from sanxiang.publicity import periodic, sweep
from sanxiang.publicity import services as publicity
from sanxiang.publicity.models import Publication
from tests.cases.conftest import (  # noqa: F401  (fixtures)
    Flow,
    _isolated_gates,
    days_ago,
    late,
    officer_a3,
    person_party,
    power_a,
    powers_a,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def flow(handler_a, head_a, officer_a1, officer_a2, power_a):  # noqa: F811
    return Flow(handler_a, head_a, [officer_a1, officer_a2], power_a, party=person_party())


def _refuse(**kwargs):
    raise DomainError("公示规则拒绝（测试）", ErrorCode.ILLEGAL_TRANSITION)


def _decided_while_publicity_refuses(flow):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(publicity, "publish_decision", _refuse)
        return flow.decided()


def test_refused_publication_keeps_the_decision_and_flags_it_at_once(flow, head_a, handler_a):
    case = _decided_while_publicity_refuses(flow)
    assert case.decision_at is not None and case.decision_outcome == "penalty"
    assert not Publication.objects.filter(case_id=case.pk).exists()
    assert list(sweep.missing_cases()) == [case]
    flagged = Notification.objects.filter(title__startswith=sweep.TITLE)
    assert {n.user_id for n in flagged} >= {head_a.pk, handler_a.pk}
    assert all("公示规则拒绝（测试）" in n.body for n in flagged)
    for user in (head_a, handler_a):
        todo = sweep.todo(user)
        assert [t.kind for t in todo] == ["publication_missing"]


def test_the_periodic_job_creates_the_missing_record(flow, head_a):
    case = _decided_while_publicity_refuses(flow)
    out = io.StringIO()
    periodic.run(out)  # publicity's part of `manage.py periodic`
    assert "1 decided cases without a publication record, 1 created, 0 flagged" in out.getvalue()
    pub = Publication.objects.get(case_id=case.pk)
    assert pub.case_id == case.pk and pub.source_key
    assert not sweep.missing_cases().exists() and sweep.todo(head_a) == []
    # idempotent: the next run finds nothing
    assert sweep.sweep() == {"missing": 0, "repaired": 0, "flagged": 0}


def test_a_case_that_still_fails_is_flagged_once_per_case(flow):
    case = _decided_while_publicity_refuses(flow)
    before = Notification.objects.filter(title__startswith=sweep.TITLE).count()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(publicity, "publish_decision", _refuse)
        assert sweep.sweep() == {"missing": 1, "repaired": 0, "flagged": 1}
        assert sweep.sweep()["flagged"] == 1
    assert Notification.objects.filter(title__startswith=sweep.TITLE).count() == before
    assert list(sweep.missing_cases()) == [case]


def test_published_and_withdrawn_decisions_are_not_missing(flow, head_a):
    case = flow.decided()
    assert Publication.objects.filter(case_id=case.pk).exists()
    assert not sweep.missing_cases().exists()
    cases.withdraw_decision(case, "revoked", "行政复议决定撤销（云复决字〔2026〕5号）", head_a)
    assert not sweep.missing_cases().exists()


def test_any_other_failure_of_the_publication_rolls_the_decision_back(flow, head_a):
    case = flow.noticed()

    def boom(**kwargs):
        raise RuntimeError("publicity crashed")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(publicity, "publish_decision", boom)
        with pytest.raises(RuntimeError):
            cases.decide(
                case,
                actor=head_a,
                outcome="penalty",
                penalty_kinds=["fine"],
                fine="5000",
                summary="罚款",
                decided_at=days_ago(10),
                late_reason=late(days_ago(10)),
            )
    case = Case.objects.get(pk=case.pk)
    assert case.decision_at is None and case.stage == "decision"
