"""Read-only admin for the ledger tables (no add, change or delete)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Leaf, NodeHash, SignedTreeHead, TreeState


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}


@admin.register(Leaf)
class LeafAdmin(ReadOnlyAdmin):
    list_display = ["index", "event_type_display", "subject", "actor_name", "created_at"]
    list_filter = ["event_type"]
    search_fields = ["subject"]
    fields = [
        "index",
        "event_type",
        "subject",
        "actor_id",
        "actor_name",
        "created_at",
        "content",
        "hash_hex",
    ]
    readonly_fields = fields
    show_full_result_count = False

    @admin.display(description=_("事件类型"))
    def event_type_display(self, obj):
        return obj.event_type_label

    @admin.display(description=_("叶子哈希"))
    def hash_hex(self, obj):
        return obj.leaf_hash_hex


@admin.register(SignedTreeHead)
class SignedTreeHeadAdmin(ReadOnlyAdmin):
    list_display = ["tree_size", "timestamp", "key_id"]
    fields = ["tree_size", "root_hex", "timestamp", "key_id", "signature_b64"]
    readonly_fields = fields

    @admin.display(description=_("根哈希"))
    def root_hex(self, obj):
        return bytes(obj.root_hash).hex()

    @admin.display(description=_("签名"))
    def signature_b64(self, obj):
        return obj.as_dict()["signature"]


@admin.register(NodeHash)
class NodeHashAdmin(ReadOnlyAdmin):
    list_display = ["level", "index", "hash_hex"]
    list_filter = ["level"]
    fields = ["level", "index", "hash_hex"]
    readonly_fields = fields
    show_full_result_count = False

    @admin.display(description=_("哈希"))
    def hash_hex(self, obj):
        return bytes(obj.hash).hex()


@admin.register(TreeState)
class TreeStateAdmin(ReadOnlyAdmin):
    list_display = ["id", "size"]
    fields = ["id", "size"]
    readonly_fields = fields
