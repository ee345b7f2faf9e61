"""Admin (Chinese). Cases change only through the services (workbench / API): here they
are read-only; an agency's head or an administrator edits the agency's CasePolicy."""

from django.contrib import admin

from sanxiang.org.admin import ScopedReadOnlyAdmin
from sanxiang.org.models import Role
from sanxiang.org.scoping import scope

from .models import Case, CaseEvent, CaseHandler, CasePolicy, CollectiveDiscussion, Party


class PartyInline(admin.TabularInline):
    model = Party
    extra = 0
    can_delete = False
    fields = ["party_type", "name", "id_number", "usci", "legal_representative", "address"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class HandlerInline(admin.TabularInline):
    model = CaseHandler
    extra = 0
    can_delete = False
    fields = ["officer", "role", "added_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ScopedReadOnlyAdmin):
    list_display = ["id", "number", "title", "agency", "act_type", "stage", "opened_at", "deadline"]
    list_filter = ["stage", "act_type"]
    search_fields = ["number"]
    list_select_related = ["agency"]
    show_full_result_count = False  # no COUNT(*) over millions of cases
    readonly_fields = [f.name for f in Case._meta.fields]
    inlines = [PartyInline, HandlerInline]


@admin.register(CaseEvent)
class CaseEventAdmin(ScopedReadOnlyAdmin):
    agency_field = "case__agency"
    list_display = ["id", "case", "kind", "stage", "at", "actor_name", "ledger_index"]
    list_filter = ["kind"]
    list_select_related = ["case"]
    show_full_result_count = False
    readonly_fields = [f.name for f in CaseEvent._meta.fields]


@admin.register(CollectiveDiscussion)
class CollectiveDiscussionAdmin(ScopedReadOnlyAdmin):
    agency_field = "case__agency"
    list_display = ["id", "case", "held_at", "chair"]
    readonly_fields = [f.name for f in CollectiveDiscussion._meta.fields]


@admin.register(CasePolicy)
class CasePolicyAdmin(admin.ModelAdmin):
    list_display = [
        "agency",
        "number_prefix",
        "statement_window_workdays",
        "hearing_fine_person",
        "hearing_fine_org",
        "decision_days",
    ]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser and request.user.agency_id is None:
            return qs
        return scope(qs, request.user)

    def _may_edit(self, request, obj=None):
        user = request.user
        if user.is_superuser and user.agency_id is None:
            return True
        if user.role not in (Role.HEAD, Role.ADMIN):
            return False
        return obj is None or obj.agency_id == user.agency_id

    def has_add_permission(self, request):
        return self._may_edit(request)

    def has_change_permission(self, request, obj=None):
        return self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "agency" and not (
            request.user.is_superuser and request.user.agency_id is None
        ):
            from sanxiang.org.models import Agency

            kwargs["queryset"] = Agency.objects.filter(pk=request.user.agency_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
