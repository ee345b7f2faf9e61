"""Creating a 评查批次: who may, which agencies, which input is refused."""

import datetime as dt

import pytest

from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.evaluation import services
from sanxiang.evaluation.models import RoundStatus
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf
from sanxiang.org import services as org
from sanxiang.org.demo import make_usci
from sanxiang.org.models import AgencyKind, AgencyLevel, Role
from tests.conftest import make_user

from .conftest import make_round


def test_round_created_by_supervisor_with_ledger_event(round_ab, agency_a, agency_b):
    assert round_ab.status == RoundStatus.DRAFT
    assert set(round_ab.agencies.all()) == {agency_a, agency_b}
    assert Leaf.objects.filter(event_type=EventType.EVALUATION_ROUND_CREATED).count() == 1


@pytest.mark.parametrize("who", ["handler_a", "head_a"])
def test_agency_staff_cannot_create_round(request, who, agency_a, sfj):
    user = request.getfixturevalue(who)
    with pytest.raises(DomainError) as exc:
        services.create_round(
            sfj,
            user,
            title="x",
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 6, 30),
            agencies=[agency_a],
        )
    assert exc.value.code == ErrorCode.PERMISSION_DENIED


def test_supervisor_cannot_evaluate_agencies_outside_its_tree(supervisor, agency_a):
    other = org.create_agency(
        name="外县司法局",
        level=AgencyLevel.COUNTY,
        kind=AgencyKind.SUPERVISOR,
        usci=make_usci("11", "339998", "MB1TQ0009"),
        region="外县",
    )
    outside = org.create_agency(
        name="外县市场监督管理局",
        short_name="外县市监",
        level=AgencyLevel.COUNTY,
        parent=other,
        usci=make_usci("11", "339998", "MB1TQ0010"),
        region="外县",
    )
    with pytest.raises(DomainError, match="监督范围"):
        make_round(supervisor, [agency_a, outside])
    other_sup = make_user("other_sup", Role.SUPERVISOR, other)
    assert make_round(other_sup, [outside]).agency == other  # its own tree: fine
    with pytest.raises(DomainError) as exc:
        services.create_round(
            supervisor.agency,
            other_sup,
            title="x",
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 6, 30),
            agencies=[agency_a],
        )
    assert exc.value.code == ErrorCode.PERMISSION_DENIED


@pytest.mark.parametrize(
    "over,message",
    [
        ({"title": " "}, "名称不能为空"),
        ({"period_end": dt.date(2025, 12, 31)}, "截止日期不能早于起始日期"),
        ({"ratio": 0}, "抽取比例"),
        ({"ratio": 101}, "抽取比例"),
        ({"agencies": []}, "至少选择一个"),
    ],
)
def test_round_input_refused(supervisor, agency_a, over, message):
    with pytest.raises(DomainError, match=message):
        make_round(supervisor, over.pop("agencies", [agency_a]), **over)
