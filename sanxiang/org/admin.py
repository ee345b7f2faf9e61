"""Django admin (zh-hans) for the organisation, scoped to what the user may see.

Every admin page here either is read-only or writes only through ``org.services`` (which
check the rule and the actor and append the ledger leaf in the same transaction):
agencies (``org.agency_created`` / ``org.agency_changed``), users (``org.user_created`` /
``org.user_changed``) and officers (``org.officer_created`` / ``org.officer_changed``).
Certificates change only through the workbench (status with a reason), so their admin page
is read-only. ``tests/org/test_admin_registry.py`` holds every registered admin to this.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from sanxiang.core.errors import DomainError

from . import services
from .models import Agency, Certificate, CertificateEvent, Officer, User
from .scoping import scope, visible_agencies


class ScopedAdmin(admin.ModelAdmin):
    """Base of every app's admin: rows limited to the agencies the user may see."""

    agency_field = "agency"

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user, self.agency_field)


class ReadOnlyMixin:
    """No add, change or delete (the change page is a view page; POST is refused)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ScopedReadOnlyAdmin(ReadOnlyMixin, ScopedAdmin):
    """For records that change only through services (they check rules and write the ledger)."""


class ServiceRoutedMixin:
    """Admin whose writes go through a service (``save_model`` / ``delete_model`` call it).

    A ``DomainError`` from the service rolls the whole request back (the admin's change
    view runs in one transaction) and returns to the form with the Chinese message.
    """

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # bulk delete would bypass delete_model
        return actions

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            with transaction.atomic():
                return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    @staticmethod
    def changed_values(form):
        return {name: form.cleaned_data[name] for name in form.changed_data}


@admin.register(Agency)
class AgencyAdmin(ServiceRoutedMixin, admin.ModelAdmin):
    list_display = ["name", "level", "kind", "usci", "region", "parent"]
    list_filter = ["level", "kind"]
    search_fields = ["name", "usci"]

    def get_queryset(self, request):
        return visible_agencies(request.user)

    def get_readonly_fields(self, request, obj=None):
        return ["path", "usci"] if obj is not None else ["path"]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            agency = services.update_agency(
                obj, actor=request.user, changes=self.changed_values(form)
            )
        else:
            data = {name: value for name, value in form.cleaned_data.items() if name != "path"}
            agency = services.create_agency(actor=request.user, **data)
        obj.pk = agency.pk
        obj.path = agency.path


@admin.register(User)
class UserAdmin(ServiceRoutedMixin, BaseUserAdmin):
    list_display = ["username", "full_name", "agency", "role", "is_active"]
    list_filter = ["role", "is_active"]
    # Rights come from the platform role, not from Django groups/permissions: those are
    # not on the form, and every other field is written by org.services (ledgered).
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("机关与角色"), {"fields": ("agency", "role", "full_name", "phone")}),
        (_("个人信息"), {"fields": ("first_name", "last_name", "email")}),
        (_("权限"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "usable_password",
                    "password1",
                    "password2",
                    "agency",
                    "role",
                    "full_name",
                ),
            },
        ),
    )
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = ()

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user, "agency")

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            user = services.update_user(obj, actor=request.user, changes=self.changed_values(form))
        else:
            data = form.cleaned_data
            usable = data.get("usable_password", "true") not in (False, "false")
            user = services.create_user(
                username=data["username"],
                password=data.get("password1") if usable else None,
                role=data["role"],
                agency=data.get("agency"),
                full_name=data.get("full_name", ""),
                actor=request.user,
            )
        obj.pk = user.pk

    def save_related(self, request, form, formsets, change):
        """No groups or permissions on the form; nothing else is related."""

    def user_change_password(self, request, id, form_url=""):
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                services.record_password_set(User.objects.get(pk=id), actor=request.user)
            return response


@admin.register(Officer)
class OfficerAdmin(ServiceRoutedMixin, ScopedAdmin):
    list_display = ["name", "agency", "position", "unit", "is_active"]
    search_fields = ["name"]
    list_filter = ["is_active"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            officer = services.update_officer(
                obj, actor=request.user, changes=self.changed_values(form)
            )
        else:
            data = dict(form.cleaned_data)
            officer = services.create_officer(
                agency=data.pop("agency"), name=data.pop("name"), actor=request.user, **data
            )
        obj.pk = officer.pk


class CertificateEventInline(admin.TabularInline):
    model = CertificateEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "from_status", "to_status", "reason", "actor_name", "at"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ["number", "officer", "agency", "region", "expires_on", "status"]
    list_filter = ["status"]
    search_fields = ["number", "officer__name"]
    inlines = [CertificateEventInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Certificate._meta.fields]
