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
    for gap in (
        "publicity.Snapshot",
        "complaints.Complaint",
        "inspections.Plan",
        "records.UploadSession",
        "org.CertificateEvent",
        "evaluation.Sheet",
        "inspections.Task",
        "cases.Case",
    ):
        assert gap in protection.KNOWN_GAPS, gap
    assert "ledger.TreeState" in protection.NO_LEGAL_WEIGHT


@pytest.mark.django_db
def test_triggers_in_the_database_match_the_list():
    """Every append-only trigger the migrations installed is in the list (so the check
    covers it) and every listed one is installed."""
    tables = {apps.get_model(label)._meta.db_table for label in protection.APPEND_ONLY}
    installed = {
        name: table
        for name, (table, _enabled, _body) in installed_triggers(connection).items()
        if "_append_only" in name or name.startswith("documents_document_issued")
    }
    assert set(installed.values()) == tables
    required = {name for _l, _t, name in protection.required_triggers(connection.vendor)}
    assert required == set(installed)
