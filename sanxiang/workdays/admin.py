"""Django admin for the holiday table. Every write goes through ``services`` (so it is
checked and written to the ledger); only system administrators may use these pages. The
holiday table is national (not agency data), so there is no agency scope."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from sanxiang.core.errors import DomainError

from . import services
from .models import HolidayOverride, HolidayYear
from .views import is_admin


class _AdminOnly:
    def has_module_permission(self, request):
        return is_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_admin(request.user)


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(_AdminOnly, admin.ModelAdmin):
    list_display = ("date", "kind", "name", "entered_by_name", "created_at")
    list_filter = ("kind",)
    search_fields = ("name",)
    date_hierarchy = "date"
    fields = ("date", "kind", "name")
    actions = ["delete_through_service"]

    def has_add_permission(self, request):
        return is_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return is_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_admin(request.user)

    def get_readonly_fields(self, request, obj=None):
        return ("date",) if obj is not None else ()

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        try:
            services.set_override(request.user, obj.date, obj.kind, obj.name)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)

    def delete_model(self, request, obj):
        services.remove_override(request.user, obj.date)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.remove_override(request.user, obj.date)

    @admin.action(description=_("删除所选调整（记入台账）"))
    def delete_through_service(self, request, queryset):
        count = 0
        for obj in queryset:
            services.remove_override(request.user, obj.date)
            count += 1
        self.message_user(request, _("已删除%(n)s条调整。") % {"n": count})


@admin.register(HolidayYear)
class HolidayYearAdmin(_AdminOnly, admin.ModelAdmin):
    list_display = ("year", "complete", "notice", "source", "entered_by_name", "completed_at")
    list_filter = ("complete",)
    readonly_fields = (
        "year",
        "notice",
        "source",
        "complete",
        "entered_by",
        "entered_by_name",
        "completed_at",
        "created_at",
        "updated_at",
    )
    actions = ["mark_complete"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("标记为已完整录入"))
    def mark_complete(self, request, queryset):
        for row in queryset:
            try:
                services.mark_year_complete(request.user, row.year, row.notice, row.source)
            except DomainError as exc:
                self.message_user(request, f"{row.year}：{exc.message}", messages.ERROR)
            else:
                self.message_user(request, _("%(y)s年已标记为完整录入。") % {"y": row.year})
