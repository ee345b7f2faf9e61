"""Admin of the publicity app: read-only. Publications, snapshots, the policy and the
reports change through ``publicity.services`` (workbench pages), which ledger them;
webhook endpoints are configuration without legal weight (superusers only)."""

from django.contrib import admin

from sanxiang.org.admin import ScopedReadOnlyAdmin

from .models import (
    AnnualReport,
    Publication,
    PublicationPolicy,
    Snapshot,
    WebhookDelivery,
    WebhookEndpoint,
)


@admin.register(Publication)
class PublicationAdmin(ScopedReadOnlyAdmin):
    list_display = ["id", "agency", "document_number", "category", "decision_date", "status"]
    list_filter = ["status", "category"]
    search_fields = ["document_number", "source_key"]
    readonly_fields = [f.name for f in Publication._meta.fields]


@admin.register(Snapshot)
class SnapshotAdmin(ScopedReadOnlyAdmin):
    list_display = ["id", "publication", "version", "state", "agency_name", "document_number"]
    list_filter = ["state", "category"]
    search_fields = ["document_number", "target_name"]
    readonly_fields = [f.name for f in Snapshot._meta.fields]


@admin.register(PublicationPolicy)
class PolicyAdmin(ScopedReadOnlyAdmin):
    list_display = ["agency", "require_confirmation", "updated_at"]


@admin.register(WebhookEndpoint)
class EndpointAdmin(admin.ModelAdmin):
    list_display = ["name", "url", "agency", "is_active"]

    def has_module_permission(self, request):
        return request.user.is_superuser


@admin.register(WebhookDelivery)
class DeliveryAdmin(ScopedReadOnlyAdmin):
    list_display = ["id", "endpoint", "event", "status", "attempts", "created_at"]
    list_filter = ["status", "event"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]


@admin.register(AnnualReport)
class ReportAdmin(ScopedReadOnlyAdmin):
    list_display = ["title", "year", "published_at"]
    readonly_fields = [f.name for f in AnnualReport._meta.fields]
