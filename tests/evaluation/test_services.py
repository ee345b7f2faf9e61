"""Rules of 案卷评查: rounds, reproducible sampling, score sheets, rectification, conclusion."""

import datetime as dt

import pytest

from sanxiang.cases.models import Stage
from sanxiang.core import clock
from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.evaluation import checklist, services
from sanxiang.evaluation.models import RectificationStatus, RoundStatus, Sheet
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import Leaf
from sanxiang.org import services as org
from sanxiang.org.demo import make_usci
from sanxiang.org.models import AgencyKind, AgencyLevel, Role
from sanxiang.workdays.calendar import add_workdays
from tests.conftest import make_user

from .conftest import closed_case, closed_cases, full, make_round

# --------------------------------------------------------------------------- checklist


def test_checklist_points_sum_to_100():
    for version, items in checklist.CHECKLISTS.items():
        assert sum(i.points for i in items) == 100, version
        assert len({i.code for i in items}) == len(items)


@pytest.mark.parametrize(
    "score,grade",
    [
        (100, "excellent"),
        (90, "excellent"),
        (89, "pass"),
        (75, "pass"),
        (74, "basic"),
        (60, "basic"),
        (59, "fail"),
        (0, "fail"),
    ],
)
def test_grade_thresholds_at_the_boundaries(score, grade):
    assert checklist.grade_for(score) == grade


# --------------------------------------------------------------------------- rounds


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


# --------------------------------------------------------------------------- sampling


@pytest.mark.parametrize(
    "ratio,count,minimum,expected",
    [
        (10, 12, 0, 2),
        (10, 10, 0, 1),
        (10, 11, 0, 2),
        (5, 1, 0, 1),
        (100, 3, 0, 3),
        (10, 3, 2, 2),
        (10, 1, 5, 1),
        (34, 3, 0, 2),
    ],
)
def test_sample_size_is_ceil_with_minimum(ratio, count, minimum, expected):
    assert services.sample_size(ratio, count, minimum) == expected


def test_sampling_takes_ceil_per_agency_and_creates_sheets(sampled, agency_a, agency_b):
    assert sampled.status == RoundStatus.SAMPLED
    sheets = list(sampled.sheets.all())
    assert [s.agency_id for s in sheets].count(agency_a.pk) == 2  # ceil(10 % × 12)
    assert [s.agency_id for s in sheets].count(agency_b.pk) == 1  # ceil(10 % × 3)
    assert [s.order for s in sheets] == [1, 2, 3]
    assert len(sampled.candidates) == 15
    assert sampled.candidates_sha256 == services.canonical_sha256(sampled.candidates)
    leaf = Leaf.objects.get(event_type=EventType.EVALUATION_SAMPLED)
    assert leaf.payload["seed"] == sampled.seed
    assert leaf.payload["result"] == sampled.sample_result


def test_minimum_per_agency_applies(supervisor, agency_a, agency_b):
    closed_cases(agency_a, 12)
    rnd = make_round(supervisor, [agency_a, agency_b], min_per_agency=4)
    rnd = services.sample(rnd, supervisor)
    assert rnd.sheets.filter(agency=agency_a).count() == 4
    assert rnd.sheets.filter(agency=agency_b).count() == 0  # B has no closed files


def test_sampling_is_reproducible_and_replays(sampled):
    assert services.replay_sample(sampled) == sampled.sample_result
    again = services.compute_sample(sampled.seed, sampled.candidates, 10, 1)
    assert again == sampled.sample_result
    other = services.compute_sample("cd" * 32, sampled.candidates, 10, 1)
    assert [r["agency"] for r in other] == [r["agency"] for r in sampled.sample_result]


def test_ranking_is_hmac_of_case_number(sampled, agency_a):
    import hashlib
    import hmac

    seed = bytes.fromhex(sampled.seed)
    mine = [c for c in sampled.candidates if c["agency"] == agency_a.pk]
    ranked = sorted(
        mine,
        key=lambda c: hmac.new(seed, ("case:" + c["number"]).encode(), hashlib.sha256).hexdigest(),
    )
    got = [r["case"] for r in sampled.sample_result if r["agency"] == agency_a.pk]
    assert got == [c["case"] for c in ranked[:2]]


def test_replay_detects_tampered_snapshot(sampled):
    sampled.candidates = sampled.candidates[1:]
    with pytest.raises(DomainError) as exc:
        services.replay_sample(sampled)
    assert exc.value.code == ErrorCode.CONFLICT


def test_only_closed_or_archived_cases_in_period_are_eligible(supervisor, agency_a):
    inside = closed_case(agency_a, 1)
    closing = closed_case(agency_a, 2, stage=Stage.CLOSING)
    closed_case(agency_a, 3, closed_on=dt.date(2026, 7, 1))  # after the period
    closed_case(agency_a, 4, closed_on=None, stage=Stage.CLOSING)  # not yet closed
    closed_case(agency_a, 5, stage=Stage.EXECUTION)
    rnd = make_round(supervisor, [agency_a])
    assert set(services.eligible_cases(rnd)) == {inside, closing}


def test_sampling_refused_without_eligible_cases(round_ab, supervisor):
    with pytest.raises(DomainError, match="没有已结案或已归档的案卷"):
        services.sample(round_ab, supervisor)
    assert not Leaf.objects.filter(event_type=EventType.EVALUATION_SAMPLED).exists()


def test_sampling_twice_refused(sampled, supervisor):
    with pytest.raises(DomainError) as exc:
        services.sample(sampled, supervisor)
    assert exc.value.code == ErrorCode.ILLEGAL_TRANSITION
    assert Leaf.objects.filter(event_type=EventType.EVALUATION_SAMPLED).count() == 1


@pytest.mark.parametrize("who", ["handler_a", "head_a"])
def test_sampling_refused_for_agency_staff(request, who, round_ab, agency_a):
    closed_cases(agency_a, 3)
    with pytest.raises(DomainError) as exc:
        services.sample(round_ab, request.getfixturevalue(who))
    assert exc.value.code == ErrorCode.PERMISSION_DENIED


def test_sampling_refused_for_supervisor_of_another_agency(round_ab, agency_a):
    closed_cases(agency_a, 3)
    other = org.create_agency(
        name="外县司法局",
        level=AgencyLevel.COUNTY,
        kind=AgencyKind.SUPERVISOR,
        usci=make_usci("11", "339998", "MB1TQ0009"),
        region="外县",
    )
    with pytest.raises(DomainError) as exc:
        services.sample(round_ab, make_user("other_sup", Role.SUPERVISOR, other))
    assert exc.value.code == ErrorCode.PERMISSION_DENIED


# --------------------------------------------------------------------------- score sheets


def first_sheet(rnd):
    return rnd.sheets.order_by("order").first()


def test_submit_sheet_scores_and_fixes(sampled, supervisor):
    sheet = services.submit_sheet(
        first_sheet(sampled), supervisor, deductions=full(facts=8, procedure=10), comment="意见"
    )
    assert sheet.score == 82 and sheet.grade == "pass"
    assert sheet.deductions["facts"] == {"deduction": 8, "note": "facts扣分理由"}
    assert sheet.deductions["law"] == {"deduction": 0, "note": ""}
    sampled.refresh_from_db()
    assert sampled.status == RoundStatus.SCORING
    leaf = Leaf.objects.get(event_type=EventType.EVALUATION_SHEET_SUBMITTED)
    assert leaf.payload["score"] == 82


def test_submitted_sheet_is_immutable(sampled, supervisor):
    sheet = services.submit_sheet(first_sheet(sampled), supervisor, deductions={})
    with pytest.raises(DomainError) as exc:
        services.submit_sheet(sheet, supervisor, deductions=full(facts=20))
    assert exc.value.code == ErrorCode.IMMUTABLE
    sheet.refresh_from_db()
    assert sheet.score == 100


@pytest.mark.parametrize("value", [-1, 21, "x"])
def test_deduction_bounds(sampled, supervisor, value):
    with pytest.raises(DomainError, match="事实清楚、证据确凿”扣分应为0至20"):
        services.submit_sheet(first_sheet(sampled), supervisor, deductions={"facts": (value, "n")})


def test_maximum_deduction_allowed(sampled, supervisor):
    sheet = services.submit_sheet(first_sheet(sampled), supervisor, deductions=full(facts=20))
    assert sheet.score == 80


def test_note_required_when_deducting(sampled, supervisor):
    with pytest.raises(DomainError, match="须写明扣分理由"):
        services.submit_sheet(first_sheet(sampled), supervisor, deductions={"law": (3, " ")})
    assert not Sheet.objects.filter(submitted_at__isnull=False).exists()


def test_unknown_item_refused(sampled, supervisor):
    with pytest.raises(DomainError, match="未知评查项目"):
        services.submit_sheet(first_sheet(sampled), supervisor, deductions={"bogus": (1, "n")})


@pytest.mark.parametrize("who", ["handler_a", "head_a"])
def test_agency_cannot_score(request, who, sampled):
    with pytest.raises(DomainError) as exc:
        services.submit_sheet(first_sheet(sampled), request.getfixturevalue(who), deductions={})
    assert exc.value.code == ErrorCode.PERMISSION_DENIED


def test_case_facts_are_read_from_the_case(sampled):
    facts = services.case_facts(first_sheet(sampled).case)
    assert facts["stage"] == "归档"
    assert facts["documents_count"] == 0 and facts["recordings_count"] == 0
    assert facts["review_exists"] is False and facts["review_passed"] is False


# --------------------------------------------------------------------------- rectification


@pytest.fixture
def rect(sampled, supervisor, agency_a):
    sheet = sampled.sheets.filter(agency=agency_a).order_by("order").first()
    sheet = services.submit_sheet(
        sheet, supervisor, deductions=full(facts=15, procedure=15), comment="问题较多"
    )
    assert sheet.grade == "basic"
    return services.issue_rectification(sheet, supervisor, requirements="补正送达回证。")


def test_rectification_deadline_in_working_days(rect):
    assert rect.workdays == 20
    assert rect.deadline == add_workdays(clock.local_date(rect.issued_at), 20)
    assert rect.status == RectificationStatus.ISSUED
    assert Leaf.objects.filter(event_type=EventType.EVALUATION_RECTIFICATION_ISSUED).exists()


def test_rectification_custom_workdays(sampled, supervisor):
    sheet = services.submit_sheet(first_sheet(sampled), supervisor, deductions=full(law=5))
    rect = services.issue_rectification(sheet, supervisor, requirements="整改", workdays=5)
    assert rect.deadline == add_workdays(clock.local_date(rect.issued_at), 5)


def test_rectification_refused_before_submission_without_deductions_and_twice(
    sampled, supervisor, rect
):
    sheets = list(sampled.sheets.exclude(pk=rect.sheet_id).order_by("order"))
    with pytest.raises(DomainError) as exc:
        services.issue_rectification(sheets[0], supervisor, requirements="x")
    assert exc.value.code == ErrorCode.ILLEGAL_TRANSITION
    clean = services.submit_sheet(sheets[0], supervisor, deductions={})
    with pytest.raises(DomainError, match="没有扣分项"):
        services.issue_rectification(clean, supervisor, requirements="x")
    with pytest.raises(DomainError, match="已发出整改通知"):
        services.issue_rectification(rect.sheet, supervisor, requirements="x")
    with pytest.raises(DomainError, match="请填写整改要求"):
        services.issue_rectification(
            services.submit_sheet(sheets[1], supervisor, deductions=full(law=1)),
            supervisor,
            requirements=" ",
        )


def test_rectification_state_machine(rect, supervisor, handler_a, head_a):
    with pytest.raises(DomainError) as exc:
        services.accept_report(rect, supervisor)
    assert exc.value.code == ErrorCode.ILLEGAL_TRANSITION
    with pytest.raises(DomainError) as exc:
        services.return_report(rect, supervisor, reason="x")
    assert exc.value.code == ErrorCode.ILLEGAL_TRANSITION
    with pytest.raises(DomainError, match="请填写整改报告"):
        services.submit_report(rect, handler_a, report="  ")
    rect = services.submit_report(rect, handler_a, report="已补正。")
    assert rect.status == RectificationStatus.REPORTED
    with pytest.raises(DomainError) as exc:
        services.submit_report(rect, handler_a, report="再报")
    assert exc.value.code == ErrorCode.ILLEGAL_TRANSITION
    with pytest.raises(DomainError, match="请填写退回理由"):
        services.return_report(rect, supervisor, reason="")
    rect = services.return_report(rect, supervisor, reason="音像记录未补传。")
    assert rect.status == RectificationStatus.RETURNED and rect.returned_count == 1
    rect = services.submit_report(rect, head_a, report="已补传音像记录。")
    with pytest.raises(DomainError, match="不能再次退回") as exc:
        services.return_report(rect, supervisor, reason="还是不行")
    assert exc.value.code == ErrorCode.ILLEGAL_TRANSITION
    rect = services.accept_report(rect, supervisor)
    assert rect.status == RectificationStatus.CLOSED and rect.closed_by == supervisor
    with pytest.raises(DomainError) as exc:
        services.submit_report(rect, handler_a, report="x")
    assert exc.value.code == ErrorCode.ILLEGAL_TRANSITION
    types = [
        EventType.EVALUATION_RECTIFICATION_REPORTED,
        EventType.EVALUATION_RECTIFICATION_RETURNED,
        EventType.EVALUATION_RECTIFICATION_CLOSED,
    ]
    assert Leaf.objects.filter(event_type__in=types).count() == 4


def test_report_only_by_own_agency_handler_or_head(rect, handler_b, reviewer_a, supervisor):
    for user in (handler_b, reviewer_a, supervisor):
        with pytest.raises(DomainError) as exc:
            services.submit_report(rect, user, report="x")
        assert exc.value.code == ErrorCode.PERMISSION_DENIED


def test_agency_cannot_accept_its_own_report(rect, handler_a, head_a):
    services.submit_report(rect, handler_a, report="已整改")
    with pytest.raises(DomainError) as exc:
        services.accept_report(rect, head_a)
    assert exc.value.code == ErrorCode.PERMISSION_DENIED


def test_overdue_flag(rect, handler_a):
    day = rect.deadline
    assert not rect.is_overdue(day)
    assert rect.is_overdue(day + dt.timedelta(days=1))
    rect = services.submit_report(rect, handler_a, report="已整改")
    assert not rect.is_overdue(day + dt.timedelta(days=1))


# --------------------------------------------------------------------------- conclusion


def test_conclude_refused_while_sheets_open(sampled, supervisor):
    with pytest.raises(DomainError, match="未提交") as exc:
        services.conclude(sampled, supervisor)
    assert exc.value.code == ErrorCode.ILLEGAL_TRANSITION


def test_conclude_writes_summary_and_hash(sampled, supervisor, agency_a, agency_b, rect):
    for sheet in sampled.sheets.filter(submitted_at__isnull=True):
        services.submit_sheet(sheet, supervisor, deductions=full(documents=2))
    rnd = services.conclude(sampled, supervisor)
    assert rnd.status == RoundStatus.CONCLUDED
    rows = {r["agency"]: r for r in rnd.summary["agencies"]}
    assert rows[agency_a.pk]["files"] == 2
    assert rows[agency_a.pk]["average"] == 84.0  # (70 + 98) / 2
    assert rows[agency_a.pk]["grades"] == {"excellent": 1, "pass": 0, "basic": 1, "fail": 0}
    assert rows[agency_a.pk]["rectifications_open"] == 1
    assert rows[agency_b.pk]["rectifications_open"] == 0
    leaf = Leaf.objects.get(event_type=EventType.EVALUATION_CONCLUDED)
    assert leaf.payload["summary_sha256"] == services.canonical_sha256(rnd.summary)
    with pytest.raises(DomainError) as exc:
        services.conclude(rnd, supervisor)
    assert exc.value.code == ErrorCode.ILLEGAL_TRANSITION
    with pytest.raises(DomainError) as exc:
        services.submit_sheet(rect.sheet, supervisor, deductions={})
    assert exc.value.code == ErrorCode.IMMUTABLE


def test_summary_csv_has_bom_and_rows(sampled, supervisor):
    for sheet in sampled.sheets.all():
        services.submit_sheet(sheet, supervisor, deductions=full(facts=12))
    text = services.summary_csv(services.build_summary(sampled))
    assert text.startswith(
        "\ufeff被评查机关,抽查案卷数,平均分,优秀,合格,基本合格,不合格,未销号整改\r\n"
    )
    assert "测试县市场监督管理局,2,88.0,0,2,0,0,0\r\n" in text
