"""Ledger tables. Leaves, node hashes and signed tree heads are append-only (database
triggers refuse UPDATE and DELETE, see migrations/0002 and ``append_only.py``);
``TreeState`` is the single mutable row that serialises appends and caches the
frontier (it is a cache: ``ledger verify`` recomputes everything from the leaves).
"""

import base64
from datetime import UTC, datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from .events import EventType


class Leaf(models.Model):
    index = models.BigIntegerField(_("序号"), primary_key=True)
    # No ``choices`` here (new EventType members must not need a migration); services
    # only accept EventType values.
    event_type = models.CharField(_("事件类型"), max_length=64)
    subject = models.CharField(_("对象"), max_length=200, db_index=True)
    actor_id = models.BigIntegerField(_("操作人ID"), null=True, blank=True)
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("记录时间"))
    content = models.TextField(_("叶子内容（规范JSON）"))
    leaf_hash = models.BinaryField(_("叶子哈希"), max_length=32)

    class Meta:
        verbose_name = _("账本叶子")
        verbose_name_plural = _("账本叶子")
        ordering = ["index"]

    def __str__(self):
        return f"#{self.index} {self.event_type} {self.subject}"

    @property
    def event_type_label(self):
        try:
            return EventType(self.event_type).label
        except ValueError:
            return self.event_type

    @property
    def payload(self):
        import json

        return json.loads(self.content)["payload"]

    @property
    def leaf_hash_hex(self):
        return bytes(self.leaf_hash).hex()


class NodeHash(models.Model):
    """Hash of a complete perfect subtree: leaves ``index * 2**level`` to
    ``(index + 1) * 2**level - 1`` (level >= 1; level 0 is ``Leaf.leaf_hash``)."""

    level = models.PositiveSmallIntegerField(_("层"))
    index = models.BigIntegerField(_("位置"))
    hash = models.BinaryField(_("哈希"), max_length=32)

    class Meta:
        verbose_name = _("子树哈希")
        verbose_name_plural = _("子树哈希")
        constraints = [
            models.UniqueConstraint(fields=["level", "index"], name="ledger_node_level_index")
        ]

    def __str__(self):
        return f"({self.level}, {self.index})"


class TreeState(models.Model):
    """Single row (id=1) locked by every append: tree size and frontier hashes."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    size = models.BigIntegerField(_("树大小"), default=0)
    frontier = models.BinaryField(_("右边界哈希"), default=b"")

    class Meta:
        verbose_name = _("账本状态")
        verbose_name_plural = _("账本状态")

    def __str__(self):
        return f"size={self.size}"


class LogParameters(models.Model):
    """Single row (id=1), written with the log's first leaf and never changed (append-only
    by trigger): the hash algorithm of the log's leaf and node hashes (issue #16 item 7).
    ``sha256`` for every log created before this existed (migration 0003); a new log takes
    ``settings.SANXIANG_LEDGER_HASH`` (``sha256`` by default, or ``sm3``)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    hash_algorithm = models.CharField(_("哈希算法"), max_length=16)
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("账本参数")
        verbose_name_plural = _("账本参数")

    def __str__(self):
        return f"hash={self.hash_algorithm}"


class SignedTreeHead(models.Model):
    """(tree size, root, timestamp) signed with the ledger's Ed25519 key.

    The signed message is RFC 6962 §3.5 ``TreeHeadSignature``: version 0, signature
    type 1, timestamp (uint64 ms since the epoch), tree size (uint64), root (32 bytes);
    for a log whose hash is not SHA-256 it is prefixed with ``sanxiang-sth/<alg>\\n``
    (``verify_bundle.tree_head_message``), so a head names its algorithm under the signature.
    """

    tree_size = models.BigIntegerField(_("树大小"), db_index=True)
    root_hash = models.BinaryField(_("根哈希"), max_length=32)
    timestamp_ms = models.BigIntegerField(_("时间戳（毫秒）"))
    key_id = models.CharField(_("公钥指纹"), max_length=64)
    signature = models.BinaryField(_("签名"), max_length=64)
    # The log's hash algorithm, bound by the signature (``verify_bundle.tree_head_message``).
    hash_algorithm = models.CharField(_("哈希算法"), max_length=16, default="sha256")

    class Meta:
        verbose_name = _("签名树头")
        verbose_name_plural = _("签名树头")
        ordering = ["-tree_size", "-timestamp_ms"]

    def __str__(self):
        return f"STH size={self.tree_size}"

    @property
    def timestamp(self):
        return datetime.fromtimestamp(self.timestamp_ms / 1000, tz=UTC)

    def as_dict(self):
        return {
            "tree_size": self.tree_size,
            "root_hash": base64.b64encode(bytes(self.root_hash)).decode(),
            "timestamp": self.timestamp_ms,
            "timestamp_iso": self.timestamp.isoformat().replace("+00:00", "Z"),
            "key_id": self.key_id,
            "signature": base64.b64encode(bytes(self.signature)).decode(),
            "hash_algorithm": self.hash_algorithm,
        }
