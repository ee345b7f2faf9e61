"""Checks other apps plug into the case lifecycle.

The legal-review gate of a decision is not registered here: ``services.decide`` calls it by
name (``services.effects.review_gate``), and ``documents.services.issue_document`` calls it
for any other path that issues a decision.

Activity checks
    ``register_activity_check(fn)`` with ``fn(case, activity, data, actor) -> list[str]``
    (warnings shown on the timeline; may be empty) or raising ``DomainError`` to refuse.
    ``activity`` is a ``RecordedActivity`` value or "" and ``data`` the activity's JSON.
    Called by ``services.record_event`` before the activity is written; the records app
    uses it for the audio/video requirements.

Functions are kept in registration order; registering the same function twice is a no-op.
"""

_activity_checks = []


def register_activity_check(fn):
    if fn not in _activity_checks:
        _activity_checks.append(fn)
    return fn


def unregister_activity_check(fn):
    if fn in _activity_checks:
        _activity_checks.remove(fn)


def run_activity_checks(case, activity, data, actor):
    """Run the activity checks; returns the collected warnings (strings)."""
    warnings = []
    for check in list(_activity_checks):
        result = check(case, activity, data, actor)
        if result:
            warnings.extend(str(w) for w in result)
    return warnings
