"""Keep the decision index fresh: a saved or deleted decision bumps the decision generation.

Receivers (connected in ``AssistConfig.ready``) on the two tables the index reads:

* ``cases.Case`` — a save of a case that is decided, or was decided when it was loaded
  (a decision ordered redone clears ``decision_at``: the case must leave the index), and
  the deletion of such a case. Saves of undecided cases (most saves) cost nothing here.
* ``publicity.Snapshot`` — every save and deletion (published, withdrawn, corrected).

``services.decisions_changed`` marks this process's index stale at once and bumps the
generation row when the transaction commits. Writes that send no signal (``bulk_create``,
``QuerySet.update``, raw SQL, a restore) are found by the periodic fingerprint check
(``ASSIST_DECISION_RECHECK_SECONDS``) instead.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_init, post_save


def _decided(instance) -> bool | None:
    """Whether the case has a decision; None when ``decision_at`` was not loaded."""
    if "decision_at" not in instance.__dict__:
        return None
    return instance.__dict__["decision_at"] is not None


def _was_decided(sender, instance, **kwargs):
    instance._assist_was_decided = bool(_decided(instance))


def _case_changed(sender, instance, **kwargs):
    """post_save and post_delete of a case: decided now, before, or not known (deferred)."""
    now = _decided(instance)
    if now is not False or getattr(instance, "_assist_was_decided", False):
        from . import services

        services.decisions_changed("case", instance.pk)
    instance._assist_was_decided = bool(now)


def _snapshot_changed(sender, instance, **kwargs):
    from . import services

    services.decisions_changed("snapshot", instance.pk)


def connect() -> None:
    from sanxiang.cases.models import Case
    from sanxiang.publicity.models import Snapshot

    post_init.connect(_was_decided, sender=Case, dispatch_uid="assist_case_init")
    post_save.connect(_case_changed, sender=Case, dispatch_uid="assist_case_saved")
    post_delete.connect(_case_changed, sender=Case, dispatch_uid="assist_case_deleted")
    post_save.connect(_snapshot_changed, sender=Snapshot, dispatch_uid="assist_snap_saved")
    post_delete.connect(_snapshot_changed, sender=Snapshot, dispatch_uid="assist_snap_deleted")
