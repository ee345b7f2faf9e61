"""Admin (Chinese). Issued documents are read-only here as everywhere (the database
refuses changes anyway); drafts are edited through the workbench services."""

from django.contrib import admin

from sanxiang.org.admin import ScopedReadOnlyAdmin as ScopedAdmin

from .models import Document, DocumentCorrection, DocumentFixityAlert


@admin.register(Document)
class DocumentAdmin(ScopedAdmin):
    list_display = ["id", "title", "number", "agency", "case", "version", "status", "issued_at"]
    list_filter = ["status", "kind"]
    search_fields = ["number", "title"]
    readonly_fields = [f.name for f in Document._meta.fields]


@admin.register(DocumentCorrection)
class DocumentCorrectionAdmin(ScopedAdmin):
    agency_field = "original__agency"
    list_display = ["id", "original", "correction", "actor_name", "at"]
    readonly_fields = [f.name for f in DocumentCorrection._meta.fields]


@admin.register(DocumentFixityAlert)
class DocumentFixityAlertAdmin(ScopedAdmin):
    list_display = ["id", "document", "file_format", "problem", "agency", "at"]
    list_filter = ["problem", "file_format"]
    readonly_fields = [f.name for f in DocumentFixityAlert._meta.fields]
