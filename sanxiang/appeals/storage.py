"""Outcome documents: validated like evidence uploads (content sniffed, not trusted from the
name), stored content-addressed and write-once (``appeals/<sha[:2]>/<sha>``)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from sanxiang.core.errors import DomainError, ErrorCode
from sanxiang.records import sniff

PREFIX = "appeals"
ALLOWED = (sniff.PDF, sniff.JPEG, sniff.PNG)


def max_bytes() -> int:
    return int(getattr(settings, "SANXIANG_APPEAL_DOCUMENT_MAX_BYTES", 20 * 1024 * 1024))


def check(name: str, data: bytes):
    """The sniffed type of an outcome document; refuses empty, too large or other types."""
    if not data:
        raise DomainError(_("结果文书文件为空。"), code=ErrorCode.BAD_FILE)
    if len(data) > max_bytes():
        raise DomainError(
            _("结果文书文件过大（上限 %(m)s MB）。") % {"m": max_bytes() // (1024 * 1024)},
            code=ErrorCode.BAD_FILE,
        )
    found = sniff.sniff(data[: sniff.HEAD_BYTES])
    if found not in ALLOWED:
        raise DomainError(_("结果文书须为 PDF 文件或 JPG、PNG 扫描件。"), code=ErrorCode.BAD_FILE)
    ext = sniff.extension_of(name)
    if ext and ext not in found.extensions:
        raise DomainError(
            _("文件扩展名“%(e)s”与文件内容（%(t)s）不符。") % {"e": ext, "t": found.mime},
            code=ErrorCode.BAD_FILE,
        )
    return found


def put(data: bytes) -> tuple[str, str]:
    """Store ``data`` once; returns (key, sha256)."""
    sha = hashlib.sha256(data).hexdigest()
    key = f"{PREFIX}/{sha[:2]}/{sha}"
    if not default_storage.exists(key):
        default_storage.save(key, ContentFile(data))
    return key, sha


def open_stored(key: str):
    return default_storage.open(key, "rb")
