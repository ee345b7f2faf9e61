"""Every registered admin is read-only, or writes through a service, or is listed here
with the reason it has no legal weight (issue #11 item 12): a new admin page cannot
silently bypass the services and the ledger."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from sanxiang.org.admin import ServiceRoutedMixin

# model label -> the service its admin writes through (save_model / delete_model call it)
SERVICE_ROUTED = {
    "org.Agency": "org.services.create_agency / update_agency (org.agency_created/_changed)",
    "org.User": "org.services.create_user / update_user / record_password_set",
    "org.Officer": "org.services.create_officer / update_officer",
    "cases.CasePolicy": "cases.services.case_policy.save_policy (case.policy_changed)",
    "workdays.HolidayOverride": "workdays.services.set_override / remove_override",
}

# Catalogue items of draft versions: save/delete checked by catalog.services.require_edit
# and require_draft; a draft has no legal weight until its version is published (the
# publication is ledgered with the SHA-256 of the version content).
DRAFT_ONLY = {
    "catalog.Power",
    "catalog.DiscretionBenchmark",
    "catalog.MajorDecisionRule",
    "catalog.RecordingRequirement",
    "catalog.InspectionItem",
    "catalog.ServiceGuide",
    "catalog.Remedy",
    "catalog.Contact",
}

# No legal weight (configuration or security bookkeeping of third-party apps).
NO_LEGAL_WEIGHT = {
    "auth.Group": "the platform authorises by role; groups are not on the user form",
    "authtoken.TokenProxy": "API credentials of a user, not enforcement records",
    "axes.AccessAttempt": "login throttling state (django-axes)",
    "axes.AccessLog": "login log (django-axes)",
    "axes.AccessFailureLog": "login failure log (django-axes)",
    "otp_totp.TOTPDevice": "second-factor credential of a user (django-otp)",
    "otp_static.StaticDevice": "second-factor backup codes of a user (django-otp)",
    "publicity.WebhookEndpoint": "configuration of an external receiver (superusers only)",
}


@pytest.fixture
def superuser_request(admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    return request


def _read_only(model_admin, request):
    return not (
        model_admin.has_add_permission(request)
        or model_admin.has_change_permission(request)
        or model_admin.has_delete_permission(request)
    )


def test_every_admin_is_read_only_or_service_routed(superuser_request):
    offenders = []
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        if label in NO_LEGAL_WEIGHT or _read_only(model_admin, superuser_request):
            continue
        if label in SERVICE_ROUTED:
            continue
        if label in DRAFT_ONLY:
            assert type(model_admin).save_model is not admin.ModelAdmin.save_model
            assert type(model_admin).delete_model is not admin.ModelAdmin.delete_model
            continue
        offenders.append(label)
    assert offenders == [], f"admin pages writing outside the services: {offenders}"


def test_service_routed_admins_override_save_model():
    for model, model_admin in admin.site._registry.items():
        if model._meta.label in SERVICE_ROUTED:
            assert type(model_admin).save_model is not admin.ModelAdmin.save_model, model
            if model._meta.label.startswith(("org.", "cases.")):
                assert isinstance(model_admin, ServiceRoutedMixin), model


def test_lists_name_only_registered_models():
    registered = {model._meta.label for model in admin.site._registry}
    own = [label for label in NO_LEGAL_WEIGHT if label.split(".")[0] in {"publicity"}]
    for label in [*SERVICE_ROUTED, *DRAFT_ONLY, *own]:
        assert label in registered, f"{label} is listed but has no admin"


def test_an_unlisted_writable_admin_is_caught(superuser_request):
    """The check itself: a plain ModelAdmin over a model with legal weight is an offender."""
    from sanxiang.inspections.models import Plan

    plain = admin.ModelAdmin(Plan, admin.site)
    assert not _read_only(plain, superuser_request)
    assert Plan._meta.label not in {*SERVICE_ROUTED, *DRAFT_ONLY, *NO_LEGAL_WEIGHT}
