"""Read-only admin: transfers change only through ``services`` (rules + ledger)."""

from django.contrib import admin

from sanxiang.org.admin import ScopedReadOnlyAdmin

from .models import PoliceTransfer


@admin.register(PoliceTransfer)
class PoliceTransferAdmin(ScopedReadOnlyAdmin):
    list_display = ["id", "case", "police_authority", "transferred_on", "status"]
    list_filter = ["status"]
