"""Ed25519 key of the ledger and signed tree heads.

The key pair is created on first use as ``settings.KEYS_DIR / "ledger_ed25519.pem"``
(PKCS#8 PEM, mode 0600; ``var/keys`` is outside git). Creation is atomic across
processes (write a temporary file, then ``link`` it into place; the loser of a race
reads the winner's key).

Signed message: RFC 6962 §3.5 ``TreeHeadSignature`` = version (1 byte, 0) ||
signature_type (1 byte, 1 = tree_hash) || timestamp (uint64 big endian, ms since the
epoch) || tree_size (uint64 big endian) || root_hash (32 bytes); 50 bytes in total. A log
hashed with SM3 prefixes ``sanxiang-sth/sm3\\n`` (the head's ``hash_algorithm``, #16.7).
"""

from __future__ import annotations

import base64
import hashlib
import logging
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

from sanxiang.core import clock
from sanxiang.core.keyfiles import create_file_once

from .models import SignedTreeHead
from .verify_bundle import tree_head_message

KEY_FILE = "ledger_ed25519.pem"
_cache: dict[str, Ed25519PrivateKey] = {}

__all__ = [
    "key_id",
    "private_key",
    "public_key",
    "public_key_pem",
    "public_key_raw_b64",
    "schedule_signing",
    "sign_head",
    "tree_head_message",
    "verify_head",
]


def key_path() -> Path:
    return Path(settings.KEYS_DIR) / KEY_FILE


def _create_key(path: Path) -> None:
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    create_file_once(path, pem)


def private_key() -> Ed25519PrivateKey:
    path = key_path()
    cached = _cache.get(str(path))
    if cached is not None:
        return cached
    if not path.exists():
        _create_key(path)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    _cache[str(path)] = key
    return key


def public_key() -> Ed25519PublicKey:
    return private_key().public_key()


def public_key_raw() -> bytes:
    return public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_raw_b64() -> str:
    return base64.b64encode(public_key_raw()).decode()


def public_key_pem() -> str:
    return (
        public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def key_id(raw: bytes | None = None) -> str:
    """SHA-256 (hex) of the raw 32-byte public key."""
    return hashlib.sha256(public_key_raw() if raw is None else raw).hexdigest()


def sign_head(tree_size: int, root: bytes) -> SignedTreeHead:
    from .algorithm import create_if_missing

    alg = create_if_missing().name  # the log's; fixed by its first leaf or head (#16.7)
    timestamp_ms = int(clock.now().timestamp() * 1000)
    signature = private_key().sign(tree_head_message(tree_size, root, timestamp_ms, alg))
    return SignedTreeHead.objects.create(
        tree_size=tree_size,
        root_hash=root,
        timestamp_ms=timestamp_ms,
        key_id=key_id(),
        signature=signature,
        hash_algorithm=alg,
    )


def _submit_to_witness() -> None:
    """Submit the head just committed to the witness(es) (issue #16, the witness app's
    ``client.submit_latest``; records its own failures, never fails the caller). Heads
    signed on demand or by the periodic job are submitted by ``witness.periodic``."""
    try:
        from sanxiang.witness.client import submit_on_commit

        submit_on_commit()
    except Exception:
        _log.exception("witness submission failed; the periodic job retries")


def verify_head(head: SignedTreeHead, key: Ed25519PublicKey | None = None) -> bool:
    key = key or public_key()
    try:
        message = tree_head_message(
            head.tree_size, bytes(head.root_hash), head.timestamp_ms, head.hash_algorithm
        )
    except ValueError:  # unknown algorithm or a root of the wrong size
        return False
    try:
        key.verify(bytes(head.signature), message)
    except InvalidSignature:
        return False
    return True


# --- a head for every committed append batch (issue #11 item 9) -------------------------
#
# Heads used to be signed every 300 s, so a DBA could delete the leaves written since the
# last head, rebuild the tree state and leave ``ledger verify`` nothing to compare with.
# Now the transaction that appends leaves registers one ``on_commit`` callback (however
# many leaves it appends) that signs a head for the committed tree in its own
# transaction. Cost per batch: one root (O(log n) stored hashes, one query), one Ed25519
# signature (~0.1 ms) and one INSERT. Turned off with ``LEDGER_SIGN_ON_COMMIT = False``
# (the periodic job then signs, as before).

_log = logging.getLogger("sanxiang.ledger.heads")


def _sign_committed():
    from django.db import transaction

    from .services import latest_head, sign_tree_head, tree_size

    try:
        with transaction.atomic():
            size = tree_size()
            latest = latest_head()
            if size == 0 or (latest is not None and latest.tree_size >= size):
                return None  # another process's callback signed this size already
            head = sign_tree_head(size)
    except Exception:  # never fail the request whose data is already committed
        _log.exception("could not sign a tree head after commit; the periodic job will")
        return None
    _submit_to_witness()  # the head is committed now (issue #16)
    return head


def schedule_signing(using=None) -> None:
    """Called by ``services.append_many``: sign a head once the caller's transaction has
    committed (one callback per transaction, however many appends it makes)."""
    from django.db import connections, transaction
    from django.db.utils import DEFAULT_DB_ALIAS

    if not getattr(settings, "LEDGER_SIGN_ON_COMMIT", True):
        return
    connection = connections[using or DEFAULT_DB_ALIAS]
    if any(entry[1] is _sign_committed for entry in connection.run_on_commit):
        return
    transaction.on_commit(_sign_committed, using=using)
