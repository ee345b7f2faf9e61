"""Signals of the case lifecycle (all sent inside the transaction of the change).

decision_issued(sender=Case, case, document, actor)
    a decision was issued (``document`` is the issued decision Document or None).
decision_withdrawn(sender=Case, case, reason, kind, actor)
    an issued decision was revoked / confirmed illegal / ordered redone
    (``kind`` in ``WithdrawalKind``: revoked, confirmed_illegal, ordered_redone).
case_stage_changed(sender=Case, case, old_stage, new_stage, actor)
    the case moved from one stage to another.
case_event_recorded(sender=Case, case, event, actor)
    a timeline entry (``CaseEvent``) was appended.
"""

from django.dispatch import Signal

decision_issued = Signal()
decision_withdrawn = Signal()
case_stage_changed = Signal()
case_event_recorded = Signal()
