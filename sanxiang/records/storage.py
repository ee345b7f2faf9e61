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
from django.utils.functional import empty

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
    for block in iter_range(key):
        h.update(block)
        total += len(block)
    return h.hexdigest(), total


def _s3():
    """The django-storages S3 backend behind ``default_storage``, or None (local files)."""
    try:
        from storages.backends.s3 import S3Storage
    except ImportError:  # pragma: no cover - django-storages is a pinned dependency
        return None
    backend = default_storage._wrapped if default_storage._wrapped is not empty else None
    if backend is None:
        default_storage._setup()
        backend = default_storage._wrapped
    return backend if isinstance(backend, S3Storage) else None


def _s3_body(backend, key, byte_range=None):
    """The streaming body of one GET of ``key`` (``Range: bytes=…`` when given)."""
    from botocore.exceptions import ClientError
    from storages.utils import clean_name

    obj = backend.bucket.Object(backend._normalize_name(clean_name(key)))
    try:
        reply = obj.get(Range=byte_range) if byte_range else obj.get()
    except ClientError as err:
        if err.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
            raise FileNotFoundError(f"File does not exist: {key}") from err
        raise
    return reply["Body"]


def iter_range(key: str, start: int = 0, length: int | None = None, block: int = READ_BLOCK):
    """The stored bytes ``start .. start+length-1`` (to the end when ``length`` is None),
    in blocks, without reading the rest of the object: a ranged GET streamed from S3 (the
    S3 file object of django-storages would first download the whole object), a seek in a
    local file. ``FileNotFoundError`` when the object is missing."""
    if length is not None and length <= 0:
        return
    backend = _s3()
    if backend is not None:
        byte_range = None
        if start or length is not None:
            end = "" if length is None else start + length - 1
            byte_range = f"bytes={start}-{end}"
        body = _s3_body(backend, key, byte_range)
        try:
            yield from body.iter_chunks(block)
        finally:
            body.close()
        return
    with default_storage.open(key, "rb") as fh:
        fh.seek(start)
        left = length
        while left is None or left > 0:
            data = fh.read(block if left is None else min(block, left))
            if not data:
                break
            if left is not None:
                left -= len(data)
            yield data


def open_stream(key: str):
    """A read-once file object (``read(n)``, ``close()``) over the stored bytes: the S3
    response body streamed as it is read, or the local file."""
    backend = _s3()
    if backend is not None:
        return _s3_body(backend, key)
    return default_storage.open(key, "rb")


def _remove(key: str) -> None:
    """Internal: used by the retention service and by ingest roll-back only."""
    default_storage.delete(key)
