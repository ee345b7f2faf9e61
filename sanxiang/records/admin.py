"""Django admin (zh-hans), read-only: recordings, approvals and logs change only through the
services (uploads, access approvals, retention), which check the rules and write the ledger."""

from django.contrib import admin

from sanxiang.org.admin import ScopedReadOnlyAdmin as ReadOnlyScopedAdmin

from .models import (
    AccessLog,
    AccessRefusal,
    AccessRequest,
    FixityAlert,
    FixityRun,
    LongTermMark,
    Purge,
    Recording,
    RecordingWaiver,
    UploadSession,
)


@admin.register(Recording)
class RecordingAdmin(ReadOnlyScopedAdmin):
    list_display = ["id", "case_number", "activity", "recorded_start", "place", "kind", "sha256"]
    list_filter = ["activity", "kind", "is_evidence"]
    search_fields = ["case_number", "sha256", "place", "original_name"]


@admin.register(AccessRequest)
class AccessRequestAdmin(ReadOnlyScopedAdmin):
    list_display = ["id", "case", "recording", "requester", "status", "decided_by", "valid_until"]
    list_filter = ["status"]


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyScopedAdmin):
    list_display = ["at", "recording", "user", "action", "purpose", "basis"]
    list_filter = ["action", "basis"]


@admin.register(AccessRefusal)
class AccessRefusalAdmin(ReadOnlyScopedAdmin):
    list_display = ["at", "recording", "user", "action", "purpose", "reason"]
    list_filter = ["action"]


@admin.register(RecordingWaiver)
class RecordingWaiverAdmin(ReadOnlyScopedAdmin):
    list_display = ["id", "case", "activity", "activity_date", "status", "decided_by"]
    list_filter = ["status", "activity"]


@admin.register(LongTermMark)
class LongTermMarkAdmin(ReadOnlyScopedAdmin):
    list_display = ["at", "case", "recording", "reason", "actor"]


@admin.register(Purge)
class PurgeAdmin(ReadOnlyScopedAdmin):
    agency_field = "recording__agency"
    list_display = ["at", "recording", "sha256", "retention_until", "file_deleted"]


@admin.register(FixityAlert)
class FixityAlertAdmin(ReadOnlyScopedAdmin):
    list_display = ["at", "recording", "problem", "expected_sha256", "actual_sha256"]


@admin.register(FixityRun)
class FixityRunAdmin(ReadOnlyScopedAdmin):
    list_display = ["started_at", "finished_at", "checked", "bytes_checked", "failures"]

    def get_queryset(self, request):
        qs = super(ReadOnlyScopedAdmin, self).get_queryset(request)
        return qs if request.user.is_superuser else qs.none()


@admin.register(UploadSession)
class UploadSessionAdmin(ReadOnlyScopedAdmin):
    list_display = ["id", "case", "created_by", "length", "offset", "status", "updated_at"]
    list_filter = ["status"]
