"""Administrators edit the holiday table: overrides win, years are completed, every edit is in
the ledger, the caches never go stale, and nobody else may edit."""

import datetime as dt
import uuid

import pytest

from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.workdays import calendar, services
from sanxiang.workdays.models import CalendarRevision, HolidayOverride, HolidayYear, OverrideKind

from .conftest import ledger_events

D = dt.date
HOLIDAY, WORKDAY = OverrideKind.HOLIDAY, OverrideKind.WORKDAY


def test_override_flips_a_builtin_day_at_once_and_removal_restores_it(admin_user):
    # Given a normal working Monday and a National Day holiday in chinese_calendar
    assert calendar.is_workday(D(2026, 10, 12))
    assert not calendar.is_workday(D(2026, 10, 7))
    # When the administrator overrides both
    services.set_override(admin_user, D(2026, 10, 12), HOLIDAY, "临时调整")
    services.set_override(admin_user, D(2026, 10, 7), WORKDAY, "国庆节")
    # Then the calculations follow at once (no stale cache)
    assert not calendar.is_workday(D(2026, 10, 12))
    assert calendar.is_workday(D(2026, 10, 7))
    assert calendar.day_info(D(2026, 10, 12)).source == calendar.SOURCE_OVERRIDE
    assert calendar.add_workdays(D(2026, 9, 30), 1) == D(2026, 10, 7)
    assert calendar.workdays_between(D(2026, 9, 30), D(2026, 10, 15)) == 7
    # And removing the overrides restores chinese_calendar's answer
    services.remove_override(admin_user, D(2026, 10, 12))
    services.remove_override(admin_user, D(2026, 10, 7))
    assert calendar.is_workday(D(2026, 10, 12))
    assert not calendar.is_workday(D(2026, 10, 7))
    assert calendar.add_workdays(D(2026, 9, 30), 7) == D(2026, 10, 15)


def test_changing_an_override_replaces_it(admin_user):
    services.set_override(admin_user, D(2026, 10, 12), HOLIDAY, "临时调整")
    services.set_override(admin_user, D(2026, 10, 12), WORKDAY, "更正")
    assert HolidayOverride.objects.get(date=D(2026, 10, 12)).kind == WORKDAY
    assert calendar.is_workday(D(2026, 10, 12))
    events = ledger_events("holiday:2026-10-12")
    assert events[-1]["previous"] == {"kind": "holiday", "name": "临时调整"}
    # the same value again changes nothing and logs nothing
    services.set_override(admin_user, D(2026, 10, 12), WORKDAY, "更正")
    assert len(ledger_events("holiday:2026-10-12")) == 2


def test_every_edit_is_in_the_ledger(admin_user):
    services.set_override(admin_user, D(2027, 1, 1), HOLIDAY, "元旦")
    services.set_override(admin_user, D(2027, 2, 20), WORKDAY, "春节")
    services.remove_override(admin_user, D(2027, 2, 20))
    services.mark_year_complete(admin_user, 2027, notice="国办发明电〔2026〕1号（测试）")
    services.reopen_year(admin_user, 2027, "录入有误")
    events = ledger_events()
    assert [e["action"] for e in events] == [
        "override_set",
        "override_set",
        "override_removed",
        "year_completed",
        "year_reopened",
    ]
    assert events[0] | {} == {
        "subject": "holiday:2027-01-01",
        "actor": {"id": admin_user.pk, "name": admin_user.display_name},
        "action": "override_set",
        "date": "2027-01-01",
        "kind": "holiday",
        "name": "元旦",
        "previous": None,
    }
    assert events[3]["subject"] == "holiday-year:2027"
    assert events[3]["notice"] == "国办发明电〔2026〕1号（测试）"
    assert events[3]["holidays"] == 1
    assert events[4]["reason"] == "录入有误"


def test_a_year_becomes_known_only_when_marked_complete(admin_user):
    services.set_override(admin_user, D(2027, 1, 1), HOLIDAY, "元旦")
    assert calendar.is_provisional(2027)
    services.mark_year_complete(admin_user, 2027, notice="国办发明电〔2026〕1号（测试）")
    assert calendar.is_workday(D(2027, 1, 4))
    assert not calendar.is_workday(D(2027, 1, 1))
    assert not calendar.is_workday(D(2027, 1, 2))  # Saturday: weekend rule
    assert calendar.add_workdays(D(2026, 12, 31), 1) == D(2027, 1, 4)
    row = HolidayYear.objects.get(year=2027)
    assert row.complete and row.entered_by == admin_user and row.completed_at
    # reopening makes it unknown again
    assert not calendar.is_provisional(2027)
    services.reopen_year(admin_user, 2027, "通知更正")
    assert calendar.is_provisional(2027)
    assert calendar.deadline(D(2027, 1, 4), 1).provisional


def test_a_year_without_any_holiday_cannot_be_marked_complete(admin_user):
    # that would be the weekends-only guess the platform forbids
    with pytest.raises(DomainError) as exc:
        services.mark_year_complete(admin_user, 2027, notice="国办发明电〔2026〕1号")
    assert exc.value.code == ErrorCode.CALENDAR_MISSING
    assert "2027年尚未录入任何休息日" in str(exc.value)
    services.set_override(admin_user, D(2027, 2, 20), WORKDAY, "春节")  # a workday is not enough
    with pytest.raises(DomainError):
        services.mark_year_complete(admin_user, 2027, notice="国办发明电〔2026〕1号")
    assert not HolidayYear.objects.filter(year=2027, complete=True).exists()
    assert not calendar.year_is_known(2027)


def test_completion_needs_the_notice_or_source(admin_user):
    services.set_override(admin_user, D(2027, 1, 1), HOLIDAY, "元旦")
    with pytest.raises(DomainError) as exc:
        services.mark_year_complete(admin_user, 2027, notice=" ", source="")
    assert "发文字号或来源" in str(exc.value)


def test_builtin_year_can_record_its_notice(admin_user):
    services.mark_year_complete(admin_user, 2026, notice="国办发明电〔2025〕7号")
    assert services.year_status(2026).status == services.STATUS_COMPLETE
    assert calendar.add_workdays(D(2026, 9, 30), 7) == D(2026, 10, 15)


def test_invalid_input_is_refused(admin_user):
    with pytest.raises(DomainError):
        services.set_override(admin_user, D(2027, 1, 1), "vacation", "元旦")
    with pytest.raises(DomainError):
        services.set_override(admin_user, D(2027, 1, 1), HOLIDAY, "  ")
    with pytest.raises(DomainError):
        services.set_override(admin_user, D(2027, 1, 1), HOLIDAY, "长" * 51)
    with pytest.raises(DomainError):
        services.set_override(admin_user, D(1900, 1, 1), HOLIDAY, "元旦")
    with pytest.raises(DomainError):
        services.mark_year_complete(admin_user, 20270, notice="x")
    with pytest.raises(DomainError) as exc:
        services.remove_override(admin_user, D(2027, 1, 1))
    assert exc.value.code == ErrorCode.NOT_FOUND
    with pytest.raises(DomainError) as exc:
        services.reopen_year(admin_user, 2027, "原因")
    assert exc.value.code == ErrorCode.ILLEGAL_TRANSITION
    assert ledger_events() == []


@pytest.mark.parametrize("who", ["handler_a", "reviewer_a", "head_a", "supervisor"])
def test_only_administrators_may_edit(request, admin_user, who):
    user = request.getfixturevalue(who)
    services.set_override(admin_user, D(2027, 1, 1), HOLIDAY, "元旦")
    services.set_override(admin_user, D(2026, 10, 12), HOLIDAY, "临时调整")
    before = len(ledger_events())
    attempts = [
        lambda: services.set_override(user, D(2026, 10, 13), HOLIDAY, "放假"),
        lambda: services.remove_override(user, D(2026, 10, 12)),
        lambda: services.mark_year_complete(user, 2027, notice="国办发明电〔2026〕1号"),
        lambda: services.import_schedule(user, b"date,kind,name\n2027-01-01,holiday,x\n", "a.csv"),
        lambda: services.reopen_year(user, 2026, "x"),
    ]
    for attempt in attempts:
        with pytest.raises(DomainError) as exc:
            attempt()
        assert exc.value.code == ErrorCode.PERMISSION_DENIED
        assert "只有系统管理员" in str(exc.value)
    assert len(ledger_events()) == before
    assert calendar.is_workday(D(2026, 10, 13))
    assert not calendar.year_is_known(2027)


def test_anonymous_and_inactive_users_are_refused(admin_user):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(DomainError) as exc:
        services.set_override(AnonymousUser(), D(2026, 10, 13), HOLIDAY, "放假")
    assert exc.value.code == ErrorCode.PERMISSION_DENIED
    admin_user.is_active = False
    admin_user.save()
    with pytest.raises(DomainError):
        services.set_override(admin_user, D(2026, 10, 13), HOLIDAY, "放假")


def test_an_edit_in_another_process_is_seen_once_its_revision_is_committed(
    admin_user, settings, monkeypatch
):
    # Given a warm cache that re-checks the revision (as after the check interval elapsed)
    settings.WORKDAYS_REVISION_CHECK_SECONDS = 0
    assert calendar.is_workday(D(2026, 10, 13))
    monkeypatch.setattr(calendar, "_force_check", False)
    # When another process adds an override and changes the revision token (simulated with
    # raw queries that bypass this process's invalidation)
    HolidayOverride.objects.bulk_create(
        [HolidayOverride(date=D(2026, 10, 13), kind=HOLIDAY, name="他处录入")]
    )
    assert calendar.is_workday(D(2026, 10, 13))  # token unchanged: still the cached answer
    CalendarRevision.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex})
    # Then this process reloads
    assert not calendar.is_workday(D(2026, 10, 13))


def test_a_rolled_back_edit_leaves_no_trace_in_the_cache(admin_user):
    from django.db import transaction

    with pytest.raises(RuntimeError):
        with transaction.atomic():
            services.set_override(admin_user, D(2026, 10, 13), HOLIDAY, "回滚")
            assert not calendar.is_workday(D(2026, 10, 13))
            raise RuntimeError("abort")
    assert calendar.is_workday(D(2026, 10, 13))
    assert not HolidayOverride.objects.exists()


def test_direct_model_saves_drop_the_local_cache(admin_user):
    assert calendar.is_workday(D(2026, 10, 13))
    HolidayOverride.objects.create(date=D(2026, 10, 13), kind=HOLIDAY, name="直接保存")
    assert not calendar.is_workday(D(2026, 10, 13))


def test_year_overview(admin_user):
    services.set_override(admin_user, D(2028, 1, 1), HOLIDAY, "元旦")
    rows = {r.year: r for r in services.year_overview(today=D(2026, 11, 23))}
    assert set(rows) == set(range(2004, 2029))
    assert rows[2026].status == services.STATUS_BUILTIN and rows[2026].known
    assert rows[2027].status == services.STATUS_MISSING and not rows[2027].known
    assert rows[2028].status == services.STATUS_INCOMPLETE
    assert (rows[2028].holidays, rows[2028].workdays) == (1, 0)
