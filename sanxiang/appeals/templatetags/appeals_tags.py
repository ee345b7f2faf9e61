"""``{% case_remedies case as r %}``: the 复议/诉讼 and 移送 records of a case for its page."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def case_remedies(context, case):
    from sanxiang.appeals.models import Appeal
    from sanxiang.appeals.services import RECORDER_ROLES
    from sanxiang.cases.models import Stage
    from sanxiang.org.models import Role
    from sanxiang.transfers.models import PoliceTransfer

    request = context.get("request")
    user = getattr(request, "user", None)
    appeals = list(Appeal.objects.filter(case=case).order_by("applied_on", "id"))
    transfers = list(PoliceTransfer.objects.filter(case=case).order_by("id"))
    may_act = bool(
        user is not None
        and user.is_authenticated
        and user.agency_id == case.agency_id
        and user.role in RECORDER_ROLES
    )
    may_transfer = bool(
        may_act
        and user.role == Role.HEAD
        and case.stage not in (Stage.OPENING, Stage.ARCHIVED, Stage.TERMINATED)
    )
    may_appeal = may_act and case.decision_at is not None
    return {
        "appeals": appeals,
        "transfers": transfers,
        "may_act": may_act,
        "may_appeal": may_appeal,
        "may_transfer": may_transfer,
        "show": bool(appeals or transfers or may_appeal or may_transfer),
    }
