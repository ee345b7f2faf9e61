"""Decided cases without their publication record: found, retried and flagged.

A decision stands when its publication record cannot be created (``cases.services.effects
.publish``; docs/architecture.md, "The path of one decision"). Such a case must not stay
silent:

* ``missing_cases()`` — decided cases (decision in force, outcome published) with no
  publication record of the current decision: the record of its decision document, or,
  for a decision without a document, any record of the case;
* ``flag_missing(case, reason)`` — notifies the agency's head(s) and the case's handlers
  once per case (「决定未生成公示记录」, with the reason and a link to the case);
* ``run(stdout)`` (from ``publicity.periodic``) retries each missing case once per run
  (idempotent per source key) and flags those that still fail;
* the 待办 kind ``publication_missing`` lists them for the head and the handlers for as long
  as they are missing (computed from the records, not stored).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from sanxiang.core.errors import DomainError

from .models import Publication

TITLE = "决定未生成公示记录"
LIMIT = 500  # cases retried per run (the rest next run)


def missing_cases(agency_ids=None):
    """Queryset of decided cases that have no publication record of their decision."""
    from sanxiang.cases.models import Case

    from .handlers import NOT_PUBLISHED_OUTCOMES

    of_document = Publication.objects.filter(
        case_id=OuterRef("pk"), document_id=OuterRef("decision_document_id")
    )
    of_case = Publication.objects.filter(case_id=OuterRef("pk"))
    qs = (
        Case.objects.filter(decision_at__isnull=False, withdrawal_kind="")
        .exclude(decision_outcome__in=NOT_PUBLISHED_OUTCOMES)
        .alias(has_doc_pub=Exists(of_document), has_case_pub=Exists(of_case))
        .filter(
            Q(decision_document_id__isnull=False, has_doc_pub=False)
            | Q(decision_document_id__isnull=True, has_case_pub=False)
        )
    )
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=list(agency_ids))
    return qs.order_by("decision_at", "pk")


def _case_url(case) -> str:
    return reverse("cases:detail", args=[case.pk])


def flag_missing(case, reason: str = "") -> int:
    """Notify the head(s) of the case's agency and its handlers, once per case."""
    from sanxiang.notifications.models import Notification
    from sanxiang.notifications.services import notify
    from sanxiang.org.models import Role, User

    url = _case_url(case)
    title = f"{TITLE}：{case.number or case.title}"[:200]
    if Notification.objects.filter(title=title, url=url).exists():
        return 0
    users = User.objects.filter(
        Q(agency_id=case.agency_id, role=Role.HEAD) | Q(officer__case_roles__case=case),
        is_active=True,
    ).distinct()
    body = _("该案件已作出决定，但未能生成公示记录，须补录公示。原因：%(r)s") % {
        "r": reason or _("未知（由定期检查发现）")
    }
    return notify(users, title, body, url)


def retry(case):
    """Create the publication record once more (savepoint); returns it or raises
    ``DomainError``."""
    from sanxiang.documents.models import Document

    from .handlers import publish_case_decision

    document = None
    if case.decision_document_id:
        document = Document.objects.filter(pk=case.decision_document_id).first()
    with transaction.atomic():
        return publish_case_decision(case, document, None)


def sweep() -> dict:
    """Retry every decided case without its publication record; flag those still missing."""
    repaired = flagged = 0
    missing = list(missing_cases().select_related("agency")[:LIMIT])
    for case in missing:
        try:
            retry(case)
            repaired += 1
        except DomainError as exc:
            flag_missing(case, str(exc.message))
            flagged += 1
    return {"missing": len(missing), "repaired": repaired, "flagged": flagged}


def run(stdout) -> dict:
    result = sweep()
    stdout.write(
        f"publicity sweep: {result['missing']} decided cases without a publication record, "
        f"{result['repaired']} created, {result['flagged']} flagged\n"
    )
    return result


def todo(user):
    """待办 「决定未生成公示记录」: the head sees the agency's, a handler the cases they handle."""
    from sanxiang.notifications.inbox import LIMIT as TODO_LIMIT
    from sanxiang.notifications.inbox import Todo
    from sanxiang.org.models import Role

    if user.role not in (Role.HANDLER, Role.HEAD):
        return []
    qs = missing_cases([user.agency_id])
    if user.role == Role.HANDLER:
        qs = qs.filter(handlers__officer__user=user).distinct()
    label = _(TITLE)
    return [
        Todo(
            "publication_missing",
            label,
            f"{c.number} {c.title}".strip() if c.number else c.title,
            _case_url(c),
        )
        for c in qs[:TODO_LIMIT]
    ]
