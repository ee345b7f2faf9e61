"""Admin (Chinese). Cases change only through the services (workbench / API): here they
are read-only; an agency's head or an administrator edits the agency's CasePolicy, through
``services.case_policy.save_policy`` (checked and ledgered)."""

from django.contrib import admin

from sanxiang.org.admin import ScopedReadOnlyAdmin, ServiceRoutedMixin
from sanxiang.org.scoping import scope

from .models import Case, CaseEvent, CaseHandler, CasePolicy, CollectiveDiscussion, Party
from .services import case_policy as policy_services


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
class CasePolicyAdmin(ServiceRoutedMixin, admin.ModelAdmin):
    """Edited through ``services.case_policy.save_policy`` (checked and ledgered)."""

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

    def get_readonly_fields(self, request, obj=None):
        return ["agency"] if obj is not None else []

    def has_add_permission(self, request):
        return policy_services.may_edit(request.user)

    def has_change_permission(self, request, obj=None):
        return policy_services.may_edit(request.user, obj.agency_id if obj else None)

    def has_delete_permission(self, request, obj=None):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "agency" and not (
            request.user.is_superuser and request.user.agency_id is None
        ):
            from sanxiang.org.models import Agency

            kwargs["queryset"] = Agency.objects.filter(pk=request.user.agency_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        values = {
            name: form.cleaned_data[name]
            for name in (form.changed_data if change else form.cleaned_data)
            if name in policy_services.EDITABLE
        }
        agency = obj.agency
        policy = policy_services.save_policy(agency, actor=request.user, values=values)
        obj.pk = policy.pk
