"""Registries through which other apps contribute to a case's page and archive.

Archive contributors (``register_archive_contributor(fn)``)
    ``fn(case) -> iterable of ArchiveItem`` (or plain dicts with the same keys):
    ``path`` (relative path inside the bag's data/ directory, e.g. "documents/3-决定书.pdf"),
    ``content`` (bytes) or ``source`` (a filesystem path or a file-like object opened for
    reading), and optional ``meta`` (JSON-serialisable dict listed in metadata.json) and
    ``ledger_indices`` (leaf indices to include in the ledger bundle).

Timeline contributors (``register_timeline_contributor(fn)``)
    ``fn(case) -> iterable of dict`` with ``at`` (datetime), ``kind`` (short label, zh),
    ``summary``, optional ``actor_name``, ``url``, ``proof`` (e.g. "已入账本 #12" or a
    sha256), ``ledger_index``. Shown on the case page merged with the case's own events.

Missing-item providers (``register_missing_items(fn)``)
    ``fn(case, today) -> iterable of dict`` with ``level`` ("error" overdue / "warn"
    missing or due soon) and ``message`` (zh). Shown with the case's own warnings.
"""

from dataclasses import dataclass, field

_archive = []
_timeline = []
_missing = []


@dataclass
class ArchiveItem:
    path: str
    content: bytes | None = None
    source: object = None
    meta: dict = field(default_factory=dict)
    ledger_indices: list = field(default_factory=list)


def _register(registry, fn):
    if fn not in registry:
        registry.append(fn)
    return fn


def register_archive_contributor(fn):
    return _register(_archive, fn)


def register_timeline_contributor(fn):
    return _register(_timeline, fn)


def register_missing_items(fn):
    return _register(_missing, fn)


def archive_contributors():
    return list(_archive)


def timeline_contributors():
    return list(_timeline)


def missing_item_providers():
    return list(_missing)
