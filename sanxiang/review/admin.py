"""Admin (Chinese, read-only): every change goes through the review services, and the
append-only tables refuse UPDATE/DELETE in the database anyway."""

from django.contrib import admin

from sanxiang.org.scoping import scope

from .models import (
    DeadlineExtension,
    Dispute,
    DisputeDiscussion,
    Opinion,
    Review,
    ReviewAssignment,
    ReviewMaterial,
    ReviewScope,
    Transfer,
)


class ReadOnlyScopedAdmin(admin.ModelAdmin):
    agency_field = "agency"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser and request.user.agency_id is None:
            return qs
        return scope(qs, request.user, self.agency_field)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(ReadOnlyScopedAdmin):
    list_display = [
        "id",
        "case",
        "version",
        "status",
        "outcome",
        "reviewer",
        "deadline",
        "extended_deadline",
        "submitted_at",
    ]
    list_filter = ["status", "outcome"]


@admin.register(ReviewScope)
class ReviewScopeAdmin(ReadOnlyScopedAdmin):
    list_display = ["id", "case", "required", "policy_applies", "assessed_by_name", "assessed_at"]


@admin.register(ReviewMaterial)
class ReviewMaterialAdmin(ReadOnlyScopedAdmin):
    agency_field = "review__agency"
    list_display = ["id", "review", "kind", "title", "sha256"]


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(ReadOnlyScopedAdmin):
    agency_field = "review__agency"
    list_display = ["id", "review", "reviewer_name", "assigned_by_name", "reason", "at"]


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(ReadOnlyScopedAdmin):
    agency_field = "review__agency"
    list_display = ["id", "review", "new_deadline", "status", "decided_by_name"]


@admin.register(Opinion)
class OpinionAdmin(ReadOnlyScopedAdmin):
    agency_field = "review__agency"
    list_display = ["id", "review", "kind", "given_by_name", "given_at", "late", "pdf_sha256"]
    list_filter = ["kind", "late"]


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyScopedAdmin):
    agency_field = "review__agency"
    list_display = ["id", "review", "raised_by_name", "raised_at"]


@admin.register(DisputeDiscussion)
class DisputeDiscussionAdmin(ReadOnlyScopedAdmin):
    agency_field = "dispute__review__agency"
    list_display = ["id", "dispute", "conclusion", "decided_by_name", "held_on"]


@admin.register(Transfer)
class TransferAdmin(ReadOnlyScopedAdmin):
    agency_field = "review__agency"
    list_display = ["id", "review", "receiving_authority", "transferred_on", "recorded_by_name"]
