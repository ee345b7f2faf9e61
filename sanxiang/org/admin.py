"""Django admin (zh-hans) for the organisation, scoped to what the user may see.

State changes with legal weight (certificate status) are not editable here: they go
through the services (workbench pages), so they are recorded and ledgered.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Agency, Certificate, CertificateEvent, Officer, User
from .scoping import scope, visible_agencies


class ScopedAdmin(admin.ModelAdmin):
    """Base of every app's admin: rows limited to the agencies the user may see."""

    agency_field = "agency"

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user, self.agency_field)


class ScopedReadOnlyAdmin(ScopedAdmin):
    """For records that change only through services (they check rules and write the ledger)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "kind", "usci", "region", "parent"]
    list_filter = ["level", "kind"]
    search_fields = ["name", "usci"]
    readonly_fields = ["path", "usci"]

    def get_queryset(self, request):
        return visible_agencies(request.user)

    def has_add_permission(self, request):
        return request.user.is_superuser  # creation goes through services (USCI check, ledger)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "agency", "role", "is_active"]
    list_filter = ["role", "is_active"]
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("机关与角色"), {"fields": ("agency", "role", "full_name", "phone")}),
    )

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user, "agency")


@admin.register(Officer)
class OfficerAdmin(ScopedAdmin):
    list_display = ["name", "agency", "position", "unit", "is_active"]
    search_fields = ["name"]
    list_filter = ["is_active"]

    def has_delete_permission(self, request, obj=None):
        return False


class CertificateEventInline(admin.TabularInline):
    model = CertificateEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "from_status", "to_status", "reason", "actor_name", "at"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Certificate)
class CertificateAdmin(ScopedAdmin):
    list_display = ["number", "officer", "agency", "region", "expires_on", "status"]
    list_filter = ["status"]
    search_fields = ["number", "officer__name"]
    inlines = [CertificateEventInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Certificate._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
