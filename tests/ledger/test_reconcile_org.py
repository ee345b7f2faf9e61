"""Reconciliation of the rows that change in place (issue #11 items 8 and 10): agencies,
accounts, officers, certificates, the holiday table and the case-procedure settings.

Each test makes the row through its service (and changes it through the service, so the
*latest* leaf counts), checks that it reconciles, then plays the rogue DBA — a raw SQL
UPDATE — and checks that ``reconcile()`` and ``manage.py ledger verify`` name the table,
the id and the field."""

import datetime as dt

import pytest
from django.core.management import CommandError
from django.db import connection

from sanxiang.cases.models import CasePolicy
from sanxiang.cases.services import case_policy
from sanxiang.ledger import reconcile
from sanxiang.org import services as org
from sanxiang.org.models import Role, User
from sanxiang.workdays import services as workdays
from sanxiang.workdays.models import HolidayOverride, HolidayYear
from tests.ledger.test_reconcile import run_verify

pytestmark = pytest.mark.django_db


def _sql(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))


def _found(labels):
    return {(m.table, m.pk, m.field) for m in reconcile.reconcile(labels)}


def _verify_names(text):
    with pytest.raises(CommandError) as exc:
        run_verify()
    assert exc.value.returncode == 1
    assert text in str(exc.value)


def test_agency_latest_state_reconciles_and_a_raw_edit_is_named(agency_a, admin_user):
    org.update_agency(agency_a, actor=admin_user, changes={"phone": "0570-1234567"})
    org.update_agency(agency_a, actor=admin_user, changes={"name": "测试县市场监管局（新）"})
    assert reconcile.reconcile(["org.Agency"]) == []
    _sql(
        "UPDATE org_agency SET phone = '110', fields = '[]', usci = 'X' WHERE id = %s",
        [agency_a.pk],
    )
    assert _found(["org.Agency"]) == {
        ("org_agency", agency_a.pk, "phone"),
        ("org_agency", agency_a.pk, "fields"),
        ("org_agency", agency_a.pk, "usci"),
    }
    _verify_names(f"org_agency id={agency_a.pk}: phone")


def test_user_role_raised_by_sql_is_named(handler_a, admin_user):
    org.update_user(handler_a, actor=admin_user, changes={"phone": "13800000000"})
    assert reconcile.reconcile(["org.User"]) == []
    _sql(
        "UPDATE org_user SET role = %s, is_superuser = %s, phone = '13900000000' WHERE id = %s",
        [Role.HEAD, True, handler_a.pk],
    )
    assert _found(["org.User"]) == {
        ("org_user", handler_a.pk, "role"),
        ("org_user", handler_a.pk, "is_superuser"),
        ("org_user", handler_a.pk, "phone"),
    }
    # an account inserted by hand (no leaf) is named too
    User.objects.create(username="ghost", role=Role.HEAD, agency_id=handler_a.agency_id)
    problems = {(m.field, m.problem) for m in reconcile.reconcile(["org.User"])}
    assert ("", "no_leaf") in problems


def test_officer_id_number_is_compared_through_its_digest(agency_a, admin_user):
    officer = org.create_officer(
        agency=agency_a, actor=admin_user, name="陈执法", id_number="11010519491231002X"
    )
    org.update_officer(officer, actor=admin_user, changes={"unit": "执法二中队"})
    assert reconcile.reconcile(["org.Officer"]) == []
    _sql(
        "UPDATE org_officer SET id_number = '110105194912310037', unit = 'x', agency_id = %s "
        "WHERE id = %s",
        [agency_a.parent_id, officer.pk],
    )
    assert _found(["org.Officer"]) == {
        ("org_officer", officer.pk, "id_number"),
        ("org_officer", officer.pk, "unit"),
        ("org_officer", officer.pk, "agency"),
    }


def test_certificate_status_and_expiry_rewritten_are_named(officer_a1):
    cert = officer_a1.certificates.get()
    org.change_certificate_status(cert, "suspend", reason="考核不合格")
    assert reconcile.reconcile(["org.Certificate"]) == []
    _sql(
        "UPDATE org_certificate SET status = 'valid', expires_on = '2099-12-31', "
        "status_reason = '' WHERE id = %s",
        [cert.pk],
    )
    assert _found(["org.Certificate"]) == {
        ("org_certificate", cert.pk, "status"),
        ("org_certificate", cert.pk, "expires_on"),
        ("org_certificate", cert.pk, "status_reason"),
    }
    _verify_names(f"org_certificate id={cert.pk}: status")


def test_holiday_table_replays_its_leaves(admin_user):
    day, gone = dt.date(2031, 10, 1), dt.date(2031, 10, 8)
    workdays.set_override(admin_user, day, "holiday", "国庆节")
    workdays.set_override(admin_user, gone, "workday", "国庆节调休")
    workdays.set_override(admin_user, day, "holiday", "国庆节（更正）")
    workdays.remove_override(admin_user, gone)
    workdays.mark_year_complete(admin_user, 2031, notice="国办发明电〔2030〕1号")
    assert reconcile.reconcile(["workdays.HolidayOverride", "workdays.HolidayYear"]) == []

    override = HolidayOverride.objects.get(date=day)
    year = HolidayYear.objects.get(year=2031)
    _sql("UPDATE workdays_holidayoverride SET kind = 'workday' WHERE id = %s", [override.pk])
    _sql(
        "UPDATE workdays_holidayyear SET notice = 'x', complete = %s WHERE id = %s",
        [False, year.pk],
    )
    # a removed day put back by hand, a new one inserted by hand
    for date in (gone, dt.date(2031, 10, 9)):
        HolidayOverride.objects.create(date=date, kind="holiday", name="x")
    found = {
        (m.table, m.field, m.problem)
        for m in reconcile.reconcile(["workdays.HolidayOverride", "workdays.HolidayYear"])
    }
    assert found == {
        ("workdays_holidayoverride", "kind", "differs"),
        ("workdays_holidayoverride", "", "removed"),
        ("workdays_holidayoverride", "", "no_leaf"),
        ("workdays_holidayyear", "notice", "differs"),
        ("workdays_holidayyear", "complete", "differs"),
    }
    # a day recorded by a leaf and deleted by hand
    _sql("DELETE FROM workdays_holidayoverride WHERE id = %s", [override.pk])
    missing = [
        m for m in reconcile.reconcile(["workdays.HolidayOverride"]) if m.problem == "no_row"
    ]
    assert [(m.pk, m.leaf_index is not None) for m in missing] == [(day.isoformat(), True)]


def test_holiday_import_replaces_the_year(admin_user):
    workdays.set_override(admin_user, dt.date(2032, 5, 1), "holiday", "劳动节")
    csv = "date,kind,name\n2032-10-01,holiday,国庆节\n2032-10-02,holiday,国庆节\n".encode()
    workdays.import_schedule(admin_user, csv, "2032.csv", year=2032, source="测试")
    assert reconcile.reconcile(["workdays.HolidayOverride", "workdays.HolidayYear"]) == []
    HolidayOverride.objects.create(date=dt.date(2032, 5, 1), kind="holiday", name="劳动节")
    assert {m.problem for m in reconcile.reconcile(["workdays.HolidayOverride"])} == {"removed"}


def test_case_policy_defaults_and_changes_reconcile(agency_a, head_a):
    case_policy.save_policy(agency_a, actor=head_a, values={"decision_days": 60})
    case_policy.save_policy(agency_a, actor=head_a, values={"hearing_fine_person": 20000})
    assert reconcile.reconcile(["cases.CasePolicy"]) == []
    policy = CasePolicy.objects.get(agency=agency_a)
    # a default never edited (statement window) is in the first leaf too
    _sql(
        "UPDATE cases_casepolicy SET statement_window_workdays = 1, hearing_fine_person = 200000 "
        "WHERE id = %s",
        [policy.pk],
    )
    assert _found(["cases.CasePolicy"]) == {
        ("cases_casepolicy", policy.pk, "statement_window_workdays"),
        ("cases_casepolicy", policy.pk, "hearing_fine_person"),
    }


def test_every_reconciled_model_is_listed_in_protection():
    from sanxiang.ledger import protection

    labels = {rule.label for rule in reconcile.all_rules()}
    assert set(protection.RECONCILED) <= labels
    for label in protection.RECONCILED:
        assert label not in protection.KNOWN_GAPS


def test_fresh_fixtures_reconcile(officer_a1, officer_b1, supervisor, admin_user):
    """The conftest's agencies, accounts, officers (made without the service: no leaf, not
    a mismatch) and certificates agree with their leaves."""
    assert officer_a1.certificates.exists()
    assert reconcile.reconcile() == []


def test_reconciled_models_names_every_rule_of_a_model():
    """cases.Case has two rules (decision columns; stage, number, agency and act type):
    the summary keeps both notes, not the last one."""
    notes = [rule.note for rule in reconcile.all_rules() if rule.label == "cases.Case"]
    assert len(notes) == 2
    summary = reconcile.reconciled_models()["cases.Case"]
    assert all(note in summary for note in notes)
