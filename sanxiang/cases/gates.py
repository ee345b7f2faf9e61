"""Gates and hooks other apps plug into the case lifecycle.

Decision gates
    ``register_decision_gate(fn)`` with ``fn(case, document, actor)``; the function raises
    ``DomainError`` to refuse issuing the decision (e.g. the legal-review gate registered
    by ``sanxiang.review`` in its ``AppConfig.ready()``). ``services.decide`` calls
    ``run_decision_gates`` before it writes anything. ``document`` may be ``None`` when a
    decision is recorded without a document (e.g. act types whose decision is a form).

Activity checks
    ``register_activity_check(fn)`` with ``fn(case, activity, data, actor) -> list[str]``
    (warnings shown on the timeline; may be empty) or raising ``DomainError`` to refuse.
    ``activity`` is a ``RecordedActivity`` value or "" and ``data`` the activity's JSON.
    Called by ``services.record_event`` before the activity is written; the records app
    uses it for the audio/video requirements.

Functions are kept in registration order; registering the same function twice is a no-op.
"""

_decision_gates = []
_activity_checks = []


def register_decision_gate(fn):
    if fn not in _decision_gates:
        _decision_gates.append(fn)
    return fn


def unregister_decision_gate(fn):
    if fn in _decision_gates:
        _decision_gates.remove(fn)


def decision_gates():
    return list(_decision_gates)


def run_decision_gates(case, document, actor):
    """Run every registered gate; the first DomainError refuses the decision."""
    for gate in list(_decision_gates):
        gate(case, document, actor)


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
