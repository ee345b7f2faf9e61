"""Reconciliation of supervision alerts and of the publication policy (issue #11 items 8
and 10). An alert raised by the rule engine, acknowledged and resolved through the
services agrees with its leaves; a raw SQL rewrite of its status, its note or its content
is named by table, id and field."""

import pytest
from django.db import connection

from sanxiang.alerts import services
from sanxiang.ledger import reconcile
from tests.alerts.conftest import _frozen_clock, _isolated, live, publication, run  # noqa: F401

pytestmark = pytest.mark.django_db


def test_alert_lifecycle_reconciles_and_a_raw_edit_is_named(agency_a, head_a):
    publication(agency_a, 1)
    run("publication_overdue")
    alert = live("publication_overdue")[0]
    services.acknowledge(alert, head_a, "已知悉")
    services.resolve(alert, head_a, "已补充公示")
    assert reconcile.reconcile(["alerts.Alert"]) == []

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE alerts_alert SET status = 'dismissed', close_reason = '误报', "
            "detail = 'x', severity = 'low' WHERE id = %s",
            [alert.pk],
        )
    found = {(m.table, m.pk, m.field) for m in reconcile.reconcile(["alerts.Alert"])}
    assert found == {
        ("alerts_alert", alert.pk, "status"),
        ("alerts_alert", alert.pk, "close_reason"),
        ("alerts_alert", alert.pk, "detail_sha256"),
        ("alerts_alert", alert.pk, "severity"),
    }


def test_publication_policy_reconciles_and_a_raw_edit_is_named(agency_a, head_a):
    """The 公示规则 (how long each kind of decision stays public): every change a leaf
    holding the whole policy; a raw SQL shortening of a window is named."""
    from sanxiang.publicity import services as publicity
    from sanxiang.publicity.models import PublicationPolicy

    publicity.update_policy(agency_a, head_a, windows={"penalty": 1095}, low_fine_threshold=500)
    publicity.update_policy(agency_a, head_a, require_confirmation=True)
    assert reconcile.reconcile(["publicity.PublicationPolicy"]) == []
    policy = PublicationPolicy.objects.get(agency=agency_a)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE publicity_publicationpolicy SET windows = %s, low_fine_threshold = 0 "
            "WHERE id = %s",
            ['{"penalty": 30}', policy.pk],
        )
    found = {(m.table, m.pk, m.field) for m in reconcile.reconcile(["publicity.PublicationPolicy"])}
    assert found == {
        ("publicity_publicationpolicy", policy.pk, "windows"),
        ("publicity_publicationpolicy", policy.pk, "low_fine_threshold"),
    }


def test_portal_page_and_annual_report_reconcile_and_raw_edits_are_named(agency_a, head_a):
    """The portal page is reconciled; the annual report is append-only by trigger since
    publicity 0005 (a raw UPDATE is refused here; the rewrite past a dropped trigger is
    played in test_reconcile_annual_report.py)."""
    from django.db import IntegrityError, transaction

    from sanxiang.publicity import portal, reports

    page = portal.approve_page(portal.prepare_page(agency_a, head_a), head_a)
    [report] = reports.generate(2025, [agency_a], head_a)
    labels = ["publicity.PortalPage", "publicity.AnnualReport"]
    assert reconcile.reconcile(labels) == []
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE publicity_portalpage SET content = %s WHERE id = %s",
            ['{"phone": "110"}', page.pk],
        )
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE publicity_annualreport SET data = %s WHERE id = %s",
            ['{"total": 999}', report.pk],
        )
    found = {(m.table, m.pk, m.field) for m in reconcile.reconcile(labels)}
    assert found == {("publicity_portalpage", page.pk, "content")}
