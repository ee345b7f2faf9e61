"""Django admin (zh-hans) for the catalogues, scoped to what the user may see.

Versions are created, imported and published through the services (workbench pages), so the
admin edits items of drafts only; published versions and their items are read-only.
"""

from django.contrib import admin

from . import services
from .models import (
    CatalogVersion,
    Contact,
    DiscretionBenchmark,
    DiscretionTier,
    InspectionItem,
    MajorDecisionRule,
    Power,
    RecordingRequirement,
    Remedy,
    ServiceGuide,
    VersionStatus,
)


@admin.register(CatalogVersion)
class CatalogVersionAdmin(admin.ModelAdmin):
    list_display = [
        "agency",
        "kind",
        "number",
        "status",
        "effective_from",
        "effective_to",
        "published_by",
    ]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in CatalogVersion._meta.fields]

    def get_queryset(self, request):
        return services.visible_versions(request.user)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False  # drafts come from import / "new draft" (services)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ItemAdmin(admin.ModelAdmin):
    list_filter = ["version__status"]
    raw_id_fields = ["version"]
    exclude = ["agency"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(version__in=services.visible_versions(request.user))
            .select_related("version", "agency")
        )

    # Permissions follow the platform roles (not Django model permissions): staff users
    # (heads, supervisors, admins) see their scope; editors change items of drafts only.
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def _may_edit_some(self, request):
        user = request.user
        if user.is_superuser and user.agency_id is None:
            return True
        return bool(user.agency_id) and services.can_edit(user, user.agency)

    def _editable(self, request, obj):
        if not self.has_module_permission(request):
            return False
        if obj is None:
            return self._may_edit_some(request)
        version = obj.version if hasattr(obj, "version") else obj.benchmark.version
        return version.status == VersionStatus.DRAFT and services.can_edit(
            request.user, version.agency
        )

    def has_add_permission(self, request):
        return self._editable(request, None)

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "version":
            kwargs["queryset"] = services.visible_versions(request.user).filter(
                status=VersionStatus.DRAFT
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        services.require_edit(request.user, obj.version.agency)
        services.require_draft(obj.version)
        obj.agency_id = obj.version.agency_id
        super().save_model(request, obj, form, change)

    def _require_deletable(self, request, obj):
        version = obj.version if hasattr(obj, "version") else obj.benchmark.version
        services.require_edit(request.user, version.agency)
        services.require_draft(version)

    def delete_model(self, request, obj):
        self._require_deletable(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self._require_deletable(request, obj)
        super().delete_queryset(request, queryset)


@admin.register(Power)
class PowerAdmin(ItemAdmin):
    list_display = ["code", "name", "act_type", "field", "agency", "version"]
    search_fields = ["code", "name", "legal_basis"]
    list_filter = ["act_type", "field", "version__status"]


class TierInline(admin.TabularInline):
    model = DiscretionTier
    extra = 0

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_change_permission(self, request, obj=None):
        return obj is None or (
            obj.version.status == VersionStatus.DRAFT
            and services.can_edit(request.user, obj.agency)
        )

    def has_add_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)


@admin.register(DiscretionBenchmark)
class DiscretionBenchmarkAdmin(ItemAdmin):
    list_display = ["code", "violation", "law_title", "agency", "version"]
    search_fields = ["code", "violation", "legal_basis"]
    inlines = [TierInline]


@admin.register(MajorDecisionRule)
class MajorDecisionRuleAdmin(ItemAdmin):
    list_display = ["code", "__str__", "act_type", "condition", "agency", "version"]
    list_filter = ["condition", "act_type", "version__status"]


@admin.register(RecordingRequirement)
class RecordingRequirementAdmin(ItemAdmin):
    list_display = ["code", "case_act_type", "activity", "agency", "version"]


@admin.register(InspectionItem)
class InspectionItemAdmin(ItemAdmin):
    list_display = ["code", "name", "ratio", "frequency", "agency", "version"]


@admin.register(ServiceGuide)
class ServiceGuideAdmin(ItemAdmin):
    list_display = ["code", "title", "act_type", "agency", "version"]


@admin.register(Remedy)
class RemedyAdmin(ItemAdmin):
    list_display = ["code", "kind", "body", "time_limit", "time_unit", "agency", "version"]


@admin.register(Contact)
class ContactAdmin(ItemAdmin):
    list_display = ["code", "name", "phone", "agency", "version"]
