"""The one place that decides which records a user may see.

* an enforcement-agency user sees its own agency;
* a supervisor (or anyone whose agency is a supervisor agency) sees its agency's subtree;
* a superuser/administrator without an agency sees everything.

Every list/detail query in views, API and admin goes through ``scope()``.
"""

from django.db.models import Q

from .models import Agency, AgencyKind, Role


def visible_agencies(user):
    """Agencies whose records ``user`` may see."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Agency.objects.none()
    if user.is_superuser and user.agency_id is None:
        return Agency.objects.all()
    if user.agency_id is None:
        return Agency.objects.none()
    agency = user.agency
    if user.role == Role.SUPERVISOR or agency.kind == AgencyKind.SUPERVISOR:
        return Agency.objects.subtree_of(agency)
    return Agency.objects.filter(pk=agency.pk)


def visible_agency_ids(user):
    return list(visible_agencies(user).values_list("pk", flat=True))


def scope(queryset, user, agency_field="agency"):
    """Restrict ``queryset`` to the records of the agencies ``user`` may see."""
    if user is not None and user.is_authenticated and user.is_superuser and user.agency_id is None:
        return queryset
    ids = visible_agency_ids(user)
    return queryset.filter(Q(**{f"{agency_field}__in": ids}))


def can_see_agency(user, agency_id):
    return agency_id in set(visible_agency_ids(user))
