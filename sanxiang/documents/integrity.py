"""Fixity of issued documents: the stored PDF/DOCX must still be the bytes that were issued.

An issued document's files are the record (the PDF is the sealed original served on the
party). Their SHA-256 is stored on the (trigger-protected) ``Document`` row and in its
``documents.issued`` ledger leaf. Two things check them:

* ``read_issued(doc, fmt, actor=None) -> bytes`` — every path that hands out the stored
  bytes of an issued document (workbench download/preview, API, case archive) reads them
  through this function. The bytes must hash to the row's SHA-256 *and* to the one in the
  ledger leaf; otherwise the download is refused with a ``DomainError`` (HTTP 409), an
  ERROR log line and a ``DocumentFixityAlert`` + ``documents.fixity_alert`` leaf
  (committed in their own transaction before the error is raised).
* ``fixity_check(limit=None)`` — the periodic job (``documents.periodic.run``, Celery task
  ``sanxiang.documents.tasks.fixity_check``) re-hashes the issued documents' files in id
  order, round robin with ``limit`` like the recordings' job, and raises the same kind of
  alert for each mismatch or missing file: a ``DocumentFixityAlert`` row, a ledger leaf,
  an ERROR log line and (first time a file is found in that state) a notification to the
  agency's head(s) and administrator(s).
"""

from __future__ import annotations

import hashlib
import logging

from django.db import transaction
from django.utils.translation import gettext as _

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, ErrorCode

from .models import (
    Document,
    DocumentFixityAlert,
    DocumentFixityRun,
    DocumentStatus,
    FixityProblem,
)

log = logging.getLogger("sanxiang.documents.fixity")

FORMATS = ("pdf", "docx")
_LEDGER_KEYS = {"pdf": "sha256", "docx": "docx_sha256"}


class TamperedDocument(DomainError):
    """The stored file of an issued document does not match what was issued."""

    def __init__(self, doc, fmt, problem):
        if problem == FixityProblem.MISSING:
            text = _(
                "文书“%(t)s”（%(n)s）的 %(f)s 文件缺失，已拒绝下载。"
                "该情况已记录并告警，请联系系统管理员核查。"
            )
        else:
            text = _(
                "文书“%(t)s”（%(n)s）的 %(f)s 文件与签发时记录的 SHA-256 不一致，"
                "可能已被篡改或损坏，已拒绝下载。该情况已记录并告警，请联系系统管理员核查。"
            )
        super().__init__(
            text % {"t": doc.title, "n": doc.number or doc.pk, "f": fmt.upper()},
            code=ErrorCode.CONFLICT,
        )
        self.document_id = doc.pk
        self.problem = problem


def _field(doc, fmt):
    if fmt == "pdf":
        return doc.pdf, doc.sha256
    if fmt == "docx":
        return doc.docx, doc.docx_sha256
    raise ValueError(f"unknown document file format: {fmt!r}")


def read_stored(doc, fmt) -> bytes | None:
    """The stored bytes of one file of ``doc`` as they are now, unchecked (None: missing)."""
    fieldfile, _expected = _field(doc, fmt)
    return _read(fieldfile) if fieldfile else None


def _read(fieldfile) -> bytes | None:
    try:
        fieldfile.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        return None
    try:
        return fieldfile.read()
    finally:
        fieldfile.close()


def _ledger_hashes(docs) -> dict:
    """{document id: ledger payload} of the issuing leaves of ``docs`` (one query)."""
    from sanxiang.ledger.models import Leaf

    by_index = {d.ledger_index: d.pk for d in docs if d.ledger_index is not None}
    out = {}
    for leaf in Leaf.objects.filter(index__in=list(by_index)):
        out[by_index[leaf.index]] = leaf.payload
    return out


def check_file(doc, fmt, data=None, ledger_payload=None):
    """(problem or None, expected sha256, actual sha256) for one stored file.

    ``ledger_payload``: the issuing leaf's payload when already loaded; loaded otherwise.
    The expected hash is the row's; a leaf that names another hash is a problem too
    (someone rewrote the row and the file together)."""
    fieldfile, expected = _field(doc, fmt)
    if data is None:
        data = _read(fieldfile) if fieldfile else None
    if data is None:
        return FixityProblem.MISSING, expected, ""
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected:
        return FixityProblem.MISMATCH, expected, actual
    if ledger_payload is None and doc.ledger_index is not None:
        ledger_payload = _ledger_hashes([doc]).get(doc.pk)
    if ledger_payload is None:
        return FixityProblem.LEDGER, expected, actual
    recorded = ledger_payload.get(_LEDGER_KEYS[fmt])
    if recorded is not None and recorded != actual:
        return FixityProblem.LEDGER, recorded, actual
    return None, expected, actual


def _raise_alert(doc, fmt, problem, expected, actual, *, run=None, via, actor=None):
    """One alert: row, ledger leaf, ERROR log line, notification (first time only).
    Call inside a transaction."""
    from sanxiang.ledger.events import EventType
    from sanxiang.ledger.services import append

    first = not DocumentFixityAlert.objects.filter(
        document=doc, file_format=fmt, problem=problem, actual_sha256=actual
    ).exists()
    alert = DocumentFixityAlert.objects.create(
        run=run,
        agency_id=doc.agency_id,
        document=doc,
        file_format=fmt,
        problem=problem,
        expected_sha256=expected,
        actual_sha256=actual,
        at=clock.now(),
    )
    append(
        EventType.DOCUMENT_FIXITY_ALERT,
        f"document:{doc.pk}",
        {
            "document_id": doc.pk,
            "case_id": doc.case_id,
            "number": doc.number,
            "format": fmt,
            "problem": problem,
            "expected_sha256": expected,
            "actual_sha256": actual or None,
            "via": via,
            "alert": alert.pk,
        },
        actor,
    )
    log.error(
        "FIXITY ALERT document %s (%s) %s: %s expected %s got %s (via %s, user %s)",
        doc.pk,
        doc.number,
        fmt,
        problem,
        expected,
        actual or "-",
        via,
        getattr(actor, "pk", None),
    )
    if first:
        _notify(doc, fmt, problem)
    return alert


def _notify(doc, fmt, problem):
    from django.urls import NoReverseMatch, reverse

    from sanxiang.notifications.services import notify
    from sanxiang.org.models import Role, User

    users = User.objects.filter(agency_id=doc.agency_id, role__in=[Role.HEAD, Role.ADMIN])
    try:
        url = reverse("documents:detail", args=[doc.pk])
    except NoReverseMatch:
        url = ""
    notify(
        users,
        _("文书完整性告警：%(t)s %(n)s") % {"t": doc.title, "n": doc.number or doc.pk},
        _("%(f)s 文件：%(p)s。该文书的下载已被拒绝，请核查存储并从备份恢复。")
        % {"f": fmt.upper(), "p": FixityProblem(problem).label},
        url,
    )


def read_issued(doc, fmt, actor=None) -> bytes:
    """The stored bytes of an issued document, checked against its recorded SHA-256 and
    the ledger leaf; ``TamperedDocument`` (logged and alerted) when they do not match."""
    if not doc.is_issued:
        raise ValueError("read_issued is for issued documents")
    fieldfile, _expected = _field(doc, fmt)
    data = _read(fieldfile) if fieldfile else None
    problem, expected, actual = check_file(doc, fmt, data)
    if problem is None:
        return data
    with transaction.atomic():
        _raise_alert(doc, fmt, problem, expected, actual, via="download", actor=actor)
    raise TamperedDocument(doc, fmt, problem)


def fixity_check(limit=None, now=None) -> DocumentFixityRun:
    """Re-hash the files of issued documents (all, or ``limit`` documents after the last
    run's cursor, wrapping around) and alert on every problem. Returns the run row;
    ``run.alerts`` names the documents."""
    started = now or clock.now()
    qs = Document.objects.filter(status=DocumentStatus.ISSUED).order_by("pk")
    cursor = 0
    if limit:
        last = DocumentFixityRun.objects.order_by("-pk").first()
        cursor = last.last_document_id if last else 0
        batch = list(qs.filter(pk__gt=cursor)[:limit])
        if len(batch) < limit:  # wrap around
            seen = {d.pk for d in batch}
            batch += [
                d for d in qs.filter(pk__lte=cursor)[: limit - len(batch)] if d.pk not in seen
            ]
    else:
        batch = list(qs)
    payloads = _ledger_hashes(batch)
    problems = []
    total = 0
    for doc in batch:
        for fmt in FORMATS:
            fieldfile, expected = _field(doc, fmt)
            if not fieldfile and not expected:
                continue  # a format this document never had
            data = _read(fieldfile) if fieldfile else None
            if data is not None:
                total += len(data)
            problem, expected, actual = check_file(doc, fmt, data, payloads.get(doc.pk, {}))
            if doc.pk not in payloads and problem is None:
                problem = FixityProblem.LEDGER
            if problem is not None:
                problems.append((doc, fmt, problem, expected, actual))
    with transaction.atomic():
        run = DocumentFixityRun.objects.create(
            started_at=started,
            finished_at=clock.now(),
            checked=len(batch),
            bytes_checked=total,
            failures=len(problems),
            last_document_id=batch[-1].pk if batch else cursor,
        )
        for doc, fmt, problem, expected, actual in problems:
            _raise_alert(doc, fmt, problem, expected, actual, run=run, via="fixity")
    return run
