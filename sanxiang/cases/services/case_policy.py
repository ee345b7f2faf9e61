"""Per-agency case procedure settings (``CasePolicy``): the only writer.

The amounts and time limits change how every later case is handled (hearing thresholds,
statement window, deadlines), so each change is checked and written to the ledger
(``case.policy_changed`` with before/after) in the same transaction.
"""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from sanxiang.core.errors import DomainError, ErrorCode, PermissionDenied
from sanxiang.ledger.events import EventType
from sanxiang.ledger.services import append
from sanxiang.org.models import Role

from ..models import CasePolicy

EDITABLE = (
    "number_prefix",
    "statement_window_workdays",
    "hearing_fine_person",
    "hearing_fine_org",
    "hearing_confiscation_person",
    "hearing_confiscation_org",
    "decision_days",
    "warn_days_before_deadline",
    "simple_filing_workdays",
    "simple_single_officer_basis",
)


def may_edit(user, agency_id=None) -> bool:
    """A platform superuser (no agency), or the head / administrator of the agency."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser and user.agency_id is None:
        return True
    if user.role not in (Role.HEAD, Role.ADMIN):
        return False
    return agency_id is None or agency_id == user.agency_id


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    return value


@transaction.atomic
def save_policy(agency, *, actor, values) -> CasePolicy:
    """Create or change ``agency``'s CasePolicy with ``values`` {field: value}."""
    if not may_edit(actor, agency.pk):
        raise PermissionDenied(_("只有本机关负责人或系统管理员可以修改办案规则设置。"))
    unknown = sorted(set(values) - set(EDITABLE))
    if unknown:
        raise DomainError(
            _("不能修改以下字段：%(f)s。") % {"f": "、".join(unknown)}, code=ErrorCode.UNKNOWN_FIELD
        )
    policy = CasePolicy.objects.select_for_update().filter(agency=agency).first()
    created = policy is None
    if created:
        policy = CasePolicy(agency=agency)
    changes = {}
    for name, after in values.items():
        before = getattr(policy, name)
        if created or _plain(before) != _plain(after):
            changes[name] = {"before": None if created else _plain(before), "after": _plain(after)}
            setattr(policy, name, after)
    if not changes:
        return policy
    if created:  # the first leaf holds every setting (the defaults too): the reconciliation
        for name in EDITABLE:  # compares the row with it (ledger/reconcile_rules.py)
            changes.setdefault(name, {"before": None, "after": _plain(getattr(policy, name))})
    if policy.decision_days < 1 or policy.statement_window_workdays < 1:
        raise DomainError(_("办案期限和陈述申辩期限至少为1日。"), code=ErrorCode.OUT_OF_RANGE)
    policy.full_clean()
    policy.save()
    append(
        EventType.CASE_POLICY_CHANGED,
        f"agency:{agency.pk}",
        {"agency": agency.pk, "created": created, "changes": changes},
        actor,
    )
    return policy
