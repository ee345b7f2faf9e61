"""Attachments of a public complaint: photos (JPEG/PNG/GIF) and PDFs.

The type is sniffed from the bytes (``records.sniff``), never taken from the name or the
browser; the name's extension must agree with the content (a ``.pdf`` that is a JPEG, or an
executable named ``.jpg``, is refused). At most ``SANXIANG_COMPLAINT_ATTACHMENTS`` (5) files
of ``SANXIANG_COMPLAINT_ATTACHMENT_MB`` (10) MB each. Stored content-addressed and write-once
like the recordings; the SHA-256 of each goes into the submission's ledger leaf.
"""

from __future__ import annotations

import hashlib
import os

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from sanxiang.records.sniff import GIF, JPEG, PDF, PNG, sniff

ALLOWED = (JPEG, PNG, GIF, PDF)
PREFIX = "complaints"


def max_count() -> int:
    return int(getattr(settings, "SANXIANG_COMPLAINT_ATTACHMENTS", 5))


def max_bytes() -> int:
    return int(getattr(settings, "SANXIANG_COMPLAINT_ATTACHMENT_MB", 10)) * 1024 * 1024


def read_checked(files) -> tuple[list[dict], list[str]]:
    """Read and check the uploaded ``files``: (accepted items, error messages)."""
    files = [f for f in files or [] if f is not None and getattr(f, "name", "")]
    errors: list[str] = []
    if len(files) > max_count():
        return [], [_("附件最多 %(n)s 个。") % {"n": max_count()}]
    items = []
    limit = max_bytes()
    for f in files:
        name = os.path.basename(f.name)[:255]
        data = f.read(limit + 1)
        if len(data) > limit:
            errors.append(
                _("附件“%(f)s”超过 %(m)s MB。") % {"f": name, "m": limit // (1024 * 1024)}
            )
            continue
        if not data:
            errors.append(_("附件“%(f)s”是空文件。") % {"f": name})
            continue
        kind = sniff(data[:64])
        if kind not in ALLOWED:
            errors.append(_("附件“%(f)s”不是照片（JPG、PNG、GIF）或 PDF 文件。") % {"f": name})
            continue
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if ext not in kind.extensions:
            errors.append(
                _("附件“%(f)s”的扩展名与文件内容不符（内容为 %(t)s）。")
                % {"f": name, "t": kind.extensions[0].upper()}
            )
            continue
        items.append(
            {
                "name": name,
                "data": data,
                "content_type": kind.mime,
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        )
    return (items if not errors else []), errors


def store(item) -> str:
    """Write-once, content-addressed; returns the storage key."""
    sha = item["sha256"]
    key = f"{PREFIX}/{sha[:2]}/{sha}"
    if not default_storage.exists(key):
        saved = default_storage.save(key, ContentFile(item["data"]))
        if saved != key:  # a concurrent identical upload won: keep theirs
            default_storage.delete(saved)
    return key


def open_stored(attachment):
    return default_storage.open(attachment.storage_key, "rb")
