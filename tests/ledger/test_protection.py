"""Issue #11 item 10: every model has a stated protection.

Each concrete model of a ``sanxiang`` app is in exactly one list of
``sanxiang.ledger.protection``: append-only by trigger, ledgered and reconciled, no legal
weight (with a reason), or a known gap (with a reason). A new model without a decision
fails here."""

import pytest
from django.apps import apps
from django.db import connection

from sanxiang.ledger import protection
from sanxiang.ledger.append_only import installed_triggers


def _platform_models():
    return {
        m._meta.label: m
        for m in apps.get_models()
        if m.__module__.startswith("sanxiang.") and not m._meta.proxy and m._meta.managed
    }


def test_every_model_has_exactly_one_protection():
    classified = protection.classification()
    models = _platform_models()
    missing = sorted(set(models) - set(classified))
    assert not missing, f"models without a protection decision (ledger/protection.py): {missing}"
    twice = {label: where for label, where in classified.items() if len(where) > 1}
    assert not twice, f"models in more than one list: {twice}"
    stale = sorted(set(classified) - set(models))
    assert not stale, f"entries naming no model: {stale}"


def test_reasons_are_one_line():
    lists = (
        protection.NO_LEGAL_WEIGHT,
        protection.KNOWN_GAPS,
        protection.RECONCILED,
        {k: v.reason for k, v in protection.APPEND_ONLY.items()},
    )
    for entries in lists:
        for label, reason in entries.items():
            assert reason.strip() and "\n" not in reason, label


def test_protection_of_named_tables():
    """The decisions the issue asks about, stated once so a change is deliberate."""
    assert "ledger.Leaf" in protection.APPEND_ONLY
    assert "records.Recording" in protection.APPEND_ONLY
    assert protection.APPEND_ONLY["documents.Document"].custom == "issued"
    assert "documents.DocumentFixityAlert" in protection.APPEND_ONLY
    assert "org.CertificateEvent" in protection.APPEND_ONLY
    assert protection.APPEND_ONLY["cases.Case"].custom == "no_delete"
    # the tables the issue names (#11.10): append-only by trigger now, each with the
    # columns its workflow still fills in
    named = {
        "publicity.Snapshot": "state",
        "complaints.Complaint": "status",
        "inspections.Plan": "status",
        "records.UploadSession": "offset",
        "evaluation.Sheet": None,
        "inspections.Task": "result",
    }
    for label, workflow in named.items():
        entry = protection.APPEND_ONLY[label]
        assert label not in protection.KNOWN_GAPS, label
        if workflow:
            assert workflow in entry.allow_update_columns, label
    for label, frozen in (
        ("publicity.Snapshot", "target_name"),
        ("complaints.Complaint", "content"),
        ("inspections.Plan", "seed"),
        ("records.UploadSession", "declared_sha256"),
    ):
        assert frozen not in protection.APPEND_ONLY[label].allow_update_columns, label
    assert protection.APPEND_ONLY["inspections.Task"].allowed_while  # result: once
    assert "ledger.TreeState" in protection.NO_LEGAL_WEIGHT


@pytest.mark.django_db
def test_triggers_in_the_database_match_the_list():
    """Every append-only trigger the migrations installed is in the list (so the check
    covers it) and every listed one is installed."""
    tables = {apps.get_model(label)._meta.db_table for label in protection.APPEND_ONLY}
    installed = {
        name: table
        for name, (table, _enabled, _body) in installed_triggers(connection).items()
        if "_append_only" in name
        or name.startswith("documents_document_issued")
        or name.endswith("_no_delete")
    }
    assert set(installed.values()) == tables
    required = {name for _l, _t, name in protection.required_triggers(connection.vendor)}
    assert required == set(installed)


@pytest.mark.django_db
def test_a_case_cannot_be_deleted_but_still_changes(agency_a, handler_a, officer_a2):
    """Issue #11 item 10: ``DELETE FROM cases_case`` (raw SQL, another path) is refused by the
    database; an UPDATE (the workflow) still goes through."""
    from django.db import IntegrityError, transaction

    from sanxiang.cases import services as cases
    from sanxiang.cases.models import Case, CaseSource
    from sanxiang.core.fields import CaseActType

    case_a = cases.open_case(
        agency=agency_a,
        actor=handler_a,
        act_type=CaseActType.INSPECTION,
        title="某超市食品安全检查",
        source=CaseSource.PATROL,
        officers=[officer_a2],
    )

    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM cases_case WHERE id = %s", [case_a.pk])
    assert Case.objects.filter(pk=case_a.pk).exists()
    # the trigger alone, without the rows that point at the case (whose PROTECT would refuse)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM cases_case")
        before = cursor.fetchone()[0]
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM cases_case")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM cases_case")
        assert cursor.fetchone()[0] == before
    Case.objects.filter(pk=case_a.pk).update(title="更正后的案由")
    assert Case.objects.get(pk=case_a.pk).title == "更正后的案由"


@pytest.mark.django_db
def test_certificate_events_are_append_only(officer_a1, admin_user):
    from django.db import IntegrityError, transaction

    from sanxiang.org.models import CertificateEvent

    event = CertificateEvent.objects.get(certificate__officer=officer_a1, action="issue")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        CertificateEvent.objects.filter(pk=event.pk).update(reason="改写")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        CertificateEvent.objects.filter(pk=event.pk).delete()
