"""What the records app needs to know about a case, in one place (the cases app owns Case)."""

from __future__ import annotations

from sanxiang.core.errors import DomainError, ErrorCode


def get_case(case_id):
    from django.utils.translation import gettext as _

    from sanxiang.cases.models import Case

    try:
        return Case.objects.select_related("agency").get(pk=int(case_id))
    except (TypeError, ValueError, Case.DoesNotExist):
        raise DomainError(_("案件不存在。"), code=ErrorCode.NOT_FOUND)


def handler_user_ids(case) -> set[int]:
    """Login users who handle ``case`` (承办人)."""
    from sanxiang.cases.models import CaseHandler

    ids = set()
    for row in CaseHandler.objects.filter(case=case).select_related("officer"):
        user_id = getattr(row, "user_id", None)
        if user_id:
            ids.add(user_id)
        officer = getattr(row, "officer", None)
        if officer is not None and officer.user_id:
            ids.add(officer.user_id)
    return ids


def is_handler(case, user) -> bool:
    return bool(user and user.is_authenticated and user.pk in handler_user_ids(case))


def case_number(case) -> str:
    return str(getattr(case, "number", "") or "")


def case_label(case) -> str:
    number = case_number(case)
    title = getattr(case, "title", "") or getattr(case, "cause", "") or ""
    return f"{number} {title}".strip() or f"#{case.pk}"
