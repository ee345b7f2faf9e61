"""Admin of the numbering counters (django-sequences): read-only.

django-sequences registers a writable admin for its counters; setting a counter back would
hand out a 案件编号 or 文号 twice, so it is replaced by a read-only page
(``core.numbering``; ``tests/org/test_admin_registry.py`` checks every admin page).
"""

from django.contrib import admin
from sequences.models import Sequence

if admin.site.is_registered(Sequence):
    admin.site.unregister(Sequence)


@admin.register(Sequence)
class SequenceAdmin(admin.ModelAdmin):
    list_display = ["name", "last"]
    ordering = ["name"]
    search_fields = ["name"]
    readonly_fields = ["name", "last"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
