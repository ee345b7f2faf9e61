"""Read-only admin: appeals change only through ``services`` (rules + ledger)."""

from django.contrib import admin

from sanxiang.org.admin import ScopedReadOnlyAdmin

from .models import Appeal, AppealDocument


@admin.register(Appeal)
class AppealAdmin(ScopedReadOnlyAdmin):
    list_display = ["id", "case", "kind", "body", "applied_on", "status", "outcome"]
    list_filter = ["kind", "status", "outcome"]


@admin.register(AppealDocument)
class AppealDocumentAdmin(ScopedReadOnlyAdmin):
    agency_field = "appeal__agency"
    list_display = ["id", "appeal", "name", "sha256", "uploaded_at"]
