"""The witness (见证方): cosigns a log's checkpoint only if it extends what it cosigned before.

    add_checkpoint(body: str) -> str          # tlog-witness add-checkpoint; cosignature line(s)
    register_log(origin, key_name, public_raw) -> WitnessedLog

Its own Ed25519 key: ``settings.SANXIANG_WITNESS_KEY_FILE`` (default
``KEYS_DIR/witness_ed25519.pem``, created on first use, 0600) and its own name
``settings.SANXIANG_WITNESS_NAME``. Its storage is the ``WitnessedLog``/``Cosignature``/
``WitnessAlert`` tables (in the embedded default they share the platform's database; a
司法局 deployment runs the same code on its own server and database, see docs/witness.md).

Every refusal raises ``WitnessRefusal`` (a ``DomainError`` with the HTTP ``status`` of
tlog-witness: 400 malformed, 403 no valid log signature, 404 unknown origin, 409 old size
or root conflict — ``witness_size`` says what the witness holds — 422 bad consistency
proof) after writing a ``WitnessAlert`` row (except for a plain stale-size 409 and a
malformed body) and, the first time per (origin, kind, witnessed size), a
``witness.alert`` ledger leaf in this deployment's ledger.
"""

from __future__ import annotations

import logging
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.core.keyfiles import create_file_once

from . import note as N
from .models import Cosignature, WitnessAlert, WitnessedLog

_log = logging.getLogger("sanxiang.witness")
_cache: dict[str, Ed25519PrivateKey] = {}
Kind = WitnessAlert.Kind


class WitnessRefusal(DomainError):
    def __init__(self, message, status, kind=None, witness_size=None):
        code = {
            403: ErrorCode.PERMISSION_DENIED,
            404: ErrorCode.NOT_FOUND,
            409: ErrorCode.CONFLICT,
        }.get(status, ErrorCode.BAD_FORMAT)
        super().__init__(message, code=code)
        self.status = status
        self.kind = kind
        self.witness_size = witness_size


# ------------------------------------------------------------------------------ key


def witness_name() -> str:
    return getattr(settings, "SANXIANG_WITNESS_NAME", "sanxiang.local/witness")


def key_path() -> Path:
    configured = getattr(settings, "SANXIANG_WITNESS_KEY_FILE", None)
    return Path(configured) if configured else Path(settings.KEYS_DIR) / "witness_ed25519.pem"


def private_key() -> Ed25519PrivateKey:
    path = key_path()
    if str(path) in _cache:
        return _cache[str(path)]
    if not path.exists():
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        create_file_once(path, pem)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    _cache[str(path)] = key
    return key


def public_raw() -> bytes:
    return (
        private_key()
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


def verifier_key() -> str:
    """The witness's public key as a signed-note verifier key string
    (``<name>+<hex key id>+<base64(0x04 || key)>``, the vkey form of signed-note)."""
    raw = public_raw()
    kid = N.key_id(witness_name(), N.SIG_COSIGNATURE, raw).hex()
    return f"{witness_name()}+{kid}+{N.b64(bytes([N.SIG_COSIGNATURE]) + raw)}"


# ------------------------------------------------------------------------------ logs


def register_log(
    origin: str, key_name: str, public_key_raw: bytes, hash_algorithm: str = "sha256"
) -> WitnessedLog:
    """Trust a log (idempotent). A different key or hash algorithm for a known origin is
    refused: a key change is an operator decision, not something a submitter can do."""
    from sanxiang.ledger.merkle import HASHERS

    if hash_algorithm not in HASHERS:
        raise DomainError(_("不支持的哈希算法。"), code=ErrorCode.BAD_CHOICE)
    N.check_name(key_name)
    if not origin or len(bytes(public_key_raw)) != 32:
        raise DomainError(_("日志来源标识或公钥无效。"), code=ErrorCode.BAD_CHOICE)
    log, created = WitnessedLog.objects.get_or_create(
        origin=origin,
        defaults={
            "key_name": key_name,
            "public_key": bytes(public_key_raw),
            "created_at": clock.now(),
            "root_hash": b"",
            "hash_algorithm": hash_algorithm,
        },
    )
    if not created and log.hash_algorithm != hash_algorithm:
        raise DomainError(
            _("该账本已按 %(alg)s 哈希登记，不得改用另一种哈希算法。")
            % {"alg": log.hash_algorithm},
            code=ErrorCode.CONFLICT,
        )
    if not created and (log.key_name != key_name or bytes(log.public_key) != bytes(public_key_raw)):
        raise DomainError(
            _("该账本已用另一把公钥登记；更换公钥须由见证方管理员处理。"), code=ErrorCode.CONFLICT
        )
    return log


# ------------------------------------------------------------------------------ alerts


def _alert(kind, detail, *, log=None, origin="", old_size=None, tree_size=None, body=""):
    witness_size = log.tree_size if log is not None else None
    first = not WitnessAlert.objects.filter(
        origin=origin, kind=kind, witness_size=witness_size
    ).exists()
    alert = WitnessAlert.objects.create(
        log=log,
        origin=origin[:200],
        kind=kind,
        old_size=old_size,
        tree_size=tree_size,
        witness_size=witness_size,
        detail=str(detail),
        request_body=body[:20000],
        created_at=clock.now(),
    )
    _log.error("witness refused a checkpoint of %r: %s (%s)", origin, kind, detail)
    if first and getattr(settings, "SANXIANG_WITNESS_LEDGER_ALERTS", True):
        from sanxiang.ledger.events import EventType
        from sanxiang.ledger.services import append

        append(
            EventType.WITNESS_ALERT,
            f"witness-alert:{alert.pk}",
            {
                "origin": origin,
                "kind": kind,
                "old_size": old_size,
                "tree_size": tree_size,
                "witness_size": witness_size,
                "detail": str(detail),
                "witness": witness_name(),
            },
        )
        _notify(alert)
    return alert


def _notify(alert):
    """The 司法局 (supervising agencies: supervisors, heads, administrators) learns of the
    first alert of each kind and witnessed size."""
    from sanxiang.notifications.services import notify
    from sanxiang.org.models import AgencyKind, Role, User

    users = User.objects.filter(
        agency__kind=AgencyKind.SUPERVISOR,
        role__in=[Role.SUPERVISOR, Role.HEAD, Role.ADMIN],
        is_active=True,
    )
    notify(
        users,
        _("账本完整性告警：%(kind)s") % {"kind": alert.get_kind_display()},
        _("见证方拒绝了账本 %(origin)s 的检查点：%(detail)s 请立即核查该账本，并保留告警记录。")
        % {"origin": alert.origin, "detail": alert.detail},
        "/gs/ledger/",
    )


# ------------------------------------------------------------------------------ add-checkpoint


def add_checkpoint(body: str) -> str:
    """Process one tlog-witness ``add-checkpoint`` body; return the cosignature line(s)."""
    try:
        request = N.parse_add_checkpoint(body)
        signed = N.parse_note(request.note_data)
        cp = N.parse_checkpoint_text(signed.text)
    except N.NoteError as exc:
        raise WitnessRefusal(_("请求格式错误：%(e)s") % {"e": exc}, 400, Kind.BAD_REQUEST)
    refusal = None
    with transaction.atomic():
        log = WitnessedLog.objects.select_for_update().filter(origin=cp.origin).first()
        refusal = _check(log, request, signed, cp, body)
        if refusal is None:
            return _cosign(log, signed, cp)
    raise refusal


def _check(log, request, signed, cp, body):
    def refuse(kind, message, status, alert=True):
        if alert:
            _alert(
                kind,
                message,
                log=log,
                origin=cp.origin,
                old_size=request.old_size,
                tree_size=cp.size,
                body=body,
            )
        return WitnessRefusal(
            message, status, kind, witness_size=log.tree_size if log is not None else None
        )

    if log is None:
        return refuse(Kind.UNKNOWN_ORIGIN, _("见证方未登记该账本（来源标识未知）。"), 404)
    try:
        valid = N.verify_note_ed25519(signed, log.key_name, bytes(log.public_key))
    except N.NoteError:
        valid = False
    if not valid:
        return refuse(Kind.BAD_SIGNATURE, _("检查点没有该账本公钥的有效签名。"), 403)
    if request.old_size > cp.size:
        return refuse(Kind.BAD_REQUEST, _("旧树大小大于检查点的树大小。"), 400, alert=False)
    if cp.size < log.tree_size:
        return refuse(
            Kind.ROLLBACK,
            _("账本回滚：检查点树大小 %(size)s 小于已见证的 %(held)s。")
            % {"size": cp.size, "held": log.tree_size},
            409,
        )
    if request.old_size != log.tree_size:
        return refuse(
            Kind.CONFLICT,
            _("旧树大小 %(old)s 与已见证的 %(held)s 不符。")
            % {"old": request.old_size, "held": log.tree_size},
            409,
            alert=False,
        )
    if cp.size == log.tree_size and log.tree_size > 0:
        if cp.root != bytes(log.root_hash) or request.proof:
            return refuse(
                Kind.FORK,
                _("账本分叉：同一树大小 %(size)s 出现不同的根哈希。") % {"size": cp.size},
                409,
            )
        return None
    if not N.verify_consistency(
        request.old_size, cp.size, bytes(log.root_hash), cp.root, request.proof, log.hash_algorithm
    ):
        return refuse(
            Kind.BAD_PROOF,
            _(
                "一致性证明无效：树大小 %(new)s 不是已见证的 %(old)s 的延续（账本可能被改写或分叉）。"
            )
            % {"new": cp.size, "old": request.old_size},
            422,
        )
    return None


def _cosign(log, signed, cp) -> str:
    now = clock.now()
    timestamp = int(now.timestamp())
    signature = N.cosign(signed.text, witness_name(), private_key(), timestamp)
    line = signature.line()
    Cosignature.objects.create(
        log=log,
        tree_size=cp.size,
        root_hash=cp.root,
        timestamp=timestamp,
        checkpoint=N.Note(signed.text, signed.signatures).serialise(),
        signature_line=line,
        created_at=now,
    )
    log.tree_size, log.root_hash, log.updated_at = cp.size, cp.root, now
    log.save(update_fields=["tree_size", "root_hash", "updated_at"])
    return line
