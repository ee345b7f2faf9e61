"""The hash algorithm of this deployment's log (issue #16 item 7, 国密 option).

A log is created with one algorithm and keeps it for life: the ``LogParameters`` row
(append-only by trigger) is written together with the first leaf (or the first signed
head, if that comes first). Until then the
algorithm a new log will get is ``settings.SANXIANG_LEDGER_HASH`` (``"sha256"`` by
default, ``"sm3"`` for deployments that must pass 密评). Changing the setting later does
nothing to an existing log (a log that mixed algorithms could not be verified); a log
written before this module existed is SHA-256 (migration 0003 records that).

    configured() -> str             # the setting, validated
    log_algorithm() -> str          # the log's (or, before its first leaf, the setting's)
    log_hasher() -> merkle.Hasher
    create_if_missing() -> Hasher   # called by ``services.append_many`` under the lock
    check_hash_setting(...)         # system checks sanxiang.E102 / sanxiang.W102

``manage.py check`` (and runserver, migrate …) fails with ``sanxiang.E102`` on an unknown
``SANXIANG_LEDGER_HASH`` and warns with ``sanxiang.W102`` when the setting differs from the
existing log's algorithm: the setting is then ignored, the log keeps its own.
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, DatabaseError

from sanxiang.core import clock

from . import merkle
from .models import Leaf, LogParameters

SETTING = "SANXIANG_LEDGER_HASH"
ERROR_ID = "sanxiang.E102"
WARNING_ID = "sanxiang.W102"


def configured() -> str:
    name = str(getattr(settings, SETTING, "sha256") or "sha256").lower()
    if name not in merkle.HASHERS:
        raise ImproperlyConfigured(
            f"{SETTING}={name!r}: the ledger hash must be one of {sorted(merkle.HASHERS)}"
        )
    return name


def stored_algorithm() -> str | None:
    return LogParameters.objects.filter(pk=1).values_list("hash_algorithm", flat=True).first()


def log_algorithm() -> str:
    """The log's algorithm; for a log without leaves yet, the one it will be created with."""
    name = stored_algorithm()
    if name is not None:
        return name
    # Leaves without a parameters row: a log written before migration 0003 ran its data
    # step (it had no leaves then) cannot exist, but a restored dump might lack the row.
    return "sha256" if Leaf.objects.exists() else configured()


def log_hasher() -> merkle.Hasher:
    return merkle.hasher(log_algorithm())


def create_if_missing() -> merkle.Hasher:
    """The log's hasher, writing the parameters row first if the log has none (its first
    append). Call under the tree-state lock (``services.append_many`` does)."""
    name = stored_algorithm()
    if name is None:
        name = "sha256" if Leaf.objects.exists() else configured()
        LogParameters.objects.bulk_create(
            [LogParameters(pk=1, hash_algorithm=name, created_at=clock.now())],
            ignore_conflicts=True,
        )
        name = stored_algorithm() or name
    return merkle.hasher(name)


def check_hash_setting(app_configs=None, databases=None, **kwargs):
    """``sanxiang.E102``: the setting names no known algorithm. ``sanxiang.W102``: the log
    exists with another algorithm than the setting names (the setting is ignored)."""
    try:
        wanted = configured()
    except ImproperlyConfigured as exc:
        return [
            checks.Error(
                f"账本哈希算法设置无效：{exc}",
                hint="SANXIANG_LEDGER_HASH 只能是 sha256 或 sm3（国密）。",
                obj=SETTING,
                id=ERROR_ID,
            )
        ]
    messages = []
    for alias in databases or [DEFAULT_DB_ALIAS]:
        try:
            name = LogParameters.objects.using(alias).values_list("hash_algorithm", flat=True)
            name = name.filter(pk=1).first()
        except DatabaseError:
            continue  # no database or table yet (before migrate): nothing to compare
        if name is not None and name != wanted:
            messages.append(
                checks.Warning(
                    f"现有账本按 {name} 哈希创建，{SETTING}={wanted!r} 不会改变它：算法只在"
                    f"新建账本时选定，已忽略此设置。 The existing ledger ({alias}) is hashed "
                    f"with {name}; {SETTING}={wanted!r} applies only to a new log and is ignored.",
                    hint=f"Set {SETTING} = {name!r} (or remove it) to silence this warning.",
                    obj=SETTING,
                    id=WARNING_ID,
                )
            )
    return messages


def register_checks():
    checks.register(check_hash_setting, "sanxiang")
