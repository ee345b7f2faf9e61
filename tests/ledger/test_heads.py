"""Signed tree heads: key on first use, RFC 6962 message, periodic and Celery signing."""

import base64
import io
import os
import stat

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sanxiang.ledger import heads, periodic, services, tasks
from sanxiang.ledger.events import EventType
from sanxiang.ledger.models import SignedTreeHead
from sanxiang.ledger.verify_bundle import tree_head_message

pytestmark = pytest.mark.django_db


def test_key_created_on_first_use(settings, tmp_path):
    settings.KEYS_DIR = tmp_path / "keys"
    heads._cache.clear()
    raw = heads.public_key_raw_b64()
    path = tmp_path / "keys" / heads.KEY_FILE
    assert path.exists() and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert heads.public_key_raw_b64() == raw  # stable
    assert len(base64.b64decode(raw)) == 32
    assert heads.public_key_pem().startswith("-----BEGIN PUBLIC KEY-----")


def test_signed_head_verifies_and_binds_fields():
    services.append_many([(EventType.OTHER, "x", {"i": i}) for i in range(5)])
    head = services.sign_tree_head()
    assert head.tree_size == services.tree_size()
    assert bytes(head.root_hash) == services.root_at(head.tree_size)
    assert heads.verify_head(head)
    message = tree_head_message(head.tree_size, bytes(head.root_hash), head.timestamp_ms)
    assert len(message) == 50 and message[:2] == b"\x00\x01"
    heads.public_key().verify(bytes(head.signature), message)
    forged = SignedTreeHead(
        tree_size=head.tree_size + 1,
        root_hash=head.root_hash,
        timestamp_ms=head.timestamp_ms,
        key_id=head.key_id,
        signature=head.signature,
    )
    assert not heads.verify_head(forged)
    other_key = Ed25519PrivateKey.generate().public_key()
    assert not heads.verify_head(head, other_key)


def test_head_for_past_size():
    services.append_many([(EventType.OTHER, "x", {"i": i}) for i in range(9)])
    n = services.tree_size()
    head = services.sign_tree_head(n - 4)
    assert head.tree_size == n - 4 and bytes(head.root_hash) == services.root_at(n - 4)


def test_periodic_signs_only_when_grown():
    out = io.StringIO()
    periodic.run(out)  # empty tree (or whatever exists): at most one head
    count = SignedTreeHead.objects.count()
    periodic.run(out)
    assert SignedTreeHead.objects.count() == count
    services.append(EventType.OTHER, "x", {})
    periodic.run(out)
    assert SignedTreeHead.objects.count() == count + 1
    assert services.latest_head().tree_size == services.tree_size()
    assert "signed tree head" in out.getvalue()


def test_celery_task_eager():
    services.append(EventType.OTHER, "x", {})
    result = tasks.sign_tree_head.delay().get()
    assert result["tree_size"] == services.tree_size()
    assert tasks.sign_tree_head.delay().get() is None
    assert tasks.sign_tree_head.delay(force=True).get()["tree_size"] == services.tree_size()
