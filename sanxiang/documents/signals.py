"""Signals of the documents app (sent inside the transaction of the change).

document_issued(sender=Document, document, actor)
    a draft was issued (number, PDF, hash, ledger leaf written).
document_corrected(sender=Document, original, correction, reason, actor)
    ``correction`` (a new issued version) replaces ``original``; e.g. the cases app may
    point the case's decision number at the correction.
"""

from django.dispatch import Signal

document_issued = Signal()
document_corrected = Signal()
