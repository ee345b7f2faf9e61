"""Content-addressed, write-once storage of recordings through Django's storage API.

Key: ``recordings/<sha[:2]>/<sha>``. Local filesystem (``default_storage`` =
FileSystemStorage under MEDIA_ROOT) by default; S3-compatible object storage through
django-storages when ``STORAGE_URL=s3://bucket`` (enable object lock on the bucket in
production: the application never overwrites nor deletes outside the retention service).

This module deliberately has no delete function: the only code that removes a stored
file is ``sanxiang.records.retention.purge_expired`` (and the clean-up of a file this very
ingest created when its database transaction failed).
"""

from __future__ import annotations

import hashlib
import os

from django.core.files import File
from django.core.files.storage import default_storage

PREFIX = "recordings"
READ_BLOCK = 8 * 1024 * 1024


def key_for(sha256: str) -> str:
    sha256 = sha256.lower()
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("not a SHA-256 hex digest")
    return f"{PREFIX}/{sha256[:2]}/{sha256}"


class _LocalFile(File):
    """A finished temp file: FileSystemStorage moves it (rename) instead of copying."""

    def __init__(self, path):
        super().__init__(open(path, "rb"), name=os.path.basename(path))
        self._path = path

    def temporary_file_path(self):
        return self._path


def put(temp_path: str, sha256: str) -> tuple[str, bool]:
    """Store the file at ``temp_path`` under its content key.

    Returns ``(key, created)``; ``created`` is False when identical content was already
    stored (deduplicated; the temp file is then left for the caller to remove). Never
    overwrites an existing object.
    """
    key = key_for(sha256)
    if default_storage.exists(key):
        return key, False
    content = _LocalFile(temp_path)
    try:
        saved = default_storage.save(key, content)
    finally:
        content.close()
    if saved != key:
        # A concurrent ingest of the same content won the race: keep theirs.
        _remove(saved)
        return key, False
    return key, True


def exists(key: str) -> bool:
    return default_storage.exists(key)


def open_stored(key: str):
    return default_storage.open(key, "rb")


def size(key: str) -> int:
    return default_storage.size(key)


def hash_stored(key: str) -> tuple[str, int]:
    """Re-hash a stored object by streaming it. Returns (hex digest, size)."""
    h = hashlib.sha256()
    total = 0
    with default_storage.open(key, "rb") as fh:
        while True:
            block = fh.read(READ_BLOCK)
            if not block:
                break
            h.update(block)
            total += len(block)
    return h.hexdigest(), total


def _remove(key: str) -> None:
    """Internal: used by the retention service and by ingest roll-back only."""
    default_storage.delete(key)
