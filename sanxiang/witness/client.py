"""The platform's side: its log as C2SP checkpoints, submitted to its witness(es).

    log_origin() -> str                      # settings.SANXIANG_LEDGER_ORIGIN
    checkpoint_note(size, root) -> str       # signed note, key name = origin, ledger key
    submit_latest() -> list[str]             # submit the latest signed head to every witness
    submit_on_commit()                       # called by ledger.heads after each batch's head
    latest_cosigned() -> str | None          # newest checkpoint with every cosignature held

Witnesses: ``settings.SANXIANG_WITNESSES`` = list of ``{"name", "public_key" (base64 raw
Ed25519), "url" (submission prefix, POST <url>/add-checkpoint)}``. Unset (``None``): the
embedded witness of this deployment (``witness.service``, in-process, which registers
this log on first use); ``[]`` turns witnessing off.

A submission never blocks or fails the commit that signed the head: it runs after the
commit, every failure is recorded in ``SubmissionStatus`` and logged, and the periodic
job (``witness.periodic``) submits the latest head again. Only the latest head is sent
(the consistency proof starts at whatever size the witness holds), under a row lock so
submissions from several processes reach the witness in increasing size.
"""

from __future__ import annotations

import logging
import urllib.error

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from sanxiang.core import clock, outbound

from . import note as N
from .models import CosignedCheckpoint, SubmissionStatus

_log = logging.getLogger("sanxiang.witness.client")


class SubmissionError(Exception):
    def __init__(self, message, status=None, witness_size=None):
        super().__init__(message)
        self.status = status
        self.witness_size = witness_size


def log_origin() -> str:
    return getattr(settings, "SANXIANG_LEDGER_ORIGIN", "sanxiang.local/ledger")


def checkpoint_note(size: int, root: bytes) -> str:
    from sanxiang.ledger import heads

    text = N.checkpoint_text(log_origin(), size, bytes(root))
    signature = N.sign_note_ed25519(text, log_origin(), heads.private_key())
    return N.Note(text, [signature]).serialise()


def witnesses() -> list[dict]:
    configured = getattr(settings, "SANXIANG_WITNESSES", None)
    if configured is not None:
        return [
            {"name": w["name"], "public_key": N.unb64(w["public_key"]), "url": w.get("url")}
            for w in configured
        ]
    from . import service

    return [{"name": service.witness_name(), "public_key": service.public_raw(), "url": None}]


# ------------------------------------------------------------------------------ transport


def _http_post(url: str, body: str) -> tuple[int, str]:
    timeout = getattr(settings, "SANXIANG_WITNESS_TIMEOUT", 5)
    request = outbound.post_request(
        url.rstrip("/") + "/add-checkpoint",
        body.encode(),
        {"Content-Type": "text/plain; charset=utf-8"},
    )
    try:
        with outbound.open_request(request, timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")


def _in_process(body: str) -> tuple[int, str]:
    from sanxiang.ledger import heads
    from sanxiang.ledger.algorithm import log_algorithm

    from . import service

    service.register_log(log_origin(), log_origin(), heads.public_key_raw(), log_algorithm())
    try:
        return 200, service.add_checkpoint(body)
    except service.WitnessRefusal as exc:
        if exc.status == 409 and exc.witness_size is not None:
            return 409, f"{exc.witness_size}\n"
        return exc.status, str(exc)


def _post(witness: dict, body: str) -> tuple[int, str]:
    if witness["url"]:
        return _http_post(witness["url"], body)
    return _in_process(body)


# ------------------------------------------------------------------------------ submit


def _submit_once(witness, old_size, size, root, note_data):
    from sanxiang.ledger import services

    proof = services.consistency_proof(old_size, size) if 0 < old_size < size else []
    status, text = _post(witness, N.build_add_checkpoint(old_size, proof, note_data))
    if status == 409:
        try:
            held = int(text.strip().splitlines()[0])
        except (ValueError, IndexError):
            held = None
        raise SubmissionError(
            _("HTTP 409：见证方已见证的树大小为 %(held)s，与提交的不一致（账本可能回滚或分叉）。")
            % {"held": held},
            409,
            held,
        )
    if status != 200:
        raise SubmissionError(f"HTTP {status}: {text.strip()[:500]}", status)
    return text


def _store(witness, size, root, note_data, lines) -> CosignedCheckpoint:
    signed = N.parse_note(note_data)
    cosigs = N.parse_signature_lines(lines)
    full = N.Note(signed.text, [*signed.signatures, *cosigs])
    if N.verify_cosignature(full, witness["name"], witness["public_key"]) is None:
        raise SubmissionError(_("见证方的答复中没有其公钥的有效见证签名。"))
    mine = [
        s
        for s in cosigs
        if s.name == witness["name"]
        and s.key_id == N.key_id(witness["name"], N.SIG_COSIGNATURE, witness["public_key"])
    ]
    return CosignedCheckpoint.objects.create(
        witness_name=witness["name"],
        tree_size=size,
        root_hash=bytes(root),
        note=N.Note(signed.text, [*signed.signatures, *mine]).serialise(),
        received_at=clock.now(),
    )


def submit_to(witness: dict) -> str:
    """Submit the latest signed head to one witness; returns a one-line Chinese summary,
    raises ``SubmissionError`` (already recorded in ``SubmissionStatus``)."""
    from sanxiang.ledger.services import latest_head

    with transaction.atomic():
        status, _created = SubmissionStatus.objects.select_for_update().get_or_create(
            witness_name=witness["name"]
        )
        head = latest_head()  # read under the lock: sizes reach the witness in order
        if head is None:
            return _("账本尚无签名树头。")
        size, root = head.tree_size, bytes(head.root_hash)
        if (
            status.last_size == size
            and CosignedCheckpoint.objects.filter(
                witness_name=witness["name"], tree_size=size, root_hash=root
            ).exists()
        ):
            return _("树大小 %(size)s 已见证。") % {"size": size}
        note_data = checkpoint_note(size, root)
        old = status.last_size if status.last_size <= size else 0
        try:
            try:
                lines = _submit_once(witness, old, size, root, note_data)
            except SubmissionError as exc:
                stale = exc.witness_size is not None and exc.witness_size != old
                if exc.status == 409 and stale and exc.witness_size <= size:
                    old = exc.witness_size
                    lines = _submit_once(witness, old, size, root, note_data)
                else:
                    raise
            _store(witness, size, root, note_data, lines)
        except (SubmissionError, N.NoteError, OSError) as exc:
            status.failures += 1
            status.last_error = str(exc)[:2000]
            status.last_error_at = clock.now()
            status.save()
            _log.error("witness %s refused or failed on size %s: %s", witness["name"], size, exc)
            if witness["url"]:
                _ledger_remote_refusal(witness, size, exc)
            failure = exc
        else:
            status.last_size = size
            status.last_ok_at = clock.now()
            status.failures = 0
            status.last_error = ""
            status.save()
            failure = None
    if failure is not None:  # raised after the status row is committed
        raise SubmissionError(str(failure), getattr(failure, "status", None))
    return _("见证方 %(name)s 已见证树大小 %(size)s。") % {"name": witness["name"], "size": size}


def _ledger_remote_refusal(witness, size, exc):
    """A remote witness refused (not a network failure): one leaf per (witness, status,
    witness size) — the embedded witness ledgers its own alerts."""
    status = getattr(exc, "status", None)
    if status not in (403, 404, 409, 422):
        return
    from sanxiang.ledger.events import EventType
    from sanxiang.ledger.models import Leaf
    from sanxiang.ledger.services import append

    subject = f"witness:{witness['name']}:{status}:{getattr(exc, 'witness_size', None)}"[:200]
    if Leaf.objects.filter(subject=subject).exists():
        return
    append(
        EventType.WITNESS_REFUSED,
        subject,
        {"witness": witness["name"], "status": status, "tree_size": size, "detail": str(exc)},
    )


def submit_latest() -> list[str]:
    """Submit to every witness; never raises. One summary line per witness."""
    out = []
    for witness in witnesses():
        try:
            out.append(submit_to(witness))
        except Exception as exc:  # recorded; the periodic job retries
            _log.warning("witness submission failed: %s", exc)
            out.append(_("见证方 %(name)s 未见证：%(e)s") % {"name": witness["name"], "e": exc})
    return out


def submit_on_commit() -> None:
    """Called by ``ledger.heads`` right after the head of a committed batch is signed and
    committed (inside that batch's on-commit callback). Turned off with
    ``SANXIANG_WITNESS_SUBMIT_ON_COMMIT = False`` (the periodic job still submits)."""
    if not getattr(settings, "SANXIANG_WITNESS_SUBMIT_ON_COMMIT", True):
        return
    submit_latest()


# ------------------------------------------------------------------------------ publish


def latest_cosigned() -> str | None:
    """The newest cosigned checkpoint with every cosignature held for it (all witnesses)."""
    newest = CosignedCheckpoint.objects.order_by("-tree_size", "-id").first()
    if newest is None:
        return None
    rows = CosignedCheckpoint.objects.filter(
        tree_size=newest.tree_size, root_hash=bytes(newest.root_hash)
    ).order_by("id")
    base = N.parse_note(newest.note)
    sigs = list(base.signatures[:1])  # the log's signature
    seen = {sigs[0].line()} if sigs else set()
    for row in rows:
        for s in N.parse_note(row.note).signatures[1:]:
            if s.line() not in seen:
                seen.add(s.line())
                sigs.append(s)
    return N.Note(base.text, sigs).serialise()


def _log_algorithm() -> str:
    from sanxiang.ledger.algorithm import log_algorithm

    return log_algorithm()


def witness_section(head_size: int, head_root: bytes) -> dict | None:
    """For a bundle: the latest cosigned checkpoint and a consistency proof between it and
    the bundle's head (smaller size first)."""
    from sanxiang.ledger import services

    data = latest_cosigned()
    if data is None:
        return None
    cp = N.parse_checkpoint_text(N.parse_note(data).text)
    small, large = sorted((cp.size, head_size))
    try:
        proof = services.consistency_proof(small, large) if 0 < small < large else []
    except Exception:  # the checkpoint is beyond this tree (a rollback): no section
        return None
    return {
        "format": "sanxiang-witness/1",
        "origin": log_origin(),
        "hash_algorithm": _log_algorithm(),
        "checkpoint": data,
        "consistency_proof": [N.b64(p) for p in proof],
        "witnesses": [
            {"name": w["name"], "public_key": N.b64(w["public_key"])} for w in witnesses()
        ],
    }
