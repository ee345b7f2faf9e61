"""Read-only admin for the witness tables (logs are registered with
``manage.py witness add-log``; nothing is edited here)."""

from django.contrib import admin

from sanxiang.ledger.admin import ReadOnlyAdmin

from .models import Cosignature, CosignedCheckpoint, SubmissionStatus, WitnessAlert, WitnessedLog


@admin.register(WitnessedLog)
class WitnessedLogAdmin(ReadOnlyAdmin):
    list_display = ["origin", "key_name", "tree_size", "updated_at"]
    exclude = ["public_key", "root_hash"]


@admin.register(Cosignature)
class CosignatureAdmin(ReadOnlyAdmin):
    list_display = ["log", "tree_size", "created_at"]
    list_filter = ["log"]
    exclude = ["root_hash"]


@admin.register(WitnessAlert)
class WitnessAlertAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "origin", "kind", "tree_size", "witness_size"]
    list_filter = ["kind"]


@admin.register(CosignedCheckpoint)
class CosignedCheckpointAdmin(ReadOnlyAdmin):
    list_display = ["witness_name", "tree_size", "received_at"]
    exclude = ["root_hash"]


@admin.register(SubmissionStatus)
class SubmissionStatusAdmin(ReadOnlyAdmin):
    list_display = ["witness_name", "last_size", "failures", "last_ok_at", "last_error_at"]
